/**
 * The CLI loads a target's constructs only when a command renders that target, so `validate`,
 * `init`, `pipeline` and `smoke-test` run without aws-cdk-lib or cdk8s installed, and a command
 * that needs a missing one names the package to install.
 */
import { assertPeers, AWS_PEERS, KUBERNETES_PEERS, missingPeers } from '../lib/private/peers';

/** Which targets to render. */
export enum Target {
  AWS = 'aws',
  KUBERNETES = 'k8s',
}

const PEERS: Record<Target, typeof AWS_PEERS> = { [Target.AWS]: AWS_PEERS, [Target.KUBERNETES]: KUBERNETES_PEERS };

/** The AWS renderer (needs aws-cdk-lib and constructs). */
export function awsRenderer(command: string): typeof import('../constructs/aws/synthesize') {
  assertPeers(`glidepath ${command} (target aws)`, AWS_PEERS);
  return require('../constructs/aws/synthesize') as typeof import('../constructs/aws/synthesize');
}

/** The Kubernetes renderer (needs cdk8s, cdk8s-plus-28 and constructs). */
export function kubernetesRenderer(command: string): typeof import('../constructs/k8s/synthesize') {
  assertPeers(`glidepath ${command} (target k8s)`, KUBERNETES_PEERS);
  return require('../constructs/k8s/synthesize') as typeof import('../constructs/k8s/synthesize');
}

/** Whether a target's peers are installed. */
export function isTargetInstalled(target: Target): boolean {
  return missingPeers(PEERS[target]).length === 0;
}
