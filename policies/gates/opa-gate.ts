import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { count } from '../../schemas';
import { BUNDLE_DIR, buildPolicyBundle, POLICY_SOURCE_DIR } from '../engine/bundle';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type Gate } from './gate';

const run = promisify(execFile);
/** Line coverage of the Rego (policies, library and models) below which the gate fails. */
const MIN_COVERAGE_PERCENT = 90;

interface TestResult {
  package: string;
  name: string;
  fail?: boolean;
  error?: unknown;
}

interface Coverage {
  coverage: number;
  files: Record<string, { covered?: Array<{ start: { row: number }; end: { row: number } }> }>;
}

/**
 * The Rego sources are formatted, type-check strictly, pass their own tests with every policy's
 * `deny` exercised, and compile to exactly the committed wasm bundle.
 */
export const opaGate: Gate = {
  name: 'opa',
  description: '`opa fmt`, `opa check --strict` and `opa test` pass with at least 90% line coverage, every policy has failing and passing cases, and the committed wasm bundle is what the sources compile to.',
  async run({ root }) {
    const opa = resolveTool(root, 'opa');
    if (!opa.ok) return fail('OPA CLI unavailable', [opa.message]);
    const opaRun = (args: string[]) => run(opa.path, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout }) => ({ ok: true, stdout, stderr: '' }),
      (error: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, stdout: error.stdout ?? '', stderr: error.stderr || error.message }),
    );

    const [format, check, tests, coverage] = await Promise.all([
      opaRun(['fmt', '--list', '--fail', POLICY_SOURCE_DIR]),
      opaRun(['check', '--strict', POLICY_SOURCE_DIR]),
      opaRun(['test', '--format', 'json', POLICY_SOURCE_DIR]),
      opaRun(['test', '--coverage', '--format', 'json', POLICY_SOURCE_DIR]),
    ]);
    const problems: string[] = [];
    const opaCommand = path.relative(root, opa.path).startsWith('..') ? opa.path : path.relative(root, opa.path);
    if (!format.ok) problems.push(...format.stdout.trim().split('\n').filter(Boolean).map((file) => `${file}: not formatted; run \`${opaCommand} fmt -w ${POLICY_SOURCE_DIR}\``));
    if (!check.ok) problems.push(...check.stderr.trim().split('\n'));

    let results: TestResult[] = [];
    try {
      results = JSON.parse(tests.stdout) as TestResult[];
    } catch {
      problems.push(`opa test gave no results: ${tests.stderr.trim()}`);
    }
    for (const result of results.filter((r) => r.fail || r.error)) problems.push(`${result.package}.${result.name}: ${result.error ? 'error' : 'failed'}`);

    let percent = 0;
    try {
      const report = JSON.parse(coverage.stdout) as Coverage;
      percent = report.coverage;
      if (percent < MIN_COVERAGE_PERCENT) problems.push(`Rego line coverage is ${percent.toFixed(1)}%, expected at least ${MIN_COVERAGE_PERCENT}% (\`opa test --coverage ${POLICY_SOURCE_DIR}\` shows the lines no test reaches)`);
      problems.push(...(await untestedPolicies(root, report, results)));
    } catch {
      // A failing test also stops the coverage report; the failure is already listed.
      if (results.length && !results.some((r) => r.fail || r.error)) problems.push(`opa test --coverage gave no report: ${coverage.stderr.trim()}`);
    }

    try {
      const fresh = await buildPolicyBundle(root, opa.path);
      for (const [file, bytes] of fresh) {
        const committed = await readFile(path.join(root, BUNDLE_DIR, file)).catch(() => undefined);
        if (!committed?.equals(Buffer.from(bytes))) {
          problems.push(`${BUNDLE_DIR}/${file}: ${committed ? 'differs from' : 'missing; expected'} what the Rego sources compile to; run \`npm run policies:build\` and commit the result`);
        }
      }
    } catch (error) {
      problems.push((error as Error).message);
    }

    const failed = results.filter((r) => r.fail || r.error).length;
    const regoTests = { passed: results.length - failed, failed };
    if (problems.length) return { ...fail(count(problems.length, 'problem'), problems), tests: regoTests };
    return { ...pass(`${count(results.length, 'Rego test')} passed, coverage ${percent.toFixed(1)}%, bundle up to date`), tests: regoTests };
  },
};

/**
 * A policy counts as tested when its `_test` package has at least two cases and its `deny` rule
 * produced a finding in some case (its head line is covered), so both outcomes were exercised.
 */
async function untestedPolicies(root: string, coverage: Coverage, results: TestResult[]): Promise<string[]> {
  const problems: string[] = [];
  const policyFiles = Object.keys(coverage.files).filter((file) => /\/policy\.rego$/.test(file));
  for (const file of policyFiles) {
    const text = await readFile(path.join(root, file), 'utf8');
    const packageName = /^package\s+(\S+)/m.exec(text)?.[1];
    const cases = results.filter((result) => result.package === `data.${packageName}_test`).length;
    const denyRows = text.split('\n').flatMap((line, index) => (/^deny\b/.test(line) ? [index + 1] : []));
    const covered = coverage.files[file]?.covered ?? [];
    const fires = denyRows.some((row) => covered.some((range) => range.start.row <= row && row <= range.end.row));
    if (cases < 2) problems.push(`${file}: expected at least one passing and one failing test case, found ${count(cases, 'case')}`);
    if (!fires) problems.push(`${file}: no test case makes \`deny\` produce a finding`);
  }
  return problems;
}
