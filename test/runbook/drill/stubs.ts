import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { StubResult } from './aws-world';

/** Answers one stubbed tool call: tool name, working directory, arguments. */
export type StubHandler = (tool: string, cwd: string, args: string[]) => StubResult;

/** The tools the drill replaces on PATH; jq stays real. */
export const STUB_TOOLS = ['aws', 'kubectl', 'npx', 'git', 'gh', 'curl', 'pulumi'];

/** `sleep` only advances the simulated clock: one line of seconds per call, summed by the simulator. */
const SLEEP = `#!/bin/bash
echo "\${1:-0}" >> "$DRILL_CLOCK"
`;

const STUB = `#!/bin/bash
# Drill stub: sends the call to the test's simulated platform over TCP and prints its answer.
case " $* " in *" - "*) cat >/dev/null ;; esac
exec 3<>"/dev/tcp/127.0.0.1/\${DRILL_PORT}" || { echo "drill stub: simulator unreachable" >&2; exit 99; }
printf '%s\\0' "$(( $# + 2 ))" "\${0##*/}" "$PWD" "$@" >&3
IFS= read -r -d '' out <&3 || true
code=\${out##*$'\\n'}
body=\${out%$'\\n'*}
[ -z "$body" ] || printf '%s\\n' "$body"
exit "$code"
`;

/**
 * A local TCP server the stub scripts call, and a directory of stub scripts to put first on PATH.
 * Scripts run asynchronously so the server (in this process) can answer.
 */
export class StubHost {
  public handler: StubHandler = () => ({ stdout: 'no handler', status: 1 });
  private server?: net.Server;
  public port = 0;

  constructor(public readonly binDir: string) {}

  public async start(): Promise<void> {
    fs.mkdirSync(this.binDir, { recursive: true });
    for (const tool of STUB_TOOLS) {
      fs.writeFileSync(path.join(this.binDir, tool), STUB, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(this.binDir, 'sleep'), SLEEP, { mode: 0o755 });
    // Each call: a field count, then tool, working directory and arguments, NUL-terminated.
    this.server = net.createServer((socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        const fields = buffer.toString('utf8').split('\0');
        const count = Number(fields[0]);
        if (!(fields.length - 2 >= count)) return;
        const [tool, cwd, ...args] = fields.slice(1, count + 1);
        let result: StubResult;
        try {
          result = this.handler(tool, cwd, args);
        } catch (e) {
          result = { stdout: `drill: ${(e as Error).stack}`, status: 98 };
        }
        socket.end(`${result.stdout}\n${result.status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The file the `sleep` stub appends to, per working directory. */
  public clockFile(cwd: string): string {
    return path.join(cwd, '.drill-clock');
  }

  /** Seconds slept so far in a working directory. */
  public slept(cwd: string): number {
    const file = this.clockFile(cwd);
    return fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .reduce((acc, l) => acc + (Number(l) || 0), 0)
      : 0;
  }

  /** Runs a script with `bash -euo pipefail` in `cwd`, the stubs first on PATH. */
  public run(script: string, cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      // stdin from /dev/null: bash reads /etc/bash.bashrc when stdin is a socket (the rshd heuristic).
      const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: `${this.binDir}:/usr/bin:/bin`,
          DRILL_PORT: String(this.port),
          DRILL_CLOCK: this.clockFile(cwd),
          HOME: cwd,
          LANG: 'C.UTF-8',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status: status ?? 1, stdout, stderr }));
    });
  }
}

/** A runbook section to drill: its heading and its bash blocks, in order. */
export interface DrillSection {
  readonly heading: string;
  readonly script: string;
}

/**
 * The sections of a runbook an on-call engineer executes: the deployment phase, each rollback
 * level (commands and verify), each alarm's diagnosis, and each section of a pipeline runbook.
 */
export function drillSections(markdown: string): DrillSection[] {
  const sections: { heading: string; blocks: string[] }[] = [];
  let h2 = '';
  let current: { heading: string; blocks: string[] } | undefined;
  let block: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (block) {
      if (/^\s*```\s*$/.test(line)) {
        current?.blocks.push(block.join('\n'));
        block = undefined;
      } else {
        block.push(line.replace(/^ {3}/, ''));
      }
      continue;
    }
    if (/^\s*```bash\s*$/.test(line)) {
      block = [];
      continue;
    }
    const heading = /^(##|###) (.+)$/.exec(line);
    if (!heading) continue;
    if (heading[1] === '##') h2 = heading[2];
    const wanted =
      (heading[1] === '##' && /^Phase 3/.test(heading[2])) ||
      (heading[1] === '###' && (/^Level [123]/.test(heading[2]) || h2 === 'Alarms' || h2 === 'Pipeline'));
    current = wanted ? { heading: heading[2], blocks: [] } : undefined;
    if (current) sections.push(current);
  }
  return sections.filter((s) => s.blocks.length > 0).map((s) => ({ heading: s.heading, script: s.blocks.join('\n') }));
}
