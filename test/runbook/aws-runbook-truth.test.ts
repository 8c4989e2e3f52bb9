import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeAws, type AwsArtifacts } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model/load';
import { pipelineName } from '../../constructs/aws/delivery-pipeline';
import { exampleAws } from '../support/example-outputs';

const EXAMPLES = ['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'];

/** Every string anywhere in a template: physical names live in properties of many shapes. */
function templateStrings(template: unknown, into = new Set<string>()): Set<string> {
  if (typeof template === 'string') {
    into.add(template);
  } else if (Array.isArray(template)) {
    template.forEach((v) => templateStrings(v, into));
  } else if (template && typeof template === 'object') {
    Object.values(template).forEach((v) => templateStrings(v, into));
  }
  return into;
}

function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .split('\n')
      .map((l) => l.replace(/^ {3}/, ''))
      .join('\n'),
  );
}

/** Names passed to the flags and subcommands of the commands a runbook prints. */
const NAME_FLAGS = [
  '--cluster',
  '--service',
  '--services',
  '--alarm-name',
  '--alarm-names',
  '--function-name',
  '--secret-id',
  '--stack-name',
  '--dashboard-name',
  '--family-prefix',
  '--application-name',
  '--deployment-group-name',
  '--name',
  '--task-definition',
  '--application-identifier',
  '--environment-identifier',
  '--configuration-profile-identifier',
];

function namesInCommands(blocks: string[]): string[] {
  const names: string[] = [];
  for (const block of blocks) {
    for (const flag of NAME_FLAGS) {
      for (const m of block.matchAll(new RegExp(`${flag} ([^\\s"'$()]+)`, 'g'))) names.push(m[1]);
    }
    for (const m of block.matchAll(/aws logs tail ([^\s]+)/g)) names.push(m[1]);
    // AppConfig IDs are looked up by name in JMESPath filters.
    for (const m of block.matchAll(/Name=='([^']+)'/g)) names.push(m[1]);
    for (const m of block.matchAll(/npx cdk (?:deploy|diff) ([^\s]+)/g)) names.push(m[1]);
  }
  return names;
}

describe.each(EXAMPLES)('runbooks of %s (AWS)', (example) => {
  let artifacts: AwsArtifacts;
  beforeAll(() => {
    artifacts = exampleAws(example);
  });

  test('one runbook per stack', () => {
    const stacks = Object.keys(artifacts.templates).map((f) => f.replace('.template.json', ''));
    expect(Object.keys(artifacts.runbooks).map((f) => f.replace('.md', ''))).toEqual(stacks);
  });

  test("every name a command uses exists in that stack's template", () => {
    for (const [file, markdown] of Object.entries(artifacts.runbooks)) {
      const stack = file.replace('.md', '');
      const template = JSON.parse(artifacts.templates[`${stack}.template.json`]);
      const known = templateStrings(template);
      known.add(stack);
      // Pipeline-owned environments deploy through the pipeline, which lives in its own stack.
      // Its approval of a single environment runs between change set and execution: CDK Pipelines names it `<stack>.Approve`.
      known
        .add(pipelineName(loadDefinitionFile(example).service))
        .add('Approve')
        .add(`${stack}.Approve`)
        // ...and its deploy action `<stack>.Deploy`, which the pipeline procedures read executions of.
        .add(`${stack}.Deploy`);
      const names = namesInCommands(bashBlocks(markdown));
      expect(names.length).toBeGreaterThan(5);
      // Secrets managed outside the stack are referenced by ARN: `...:secret:<name>`.
      const referencedSecret = (n: string) => [...known].some((k) => k === `:secret:${n}` || k.endsWith(`:secret:${n}`));
      // A shell expansion ("$LOGS", "/aws/lambda/${FUNCTION##*:}") names what an earlier command read, not a literal.
      const missing = names.filter((n) => !known.has(n) && !referencedSecret(n) && n !== 'live' && !n.includes('$'));
      expect({ stack, missing }).toEqual({ stack, missing: [] });
    }
  });

  test('every alarm in a template has its runbook section, and every section its alarm', () => {
    for (const [file, markdown] of Object.entries(artifacts.runbooks)) {
      const stack = file.replace('.md', '');
      const template = JSON.parse(artifacts.templates[`${stack}.template.json`]);
      const alarms = Object.values(template.Resources as Record<string, { Type: string; Properties: { AlarmName: string } }>)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => r.Properties.AlarmName)
        .sort();
      // The Alarms section only: the incident sections that follow it have their own headings.
      const fromAlarms = markdown.slice(markdown.indexOf('\n## Alarms\n') + 1);
      const next = fromAlarms.indexOf('\n## ');
      const alarmSection = next < 0 ? fromAlarms : fromAlarms.slice(0, next);
      const sections = [...alarmSection.matchAll(/^### (.+)$/gm)].map((m) => m[1]).sort();
      expect(alarms.length).toBeGreaterThanOrEqual(6);
      expect(sections).toEqual(alarms);
      for (const name of alarms) {
        // The alarm's description links to its section.
        const described = Object.values(
          template.Resources as Record<string, { Properties: { AlarmName?: string; AlarmDescription?: string } }>,
        ).find((r) => r.Properties?.AlarmName === name);
        // The absolute URL of its section: the examples publish their runbooks (runbookBaseUrl).
        expect(described?.Properties.AlarmDescription).toContain(
          `Runbook: https://runbooks.acme.example/${stack.replace(/-(dev|staging|prod)$/, '')}/${stack}.md#${name}`,
        );
      }
    }
  });

  test('every bash block parses (bash -n), and passes shellcheck where installed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-runbook-'));
    const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
    try {
      const scripts = new Map<string, string>();
      for (const [file, markdown] of Object.entries(artifacts.runbooks)) {
        bashBlocks(markdown).forEach((block, i) => {
          const script = path.join(dir, `${file}-${i}.sh`);
          fs.writeFileSync(script, `#!/usr/bin/env bash\n${block}`);
          scripts.set(script, block);
        });
      }
      // `bash -n` on each block, from one bash (a spawn per block from this large process costs
      // seconds of system CPU): prints, NUL-separated, each script whose check wrote anything and what.
      const syntax = spawnSync(
        'bash',
        ['-c', 'for f; do out=$(bash -n "$f" 2>&1); [ -z "$out" ] || printf "%s\\0%s\\0" "$f" "$out"; done', 'bash', ...scripts.keys()],
        {
          encoding: 'utf8',
        },
      );
      expect({ status: syntax.status, error: syntax.error }).toEqual({ status: 0, error: undefined });
      const reported = syntax.stdout.split('\0');
      const stderrOf = new Map<string, string>();
      for (let i = 0; i + 1 < reported.length; i += 2) stderrOf.set(reported[i], reported[i + 1]);
      for (const [script, block] of scripts) expect({ block, stderr: stderrOf.get(script) ?? '' }).toEqual({ block, stderr: '' });
      expect([...stderrOf.keys()].filter((script) => !scripts.has(script))).toEqual([]);
      if (hasShellcheck) {
        // One shellcheck for every block (it checks each file on its own; one process per block
        // cost ~2.5 s more CPU). gcc format: one `file:line:col: level: message` line per finding.
        // SC2034: variables set in one step are used in the next block.
        const check = spawnSync('shellcheck', ['-e', 'SC2034', '-S', 'warning', '-f', 'gcc', ...scripts.keys()], { encoding: 'utf8' });
        expect(check.error).toBeUndefined();
        const findings = check.stdout.split('\n').filter(Boolean);
        expect(findings.filter((line) => ![...scripts.keys()].some((script) => line.startsWith(`${script}:`)))).toEqual([]);
        for (const [script, block] of scripts) {
          const own = findings.filter((line) => line.startsWith(`${script}:`)).join('\n');
          expect({ block, findings: own }).toEqual({ block, findings: '' });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.CI === 'true') {
      expect(hasShellcheck).toBe(true);
    }
  });

  test('no secret value appears in a runbook or template', () => {
    const everything = [...Object.values(artifacts.runbooks), ...Object.values(artifacts.templates)].join('\n');
    expect(everything).not.toMatch(/\{\{resolve:secretsmanager/);
    expect(everything).not.toMatch(/"SecretString"\s*:/);
  });

  test('synthesis is deterministic: two runs give byte-identical runbooks and templates', () => {
    const again = synthesizeAws(loadDefinitionFile(example));
    expect(again.runbooks).toEqual(artifacts.runbooks);
    expect(again.templates).toEqual(artifacts.templates);
  });
});

test('bash is available for the syntax checks', () => {
  expect(execFileSync('bash', ['--version'], { encoding: 'utf8' })).toContain('GNU bash');
});

test('with runbookBaseUrl, every alarm description carries the full URL of its runbook section', () => {
  const definition = {
    ...loadDefinitionFile('examples/checkout/definition.yaml'),
    runbookBaseUrl: 'https://runbooks.example.com/checkout',
  };
  const { templates } = synthesizeAws(definition, ['prod']);
  const alarms = Object.values(
    JSON.parse(templates['checkout-prod.template.json']).Resources as Record<string, { Type: string; Properties: Record<string, string> }>,
  ).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  expect(alarms.length).toBeGreaterThanOrEqual(6);
  for (const a of alarms) {
    expect(a.Properties.AlarmDescription).toContain(
      `Runbook: https://runbooks.example.com/checkout/checkout-prod.md#${a.Properties.AlarmName}`,
    );
  }
});
