import * as fs from 'node:fs';
import * as path from 'node:path';
import { attachCustomSynthesis, type ISynthesisSession, type Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { RollbackBudgets } from '../../../lib/model/service-definition';
import { collectRunbookFacts } from '../../../lib/runbook/facts';
import { renderRunbook } from '../../../lib/runbook/render';

/** Props of `RunbookFile`. */
export interface RunbookFileProps {
  /** Path below the cloud assembly directory, where the stack's alarms link: `runbooks/<stack>.md`. */
  readonly relativePath: string;
  /** The runbook's title. */
  readonly title: string;
  /** Rollback budgets the runbook checks its time bounds against. */
  readonly budgets: RollbackBudgets;
}

/**
 * Writes the runbook of the stack it sits in into the cloud assembly when the app synthesizes
 * (`cdk synth`, `cdk deploy`, `app.synth()`), at the path the alarm descriptions link to, so a
 * `DeploymentStack` in anyone's app ships its runbook without extra code. Inside a `Stage` the
 * file lands in that stage's assembly directory, beside the stack's template.
 *
 * aws-cdk-lib lets a construct add items to the cloud assembly with `attachCustomSynthesis`
 * (aws-cdk-lib/core/lib/app.ts; its `onSynthesize` receives the `ISynthesisSession` whose
 * `outdir` is the assembly being written). The tree is complete by then: every construct has
 * contributed its runbook facts.
 */
export class RunbookFile extends Construct {
  /** The runbook as the last synthesis wrote it; undefined before the app synthesizes. */
  public get text(): string | undefined {
    return this.written?.toString('utf8');
  }

  /**
   * Kept as UTF-8 bytes, outside the JavaScript heap: a runbook is ~75,000 characters of two-byte
   * string (150 kB) per stack, which every later garbage collection of a large app would carry.
   */
  private written?: Buffer;

  constructor(scope: Stack, id: string, props: RunbookFileProps) {
    super(scope, id);
    attachCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const file = path.join(session.outdir, props.relativePath);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        this.written = Buffer.from(renderRunbook(collectRunbookFacts(scope), { title: props.title, budgets: props.budgets }), 'utf8');
        fs.writeFileSync(file, this.written);
      },
    });
  }
}
