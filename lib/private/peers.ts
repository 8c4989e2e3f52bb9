/**
 * Peer dependencies are needed only by the entry point that uses them: `glidepath/aws` needs
 * aws-cdk-lib, `glidepath/k8s` needs cdk8s and cdk8s-plus-28, `glidepath/pulumi` needs `@pulumi/pulumi`
 * and `@pulumi/aws` (or `@pulumi/kubernetes`), the root and the CLI's `validate` and `init` need none. These helpers load a peer when it is used, and say which package to install
 * when it is missing (instead of Node's "Cannot find module" from deep inside glidepath).
 */

/** The peers of each part of glidepath, as `npm install` takes them. */
export enum Peer {
  AWS_CDK_LIB = 'aws-cdk-lib',
  CONSTRUCTS = 'constructs',
  CDK8S = 'cdk8s',
  CDK8S_PLUS = 'cdk8s-plus-28',
  PULUMI = '@pulumi/pulumi',
  PULUMI_AWS = '@pulumi/aws',
  PULUMI_KUBERNETES = '@pulumi/kubernetes',
}

/** Peers of the AWS constructs (`glidepath/aws`, `glidepath synth --target aws`, `glidepath check`). */
export const AWS_PEERS: readonly Peer[] = [Peer.AWS_CDK_LIB, Peer.CONSTRUCTS];
/** Peers of the Kubernetes constructs (`glidepath/k8s`, `glidepath synth --target k8s`). */
export const KUBERNETES_PEERS: readonly Peer[] = [Peer.CDK8S, Peer.CDK8S_PLUS, Peer.CONSTRUCTS];
/** Peers of a Pulumi program deploying to AWS (`glidepath/pulumi`, `DeploymentPlatform.AWS`). */
export const PULUMI_AWS_PEERS: readonly Peer[] = [Peer.PULUMI, Peer.PULUMI_AWS];
/**
 * Peers of a Pulumi program deploying to Kubernetes (`DeploymentPlatform.KUBERNETES`): the objects
 * are the ones `DeploymentChart` synthesizes, so cdk8s renders them.
 */
export const PULUMI_KUBERNETES_PEERS: readonly Peer[] = [Peer.PULUMI, Peer.PULUMI_KUBERNETES, ...KUBERNETES_PEERS];

/** Whether a package can be resolved from glidepath's own location (where Node will look for it). */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The peers of `peers` that are not installed. */
export function missingPeers(peers: readonly Peer[]): Peer[] {
  return peers.filter((name) => !isInstalled(name));
}

/**
 * Throws when a peer that `user` (e.g. `glidepath/aws`) needs is not installed, naming the packages
 * and the command that installs them.
 */
export function assertPeers(user: string, peers: readonly Peer[]): void {
  const missing = missingPeers(peers);
  if (missing.length > 0) {
    throw new Error(
      `${user} needs the peer dependenc${missing.length === 1 ? 'y' : 'ies'} ${missing.map((m) => `"${m}"`).join(', ')}, ` +
        `which ${missing.length === 1 ? 'is' : 'are'} not installed: run npm install ${missing.join(' ')}`,
    );
  }
}

/** Loads a peer when it is installed, `undefined` otherwise (a value from it cannot be in play then). */
export function optionalPeer<T>(name: Peer): T | undefined {
  // A lazy require: an optional peer must not be loaded unless it is installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return isInstalled(name) ? (require(name) as T) : undefined;
}

/**
 * Loads a module of glidepath that needs `peers`, after checking they are installed: the error
 * names the missing packages and the install command instead of Node's "Cannot find module".
 */
export function requireWithPeers<T>(user: string, peers: readonly Peer[], load: () => T): T {
  assertPeers(user, peers);
  return load();
}
