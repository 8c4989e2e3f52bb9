/**
 * The benchmark's baseline: what a platform team would write by hand with aws-cdk-lib to ship one
 * checkout-shaped service to one environment, creating the same resources as `DeploymentStack`
 * (same ECS native deployment, alarms, topics, secrets, dashboard, database migrations, smoke-test
 * lifecycle hook, AppConfig feature flags, pager forwarder, chat channel and health probe) without glidepath's model, plan or runbook facts.
 *
 * When `DeploymentStack` grows a resource (feature flags, migrations, ...), the benchmark fails
 * with the per-type difference; add the same resource here, in the section it belongs to (one
 * file per section in this folder). The sections are called in the order the construct tree and
 * the template list them, so keep that order when adding one.
 */
import { execFileSync } from 'node:child_process';
import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { addAlarms } from './alarms';
import { addAlertReceivers } from './alert-receivers';
import { addAlertTopics } from './alert-topics';
import { addDashboard } from './dashboard';
import type { CheckoutEnvironment } from './environments';
import { addFargateService } from './fargate-service';
import { addFeatureFlags } from './feature-flags';
import { addLoadBalancer } from './load-balancer';
import { addMigrations } from './migrations';
import { addNetwork } from './network';
import { addSecrets } from './secrets';
import type { SectionBasics } from './service-settings';
import { addSmokeTests } from './smoke-tests';
import { addTaskDefinition } from './task-definition';

/** Props for `HandWrittenCheckoutStack`. */
export interface HandWrittenCheckoutStackProps extends StackProps {
  /** Service name, e.g. `checkout-007`. */
  readonly service: string;
  /** The environment's settings, written out by hand. */
  readonly environment: CheckoutEnvironment;
}

/** The commit the app is synthesized from, as glidepath reads it: the CI environment, else `git rev-parse HEAD` once per process. */
let releaseCommit: string | undefined;
function currentCommit(): string {
  releaseCommit ??=
    process.env.GITHUB_SHA ??
    (() => {
      try {
        return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
      } catch {
        return 'unknown';
      }
    })();
  return releaseCommit;
}

/** One checkout-shaped service in one environment, in plain aws-cdk-lib. */
export class HandWrittenCheckoutStack extends Stack {
  constructor(scope: Construct, id: string, props: HandWrittenCheckoutStackProps) {
    const env = props.environment;
    const base = `${props.service}-${env.name}`;
    super(scope, id, {
      stackName: base,
      description: `${props.service} (${env.name}): hand-written deployment stack`,
      env: { region: env.region },
      ...props,
    });
    Tags.of(this).add('glidepath:service', props.service);
    Tags.of(this).add('glidepath:environment', env.name);
    Tags.of(this).add('glidepath:team', 'commerce-platform');
    new CfnOutput(this, 'ReleaseCommit', {
      value: currentCommit(),
      description: 'Commit this stack was synthesized from (level 3 of the runbook reverts it)',
    });
    const basics: SectionBasics = {
      base,
      logRetention: env.production ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
      // Retained, except what a failed first create leaves behind (nothing to keep yet).
      removalPolicy: env.retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    };

    const { critical, warning } = addAlertTopics(this, { ...basics, region: env.region });
    addAlertReceivers(this, {
      ...basics,
      pagerSecretName: env.paged ? `${props.service}/${env.name}/pagerduty-integration-key` : undefined,
      critical,
      warning,
    });
    const secrets = addSecrets(this, { ...basics, secretPrefix: `${props.service}/${env.name}` });
    const { vpc, cluster } = addNetwork(this, { ...basics, production: env.production });
    const { taskDefinition, appSecrets } = addTaskDefinition(this, { ...basics, environmentName: env.name, secrets });
    const loadBalancer = addLoadBalancer(this, { ...basics, vpc, environment: env });
    const { service, serviceUrl } = addFargateService(this, { base, cluster, taskDefinition, loadBalancer, environment: env });
    addMigrations(this, { ...basics, vpc, cluster, service, appSecrets });
    if (loadBalancer.alternate) {
      addSmokeTests(this, { ...basics, vpc, loadBalancer: loadBalancer.loadBalancer, service, tlsDomainName: env.tls?.domainName });
    }
    const alarms = addAlarms(this, { ...basics, environment: env, loadBalancer, service, serviceUrl, critical, warning });
    addFeatureFlags(this, {
      base,
      environmentName: env.name,
      monitored: [alarms.rollback, ...alarms.criticals],
      readerRole: taskDefinition.taskRole,
    });
    addDashboard(this, { base, alarms });
  }
}
