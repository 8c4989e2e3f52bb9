import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { loadDefinitionFile } from '../../lib/model';

type Json = Record<string, any>;

/** One resource registered with the mock engine. */
export interface Registered {
  readonly type: string;
  readonly name: string;

  readonly inputs: Record<string, any>;
}

/** The checkout example, the definition every Pulumi test deploys. */
export const checkout = () => loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));

/** The payments API example (a function shifted by CodeDeploy). */

export const payments = () =>
  (require('../../examples/payments-api/definition') as typeof import('../../examples/payments-api/definition')).definition;

/** A network of placeholder IDs: under mocks nothing is looked up. */
export const network = {
  vpcId: 'vpc-0123',
  publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
  privateSubnetIds: ['subnet-priv-a', 'subnet-priv-b'],
};

/**
 * Installs Pulumi mocks (no CLI, no cloud) and returns what gets registered. Mocks are global to
 * the module registry, and jest gives every test file its own, so call this once per file.
 */
export function installMocks(stack = 'prod', project = 'glidepath-test', region = 'eu-west-1'): Registered[] {
  mockRegion = region;
  const registered: Registered[] = [];
  void pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs });
        const state: Record<string, unknown> = { ...inputs, arn: `arn:aws:mock:eu-west-1:123456789012:${type}/${name}` };
        if (type === 'aws:lb/loadBalancer:LoadBalancer') {
          state.dnsName = `${name}.eu-west-1.elb.amazonaws.com`;
          state.arnSuffix = `app/${inputs.name}/0123456789abcdef`;
          state.zoneId = 'Z32O12XQLNTSW2';
        }
        if (type === 'aws:lb/targetGroup:TargetGroup') {
          state.arnSuffix = `targetgroup/${inputs.name ?? name}/0123456789abcdef`;
        }
        if (type === 'aws:s3/bucket:Bucket') state.bucket = `${name}-0123abcd`;
        if (type === 'aws:acm/certificate:Certificate') {
          // What ACM answers for DNS validation: one CNAME per domain.
          state.domainValidationOptions = [
            {
              domainName: inputs.domainName,
              resourceRecordName: `_0123abcd.${inputs.domainName}.`,
              resourceRecordType: 'CNAME',
              resourceRecordValue: '_4567ef.acm-validations.aws.',
            },
          ];
        }
        if (type === 'aws:route53/record:Record') state.fqdn = inputs.name;
        if (type === 'aws:lambda/function:Function') {
          state.version = '7';
          state.qualifiedArn = `${state.arn}:7`;
        }
        return { id: `${name}-id`, state };
      },
      call: ({ token, inputs }) => {
        switch (token) {
          case 'aws:index/getRegion:getRegion':
            return { name: mockRegion, region: mockRegion };
          case 'aws:index/getCallerIdentity:getCallerIdentity':
            return { accountId: '123456789012' };
          case 'aws:elb/getServiceAccount:getServiceAccount':
            return { arn: 'arn:aws:iam::156460612806:root', id: '156460612806' };
          case 'aws:ec2/getVpc:getVpc':
            return { id: inputs.id, cidrBlock: '10.0.0.0/16' };
          case 'aws:secretsmanager/getSecret:getSecret':
            return { arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${inputs.name}-AbCdEf`, name: inputs.name };
          case 'aws:secretsmanager/getRandomPassword:getRandomPassword':
            return { randomPassword: 'mock-value' };
          default:
            return inputs;
        }
      },
    },
    project,
    stack,
    false,
  );
  return registered;
}

let mockRegion = 'eu-west-1';

/** The region `aws.getRegion` answers from now on (for definitions whose environments differ). */
export function setMockRegion(region: string): void {
  mockRegion = region;
}

/** Waits until every resource registration and invoke started so far has reached the mocks. */
export async function settle(): Promise<void> {
  const settings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/** The value of an output (mocks resolve them all). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** The AppConfig resources of either target in one shape (`alarm` turns a monitor's alarm into its name). */
export function flagsOf(of: (type: string) => Json[], alarm: (x: Json) => string) {
  const cfnStyle = of('AWS::AppConfig::Application').length > 0;
  const pick = (cfnType: string, pulumiType: string) => (cfnStyle ? of(cfnType) : of(pulumiType));
  const app = pick('AWS::AppConfig::Application', 'aws:appconfig/application:Application').map((p) => ({
    name: p.Name ?? p.name,
    description: p.Description ?? p.description,
  }));
  const envs = pick('AWS::AppConfig::Environment', 'aws:appconfig/environment:Environment').map((p) => ({
    name: p.Name ?? p.name,
    description: p.Description ?? p.description,
    monitors: (p.Monitors ?? p.monitors ?? []).map((m: Json) => alarm(m.AlarmArn ?? m.alarmArn)),
  }));
  const profiles = pick('AWS::AppConfig::ConfigurationProfile', 'aws:appconfig/configurationProfile:ConfigurationProfile').map((p) => ({
    name: p.Name ?? p.name,
    locationUri: p.LocationUri ?? p.locationUri,
    type: p.Type ?? p.type,
  }));
  const versions = pick(
    'AWS::AppConfig::HostedConfigurationVersion',
    'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion',
  ).map((p) => ({
    // The provider marks content secret: the mock sees it wrapped.
    content: JSON.parse(p.Content ?? (typeof p.content === 'string' ? p.content : p.content.value)),
    contentType: p.ContentType ?? p.contentType,
  }));
  const strategies = pick('AWS::AppConfig::DeploymentStrategy', 'aws:appconfig/deploymentStrategy:DeploymentStrategy').map((p) => ({
    name: p.Name ?? p.name,
    description: p.Description ?? p.description,
    duration: p.DeploymentDurationInMinutes ?? p.deploymentDurationInMinutes,
    growthType: p.GrowthType ?? p.growthType,
    growthFactor: p.GrowthFactor ?? p.growthFactor,
    bake: p.FinalBakeTimeInMinutes ?? p.finalBakeTimeInMinutes,
    replicateTo: p.ReplicateTo ?? p.replicateTo,
  }));
  const deployments = pick('AWS::AppConfig::Deployment', 'aws:appconfig/deployment:Deployment').map((p) => ({
    description: p.Description ?? p.description,
  }));
  return { app, envs, profiles, versions, strategies, deployments };
}
