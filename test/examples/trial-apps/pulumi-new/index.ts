import * as pulumi from '@pulumi/pulumi';
import { loadDefinitionFile } from 'glidepath';
import { DeploymentComponent, DeploymentPlatform } from 'glidepath/pulumi';

// One Pulumi stack per environment of the definition: `pulumi stack init prod`.
const config = new pulumi.Config();
const definition = loadDefinitionFile('service.yaml');
const environment = pulumi.getStack();

const service = new DeploymentComponent(`${definition.service}-${environment}`, {
  definition,
  environment,
  platform: DeploymentPlatform.AWS,
  network: {
    vpcId: config.require('vpcId'),
    publicSubnetIds: config.requireObject<string[]>('publicSubnetIds'),
    privateSubnetIds: config.requireObject<string[]>('privateSubnetIds'),
  },
});

export const serviceUrl = service.serviceUrl;
export const alarmNames = service.alarmNames;
