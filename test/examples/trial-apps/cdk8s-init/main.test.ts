// TypeScript 6 loads no @types by default: name jest's globals (or add "types": ["jest"] to tsconfig.json).
/// <reference types="jest" />
import { Testing } from 'cdk8s';
import { loadDefinitionFile } from 'glidepath';
import { DeploymentChart } from 'glidepath/k8s';
import { registerGlidepathMatchers, snapshotOf } from 'glidepath/testing';

registerGlidepathMatchers();

describe('the prod chart', () => {
  test('rolls back on a failed analysis and has a dead-man\'s switch', () => {
    const definition = loadDefinitionFile('service.yaml');
    const chart = new DeploymentChart(Testing.app(), 'my-service-prod', { definition, environment: 'prod' });
    expect(chart).toRollBackOnAlarm();
    expect(chart).toHaveDeadMansSwitch();
    expect(snapshotOf(chart)).toMatchSnapshot();
  });
});
