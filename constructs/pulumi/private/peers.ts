import { assertPeers, Peer } from '../../../lib/private/peers';

// Imported first by index.ts: without @pulumi/pulumi, say which package to install. The platform
// peers (@pulumi/aws, or @pulumi/kubernetes and cdk8s) are checked when a component uses them.
assertPeers('glidepath/pulumi', [Peer.PULUMI]);
