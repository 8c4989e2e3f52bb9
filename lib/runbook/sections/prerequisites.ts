import { Target } from '../../targets/target';
import type { MergedFacts } from '../merge';
import { commandSteps } from '../private/command-steps';
import { prose } from '../private/markdown';

/** What a Kubernetes runbook needs when its constructs do not say: the tools its commands call. */
function kubernetesDefaults(f: MergedFacts): { workingDirectory?: string; prerequisites: string[] } {
  if (!f.context || f.context.target !== Target.KUBERNETES)
    return { workingDirectory: f.workingDirectory, prerequisites: [...f.prerequisites] };
  const commands = [
    ...f.deploy,
    ...f.preDeploy,
    ...f.smoke,
    ...f.rollback.flatMap((l) => [...l.commands, ...l.verify]),
    ...f.alarms.flatMap((a) => a.diagnosis),
  ]
    .map((c) => c.command)
    .join('\n');
  return {
    workingDirectory:
      f.workingDirectory ??
      'the synthesis output directory (`cdk.out/` of the project, or the `--out` directory of `glidepath synth`), which holds `k8s/` and `smoke-tests/`',
    prerequisites: [
      ...f.prerequisites,
      `kubectl 1.28 or later, its current context on the cluster of namespace \`${f.context.scope}\``,
      ...(commands.includes('kubectl argo rollouts') ? ['the Argo Rollouts kubectl plugin (`kubectl argo rollouts version` answers)'] : []),
      ...(commands.includes('jq ') ? ['jq 1.6 or later'] : []),
      ...(commands.includes('aws ') ? ['AWS CLI v2 with credentials for the account that holds the secrets'] : []),
      ...(commands.includes('npx ') ? ["Node.js 20 and the project's dependencies (`npm ci`), for `npx glidepath`"] : []),
    ],
  };
}

/** Tools and the directory the commands assume, before any command. */
export function prerequisites(out: string[], f: MergedFacts): void {
  const { workingDirectory, prerequisites: tools } = kubernetesDefaults(f);
  if (tools.length === 0 && !workingDirectory && f.access.length === 0) return;
  out.push('## Before you start', '');
  if (workingDirectory) out.push(prose(`Working directory: ${workingDirectory}. Every relative path resolves from there.`), '');
  out.push('Run the commands of a section in order, in one bash shell: later steps use variables set by earlier ones.', '');
  if (tools.length > 0) out.push('You need:', '', ...tools.map((p) => prose(`- ${p}`)), '');
  if (f.access.length > 0) out.push('First, in the shell you will use:', '', ...commandSteps(f.access));
}
