import { TARGET_DESCRIPTIONS, type Target } from '../targets/target';

/** A stable Markdown anchor for a heading text (GitHub's rule: lower-case, spaces to hyphens). */
export function anchorOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/ /g, '-');
}

/** File name of the runbook for one service × environment × target, e.g. `checkout-prod.md`. */
export function runbookFileName(service: string, environment: string, target: Target): string {
  return `${service}-${environment}${TARGET_DESCRIPTIONS[target].runbookSuffix}.md`;
}

/**
 * Link to an alarm's section in the runbook: `<baseUrl>/<file>#<anchor>`, or a relative link
 * `runbooks/<file>#<anchor>` when no base URL is configured.
 */
export function runbookUrl(opts: { service: string; environment: string; target: Target; baseUrl?: string }, anchor: string): string {
  const file = runbookFileName(opts.service, opts.environment, opts.target);
  const base = opts.baseUrl ? opts.baseUrl.replace(/\/+$/, '') : 'runbooks';
  return `${base}/${file}#${anchor}`;
}
