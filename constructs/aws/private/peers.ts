import { assertPeers, AWS_PEERS } from '../../../lib/private/peers';

// Imported first by index.ts: without aws-cdk-lib, say which package to install.
assertPeers('glidepath/aws', AWS_PEERS);
