import type { StubResult } from './aws-world';
import type { KubeObject } from './k8s-cluster';
import { seconds } from './kubectl-reference';

type Action = 'undo' | 'abort' | 'promote' | 'retry';

/**
 * The Rollout as the Argo Rollouts controller reports it
 * (https://argo-rollouts.readthedocs.io/en/stable/features/specification/, status.phase: Healthy,
 * Progressing, Paused, Degraded), and what the plugin's commands do to it. Default: revision 3
 * finished and is stable. Waits are checked against how long the rollout really runs (an `undo`
 * after a completed canary replays every step unless `spec.rollbackWindow` covers it).
 */
export class ArgoRollout {
  public phase: 'Healthy' | 'Progressing' | 'Paused' | 'Degraded' = 'Healthy';
  public message = '';
  public stable = 3;
  public canary = 3;
  public weight = 100;
  /** Requests per second the canary pods receive, and the stable pods. */
  public canaryRps = 0;
  public stableRps = 20;
  /** Changes made by runbook commands: promote, abort, retry, undo. */
  public readonly actions: string[] = [];
  private lastAction: Action | undefined;

  /** `kubectl argo rollouts get|status|promote|abort|undo|retry` on this Rollout (its object in the cluster). */
  public kubectl(
    verb: string,
    rest: readonly string[],
    flags: Map<string, string | true>,
    argv: readonly string[],
    object: KubeObject | undefined,
  ): StubResult | { problem: string } {
    if (verb === 'argo rollouts get') {
      if (flags.has('--watch') || flags.has('-w'))
        return { problem: 'kubectl argo rollouts get --watch never returns: a runbook step must end' };
      const stdout = [
        `Name: ${rest[1]}`,
        `Status: ${this.phase}${this.message ? ` (${this.message})` : ''}`,
        `SetWeight: ${this.weight}`,
        ...[4, 3, 2, 1]
          .filter((r) => r <= Math.max(this.canary, this.stable))
          .map((r) => `revision:${r}${r === this.stable ? ' (stable)' : r === this.canary ? ' (canary)' : ''}`),
      ].join('\n');
      return { stdout, status: 0 };
    }
    if (verb === 'argo rollouts status') {
      const timeout = seconds(String(flags.get('--timeout') ?? flags.get('-t') ?? '0s'));
      if (argv.includes('--watch=false')) return { stdout: `${this.phase}${this.message ? ` - ${this.message}` : ''}`, status: 0 };
      // `status` watches until Healthy (exit 0) or Degraded (error), or until --timeout; a Paused rollout
      // is neither, so it blocks (https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_status/).
      if (this.phase === 'Paused') {
        if (timeout === 0) return { problem: `kubectl argo rollouts status ${rest[0]} never returns on a Paused rollout (no --timeout)` };
        return { stdout: `Paused - ${this.message}\nError: timed out waiting for the rollout`, status: 1, waited: timeout };
      }
      const work = this.runSeconds(object);
      if (timeout > 0 && timeout < work)
        return {
          problem: `kubectl argo rollouts status --timeout ${flags.get('--timeout')} gives up while the rollout runs ${Math.round(work / 60)}m (after ${this.lastAction ?? 'a release'})`,
        };
      if (this.phase === 'Degraded') return { stdout: `Degraded - ${this.message}`, status: 1, waited: 0 };
      return { stdout: 'Healthy', status: 0 };
    }
    const action = verb.split(' ')[2] as Action;
    this.lastAction = action;
    this.actions.push(action);
    // Promote moves to the next step (--full: to 100%); abort returns all traffic to stable and the
    // Rollout is Degraded (RolloutAborted); retry restarts an aborted update
    // (https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_promote/).
    if (action === 'promote' && (flags.has('--full') || this.phase === 'Paused'))
      Object.assign(this, { phase: 'Healthy', stable: this.canary, weight: 100, message: '' });
    if (action === 'abort')
      Object.assign(this, { phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision ' + this.canary, weight: 0 });
    if (action === 'retry') Object.assign(this, { phase: 'Progressing', message: '' });
    if (action === 'undo') Object.assign(this, { phase: 'Healthy', canary: this.stable, message: '' });
    return { stdout: '', status: 0 };
  }

  /** How long a rollout runs after the last action: an undo replays the canary steps unless the rollback window covers it. */
  private runSeconds(rollout: KubeObject | undefined): number {
    const spec = (rollout?.spec ?? {}) as {
      rollbackWindow?: { revisions?: number };
      strategy?: { canary?: { steps?: { pause?: { duration?: string } }[] } };
    };
    if (this.lastAction === 'abort' || this.lastAction === 'promote') return 120;
    if (this.lastAction === 'undo' && (spec.rollbackWindow?.revisions ?? 0) >= 1) return 120;
    const steps = spec.strategy?.canary?.steps ?? [];
    return 120 + steps.reduce((acc, s) => acc + seconds(String(s.pause?.duration ?? '0s')), 0);
  }
}
