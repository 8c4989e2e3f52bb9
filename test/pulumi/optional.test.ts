import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Pulumi stays optional: CDK and cdk8s users do not install @pulumi/*, so nothing outside the
 * Pulumi target may import it.
 */
const root = path.join(__dirname, '..', '..');
// The runbook drill runs the Pulumi runbooks too (under Pulumi mocks); the trial's Pulumi app is a user's Pulumi project.
const allowed = [
  'constructs/pulumi/',
  'examples/pulumi-',
  'test/pulumi/',
  'test/runbook/drill-pulumi.test.ts',
  'test/examples/trial-apps/pulumi-new/',
];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

test('only the Pulumi target imports @pulumi/* or constructs/pulumi', () => {
  const offenders = ['bin', 'lib', 'constructs', 'examples', 'test']
    .filter((d) => fs.existsSync(path.join(root, d)))
    .flatMap(sources)
    .filter((f) => !allowed.some((a) => f.startsWith(a)))
    .filter((f) =>
      /from '@pulumi\/|require\('@pulumi\/|from '[./]*(constructs\/)?pulumi'/.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
  expect(offenders).toEqual([]);
});

test('the Pulumi target imports nothing private of another target', () => {
  const offenders = sources('constructs/pulumi').filter((f) =>
    /from '[./]*(aws|k8s)\/private\//.test(fs.readFileSync(path.join(root, f), 'utf8')),
  );
  expect(offenders).toEqual([]);
});
