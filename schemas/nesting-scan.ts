/**
 * Far deeper than any real input, and shallow enough for the parsers behind the loader: the yaml library
 * recurses per level and runs out of memory long before 100 000 levels, and esbuild overflows its stack.
 */
export const MAX_NESTING = 64;

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** A line opening more than MAX_NESTING YAML block collections at once (`- - - x`). */
const BLOCK_RUN = new RegExp(`^[ \\t]*(?:[-?][ \\t]+){${MAX_NESTING + 1}}`, 'm');

/**
 * The first line where more than MAX_NESTING brackets of `openers` are open, or, with `blockIndicators`, that
 * opens more than MAX_NESTING YAML block collections, by a scan far cheaper than a parse. Brackets inside
 * strings and comments count too: that can only over-count, and only for a file that leaves dozens of them
 * open. Indentation needs no count: the input size cap bounds it.
 */
export function firstLineNestedTooDeep(text: string, openers: string, blockIndicators = false): number | undefined {
  const brackets = [...openers].flatMap((open) => [open, CLOSER[open]!]);
  const pattern = new RegExp(`[${brackets.map((bracket) => `\\${bracket}`).join('')}]`, 'g');
  let depth = 0;
  for (const match of text.matchAll(pattern)) {
    if (openers.includes(match[0])) depth++;
    else if (depth > 0) depth--;
    if (depth > MAX_NESTING) return lineAt(text, match.index);
  }
  const run = blockIndicators ? BLOCK_RUN.exec(text) : null;
  return run ? lineAt(text, run.index) : undefined;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
