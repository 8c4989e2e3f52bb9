import * as fs from 'node:fs';
import * as path from 'node:path';
import { drillSections, StubHost } from './stubs';
import type { DrillWorld } from './world';

/** A runbook to drill: its text, a fresh simulated world per section, and its working directory. */
export interface Runbook {
  readonly name: string;
  readonly markdown: string;
  readonly world: () => DrillWorld;
  readonly dir: string;
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
    this.host.handler = (tool, cwd, args) => {
      const dir = [...this.worlds.keys()].find((d) => cwd === d || cwd.startsWith(`${d}/`));
      if (!dir) return { stdout: `drill: no world for ${cwd}`, status: 97 };
      const world = this.worlds.get(dir)!;
      this.calls++;
      world.clock = this.host.slept(dir);
      const result = world.handle(tool, cwd, args);
      if (result.waited) fs.appendFileSync(this.host.clockFile(dir), `${result.waited}\n`);
      return result;
    };
  }

  public start(): Promise<void> {
    return this.host.start();
  }

  public stop(): Promise<void> {
    return this.host.stop();
  }

  /** Drills every section (or those whose heading matches `only`) and returns the failures. */
  public async run(runbook: Runbook, only?: RegExp): Promise<SectionFailure[]> {
    const sections = drillSections(runbook.markdown).filter((s) => !only || only.test(s.heading));
    const results = await Promise.all(
      sections.map(async (section) => {
        const world = runbook.world();
        const cwd = fs.mkdtempSync(path.join(this.root, 'run-'));
        fs.cpSync(runbook.dir, cwd, { recursive: true });
        this.worlds.set(cwd, world);
        const result = await this.host.run(section.script, cwd);
        this.worlds.delete(cwd);
        const problems = [
          ...world.problems,
          ...(result.status === 0 ? [] : [`exit ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`]),
        ];
        return { section: section.heading, problems: [...new Set(problems)] };
      }),
    );
    return results.filter((r) => r.problems.length > 0);
  }
}
