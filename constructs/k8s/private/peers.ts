import { assertPeers, KUBERNETES_PEERS } from '../../../lib/private/peers';

// Imported first by index.ts: without cdk8s or cdk8s-plus-28, say which package to install.
assertPeers('glidepath/k8s', KUBERNETES_PEERS);
