import type { RunbookCommand } from '../facts';
import { bash, prose } from './markdown';

/** Numbered steps, each a sentence and its bash block indented under the item. */
export function commandSteps(commands: readonly RunbookCommand[]): string[] {
  const out: string[] = [];
  commands.forEach((c, i) => {
    const marker = `${i + 1}. `;
    // The block belongs to the item only when indented by the marker's width (4 from item 10 on).
    out.push(
      prose(`${marker}${c.description}${c.expected ? `. Expect: ${c.expected}.` : '.'}`),
      '',
      indent(bash([c.command]), marker.length),
      '',
    );
  });
  return out;
}

function indent(text: string, width = 3): string {
  return text
    .split('\n')
    .map((l) => `${' '.repeat(width)}${l}`)
    .join('\n');
}
