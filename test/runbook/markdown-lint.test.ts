import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exampleArtifacts, type ExampleName } from '../support/example-outputs';

const EXAMPLES: ExampleName[] = ['checkout', 'payments-api', 'storefront-web'];

test('every example runbook passes markdownlint with the committed configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-mdlint-'));
  try {
    let count = 0;
    for (const example of EXAMPLES) {
      const { files } = exampleArtifacts(example);
      for (const [name, text] of Object.entries(files).filter(([n]) => n.endsWith('.md'))) {
        fs.writeFileSync(path.join(dir, path.basename(name)), text);
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(11);
    fs.copyFileSync('.markdownlint-cli2.jsonc', path.join(dir, '.markdownlint-cli2.jsonc'));
    const cli = path.resolve('node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs');
    const result = spawnSync(process.execPath, [cli, '*.md'], { cwd: dir, encoding: 'utf8' });
    expect({ status: result.status, output: result.stderr }).toEqual({ status: 0, output: '' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
