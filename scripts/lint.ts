import { spawn } from 'node:child_process';
import path from 'node:path';
import { lintConsole } from '../policies/gates/eslint-gate';

// `npm run lint`: ESLint with Next.js's rules over console/, then the TypeScript compiler over the repository
// and over the console (two projects: the console adds the DOM and JSX). Every step runs even after one fails,
// so one run shows every problem; the last line counts them.
const root = process.env.MR_REPO_ROOT ?? process.cwd();
const problems: string[] = [];

console.log('ESLint (console/)');
const { problems: eslintProblems, files } = await lintConsole(root);
for (const problem of eslintProblems) console.log(`  ${problem}`);
console.log(`  ${files} files, ${eslintProblems.length} problems`);
if (eslintProblems.length) problems.push(`eslint: ${eslintProblems.length} problems`);

for (const project of ['.', 'console']) {
  console.log(`\ntsc --noEmit -p ${project}`);
  const code = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project, '--pretty'], root);
  if (code !== 0) problems.push(`tsc -p ${project}: exit ${code}`);
  else console.log('  no errors');
}

console.log(`\nlint: ${problems.length ? `FAILED (${problems.join('; ')})` : 'passed (eslint, tsc -p ., tsc -p console)'}`);
process.exit(problems.length ? 1 : 0);

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
