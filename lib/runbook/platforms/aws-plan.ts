import { HeartbeatSource } from '../../model/dead-mans-switch';
import { Duration } from '../../model/duration';
import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { TlsMode } from '../../model/tls';
import { AlarmSeverity, alarmCatalogue } from '../../plan/alarm-catalogue';
import { APPCONFIG_AGENT_IMAGE, appConfigLambdaExtensionArn, appConfigLocalUrl } from '../../plan/appconfig';
import { compileLambdaRollout } from '../../plan/rollout/codedeploy-schedule';
import { compileEcsRollout } from '../../plan/rollout/ecs-schedule';
import { ResourceNames } from '../../plan/names';
import { detectionReport } from '../../plan/detection/detection-plan';
import { Backend } from '../../plan/rollout/schedule';
import { secretArnVariable } from '../../plan/secret-bindings';
import { platformSmokeTests } from '../../smoke/inline';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { alertTopicsRunbookFacts } from './alert-topics';
import { appConfigFlagGuard } from './appconfig-flag-guard';
import { appConfigFlagsRunbookFacts } from './appconfig-flags';
import { awsLevelBounds } from './aws-bounds';
import { awsStackRunbookFacts } from './aws-stack';
import { deadMansSwitchFact, thresholdAlarmFact } from './cloudwatch-alarms';
import { ecsServiceRunbookFacts } from './ecs';
import { ecsMigrationRunbookFacts } from './ecs-migrations';
import { lambdaFunctionRunbookFacts } from './lambda';
import { routingSlug } from '../../plan/function-release-spec';
import { managedSecretNote } from './managed-secret';
import { awsTrafficRoutingFingerprint } from './aws-traffic-routing';

/**
 * The runbook facts of the AWS platform for one environment, from the definition alone: what
 * `collectRunbookFacts(new DeploymentStack(...))` gives, contributor by contributor in the stack's
 * tree order (stack, alert topics, generated secrets, service or function, migrations, smoke-test
 * hook, alarms, health probe, dead-man's switch, feature flags, dashboard), with the same names
 * and commands, without aws-cdk-lib, the guard of the ECS listener rules included (its fingerprint
 * computed as the stack renders it: aws-traffic-routing.ts). The policy findings the stack
 * acknowledges are `awsAcceptedRisks` (aws-accepted-risks.ts), added by `awsPlanRunbook`, since a
 * Pulumi stack acknowledges none of them.
 *
 * The stack is the one `DeploymentStack` builds with its defaults: its own ECS cluster named after
 * the service, the environment's region.
 */
export function awsPlanRunbookFacts(definition: ServiceDefinition, environment: string): RunbookFacts[] {
  const def = definition;
  const env = environmentOf(def, environment);
  const names = new ResourceNames(def.service, env.name);
  const region = env.region;
  const aws = awsCli(region);
  const container = def.workload.container !== undefined;
  const ecs = container ? compileEcsRollout(env) : undefined;
  const lambda = container ? undefined : compileLambdaRollout(env);
  const schedule = (ecs ?? lambda)!.schedule;
  const cluster = names.base;
  const topics = { critical: `${names.base}-critical`, warning: `${names.base}-warning` };

  const catalogue = env.alarms.enabled ? alarmCatalogue(env.alarms, { saturation: container }) : [];
  const alarmName = (kind: string) => `${names.base}-${kind}`;
  const rollbackFirst = [
    ...catalogue.filter((a) => a.severity === AlarmSeverity.ROLLBACK),
    ...catalogue.filter((a) => a.severity === AlarmSeverity.CRITICAL),
  ].map((a) => alarmName(a.kind));
  const deadMansSwitch = env.deadMansSwitch.enabled ? names.alarm('dead-mans-switch') : undefined;

  // What the dead-man's switch probes, the way users reach the service (as DeploymentStack decides).
  const tls = env.tls;
  const healthPath = def.workload.container?.healthCheckPath;
  const firstCheck = def.smokeTests ? platformSmokeTests(def.smokeTests).checks[0] : undefined;
  const probeWhere = container
    ? tls !== undefined && tls.mode !== TlsMode.DISABLED && !tls.domainName
      ? undefined
      : tls?.domainName
        ? `\`https://${tls.domainName}${healthPath}\``
        : `\`${healthPath}\` through the load balancer`
    : firstCheck && `the live alias (smoke check ${firstCheck.name})`;

  const flags = def.featureFlags.length > 0;
  const flagFacts = flags
    ? appConfigFlagsRunbookFacts({
        region,
        applicationName: names.base,
        environmentName: env.name,
        profileName: 'feature-flags',
        releaseStrategyName: `${names.base}-release`,
        killSwitchStrategyName: `${names.base}-kill-switch`,
        localUrl: appConfigLocalUrl(names.base, env.name),
        pollInterval: Duration.seconds(15),
        flags: def.featureFlags,
        monitors: rollbackFirst,
        workloadChecks: [flagWorkloadCheck(container, names, region)],
        budget: def.rollbackBudgets.featureFlag,
      })
    : undefined;

  const facts: RunbookFacts[] = [
    {
      ...awsStackRunbookFacts({
        definition: def,
        environment: env,
        stack: names.stack,
        region,
        names,
        backend: container ? Backend.ECS : Backend.LAMBDA_CODEDEPLOY,
        flagsContributeLevel1: flags,
        bounds: awsLevelBounds(schedule, container, def.rollbackBudgets),
        cluster: container ? cluster : undefined,
      }),
      // Detection power of each step, as DeploymentStack reports it.
      detection: detectionReport(env, { label: `${def.service}-${env.name}`, environmentIndex: env.order, schedule }),
    },
    alertTopicsRunbookFacts({
      namePrefix: names.base,
      receivers: env.receivers,
      alarms: {
        critical: [
          ...catalogue.filter((a) => a.severity !== AlarmSeverity.WARNING).map((a) => alarmName(a.kind)),
          ...(deadMansSwitch ? [deadMansSwitch] : []),
        ],
        warning: catalogue.filter((a) => a.severity === AlarmSeverity.WARNING).map((a) => alarmName(a.kind)),
      },
      aws,
    }),
    ...env.secrets
      .filter((s) => s.generated)
      .map((s) => ({
        notes: [managedSecretNote(region, s.secretName, s.rotationDays as number)],
        resources: [{ type: 'AWS::SecretsManager::Secret', name: s.secretName }],
      })),
  ];
  if (ecs) {
    facts.push(
      ecsServiceRunbookFacts({
        region,
        stack: names.stack,
        cluster,
        service: names.base,
        settings: ecs.settings,
        schedule,
        routingFingerprint: awsTrafficRoutingFingerprint(def, env.name),
        deploymentAlarms: rollbackFirst,
      }),
      ...def.migrations.map((m) =>
        ecsMigrationRunbookFacts({
          region,
          migration: m,
          clusterName: cluster,
          serviceName: names.base,
          family: `${names.base}-migrate-${m.name}`,
          logGroupName: `/ecs/${names.base}-migrate-${m.name}`,
        }),
      ),
    );
  } else {
    facts.push(
      lambdaFunctionRunbookFacts({
        region,
        functionName: names.base,
        aliasName: 'live',
        logGroupName: `/aws/lambda/${names.base}`,
        applicationName: names.base,
        deploymentGroupName: names.base,
        deploymentConfigName: `${names.base}-${routingSlug(lambda!.routing)}`,
        routing: lambda!.routing,
        schedule,
        secrets: env.secrets.map((s) => ({ name: s.secretName, arnVariable: secretArnVariable(s.envVar) })),
        rollbackAlarms: rollbackFirst,
        signalsSource: `Lambda alias ${names.base}:live`,
      }),
    );
  }
  // ECS runs the hook on the test listener, which only shifting strategies have; CodeDeploy before any traffic.
  if (def.smokeTests && (!ecs || ecs.settings.strategy !== 'ROLLING')) {
    facts.push(smokeHookFacts(`${names.base}-smoke-tests`, container, def.smokeTests, aws));
  }
  const diagnosis: RunbookCommand[] = [
    {
      description: 'Read the most recent errors in the logs',
      command: aws`logs tail ${container ? `/ecs/${names.base}` : `/aws/lambda/${names.base}`} --since 30m --filter-pattern ERROR`,
    },
  ];
  if (catalogue.length > 0) {
    const alarms = catalogue.map((alarm) =>
      thresholdAlarmFact({
        name: alarmName(alarm.kind),
        alarm,
        topic: alarm.severity === AlarmSeverity.WARNING ? topics.warning : topics.critical,
        aws,
        diagnosis,
      }),
    );
    facts.push({ alarms, resources: alarms.map((a) => ({ type: 'AWS::CloudWatch::Alarm', name: a.name })) });
  }
  if (deadMansSwitch) {
    const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
    const prober = !own && probeWhere !== undefined;
    if (prober) facts.push({ resources: [{ type: 'AWS::Lambda::Function', name: names.healthProbeFunction }] });
    facts.push({
      alarms: [
        deadMansSwitchFact({
          name: deadMansSwitch,
          heartbeatDescription: own
            ? `metric Glidepath/Heartbeat (Service=${names.base}) published by the service`
            : prober
              ? `passing health probes of ${probeWhere} (each minute, by ${names.healthProbeFunction})`
              : container
                ? `ECS CPUUtilization samples of ${names.base}`
                : `Lambda invocations of ${names.base}`,
          minutes: env.deadMansSwitch.missingFor.toMinutes(),
          topic: topics.critical,
          aws,
          diagnosis: [
            ...(prober
              ? [
                  {
                    description: 'Read what the probe saw',
                    command: aws`logs tail ${names.lambdaLogGroup(names.healthProbeFunction)} --since 15m`,
                    expected: 'One line a minute; "passed": false with the reason when the check fails',
                  },
                ]
              : []),
            ...(container
              ? [
                  {
                    description: 'Count running tasks',
                    command: aws`ecs describe-services --cluster ${cluster} --services ${names.base} --query 'services[0].[desiredCount,runningCount]' --output text`,
                    expected: 'Running equals desired; 0 running means the service is down',
                  },
                ]
              : diagnosis),
          ],
        }),
      ],
      resources: [{ type: 'AWS::CloudWatch::Alarm', name: deadMansSwitch }],
    });
  }
  if (flagFacts) {
    const guard = appConfigFlagGuard({
      aws,
      stackName: names.stack,
      applicationName: names.base,
      environmentName: env.name,
      profileName: 'feature-flags',
    });
    facts.push({ ...flagFacts, preDeploy: [...(flagFacts.preDeploy ?? []), ...guard] });
  }
  facts.push({
    dashboard: region
      ? {
          name: names.base,
          url: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${names.base}`,
        }
      : undefined,
    watch: [
      `CloudWatch dashboard \`${names.base}\`: open it before the release (\`${aws`cloudwatch get-dashboard --dashboard-name ${names.base}`}\` shows it exists).`,
    ],
    resources: [{ type: 'AWS::CloudWatch::Dashboard', name: names.base }],
  });
  return facts;
}

/** The check that the workload reads its flags: the agent sidecar of the tasks, or the Lambda extension of the live version. */
function flagWorkloadCheck(container: boolean, names: ResourceNames, region: string | undefined): RunbookCommand {
  const aws = awsCli(region);
  if (container) {
    return {
      description: 'The tasks run the AppConfig agent the workload reads its flags from',
      command: aws`ecs describe-task-definition --task-definition ${names.base} --query "taskDefinition.containerDefinitions[?name=='appconfig-agent'].image" --output text`,
      expected: APPCONFIG_AGENT_IMAGE,
    };
  }
  if (!region) {
    throw new Error(
      `AppConfigFeatureFlags '${names.base}': the AppConfig Lambda extension layer depends on the region; give the stack of function ${names.base} a region (the environment's "region")`,
    );
  }
  return {
    description: 'The live function version carries the AppConfig extension the flags are read from',
    command: aws`lambda get-function-configuration --function-name ${names.base} --qualifier live --query "Layers[].Arn" --output text`,
    expected: appConfigLambdaExtensionArn(region, 'x86_64', names.base),
  };
}

/** The in-platform smoke tests: where they run and how to read what they found (`SmokeTestHook`). */
export function smokeHookFacts(
  name: string,
  testListener: boolean,
  tests: NonNullable<ServiceDefinition['smokeTests']>,
  aws: ReturnType<typeof awsCli>,
): RunbookFacts {
  const skipped = platformSmokeTests(tests).skipped;
  const where = testListener
    ? `ECS runs ${name} after test traffic moves to the new revision (POST_TEST_TRAFFIC_SHIFT) and before production traffic; a failed check rolls the deployment back`
    : `CodeDeploy runs ${name} against the new version before shifting any traffic (BeforeAllowTraffic); a failed check rolls the deployment back`;
  return {
    smoke: [
      {
        description: `Automatic: ${where}. Read what it found`,
        command: aws`logs tail /aws/lambda/${name} --since 30m`,
        expected: 'one JSON line per check with "passed": true, then "all N smoke tests passed"',
      },
    ],
    notes:
      skipped.length > 0
        ? [
            `smoke checks ${skipped.join(', ')} need credentials from the environment, so they run only with glidepath smoke-test, not in the ${name} hook`,
          ]
        : [],
    resources: [{ type: 'AWS::Lambda::Function', name }],
  };
}
