/**
 * Source of the rotation function for generated opaque secrets (tokens, signing keys). It follows
 * the Secrets Manager four-step protocol; an opaque secret has no downstream system, so setSecret
 * and testSecret have nothing to do. The new value has the length of the current one.
 * Runs on the Lambda Node.js runtime, which ships the AWS SDK v3.
 */
export const ROTATION_HANDLER_SOURCE = `
const sm = require('@aws-sdk/client-secrets-manager');
const client = new sm.SecretsManagerClient({});
exports.handler = async (event) => {
  const { SecretId: id, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new sm.DescribeSecretCommand({ SecretId: id }));
  if (!meta.RotationEnabled) throw new Error('rotation is not enabled for ' + id);
  const versions = meta.VersionIdsToStages || {};
  if (!versions[token]) throw new Error('version ' + token + ' is not staged for rotation of ' + id);
  if (versions[token].includes('AWSCURRENT')) return;
  if (step === 'createSecret') {
    try {
      await client.send(new sm.GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));
      return;
    } catch (e) {
      if (e.name !== 'ResourceNotFoundException') throw e;
    }
    const current = await client.send(new sm.GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSCURRENT' }));
    const length = Math.max(16, (current.SecretString || '').length);
    const random = await client.send(new sm.GetRandomPasswordCommand({ PasswordLength: length, ExcludePunctuation: true }));
    await client.send(new sm.PutSecretValueCommand({ SecretId: id, ClientRequestToken: token, SecretString: random.RandomPassword, VersionStages: ['AWSPENDING'] }));
  } else if (step === 'setSecret' || step === 'testSecret') {
    return;
  } else if (step === 'finishSecret') {
    const current = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));
    await client.send(new sm.UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
  } else {
    throw new Error('unknown rotation step ' + step);
  }
};
`;
