import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_PREFIX } from './aws-world';
import { screenProblems, sectionBody } from './screen';
import { staticProblems } from './static-commands';
import { drillSections, SectionKind, StubHost, type DrillSection } from './stubs';
import type { DrillWorld } from './world';

/** A runbook to drill: its text, a fresh simulated world per section, and its working directory. */
export interface Runbook {
  readonly name: string;
  readonly markdown: string;
  /** The world a section starts in: the state the situation it is written for leaves. */
  readonly world: (section: DrillSection) => DrillWorld;
  readonly dir: string;
}

/** What happened in one section. */
export interface SectionResult {
  readonly section: string;
  readonly kind: SectionKind;
  readonly problems: string[];
  /** Simulated seconds the section took (its waits and blocking commands). */
  readonly seconds: number;
  readonly world: DrillWorld;
  readonly stdout: string;
}

/** What failed in one section. */
export interface SectionFailure {
  readonly section: string;
  readonly problems: string[];
}

/**
 * Runs runbook sections against their simulated worlds: each section in its own copy of the
 * working directory, with its own world and clock, sections in parallel.
 */
export class Drill {
  public readonly host: StubHost;
  private readonly worlds = new Map<string, DrillWorld>();
  /** Stubbed calls answered so far. */
  public calls = 0;

  constructor(private readonly root: string) {
    this.host = new StubHost(path.join(root, 'bin'));
    this.host.handler = (tool, cwd, args, screen) => {
      const dir = [...this.worlds.keys()].find((d) => cwd === d || cwd.startsWith(`${d}/`));
      if (!dir) return { stdout: `drill: no world for ${cwd}`, status: 97 };
      const world = this.worlds.get(dir)!;
      this.calls++;
      world.clock = this.host.slept(dir);
      const result = world.handle(tool, cwd, args);
      if (screen && tool === 'aws') world.aws.printed.push({ argv: args, stdout: result.stdout });
      if (result.waited) fs.appendFileSync(this.host.clockFile(dir), `${result.waited}\n`);
      return result;
    };
    this.host.httpHandler = (port, cwd, method, urlPath, body) => {
      const dir = [...this.worlds.keys()].find((d) => cwd === d || cwd.startsWith(`${d}/`));
      return dir ? this.worlds.get(dir)!.http(port, method, urlPath, body) : undefined;
    };
  }

  public start(): Promise<void> {
    return this.host.start();
  }

  public stop(): Promise<void> {
    return this.host.stop();
  }

  /** Runs one section in a fresh world and working directory. */
  public async section(runbook: Runbook, section: DrillSection, world = runbook.world(section)): Promise<SectionResult> {
    const cwd = fs.mkdtempSync(path.join(this.root, 'run-'));
    fs.cpSync(runbook.dir, cwd, { recursive: true });
    this.worlds.set(cwd, world);
    // A section that asks the engineer to choose ("set FLAG to one of: a b") runs with the first choice.
    const choices = [...section.script.matchAll(/set (\w+) to one of: ([^\s"]+)/g)].map((m) => `${m[1]}=${m[2]}`);
    const result = await this.host.run([...new Set(choices), section.script].join('\n'), cwd);
    const seconds = this.host.slept(cwd);
    this.worlds.delete(cwd);
    fs.rmSync(cwd, { recursive: true, force: true });
    world.clock = seconds;
    // Every command as written, also in branches this situation does not take.
    const all = [
      ...(section.kind === SectionKind.BLOCKS ? staticProblems(section.script, world) : []),
      ...world.problems,
      // What the reader saw: each printed diagnostic readable, the incident's evidence on screen.
      ...(section.kind === SectionKind.BLOCKS
        ? screenProblems(section.heading, sectionBody(runbook.markdown, section.heading), world.aws.printed, world.aws.evidence())
        : []),
    ];
    // Inline mentions must be valid calls on resources that exist; the state of the moment may refuse them.
    const problems = section.kind === SectionKind.BLOCKS ? all : all.filter((p) => !p.startsWith(STATE_PREFIX));
    const stateOnly = all.length > 0 && problems.length === 0;
    const exit =
      result.status === 0 || stateOnly ? [] : [`exit ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`];
    return {
      section: section.heading,
      kind: section.kind,
      problems: [...new Set([...problems, ...exit])],
      seconds,
      world,
      stdout: result.stdout,
    };
  }

  /** Drills every section (or those whose heading matches `only`). */
  public async results(runbook: Runbook, only?: RegExp): Promise<SectionResult[]> {
    const sections = drillSections(runbook.markdown).filter((s) => !only || only.test(s.heading));
    return Promise.all(sections.map((s) => this.section(runbook, s)));
  }

  /** Drills every section (or those whose heading matches `only`) and returns the failures. */
  public async run(runbook: Runbook, only?: RegExp): Promise<SectionFailure[]> {
    return (await this.results(runbook, only))
      .filter((r) => r.problems.length > 0)
      .map((r) => ({ section: r.section, problems: r.problems }));
  }
}
