/*
 * Runs the compiled program (bin/index.js) under Pulumi's mocks, as a unit test of the program
 * does (https://www.pulumi.com/docs/iac/guides/testing/unit/): no Pulumi CLI, no cloud. Prints
 * one JSON line when the program is done: the alarm names the component exported and the types of
 * the resources it registered.
 * Usage: node mocks.js <stack>
 */
const stack = process.argv[2];
// What `pulumi config set` would hold for the stack; read by pulumi.Config when the program runs.
process.env.PULUMI_CONFIG = JSON.stringify({
  'trial-pulumi:vpcId': 'vpc-0123',
  'trial-pulumi:publicSubnetIds': '["subnet-pub-a","subnet-pub-b"]',
  'trial-pulumi:privateSubnetIds': '["subnet-priv-a","subnet-priv-b"]',
});
const pulumi = require('@pulumi/pulumi');

const types = new Set();
pulumi.runtime.setMocks(
  {
    newResource: ({ type, name, inputs }) => {
      types.add(type);
      const state = { ...inputs, arn: `arn:aws:mock:eu-west-1:123456789012:${type}/${name}` };
      if (type === 'aws:lb/loadBalancer:LoadBalancer') {
        Object.assign(state, { dnsName: `${name}.eu-west-1.elb.amazonaws.com`, arnSuffix: `app/${inputs.name}/0123`, zoneId: 'Z32O12XQLNTSW2' });
      }
      if (type === 'aws:lb/targetGroup:TargetGroup') state.arnSuffix = `targetgroup/${inputs.name}/0123`;
      return { id: `${name}-id`, state };
    },
    call: ({ token, inputs }) => {
      if (token === 'aws:index/getRegion:getRegion') return { name: 'eu-west-1', region: 'eu-west-1' };
      if (token === 'aws:index/getCallerIdentity:getCallerIdentity') return { accountId: '123456789012' };
      if (token === 'aws:ec2/getVpc:getVpc') return { id: inputs.id, cidrBlock: '10.0.0.0/16' };
      if (token === 'aws:secretsmanager/getSecret:getSecret') {
        return { arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${inputs.name}-AbCdEf`, name: inputs.name };
      }
      return inputs;
    },
  },
  'trial-pulumi',
  stack,
  false,
);

const program = require('./bin/index.js');
let alarmNames;
program.alarmNames.apply((names) => {
  alarmNames = names;
});
// Registrations reach the mocks asynchronously: report once nothing is left to run.
process.once('beforeExit', () => console.log(JSON.stringify({ alarmNames, types: [...types].sort() })));
