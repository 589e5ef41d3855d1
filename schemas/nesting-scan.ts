/**
 * Far deeper than any real input, and shallow enough for the parsers behind the loader: the yaml library
 * recurses per level and runs out of memory long before 100 000 levels, and esbuild overflows its stack.
 */
export const MAX_NESTING = 64;

const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * The first line that opens more than MAX_NESTING brackets of `openers` at once, or, with `blockIndicators`,
 * that opens more than MAX_NESTING YAML block collections on one line (`- - - x`), by a scan far cheaper
 * than a parse. Brackets inside strings and comments count too: that can only over-count, and only for a file
 * that leaves dozens of them open. Indentation needs no count: the input size cap bounds it.
 */
export function firstLineNestedTooDeep(text: string, openers: string, blockIndicators = false): number | undefined {
  let depth = 0;
  let line = 1;
  let atLineStart = true;
  let indicators = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\n') {
      line++;
      atLineStart = true;
      indicators = 0;
      continue;
    }
    if (openers.includes(char)) depth++;
    else if (char in CLOSERS && openers.includes(CLOSERS[char]!)) depth = Math.max(0, depth - 1);
    if (blockIndicators && atLineStart && (char === '-' || char === '?') && (text[index + 1] === ' ' || text[index + 1] === '\t')) indicators++;
    else if (char !== ' ' && char !== '\t') atLineStart = false;
    if (depth > MAX_NESTING || indicators > MAX_NESTING) return line;
  }
  return undefined;
}
