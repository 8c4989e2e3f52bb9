import type { AwsCall } from '../aws-command-model';
import { Fail, StateFail, iso, type Clock, type Templates } from './templates';

interface Version {
  readonly id: string;
  stages: string[];
  readonly created: number;
}

/**
 * Secrets Manager secrets and their version stages through rotation
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html):
 * createSecret puts AWSPENDING on a new version, setSecret/testSecret change the database, and
 * finishSecret moves AWSCURRENT to it (the old version becomes AWSPREVIOUS). A rotation that fails
 * before finishSecret leaves AWSPENDING on the new version and AWSCURRENT where it was.
 * `update-secret-version-stage` moves a label: to move AWSCURRENT, name the version that has it
 * with `--remove-from-version-id`
 * (https://docs.aws.amazon.com/cli/latest/reference/secretsmanager/update-secret-version-stage.html).
 */
export class SecretsPlane {
  private readonly secrets = new Map<string, { versions: Version[]; accepted?: string; rotationFailed: boolean }>();

  constructor(
    private readonly t: Templates,
    private readonly clock: Clock,
  ) {}

  private secret(id: string, region: string) {
    const managed = this.t.all('AWS::SecretsManager::Secret', region).some((r) => r.props.Name === id);
    if (!managed && !this.t.mentions(region, `:secret:${id}`)) throw new Fail(`ResourceNotFoundException: no secret ${id} in ${region}`);
    if (!this.secrets.has(id))
      this.secrets.set(id, {
        versions: [{ id: 'v1', stages: ['AWSCURRENT'], created: -30 * 86400 }],
        accepted: 'v1',
        rotationFailed: false,
      });
    return this.secrets.get(id)!;
  }

  /** The incident: a rotation failed at setSecret (AWSPENDING left on v2; the database still accepts v1). */
  public rotationFailed(id: string, region: string): void {
    const s = this.secret(id, region);
    s.versions.push({ id: 'v2', stages: ['AWSPENDING'], created: -600 });
    s.rotationFailed = true;
  }

  public stagesOf(id: string): Record<string, string[]> {
    return Object.fromEntries((this.secrets.get(id)?.versions ?? []).map((v) => [v.id, v.stages]));
  }

  /** Whether AWSCURRENT is the value the database accepts. */
  public currentWorks(id: string): boolean {
    const s = this.secrets.get(id);
    return !!s && s.versions.find((v) => v.stages.includes('AWSCURRENT'))?.id === s.accepted;
  }

  public respond(call: AwsCall, region: string): unknown {
    const id = call.options.get('--secret-id')?.[0] ?? '';
    const s = this.secret(id, region);
    const arn = `arn:aws:secretsmanager:${region}:111111111111:secret:${id}-AbCdEf`;
    switch (call.operation) {
      case 'describe-secret':
        return {
          Name: id,
          ARN: arn,
          RotationEnabled: true,
          LastRotatedDate: iso(-30 * 86400),
          VersionIdsToStages: Object.fromEntries(s.versions.map((v) => [v.id, v.stages])),
        };
      case 'list-secret-version-ids':
        return {
          Versions: s.versions.map((v) => ({ VersionId: v.id, VersionStages: v.stages, CreatedDate: iso(v.created) })),
          ARN: arn,
          Name: id,
        };
      case 'update-secret-version-stage': {
        const stage = call.options.get('--version-stage')?.[0] ?? '';
        const to = call.options.get('--move-to-version-id')?.[0];
        const from = call.options.get('--remove-from-version-id')?.[0];
        const holder = s.versions.find((v) => v.stages.includes(stage));
        if (to && holder && holder.id !== to && holder.id !== from)
          throw new Fail(`InvalidParameterException: ${stage} is attached to ${holder.id}; name it with --remove-from-version-id`);
        if (from) {
          const v = s.versions.find((x) => x.id === from);
          if (!v?.stages.includes(stage)) throw new Fail(`InvalidParameterException: version ${from} does not have ${stage}`);
          v.stages = v.stages.filter((x) => x !== stage);
        }
        if (to) {
          const v = s.versions.find((x) => x.id === to);
          if (!v) throw new Fail(`ResourceNotFoundException: no version ${to}`);
          v.stages.push(stage);
        }
        if (stage === 'AWSCURRENT' && from && to) s.versions.find((x) => x.id === from)!.stages.push('AWSPREVIOUS');
        if (s.versions.every((v) => v.stages.length === 0 || !v.stages.includes('AWSCURRENT')))
          throw new Fail('InvalidRequestException: a secret must keep a version labelled AWSCURRENT');
        return { ARN: arn, Name: id };
      }
      case 'rotate-secret': {
        // Rotation refuses to start while another version holds AWSPENDING (a rotation in progress).
        if (s.versions.some((v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT')))
          throw new StateFail('InvalidRequestException: A previous rotation isn’t complete. That rotation will be reattempted.');
        const v = `v${s.versions.length + 1}`;
        for (const x of s.versions)
          x.stages = x.stages.filter((st) => st !== 'AWSPREVIOUS').map((st) => (st === 'AWSCURRENT' ? 'AWSPREVIOUS' : st));
        s.versions.push({ id: v, stages: ['AWSCURRENT'], created: this.clock.now });
        s.accepted = v;
        return { ARN: arn, Name: id, VersionId: v };
      }
      case 'cancel-rotate-secret':
        return { ARN: arn, Name: id };
      default:
        throw new Fail(`the drill does not simulate aws secretsmanager ${call.operation} yet: add it to SecretsPlane`);
    }
  }
}
