import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { StubResult } from './aws-world';

/**
 * Answers one stubbed tool call: tool name, working directory, arguments, and whether what it
 * prints reaches the section's own stdout (the reader's screen) rather than a `$(…)` capture or a pipe.
 */
export type StubHandler = (tool: string, cwd: string, args: string[], screen: boolean) => StubResult;

/**
 * Answers one HTTP request a real client (amtool) sent to `127.0.0.1:<port>` from a working
 * directory: what a port-forward of that section reaches, or `undefined` when nothing listens there.
 */
export type HttpHandler = (
  port: number,
  cwd: string,
  method: string,
  path: string,
  body: string,
) => { status: number; body: string } | undefined;

/** The tools the drill replaces on PATH; jq stays real. */
export const STUB_TOOLS = ['aws', 'kubectl', 'npx', 'git', 'gh', 'curl', 'pulumi'];

/** `sleep` only advances the simulated clock: one line of seconds per call, summed by the simulator. */
const SLEEP = `#!/bin/bash
echo "\${1:-0}" >> "$DRILL_CLOCK"
`;

const STUB = `#!/bin/bash
# Drill stub: sends the call to the test's simulated platform over TCP and prints its answer.
stdin=()
case " $* " in *" - "*) f=$(mktemp "$PWD/.drill-stdin.XXXXXX"); cat >"$f"; stdin=("--drill-stdin-file=$f") ;; esac
# On screen: this call's stdout is the section's stdout (DRILL_SCREEN, set by the section's shell).
screen=0; [ -n "\${DRILL_SCREEN:-}" ] && [ "$(readlink /proc/$$/fd/1 2>/dev/null)" = "$DRILL_SCREEN" ] && screen=1
exec 3<>"/dev/tcp/127.0.0.1/\${DRILL_PORT}" || { echo "drill stub: simulator unreachable" >&2; exit 99; }
printf '%s\\0' "$(( $# + \${#stdin[@]} + 3 ))" "$screen" "\${0##*/}" "$PWD" "$@" "\${stdin[@]}" >&3
IFS= read -r -d '' out <&3 || true
code=\${out##*$'\\n'}
body=\${out%$'\\n'*}
[ -z "$body" ] || printf '%s\\n' "$body"
# A port-forward runs until it is killed, as kubectl's does.
[ "\${0##*/} $1" != "kubectl port-forward" ] && [ "\${0##*/} $3" != "kubectl port-forward" ] || [ "$code" != 0 ] || exec /bin/sleep 600
exit "$code"
`;

/** How long (real milliseconds) an HTTP request waits for the port-forward its section started. */
const HTTP_FORWARD_WAIT_MS = 10_000;

/**
 * amtool runs for real; a `--alertmanager.url` on 127.0.0.1 or localhost (what a port-forward
 * listens on) goes to the drill's HTTP endpoint instead, with the port and the working directory in
 * the path (amtool keeps a URL's path as the API prefix: alertmanager `cli/root.go`), so the section's
 * own world answers as the service its port-forward reaches.
 */
const AMTOOL = `#!/bin/bash
args=()
for a in "$@"; do
  if [[ $a =~ ^--alertmanager\\.url=http://(127\\.0\\.0\\.1|localhost):([0-9]+)/?$ ]]; then
    a="--alertmanager.url=http://127.0.0.1:\${DRILL_HTTP_PORT}/drill/\${BASH_REMATCH[2]}\${PWD}"
  fi
  args+=("$a")
done
PATH=\${PATH#*:} exec amtool "\${args[@]}"
`;

/**
 * A local TCP server the stub scripts call, and a directory of stub scripts to put first on PATH.
 * Scripts run asynchronously so the server (in this process) can answer.
 */
export class StubHost {
  public handler: StubHandler = () => ({ stdout: 'no handler', status: 1 });
  public httpHandler: HttpHandler = () => undefined;
  private server?: net.Server;
  private http?: http.Server;
  public port = 0;
  public httpPort = 0;

  constructor(public readonly binDir: string) {}

  public async start(): Promise<void> {
    fs.mkdirSync(this.binDir, { recursive: true });
    for (const tool of STUB_TOOLS) {
      fs.writeFileSync(path.join(this.binDir, tool), STUB, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(this.binDir, 'sleep'), SLEEP, { mode: 0o755 });
    fs.writeFileSync(path.join(this.binDir, 'amtool'), AMTOOL, { mode: 0o755 });
    // Each call: a field count, then tool, working directory and arguments, NUL-terminated.
    this.server = net.createServer((socket) => {
      // A stub killed mid-call (its section ended, a background port-forward) resets the connection.
      socket.on('error', () => undefined);
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        const fields = buffer.toString('utf8').split('\0');
        const count = Number(fields[0]);
        if (!(fields.length - 2 >= count)) return;
        const [screen, tool, cwd, ...args] = fields.slice(1, count + 1);
        let result: StubResult;
        try {
          result = this.handler(tool, cwd, args, screen === '1');
        } catch (e) {
          result = { stdout: `drill: ${(e as Error).stack}`, status: 98 };
        }
        socket.end(`${result.stdout}\n${result.status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    // `/drill/<local port><working directory>/<path>`: see the amtool stub.
    this.http = http.createServer((req, res) => {
      req.socket.on('error', () => undefined);
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const m = /^\/drill\/(\d+)(\/.*?)(\/api\/.*)$/.exec((req.url ?? '').replace(/\?.*$/, ''));
        const ask = (): ReturnType<HttpHandler> => {
          try {
            return m ? this.httpHandler(Number(m[1]), m[2], req.method ?? 'GET', m[3], body) : undefined;
          } catch (e) {
            return { status: 500, body: `drill: ${(e as Error).stack}` };
          }
        };
        // The section's `sleep` after starting a port-forward takes no real time, so the stub of a
        // port-forward started before may not have reached the world yet: wait for it (real time,
        // bounded) before refusing the connection, as nothing would listen on that port.
        const deadline = Date.now() + HTTP_FORWARD_WAIT_MS;
        const answer = (): void => {
          const a = ask();
          if (!a && Date.now() < deadline) return void setTimeout(answer, 50);
          if (!a) return void req.socket.destroy();
          res.writeHead(a.status, { 'Content-Type': 'application/json' });
          res.end(a.body);
        };
        answer();
      });
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.httpPort = (this.http.address() as AddressInfo).port;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
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
      // DRILL_SCREEN: the pipe the section's own stdout is, so a stub can tell whether it prints to the reader.
      const child = spawn('bash', ['-euo', 'pipefail', '-c', `export DRILL_SCREEN="$(readlink /proc/$$/fd/1)"\n${script}`], {
        cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: `${this.binDir}:/usr/bin:/bin`,
          DRILL_PORT: String(this.port),
          DRILL_HTTP_PORT: String(this.httpPort),
          DRILL_CLOCK: this.clockFile(cwd),
          HOME: cwd,
          LANG: 'C.UTF-8',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // Kill what the script left running in the background (a port-forward never killed), then report
      // once the output pipes are drained: 'exit' may come before the last output is read (Node's
      // child_process docs), which lost a section's last line on a loaded machine.
      let exitStatus = 1;
      child.on('exit', (status) => {
        exitStatus = status ?? 1;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      });
      child.on('close', () => resolve({ status: exitStatus, stdout, stderr }));
    });
  }
}

/** How a section's commands appear in the runbook. */
export enum SectionKind {
  /** Fenced bash blocks, run in order in one shell. */
  BLOCKS = 'blocks',
  /** The first command of a row of the "Paged? Start here" table. */
  TRIAGE = 'triage',
  /** A command written inline in prose (`aws ...`): it must run as written too. */
  PROSE = 'prose',
}

/** A runbook section to drill: its heading and its commands, in order. */
export interface DrillSection {
  readonly heading: string;
  readonly script: string;
  readonly kind: SectionKind;
}

/** Tools whose inline mentions are commands to run. */
const INLINE = /`((?:aws|kubectl|npx|git|pulumi|gh) [^`]+)`/g;

/**
 * Every section of a runbook an on-call engineer executes: each `##` or `###` heading with fenced
 * bash blocks (all phases, migrations, each rollback level, each alarm, each pipeline procedure,
 * each incident procedure), each command of the triage table, and each command written in prose.
 */
export function drillSections(markdown: string): DrillSection[] {
  const sections: { heading: string; blocks: string[] }[] = [];
  const inline: DrillSection[] = [];
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
    if (/^\s*```/.test(line)) {
      block = [];
      current = undefined;
      continue;
    }
    const heading = /^(##|###) (.+)$/.exec(line);
    if (heading) {
      current = { heading: heading[2], blocks: [] };
      sections.push(current);
      continue;
    }
    const heading2 = current?.heading ?? '';
    for (const m of line.matchAll(INLINE)) {
      const command = decodeEntities(m[1]);
      if (!isInstruction(command)) continue;
      inline.push({
        heading: `${heading2}: \`${command}\``,
        script: command,
        kind: heading2.startsWith('Paged?') && line.startsWith('|') ? SectionKind.TRIAGE : SectionKind.PROSE,
      });
    }
  }
  return [
    ...sections
      .filter((s) => s.blocks.length > 0)
      .map((s) => ({ heading: s.heading, script: s.blocks.join('\n'), kind: SectionKind.BLOCKS })),
    ...inline.filter((s, i) => inline.findIndex((x) => x.script === s.script) === i),
  ];
}

/**
 * Whether an inline command is something to run rather than the name of one: an `aws` command with
 * at least one option, any other with a subcommand and an argument (`npx cdk synth`, not `npx cdk`).
 */
function isInstruction(command: string): boolean {
  const words = command.split(/\s+/);
  return words[0] === 'aws' ? words.some((w) => w.startsWith('--')) : words.length >= 3;
}

/** Markdown escapes in table cells and prose, as a reader copying the command would see them rendered. */
function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\\\|/g, '|');
}

/** Every `##`/`###` heading of a runbook whose body has a command (fenced or inline): what "every section" means. */
export function headingsWithCommands(markdown: string): string[] {
  const out: string[] = [];
  let heading: string | undefined;
  let inCode = false;
  for (const line of markdown.split('\n')) {
    const h = /^(##|###) (.+)$/.exec(line);
    if (h && !inCode) {
      heading = h[2];
      continue;
    }
    if (/^\s*```/.test(line)) {
      if (!inCode && /```bash/.test(line) && heading && !out.includes(heading)) out.push(heading);
      inCode = !inCode;
      continue;
    }
    if (!inCode && heading && [...line.matchAll(INLINE)].some((m) => isInstruction(decodeEntities(m[1]))) && !out.includes(heading))
      out.push(heading);
  }
  return out;
}
