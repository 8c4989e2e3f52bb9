import { compliant, nonCompliant, PolicySeverity, type TemplateRule } from '../policy-rule';

/** The properties this rule reads, as CloudFormation names them. */
interface RollbackProperties {
  readonly DeploymentConfiguration?: {
    readonly Alarms?: { readonly Enable?: unknown; readonly Rollback?: unknown; readonly AlarmNames?: unknown };
    readonly DeploymentCircuitBreaker?: { readonly Enable?: unknown; readonly Rollback?: unknown };
  };
  readonly AutoRollbackConfiguration?: { readonly Enabled?: unknown; readonly Events?: unknown };
  readonly AlarmConfiguration?: { readonly Enabled?: unknown };
}

/** GP-DEPLOY1: ECS services and CodeDeploy deployment groups roll back by themselves. */
export const deploymentRollsBack: TemplateRule = {
  id: 'GP-DEPLOY1',
  summary: 'Every ECS service and Lambda deployment group rolls back automatically on alarms or failed deployments',
  severity: PolicySeverity.ERROR,
  check: (template) =>
    Object.entries(template.Resources ?? {}).flatMap(([id, r]) => {
      const props = (r.Properties ?? {}) as RollbackProperties;
      if (r.Type === 'AWS::ECS::Service') {
        const config = props.DeploymentConfiguration ?? {};
        const alarms = config.Alarms;
        const onAlarms =
          alarms?.Enable === true && alarms?.Rollback === true && Array.isArray(alarms.AlarmNames) && alarms.AlarmNames.length > 0;
        const circuitBreaker = config.DeploymentCircuitBreaker?.Enable === true && config.DeploymentCircuitBreaker?.Rollback === true;
        return [
          onAlarms || circuitBreaker
            ? compliant(id)
            : nonCompliant(
                id,
                `ECS service ${id} neither rolls back on alarms (DeploymentConfiguration.Alarms) nor on failed starts (circuit breaker); use ProgressiveFargateService and pass AlarmSet.deploymentAlarms to addDeploymentAlarm()`,
              ),
        ];
      }
      if (r.Type === 'AWS::CodeDeploy::DeploymentGroup') {
        const events = Array.isArray(props.AutoRollbackConfiguration?.Events) ? props.AutoRollbackConfiguration.Events : [];
        const enabled = props.AutoRollbackConfiguration?.Enabled === true && props.AlarmConfiguration?.Enabled === true;
        return [
          enabled && events.includes('DEPLOYMENT_STOP_ON_ALARM')
            ? compliant(id)
            : nonCompliant(
                id,
                `deployment group ${id} does not roll back when an alarm fires; set AutoRollbackConfiguration with DEPLOYMENT_STOP_ON_ALARM and give it alarms (ProgressiveFunction does both)`,
              ),
        ];
      }
      return [];
    }),
};
