import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration } from '../../lib/model/duration';
import { pollCommand } from '../../lib/runbook/poll';

/** Runs a poll with a fake `sleep` (counts seconds) and a check that turns true after `readyAfter` seconds. */
function run(timeout: Duration, readyAfter: number): { status: number; slept: number; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-poll-'));
  try {
    fs.writeFileSync(path.join(dir, 'sleep'), `#!/bin/bash\necho $(( $(cat "${dir}/clock") + $1 )) > "${dir}/clock"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'check'), `#!/bin/bash\n[ "$(cat "${dir}/clock")" -ge ${readyAfter} ] && echo done || echo waiting\n`, {
      mode: 0o755,
    });
    fs.writeFileSync(path.join(dir, 'clock'), '0');
    const script = pollCommand({ check: 'check', until: 'done', timeout, what: 'the thing did not finish' });
    // stdin from /dev/null: bash reads /etc/bash.bashrc when stdin is a socket.
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: `${dir}:/usr/bin:/bin` },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: r.status ?? 1, slept: Number(fs.readFileSync(path.join(dir, 'clock'), 'utf8')), stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('pollCommand', () => {
  test('returns once the check passes, before the timeout', () => {
    expect(run(Duration.minutes(40), 32 * 60)).toEqual({ status: 0, slept: 32 * 60, stderr: '' });
  });

  test('fails after the timeout, in a subshell, with a message naming what did not happen', () => {
    expect(run(Duration.minutes(10), 32 * 60)).toEqual({ status: 1, slept: 600, stderr: 'the thing did not finish within 10m\n' });
  });
});
