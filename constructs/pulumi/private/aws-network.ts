import type * as pulumi from '@pulumi/pulumi';

/** The network a container service runs in (the component does not create a VPC). */
export interface AwsNetworkInput {
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}
