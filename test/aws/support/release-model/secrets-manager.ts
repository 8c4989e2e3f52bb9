/**
 * Secrets Manager version stages through rotation, and what a task reads. Rules:
 *
 * - A rotation runs `createSecret` (new version labelled `AWSPENDING`), `setSecret`, `testSecret`,
 *   then `finishSecret` moves `AWSCURRENT` to the new version; the version that was current gets
 *   `AWSPREVIOUS`; the version that was previous loses its label.
 *   https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html,
 *   https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 * - `GetSecretValue` without a stage returns `AWSCURRENT`; with `VersionStage` that stage.
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * - ECS injects a secret into an environment variable when the task starts; a running task keeps
 *   that value until it is replaced.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 */

/** One secret. */
export class Secret {
  private readonly versions: { id: string; value: string; stages: Set<string> }[] = [];

  constructor(initialValue: string) {
    this.versions.push({ id: 'v1', value: initialValue, stages: new Set(['AWSCURRENT']) });
  }

  /** GetSecretValue (AWSCURRENT unless a stage is given). */
  public get(stage = 'AWSCURRENT'): string | undefined {
    return this.versions.find((v) => v.stages.has(stage))?.value;
  }

  /** The four rotation steps, run to the end with `newValue`. */
  public rotate(newValue: string): void {
    const id = `v${this.versions.length + 1}`;
    // createSecret
    this.versions.push({ id, value: newValue, stages: new Set(['AWSPENDING']) });
    // setSecret and testSecret change no labels; finishSecret moves them.
    for (const v of this.versions) v.stages.delete('AWSPREVIOUS');
    const current = this.versions.find((v) => v.stages.has('AWSCURRENT'))!;
    current.stages.delete('AWSCURRENT');
    current.stages.add('AWSPREVIOUS');
    const pending = this.versions.find((v) => v.id === id)!;
    pending.stages.delete('AWSPENDING');
    pending.stages.add('AWSCURRENT');
  }
}

/** A running task: the value ECS injected at its start, and whether it may call GetSecretValue itself. */
export interface Task {
  readonly injected: string;
  /** The task role may read the secret (`secretsmanager:GetSecretValue`). */
  readonly canRead: boolean;
}

/** ECS starts a task: the value is read now, once. */
export function startTask(secret: Secret, canRead: boolean): Task {
  return { injected: secret.get()!, canRead };
}

/**
 * Whether `task` accepts a value another task issued (a signed session, a token): its injected
 * value always; with read access, the dual-read contract also accepts `AWSCURRENT` and
 * `AWSPREVIOUS` as they are now.
 */
export function accepts(task: Task, secret: Secret, value: string): boolean {
  if (value === task.injected) return true;
  return task.canRead && (value === secret.get('AWSCURRENT') || value === secret.get('AWSPREVIOUS'));
}
