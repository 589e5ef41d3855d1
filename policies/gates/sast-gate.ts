import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { count } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type Gate, type GateResult } from './gate';
import { formatFinding, oneLine, parseSarif, publishSarif, runTool, sarifFindings, type SarifFinding, type SarifLog } from './sarif';

/** The committed rules, one file per rule, and beside them each rule's cases (`<rule>.ts`, `<rule>.test.yaml`). */
export const SEMGREP_RULES_DIR = 'policies/semgrep/rules';
export const SEMGREP_TESTS_DIR = 'policies/semgrep/tests';

/** Offline: no registry rulesets, no metrics, no version check; only the committed rules. */
const OFFLINE = ['--metrics=off', '--disable-version-check'];

const testReport = z.object({
  config_missing_tests: z.array(z.string()),
  config_with_errors: z.array(z.unknown()),
  results: z.record(
    z.string(),
    z.object({
      checks: z.record(
        z.string(),
        z.object({
          passed: z.boolean(),
          matches: z.record(z.string(), z.object({ expected_lines: z.array(z.number()), reported_lines: z.array(z.number()) })),
          errors: z.array(z.unknown()),
        }),
      ),
    }),
  ),
});

/**
 * semgrep with the repository's own rules (policies/semgrep/rules/) over every file git would commit, and
 * `semgrep --test` of those rules against their committed cases: a rule that stops finding what it must, or
 * starts finding what it must not, fails here before it is trusted on the code. Any finding fails; a file
 * semgrep could not scan fails too, as nothing was judged there.
 */
export const sastGate: Gate = {
  name: 'sast',
  description: `semgrep finds nothing with the committed rules (${SEMGREP_RULES_DIR}/) and every rule passes its committed cases (semgrep --test); SARIF goes to $MR_SARIF_DIR/sast.sarif.`,
  async run({ root }) {
    const rules = (await readdir(path.join(root, SEMGREP_RULES_DIR)).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name));
    if (!rules.length) return fail(`no semgrep rule in ${SEMGREP_RULES_DIR}/`, [`restore ${SEMGREP_RULES_DIR}/: the gate runs only the committed rules`]);
    const semgrep = resolveTool(root, 'semgrep');
    if (!semgrep.ok) return fail('semgrep unavailable', [semgrep.message]);

    const work = await mkdtemp(path.join(tmpdir(), 'sast-gate-'));
    try {
      const report = path.join(work, 'semgrep.sarif');
      // semgrep writes its own settings and logs under $HOME; a scratch one keeps runs independent.
      const env = { ...process.env, SEMGREP_SETTINGS_FILE: path.join(work, 'settings.yml'), SEMGREP_LOG_FILE: path.join(work, 'semgrep.log') };
      const [scan, test] = await Promise.all([
        runTool(semgrep.path, ['scan', ...OFFLINE, '--quiet', '--config', SEMGREP_RULES_DIR, '--sarif', '--output', report, '.'], { cwd: root, env }),
        runTool(semgrep.path, ['scan', '--test', ...OFFLINE, '--json', '--config', SEMGREP_RULES_DIR, SEMGREP_TESTS_DIR], { cwd: root, env }),
      ]);
      const tested = ruleTests(test.stdout, test.code, test.stderr);
      const written = await readFile(report, 'utf8').catch(() => '');
      if (!written) return { ...fail(`semgrep scan exited with ${scan.code ?? 'a signal'} and wrote no report`, [oneLine(scan.stderr).slice(0, 2000), ...tested.problems]), tests: tested.cases };
      const log = parseSarif(written, 'semgrep');
      await publishSarif('sast', log);
      const findings = sarifFindings(log).map(withRuleName).map((finding) => `${formatFinding(finding)}: fix it; the rule's message says how (${SEMGREP_RULES_DIR}/${finding.rule}.yaml)`);
      const unscanned = log.runs.flatMap((run) => notifications(run)).map((note) => `semgrep could not judge: ${note}`);
      if (scan.code !== 0 && !unscanned.length) unscanned.push(`semgrep scan exited with ${scan.code ?? 'a signal'}: ${oneLine(scan.stderr).slice(0, 2000)}`);
      const problems = [...findings, ...unscanned, ...tested.problems];
      const summary = `${count(findings.length, 'finding')} with ${count(rules.length, 'rule')}; ${tested.cases.passed} of ${count(tested.cases.passed + tested.cases.failed, 'rule')} pass their cases`;
      const result: GateResult = problems.length ? fail(summary, problems) : pass(summary);
      return { ...result, tests: tested.cases };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

/** semgrep names a rule by its file's path (`policies.semgrep.rules.<id>`); the id alone is what people read. */
function withRuleName(finding: SarifFinding): SarifFinding {
  return { ...finding, rule: finding.rule.split('.').pop() ?? finding.rule };
}

/** What semgrep says it could not do: a run that did not complete, a file it could not parse or scan in time. */
function notifications(run: SarifLog['runs'][number]): string[] {
  return (run.invocations ?? []).flatMap((invocation) => [
    ...(invocation.executionSuccessful === false ? ['the scan did not complete'] : []),
    ...(invocation.toolExecutionNotifications ?? []).map((note) => oneLine(note.message?.text ?? 'an unnamed problem')),
  ]);
}

/** The outcome of `semgrep --test`: one case per rule, failed when any expected line is missed or any other line is reported. */
function ruleTests(stdout: string, code: number | null, stderr: string): { cases: { passed: number; failed: number }; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { cases: { passed: 0, failed: 1 }, problems: [`semgrep --test exited with ${code ?? 'a signal'} and no report: ${oneLine(stderr).slice(0, 2000)}`] };
  }
  const parsed = testReport.safeParse(json);
  if (!parsed.success) return { cases: { passed: 0, failed: 1 }, problems: [`semgrep --test wrote a report this gate cannot read: ${oneLine(stdout).slice(0, 500)}`] };
  const report = parsed.data;
  const problems = [
    ...report.config_missing_tests.map((rule) => `${rule}: no cases; add ${SEMGREP_TESTS_DIR}/<rule>.ts (or .test.yaml) with \`ruleid:\` and \`ok:\` lines`),
    ...report.config_with_errors.map((error) => `a rule file does not load: ${oneLine(JSON.stringify(error)).slice(0, 500)}`),
  ];
  let passed = 0;
  let failed = report.config_missing_tests.length + report.config_with_errors.length;
  for (const [file, { checks }] of Object.entries(report.results)) {
    for (const [rule, check] of Object.entries(checks)) {
      if (check.passed) {
        passed += 1;
        continue;
      }
      failed += 1;
      for (const [target, lines] of Object.entries(check.matches)) {
        const missed = lines.expected_lines.filter((line) => !lines.reported_lines.includes(line));
        const extra = lines.reported_lines.filter((line) => !lines.expected_lines.includes(line));
        const relative = path.isAbsolute(target) ? target.slice(target.indexOf(SEMGREP_TESTS_DIR)) : target;
        problems.push(`${file}: rule ${rule.split('.').pop()} ${[missed.length ? `misses line ${missed.join(', ')}` : '', extra.length ? `wrongly reports line ${extra.join(', ')}` : ''].filter(Boolean).join(' and ')} of ${relative}`);
      }
      for (const error of check.errors) problems.push(`${file}: rule ${rule}: ${oneLine(JSON.stringify(error)).slice(0, 500)}`);
    }
  }
  if (code !== 0 && !problems.length) problems.push(`semgrep --test exited with ${code ?? 'a signal'}: ${oneLine(stderr).slice(0, 2000)}`);
  return { cases: { passed, failed }, problems };
}
