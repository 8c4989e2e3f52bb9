import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { loadDefinitionFile } from '../../lib/model';

/** One resource registered with the mock engine. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly inputs: Record<string, any>;
}

/** The checkout example, the definition every Pulumi test deploys. */
export const checkout = () => loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));

/** The payments API example (a function shifted by CodeDeploy). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const payments = () => (require('../../examples/payments-api/definition') as typeof import('../../examples/payments-api/definition')).definition;

/** A network of placeholder IDs: under mocks nothing is looked up. */
export const network = { vpcId: 'vpc-0123', publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'], privateSubnetIds: ['subnet-priv-a', 'subnet-priv-b'] };

/**
 * Installs Pulumi mocks (no CLI, no cloud) and returns what gets registered. Mocks are global to
 * the module registry, and jest gives every test file its own, so call this once per file.
 */
export function installMocks(stack = 'prod', project = 'glidepath-test', region = 'eu-west-1'): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs });
        const state: Record<string, unknown> = { ...inputs, arn: `arn:aws:mock:eu-west-1:123456789012:${type}/${name}` };
        if (type === 'aws:lb/loadBalancer:LoadBalancer') {
          state.dnsName = `${name}.eu-west-1.elb.amazonaws.com`;
          state.arnSuffix = `app/${inputs.name}/0123456789abcdef`;
        }
        if (type === 'aws:s3/bucket:Bucket') state.bucket = `${name}-0123abcd`;
        if (type === 'aws:lambda/function:Function') {
          state.version = '7';
          state.qualifiedArn = `${state.arn}:7`;
        }
        return { id: `${name}-id`, state };
      },
      call: ({ token, inputs }) => {
        switch (token) {
          case 'aws:index/getRegion:getRegion':
            return { name: region, region };
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

/** Waits until every resource registration and invoke started so far has reached the mocks. */
export async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/** The value of an output (mocks resolve them all). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
