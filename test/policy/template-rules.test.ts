import { checkTemplatePolicy, RuleOutcome, TEMPLATE_RULES, type CfnTemplate } from '../../lib/policy';

const rule = (id: string) => TEMPLATE_RULES.find((r) => r.id === id)!;

describe('deployment-safety rules over templates', () => {
  test('GP-ALARM1: an alarm without actions, and one without TreatMissingData', () => {
    const template: CfnTemplate = {
      Resources: {
        Silent: { Type: 'AWS::CloudWatch::Alarm', Properties: { TreatMissingData: 'notBreaching' } },
        Vague: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
        Good: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }], TreatMissingData: 'breaching' } },
      },
    };
    expect(
      rule('GP-ALARM1')
        .check(template)
        .map((r) => [r.subject, r.outcome]),
    ).toEqual([
      ['Silent', RuleOutcome.NON_COMPLIANT],
      ['Vague', RuleOutcome.NON_COMPLIANT],
      ['Good', RuleOutcome.COMPLIANT],
    ]);
  });

  test('GP-DEPLOY1: ECS services need alarm rollback or the circuit breaker; deployment groups need rollback on alarm', () => {
    const template: CfnTemplate = {
      Resources: {
        Bare: { Type: 'AWS::ECS::Service', Properties: {} },
        Breaker: {
          Type: 'AWS::ECS::Service',
          Properties: { DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } } },
        },
        Alarmed: {
          Type: 'AWS::ECS::Service',
          Properties: { DeploymentConfiguration: { Alarms: { Enable: true, Rollback: true, AlarmNames: ['a'] } } },
        },
        Group: {
          Type: 'AWS::CodeDeploy::DeploymentGroup',
          Properties: {
            AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE'] },
            AlarmConfiguration: { Enabled: true },
          },
        },
      },
    };
    expect(checkTemplatePolicy('s', template).map((f) => `${f.rule} ${f.subject}`)).toEqual([
      'GP-DEPLOY1 s/Bare',
      'GP-DEPLOY1 s/Group',
      'GP-ALARM2 s/stack',
    ]);
  });

  test('GP-ALARM2 and GP-SEC2: a workload stack without a breaching alarm, a generated secret without rotation', () => {
    const template: CfnTemplate = {
      Resources: {
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: { DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } } },
        },
        Token: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
        Rotated: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
        Schedule: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'Rotated' } } },
      },
    };
    expect(checkTemplatePolicy('s', template).map((f) => `${f.severity} ${f.rule} ${f.subject}`)).toEqual([
      'error GP-ALARM2 s/stack',
      'error GP-SEC2 s/Token',
    ]);
  });
});
