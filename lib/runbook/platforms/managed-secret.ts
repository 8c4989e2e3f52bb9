import { awsCli } from '../aws-cli';

/**
 * What the runbook says about a generated, rotated secret: how to rotate it now, and the rotation
 * behaviour the service must live with. Nothing restarts tasks on rotation: running tasks keep the
 * value they started with (AWSPREVIOUS once rotated) while tasks started later get AWSCURRENT, so
 * the service accepts both (its task role may read both stages); a second rotation drops the
 * oldest value, so every task must be replaced within one rotation period (any deployment does).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html
 */
export function managedSecretNote(region: string | undefined, name: string, rotationDays: number): string {
  const aws = awsCli(region);
  return (
    `Secret \`${name}\` rotates every ${rotationDays} days (rotate now: \`${aws`secretsmanager rotate-secret --secret-id ${name}`}\`). ` +
    'Rotation restarts nothing: running tasks keep the value they started with (then AWSPREVIOUS) and tasks started later (autoscaling, replacements) get AWSCURRENT, ' +
    `so the service must accept both; its task role may read either (\`${aws`secretsmanager get-secret-value --secret-id ${name} --version-stage AWSPREVIOUS --query VersionId --output text`}\`). ` +
    `A second rotation drops the oldest value: replace every task within ${rotationDays} days of a rotation (a deployment does).`
  );
}
