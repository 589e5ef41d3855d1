import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCommitted } from '../modules/generated-dir';
import { memoizedSynthOutputs } from '../modules/outputs';
import { baseRefOf } from '../policies/engine/change';
import { createGateContext } from '../policies/gates/context';
import { ensureTool } from '../policies/toolchain/ensure';
import { runGates } from '../policies/gates/registry';
import { commandLine } from './lib/command-line';

// `npm test`: the unit and end-to-end tests (vitest), then the console's browser tests on their own (they
// time live updates, so they run on a machine the other specs no longer load), then every gate, then one
// closing line that counts vitest's tests, each gate, and the test cases gates ran themselves (Rego tests).
const USAGE = 'usage: npm test -- [--gates-only | --tests-only] [--base <git ref>] [vitest filters]';
const { values, positionals } = commandLine(
  {
    allowPositionals: true,
    options: {
      'gates-only': { type: 'boolean', default: false },
      'tests-only': { type: 'boolean', default: false },
      // The pull request's base: change-aware policies (weight shifts, freezes) judge the change from it.
      base: { type: 'string' },
    },
  },
  usage,
);
if (values['gates-only'] && values['tests-only']) usage('--gates-only and --tests-only together would run nothing; give at most one');
const root = process.env.MR_REPO_ROOT ?? process.cwd();
const { ref: baseRef, problem } = baseRefOf(values.base, process.env.MR_BASE_REF);
if (problem) usage(problem);
const counts = { passed: 0, failed: 0, skipped: 0 };
const BROWSER_TESTS = 'console/e2e';

if (!values['gates-only']) {
  // Gitea and Chromium install on first use (a build of minutes): before any spec's clock starts.
  const missing = await installConsoleTools();
  const runs = positionals.length ? [positionals] : [['--exclude', `${BROWSER_TESTS}/**`], [BROWSER_TESTS]];
  for (const filters of runs) {
    if (filters[0] === BROWSER_TESTS) console.log('\nBrowser tests (headless Chromium, the console\'s production build, real Prometheus and Gitea)');
    const tests = await runVitest(filters);
    counts.passed += tests.passed;
    counts.failed += tests.failed;
    counts.skipped += tests.skipped;
  }
  counts.failed += missing;
}

if (!values['tests-only']) {
  console.log('\nGates');
  const context = await createGateContext(root, { synthOutputs: memoizedSynthOutputs(), readCommitted }, baseRef ? { baseRef } : {});
  for (const outcome of await runGates(context)) {
    const mark = outcome.skipped ? 'SKIP' : outcome.ok ? 'PASS' : 'FAIL';
    console.log(`  ${mark}  ${outcome.name.padEnd(12)} ${`${Math.round(outcome.durationMs)} ms`.padStart(8)}  ${outcome.summary}`);
    if (!outcome.ok || outcome.skipped) for (const line of outcome.details) console.log(`          ${line}`);
    counts[outcome.skipped ? 'skipped' : outcome.ok ? 'passed' : 'failed'] += 1;
    counts.passed += outcome.tests?.passed ?? 0;
    counts.failed += outcome.tests?.failed ?? 0;
  }
}

console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(counts.failed ? 1 : 0);

/** Installs the tools only the console's specs need; each that cannot be installed counts as one failure, with the installer's words. */
async function installConsoleTools(): Promise<number> {
  let failed = 0;
  for (const tool of ['gitea', 'chromium'] as const) {
    try {
      await ensureTool(root, tool, { log: (line) => console.log(`npm test: ${line}`) });
    } catch (error) {
      console.error(`npm test: ${(error as Error).message}`);
      failed += 1;
    }
  }
  return failed;
}

function usage(problem: string): never {
  console.error(`npm test: ${problem}\n${USAGE}`);
  process.exit(2);
}

interface VitestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs vitest in its own process (it owns workers and the console) and reads the counts from its JSON report. */
async function runVitest(filters: string[]): Promise<VitestCounts> {
  const reportDir = await mkdtemp(path.join(tmpdir(), 'vitest-report-'));
  const report = path.join(reportDir, 'report.json');
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...filters], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  try {
    const result = JSON.parse(await readFile(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      testResults: Array<{ status: string; assertionResults: unknown[] }>;
    };
    const brokenFiles = result.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
    // A suite that fails to load runs no tests; count it, or a broken import would read as green.
    if (code !== 0 && result.numFailedTests + brokenFiles === 0) console.error(`vitest exited with ${code} although no test failed; counting that as a failure`);
    return {
      passed: result.numPassedTests,
      failed: result.numFailedTests + brokenFiles || (code === 0 ? 0 : 1),
      skipped: result.numPendingTests + result.numTodoTests,
    };
  } catch {
    console.error(`vitest exited with ${code} and wrote no report`);
    return { passed: 0, failed: 1, skipped: 0 };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
