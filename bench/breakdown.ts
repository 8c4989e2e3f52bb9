/**
 * `node bench/.out/bench/breakdown.js [services] [definition.yaml]` (after `tsc -p bench`): one run of
 * the glidepath app as `npm run bench` measures it (default 50 services), with the CPU time of each
 * piece of work the hand-written app does not do: loading glidepath's modules, validating the
 * definitions, the detection model, the `TrafficRouting` fingerprint, the cdk-nag acknowledgements
 * (`Validations.acknowledge`, each recording a stack trace in the cloud assembly) and the runbook
 * each stack writes into the assembly. Prints a Markdown table (bench/README.md, "Where the time
 * goes"). The functions are wrapped in place: TypeScript's CommonJS output calls an import as
 * `module.name(...)`, so replacing the export is seen by every caller.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const totals = new Map<string, { ms: number; calls: number }>();

function record(label: string, since: NodeJS.CpuUsage): void {
  const used = process.cpuUsage(since);
  const total = totals.get(label) ?? { ms: 0, calls: 0 };
  total.ms += (used.user + used.system) / 1000;
  total.calls += 1;
  totals.set(label, total);
}

/** `fn`, timed under `label` (a call from inside itself counts once: the outer call's time includes it). */
function timed(label: string | ((args: unknown[]) => string), fn: Fn): Fn {
  let depth = 0;
  return function (this: unknown, ...args: unknown[]) {
    const start = process.cpuUsage();
    depth += 1;
    try {
      return fn.apply(this, args);
    } finally {
      depth -= 1;
      if (depth === 0) record(typeof label === 'string' ? label : label(args), start);
    }
  };
}

function instrument(modulePath: string, name: string, label: string): void {
  const exported = require(modulePath) as Record<string, unknown>;
  exported[name] = timed(label, exported[name] as Fn);
}

function main(): void {
  const services = Number(process.argv[2] ?? 50);
  const definition = process.argv[3] ?? path.resolve(__dirname, '../../../examples/checkout/definition.yaml');
  const started = process.cpuUsage();
  const { glidepathApp } = require('./apps/glidepath') as typeof import('./apps/glidepath');
  record('loading glidepath, zod and yaml (`require` of the bench app)', started);

  instrument('../lib/model/validate', 'validateDefinition', 'validating the definitions (`validateDefinition`)');
  instrument(
    '../lib/plan/detection/detection-plan',
    'detectionReport',
    'detection model (`detectionReport`, once per schedule shape, then cached)',
  );
  instrument(
    '../constructs/aws/private/traffic-routing',
    'trafficRoutingFingerprint',
    '`TrafficRouting` output (renders the listener rules)',
  );
  instrument('../lib/runbook/facts', 'collectRunbookFacts', 'runbook in the assembly: collecting the facts');
  instrument('../lib/runbook/render', 'renderRunbook', 'runbook in the assembly: rendering the Markdown');
  const acknowledge = Validations.prototype.acknowledge as unknown as Fn;
  (Validations.prototype as unknown as Record<string, Fn>).acknowledge = timed(
    (rules) =>
      (rules as { id: string }[]).every((r) => r.id.startsWith('CloudFormation-Validate::'))
        ? "acknowledgements aws-cdk-lib makes itself (literal AZs, flow log case): the hand-written app's too"
        : 'acknowledged cdk-nag findings (`Validations.acknowledge`, a stack trace each)',
    acknowledge,
  );

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-breakdown-'));
  try {
    const flags = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
    const app = new App({ outdir, context: { ...flags, '@aws-cdk/core:annotationsInValidationReport': false } });
    glidepathApp(false).addStacks(app, services, definition);
    app.synth();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const used = process.cpuUsage(started);
  const all = (used.user + used.system) / 1000;
  const lines = [
    `glidepath app, ${services} services: ${(all / 1000).toFixed(2)} s of CPU after node started`,
    '',
    '| work | calls | CPU | share |',
    '| --- | --- | --- | --- |',
    ...[...totals].map(([label, t]) => `| ${label} | ${t.calls} | ${(t.ms / 1000).toFixed(2)} s | ${((100 * t.ms) / all).toFixed(1)}% |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main();
