import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { produceOnce } from './run-cache';

describe('produceOnce: one producer per output, the others wait', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-run-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('produces once, then reads', () => {
    const file = path.join(dir, 'out.json');
    let calls = 0;
    const produce = () => `produced ${++calls}`;
    expect(produceOnce(file, produce)).toBe('produced 1');
    expect(produceOnce(file, produce)).toBe('produced 1');
    expect(calls).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
  });

  test('waits while another live process holds the lock, and reads what it wrote', async () => {
    const file = path.join(dir, 'out.json');
    const script = `require('fs').writeFileSync(${JSON.stringify(`${file}.lock`)}, String(process.pid)); console.log('locked');
      setTimeout(() => { require('fs').writeFileSync(${JSON.stringify(file)}, 'from the other'); require('fs').rmSync(${JSON.stringify(`${file}.lock`)}); }, 500);`;
    const other = spawn(process.execPath, ['-e', script]);
    await new Promise((resolve) => other.stdout.once('data', resolve));
    expect(fs.existsSync(`${file}.lock`)).toBe(true);
    expect(produceOnce(file, () => 'from this one')).toBe('from the other');
    await new Promise((resolve) => other.once('exit', resolve));
  });

  test('takes over the lock of a process that died, and a producer that throws leaves no lock', () => {
    const file = path.join(dir, 'out.json');
    fs.writeFileSync(`${file}.lock`, '2147483646'); // no such process
    expect(() =>
      produceOnce(file, () => {
        throw new Error('synthesis failed');
      }),
    ).toThrow('synthesis failed');
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(produceOnce(file, () => 'second try')).toBe('second try');
  });
});
