import { readCommitted } from '../modules/generated-dir';
import { memoizedSynthOutputs } from '../modules/outputs';
import { actionlintGate } from '../policies/gates/actionlint-gate';
import { createGateContext } from '../policies/gates/context';
import { runGates } from '../policies/gates/registry';
import { sastGate } from '../policies/gates/sast-gate';
import { SARIF_DIR_VARIABLE } from '../policies/gates/sarif';
import { secretsGate } from '../policies/gates/secrets-gate';
import { zizmorGate } from '../policies/gates/zizmor-gate';
import { commandLine } from './lib/command-line';

// `npm run scan`: the security gates of `npm test` on their own (workflow lint, workflow audit, secrets,
// SAST with the committed rules), for the scheduled security workflow and for a quick look before pushing.
// With MR_SARIF_DIR set, each SARIF-capable gate leaves its report there (docs/ci.md, "SARIF").
const USAGE = 'usage: npm run scan';
commandLine({ allowPositionals: false, options: {} }, (problem) => {
  console.error(`npm run scan: ${problem}\n${USAGE}`);
  process.exit(2);
});
const root = process.env.MR_REPO_ROOT ?? process.cwd();
const context = await createGateContext(root, { synthOutputs: memoizedSynthOutputs(), readCommitted });
const counts = { passed: 0, failed: 0 };
for (const outcome of await runGates(context, [actionlintGate, zizmorGate, secretsGate, sastGate])) {
  console.log(`  ${outcome.ok ? 'PASS' : 'FAIL'}  ${outcome.name.padEnd(12)} ${`${Math.round(outcome.durationMs)} ms`.padStart(8)}  ${outcome.summary}`);
  if (!outcome.ok) for (const line of outcome.details) console.log(`          ${line}`);
  counts[outcome.ok ? 'passed' : 'failed'] += 1;
  counts.passed += outcome.tests?.passed ?? 0;
  counts.failed += outcome.tests?.failed ?? 0;
}
if (process.env[SARIF_DIR_VARIABLE]) console.log(`\nSARIF reports in ${process.env[SARIF_DIR_VARIABLE]}`);
console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed ? 1 : 0);
