/**
 * The modules of each Pulumi platform, loaded when a component uses that platform: a program on
 * AWS needs only `@pulumi/pulumi` and `@pulumi/aws`; one on Kubernetes needs `@pulumi/kubernetes`
 * and cdk8s (which renders the objects) instead. A missing peer is named with its install command.
 */
import { PULUMI_AWS_PEERS, PULUMI_KUBERNETES_PEERS, requireWithPeers } from '../../../lib/private/peers';
import type * as k8sSynthesis from '../../k8s/synthesize';
import type * as awsResources from './aws-resources';
import type * as functionResources from './function-resources';
import type * as kubernetesResources from './kubernetes-resources';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading keeps each platform's peers optional */

/** The `@pulumi/aws` resources of containers and functions. */
export function awsPlatform(): typeof awsResources & typeof functionResources {
  return requireWithPeers('DeploymentComponent (platform aws)', PULUMI_AWS_PEERS, () => ({
    ...(require('./aws-resources') as typeof awsResources),
    ...(require('./function-resources') as typeof functionResources),
  }));
}

/** cdk8s synthesis of the chart and the `@pulumi/kubernetes` objects that apply it. */
export function kubernetesPlatform(): typeof k8sSynthesis & typeof kubernetesResources {
  return requireWithPeers('DeploymentComponent (platform kubernetes)', PULUMI_KUBERNETES_PEERS, () => ({
    ...(require('../../k8s/synthesize') as typeof k8sSynthesis),
    ...(require('./kubernetes-resources') as typeof kubernetesResources),
  }));
}

/* eslint-enable @typescript-eslint/no-require-imports */
