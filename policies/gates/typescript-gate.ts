import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { count } from '../../schemas';
import { fail, pass, type Gate } from './gate';

/**
 * Type-checks the whole repository, inputs included: `satisfies RegionInput` in a region file catches
 * mistakes in the editor, and this gate makes sure nobody merged past the red squiggle.
 */
export const typescriptGate: Gate = {
  name: 'typescript',
  description: 'tsc --noEmit reports no errors across inputs, schemas, constructs, gates, scripts and tests.',
  async run({ root }) {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) return fail('typescript is not installed', ['run `npm run setup` (it runs `npm ci`)']);
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', root], { cwd: root });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('close', (exit) => resolve({ code: exit ?? 1, output: text }));
    });
    const diagnostics = output.split('\n').filter((line) => /\): error TS\d+:/.test(line));
    if (code === 0) return pass('no type errors');
    return fail(diagnostics.length ? count(diagnostics.length, 'type error') : 'tsc failed', diagnostics.length ? diagnostics : [output.trim()]);
  },
};
