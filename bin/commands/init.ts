import * as fs from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { validateDefinition } from '../../lib/model/validate';
import { writeOutput, type CommandContext } from './context';

/** Rollout patterns a starter definition can use for production. */
export enum StarterStrategy {
  CANARY = 'canary',
  BLUE_GREEN = 'blue-green',
  ROLLING = 'rolling',
}

// ECS runs one canary step and then all traffic (Argo Rollouts runs any steps): the starter asks for
// what every target runs as written, so its first synth has no warning.
const CANARY_STAGES = `      stages:
        - { name: canary, trafficPercent: 10, bake: 15m, validation: Canary error rate and latency within the alarm thresholds }
        - { name: full, trafficPercent: 100, bake: 15m, validation: All alarms OK through the rollback window }`;

const PROD_ROLLOUT: Record<StarterStrategy, string> = {
  [StarterStrategy.CANARY]: `      strategy: canary
      rationale: A small share of users sees each release first; bad releases roll back on the error rate.
      # ECS runs one canary step, then all traffic; on Kubernetes (Argo Rollouts) add steps, e.g. 5% -> 25% -> 50% -> 100%.
${CANARY_STAGES}`,
  [StarterStrategy.BLUE_GREEN]: `      strategy: blue-green
      rationale: Versions never mix, and a rollback switches traffic back at once.
      stages:
        - { name: test-route, trafficPercent: 0, bake: 5m, validation: Smoke tests pass on the test route }
        - { name: full, trafficPercent: 100, bake: 30m, validation: All alarms OK through the rollback window }`,
  [StarterStrategy.ROLLING]: `      strategy: rolling
      rationale: Stateless service with backward-compatible releases; instances are replaced a few at a time.
      rolling: { maxSurgePercent: 50, maxUnavailablePercent: 0 }`,
};

const STAGING_ROLLOUT: Record<StarterStrategy, string> = {
  [StarterStrategy.CANARY]: `      strategy: canary
${CANARY_STAGES}`,
  [StarterStrategy.BLUE_GREEN]: `      strategy: canary
${CANARY_STAGES}`,
  [StarterStrategy.ROLLING]: `      strategy: rolling`,
};

/**
 * A starter definition for a container service: valid as written, synthesizes without a warning
 * on every target, and has the fields a team edits first. `file` is where it is written (named in
 * its header's commands).
 */
export function starterDefinition(strategy: StarterStrategy, file = 'service.yaml'): string {
  return `# yaml-language-server: $schema=./node_modules/glidepath/schema/glidepath.schema.json
# A starter glidepath definition. Edit the names, image, owners, repository and deploy role, then run:
#   npx glidepath validate ${file}
#   npx glidepath check ${file}
#   npx glidepath synth ${file} --out glidepath-out/
#   npx glidepath pipeline github ${file} --output .github/workflows/deploy.yml
# In a CDK app, deploy one DeploymentStack per environment with the id <service>-<environment>
# (the ids the generated workflow deploys):
#   new DeploymentStack(app, 'my-service-prod', { definition: loadDefinitionFile('${file}'), environment: 'prod' });
service: my-service
description: What this service does, in one line
owners:
  team: my-team
  primary: "@primary-on-call"
  backup: "@backup-on-call"
  channel: "#my-service-releases"
workload:
  container:
    image: public.ecr.aws/my-org/my-service:1.0.0
    port: 8080
    healthCheckPath: /healthz
    cpu: 512
    memoryMiB: 1024
    desiredCount: 2
secrets:
  # Reference secrets by name; never write a value here.
  - name: db-password
    envVar: DB_PASSWORD
    existing: { secretName: "my-service/{env}/db-password" }
# HTTP checks each new version must pass before it takes production traffic (ECS canary and
# blue-green run them from the test listener). Add a check of a page that uses the database.
smokeTests:
  checks:
    - name: health
      path: /healthz
      maxLatencyMs: 1000
# On Kubernetes the NetworkPolicy lets the pods connect only where listed (besides DNS): the
# database's address block and port. Edit to your database; an environment may override it.
kubernetes:
  egress:
    - { cidr: 10.0.32.0/20, port: 5432 }
# Alarm descriptions and pages link to the runbook section of the alarm that fired.
runbookBaseUrl: https://runbooks.example.com/my-service
# Who hears about alerts. Credentials are Secrets Manager secret names, never values.
receivers:
  critical:
    pagerDuty: { integrationKeySecret: "my-service/{env}/pagerduty-integration-key" }
  warning:
    slack:
      workspaceId: T00000000
      channelId: C00000000
      webhookUrlSecret: "my-service/{env}/slack-webhook-url"
  heartbeat: { service: healthchecks, urlSecret: "my-service/{env}/healthchecks-ping-url" }
# How long each rollback level may take: 1 turns a feature flag off, 2 redeploys the previous
# configuration (bake before 100% traffic included), 3 deploys the previous code through a stack update.
rollbackBudgets: { featureFlag: 1m, configuration: 18m, code: 21m }
# A 2x regression sits right at the rollback trigger, so any one minute is a coin toss: 3 of 5
# one-minute periods give each step enough chances (see the table "glidepath check" prints), and a
# 30-second outage of a dependency, which breaches two minutes when it falls across a minute's end,
# does not roll a healthy release back.
alarms:
  rollbackTrigger:
    evaluation: { period: 1m, evaluationPeriods: 5, datapointsToAlarm: 3 }
environments:
  - name: dev
    region: eu-west-1
    rollout: { strategy: rolling }
    capacity: { desiredCount: 1 }
  - name: staging
    region: eu-west-1
    # Requests a second during a release (a load generator in staging); every step is judged against it.
    traffic: { peakRequestsPerSecond: 200, quietRequestsPerSecond: 150 }
    rollout:
${STAGING_ROLLOUT[strategy]}
  - name: prod
    region: eu-west-1
    approval: true
    # Requests a second at peak and at the quietest time a release may run: edit to your traffic.
    traffic: { peakRequestsPerSecond: 500, quietRequestsPerSecond: 150 }
    # Production serves HTTPS at your domain: the ARN of your ACM certificate for it, in this region
    # (or add hostedZoneId + hostedZoneName instead of the ARN to have one issued and the domain
    # pointed at the load balancer). The dead-man's switch probes the health check by this name.
    tls:
      domainName: my-service.example.com
      certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000
    # On Kubernetes, the Ingress answers your domain with a certificate cert-manager issues (or
    # tls: { secretName: <an existing TLS Secret> }); the ALB controller uses certificateArn instead.
    kubernetes:
      ingress:
        host: my-service.example.com
        tls: { clusterIssuer: letsencrypt-prod }
    rollout:
${PROD_ROLLOUT[strategy]}
delivery:
  # The GitHub repository that releases this service, and the IAM role the workflow's deploy jobs
  # assume through GitHub OIDC (one per account: use deployRoles: { <environment>: <role ARN> }).
  repository: my-org/my-service
  github:
    deployRole: arn:aws:iam::123456789012:role/my-service-deploy
`;
}

/** \`glidepath init --strategy ...\`: writes a starter definition. */
export function registerInit(program: Command, { io }: CommandContext): void {
  program
    .command('init')
    .description('Write a starter definition to edit (stdout by default)')
    .addOption(
      new Option('-s, --strategy <strategy>', 'production rollout pattern')
        .choices(Object.values(StarterStrategy))
        .default(StarterStrategy.CANARY),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('-f, --force', 'overwrite an existing file', false)
    .action((opts: { strategy: StarterStrategy; output?: string; force: boolean }) => {
      const text = starterDefinition(opts.strategy, opts.output ? opts.output.split(/[\\/]/).join('/') : undefined);
      validateDefinition(parseYaml(text), { source: 'starter definition' });
      if (opts.output && fs.existsSync(opts.output) && !opts.force) {
        throw new Error(`${opts.output} already exists; pass --force to overwrite it`);
      }
      writeOutput(io, text, opts.output);
      if (opts.output) io.err(`wrote ${opts.output}\n`);
    });
}
