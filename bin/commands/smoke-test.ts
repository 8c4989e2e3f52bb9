import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import type { SmokeTests } from '../../lib/model/smoke-tests';
import { loadSmokeTestsFile } from '../../lib/smoke/load';
import { runSmokeTests } from '../../lib/smoke/run';
import { formatSmokeReport } from '../../lib/smoke/table';
import type { CommandContext } from './context';

/**
 * `glidepath smoke-test --url URL (--config smoke-tests.json | --definition FILE)`: runs the HTTP
 * checks with retries and a per-request timeout, prints a pass/fail table, exits 1 on a failure.
 */
export function registerSmokeTest(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('smoke-test')
    .description('Run smoke tests against a URL and exit non-zero when one fails')
    .requiredOption('-u, --url <url>', 'base URL of the version under test, e.g. https://checkout.example.com')
    .option('-c, --config <file>', 'smoke-tests.json (see schema/smoke-tests.schema.json)')
    .option('-d, --definition <file>', 'a service definition; its smokeTests are used when --config is not given')
    .action(async (opts: { url: string; config?: string; definition?: string }) => {
      const tests = loadTests(opts);
      const report = await runSmokeTests(opts.url, tests);
      io.out(formatSmokeReport(report));
      setExitCode(report.passed ? 0 : 1);
    });
}

function loadTests(opts: { config?: string; definition?: string }): SmokeTests {
  if (opts.config) {
    return loadSmokeTestsFile(opts.config);
  }
  if (opts.definition) {
    const definition = loadDefinitionFile(opts.definition);
    if (!definition.smokeTests) {
      throw new Error(`${opts.definition} defines no "smokeTests"; add them or pass --config smoke-tests.json`);
    }
    return definition.smokeTests;
  }
  throw new Error('give the checks with --config smoke-tests.json or --definition <file>');
}
