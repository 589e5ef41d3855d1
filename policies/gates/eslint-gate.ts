import { existsSync } from 'node:fs';
import path from 'node:path';
import { count } from '../../schemas';
import { fail, pass, type Gate } from './gate';

/** The console's ESLint configuration: Next.js's core-web-vitals and TypeScript rules. */
const CONFIG = 'console/eslint.config.mjs';

/**
 * ESLint with Next.js's rules over the console: hooks used by the rules, accessible markup, no unused code.
 * `npm run lint` runs the same check (with `tsc`, which the typescript gate runs here).
 */
export const eslintGate: Gate = {
  name: 'eslint',
  description: "ESLint with Next.js's core-web-vitals and TypeScript rules reports no error or warning in the console.",
  async run({ root }) {
    if (!existsSync(path.join(root, CONFIG))) return pass('no console in this repository');
    const { problems, files } = await lintConsole(root);
    return problems.length ? fail(count(problems.length, 'ESLint problem'), problems) : pass(`${count(files, 'file')} clean`);
  },
};

/** Every ESLint error and warning in console/, one line each: `console/<file>:<line>:<column> <rule> <message>`. */
export async function lintConsole(root: string): Promise<{ problems: string[]; files: number }> {
  // ESLint is loaded only when the gate runs: its startup is not every command's cost.
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: path.join(root, 'console'), errorOnUnmatchedPattern: true });
  const results = await eslint.lintFiles(['.']);
  const problems = results.flatMap((result) =>
    result.messages.map((message) => `${path.relative(root, result.filePath)}:${message.line ?? 0}:${message.column ?? 0} ${message.ruleId ?? 'parse'} ${message.message}`),
  );
  return { problems, files: results.length };
}
