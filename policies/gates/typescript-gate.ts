import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { count } from '../../schemas';
import { fail, pass, type Gate } from './gate';

/** The TypeScript projects of the repository: inputs to tests, and the console (DOM and JSX on top). */
const PROJECTS = ['tsconfig.json', 'console/tsconfig.json'];

/**
 * Type-checks the whole repository, inputs and the console included: `satisfies RegionInput` in a region file
 * catches mistakes in the editor, and this gate makes sure nobody merged past the red squiggle.
 */
export const typescriptGate: Gate = {
  name: 'typescript',
  description: 'tsc --noEmit reports no errors across inputs, schemas, constructs, gates, scripts, tests and the console.',
  async run({ root }) {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) return fail('typescript is not installed', ['run `npm run setup` (it runs `npm ci`)']);
    const projects = PROJECTS.filter((project) => existsSync(path.join(root, project)));
    const diagnostics: string[] = [];
    const failures: string[] = [];
    for (const project of projects) {
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        const child = spawn(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', project], { cwd: root });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.on('close', (exit) => resolve({ code: exit ?? 1, output: text }));
      });
      const found = output.split('\n').filter((line) => /\): error TS\d+:/.test(line));
      diagnostics.push(...found);
      if (code !== 0 && !found.length) failures.push(`tsc -p ${project} failed: ${output.trim()}`);
    }
    if (!diagnostics.length && !failures.length) return pass(`no type errors (${projects.join(', ')})`);
    return fail(diagnostics.length ? count(diagnostics.length, 'type error') : 'tsc failed', [...diagnostics, ...failures]);
  },
};
