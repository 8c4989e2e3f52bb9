import { Testing } from 'cdk8s';
import { Duration } from '../../lib/model';
import { ExternalSecrets, type ExternalSecretsProps } from '../../constructs/k8s';
import { bashSyntaxError, objectOf, validateObject, type Manifest } from './helpers';

const secrets = [
  { name: 'db-password', envVar: 'DB_PASSWORD', secretName: 'shop/prod/db-password' },
  { name: 'signing-key', envVar: 'SIGNING_KEY', secretName: 'shop/prod/signing-key', rotationDays: 7 },
];

function synth(overrides: Partial<ExternalSecretsProps> = {}): { construct: ExternalSecrets; manifests: Manifest[] } {
  const chart = Testing.chart();
  const construct = new ExternalSecrets(chart, 'Secrets', {
    namespace: 'shop-prod',
    name: 'shop-prod',
    region: 'eu-west-1',
    secrets,
    ...overrides,
  });
  return { construct, manifests: Testing.synth(chart) };
}

describe('ExternalSecrets', () => {
  const { construct, manifests } = synth();

  test('every object validates against the external-secrets.io/v1 schema', () => {
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'external-secrets.io/v1 SecretStore',
      'external-secrets.io/v1 ExternalSecret',
      'external-secrets.io/v1 ExternalSecret',
    ]);
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
  });

  test('the schema check rejects a misspelt field', () => {
    const bad = { ...manifests[1], spec: { ...manifests[1].spec, refreshIntervall: '1h' } };
    expect(() => validateObject(bad)).toThrow(/ExternalSecret shop-prod\/shop-prod-db-password is invalid: .*additional properties/);
  });

  test('a SecretStore for AWS Secrets Manager in the region', () => {
    expect(objectOf(manifests, 'SecretStore').spec).toEqual({ provider: { aws: { service: 'SecretsManager', region: 'eu-west-1' } } });
  });

  test('one ExternalSecret per secret, by physical name, refreshed hourly into an owned Secret', () => {
    expect(objectOf(manifests, 'ExternalSecret', 'shop-prod-signing-key').spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'shop-prod', kind: 'SecretStore' },
      target: { name: 'shop-prod-signing-key', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'value', remoteRef: { key: 'shop/prod/signing-key' } }],
    });
  });

  test('tells the workload where each variable comes from', () => {
    expect(construct.environmentVariables).toEqual([
      { envVar: 'DB_PASSWORD', secretName: 'shop-prod-db-password', key: 'value' },
      { envVar: 'SIGNING_KEY', secretName: 'shop-prod-signing-key', key: 'value' },
    ]);
  });

  test('IRSA service account when given', () => {
    expect(objectOf(synth({ serviceAccountName: 'shop-secrets' }).manifests, 'SecretStore').spec.provider.aws.auth).toEqual({
      jwt: { serviceAccountRef: { name: 'shop-secrets' } },
    });
  });

  test('runbook facts name secrets by reference and their commands parse', () => {
    const facts = construct.runbookFacts();
    expect(facts.secrets?.[1]).toEqual({
      name: 'shop/prod/signing-key → Secret shop-prod/shop-prod-signing-key',
      envVar: 'SIGNING_KEY',
      rotation: '7d, re-read every 1h',
    });
    for (const c of facts.deploy ?? []) expect(bashSyntaxError(c.command)).toBeUndefined();
  });

  test('fails when the refresh interval is not shorter than a rotation', () => {
    expect(() => synth({ refreshInterval: Duration.days(7) })).toThrow(
      'secrets[1] ("signing-key") rotates every 7d but refreshInterval is 7d; make refreshInterval shorter than the rotation, so the Secret (and, through Reloader, the pods) has the new value before the old one is retired',
    );
  });
});
