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

const PROD_ROLLOUT: Record<StarterStrategy, string> = {
  [StarterStrategy.CANARY]: `      strategy: canary
      rationale: A small share of users sees each release first; bad releases roll back on the error rate.
      # The standard five stages apply: 0% -> 5% -> 25% -> 50% -> 100%. Override with "stages:".`,
  [StarterStrategy.BLUE_GREEN]: `      strategy: blue-green
      rationale: Versions never mix, and a rollback switches traffic back at once.
      stages:
        - { name: test-route, trafficPercent: 0, bake: 5m, validation: Smoke tests pass on the test route }
        - { name: full, trafficPercent: 100, bake: 30m, validation: All alarms OK through the rollback window }`,
  [StarterStrategy.ROLLING]: `      strategy: rolling
      rationale: Stateless service with backward-compatible releases; instances are replaced a few at a time.
      rolling: { maxSurgePercent: 50, maxUnavailablePercent: 0 }`,
};

/** A starter definition for a container service: valid as written, with the fields a team edits first. */
export function starterDefinition(strategy: StarterStrategy): string {
  return `# yaml-language-server: $schema=./node_modules/glidepath/schema/glidepath.schema.json
# A starter glidepath definition. Edit the names, image and owners, then run:
#   glidepath validate definition.yaml
#   glidepath synth definition.yaml --out out/
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
rollbackBudgets: { featureFlag: 1m, configuration: 5m, code: 15m }
environments:
  - name: dev
    region: eu-west-1
    rollout: { strategy: rolling }
    capacity: { desiredCount: 1 }
  - name: staging
    region: eu-west-1
    rollout: { strategy: ${strategy === StarterStrategy.ROLLING ? 'rolling' : 'canary'} }
  - name: prod
    region: eu-west-1
    approval: true
    rollout:
${PROD_ROLLOUT[strategy]}
`;
}

/** \`glidepath init --strategy ...\`: writes a starter definition. */
export function registerInit(program: Command, { io }: CommandContext): void {
  program
    .command('init')
    .description('Write a starter definition to edit (stdout by default)')
    .addOption(new Option('-s, --strategy <strategy>', 'production rollout pattern').choices(Object.values(StarterStrategy)).default(StarterStrategy.CANARY))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('-f, --force', 'overwrite an existing file', false)
    .action((opts: { strategy: StarterStrategy; output?: string; force: boolean }) => {
      const text = starterDefinition(opts.strategy);
      validateDefinition(parseYaml(text), { source: 'starter definition' });
      if (opts.output && fs.existsSync(opts.output) && !opts.force) {
        throw new Error(`${opts.output} already exists; pass --force to overwrite it`);
      }
      writeOutput(io, text, opts.output);
      if (opts.output) io.err(`wrote ${opts.output}\n`);
    });
}
