import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { count } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type FileTree, type Gate } from './gate';

const RULE_MANIFEST = /^generated\/k8s\/([^/]+)\/monitoring\/prometheusrule-([^/]+)\.yaml$/;
const ALERT_TEST = /^generated\/alert-tests\/([^/]+)\/([^/]+\.test\.yaml)$/;

interface AlertingRule {
  group: string;
  alert: string;
  labels: Record<string, string>;
}

interface RuleFile {
  committed: string;
  /** Where the gate writes the spec, relative to its work directory: `<region>/<name>.rules.yaml`. */
  relative: string;
  groups: unknown[];
  alerts: AlertingRule[];
}

interface TestGroup {
  name?: string;
  alert_rule_test?: Array<{ alertname?: string; exp_alerts?: Array<{ exp_labels?: Record<string, unknown> }> | null }>;
}

interface TestFile {
  committed: string;
  /** `<region>/<file>.test.yaml`; its `rule_files` resolve beside it. */
  relative: string;
  content: string;
  ruleFiles: string[];
  groups: TestGroup[];
}

/**
 * The committed alerting rules load in promtool and pass their committed unit tests, and no alert ships
 * untested: each must be shown firing (an expected alert carrying the rule's labels) and, in the same
 * test group, quiet (an evaluation expecting no alert). Rules come from each region's PrometheusRules
 * (`spec` becomes a rule file), tests from `generated/alert-tests/<region>/`.
 */
export const promtoolGate: Gate = {
  name: 'promtool',
  description:
    '`promtool check rules` accepts every committed PrometheusRule and `promtool test rules` passes generated/alert-tests/; every alert has a test case that fires it and one that keeps it quiet.',
  async run({ root, committed }) {
    const problems: string[] = [];
    const rules = ruleFiles(committed, problems);
    const tests = testFiles(committed, problems);
    if (!rules.length && !problems.length) {
      return fail('no PrometheusRule under generated/k8s/<region>/monitoring/', ['run `npm run synth` and commit generated/']);
    }
    const promtool = resolveTool(root, 'promtool');
    if (!promtool.ok) return fail('promtool unavailable', [promtool.message]);
    problems.push(...coverage(rules, tests));
    if (!rules.length) return fail(count(problems.length, 'problem'), problems);

    const work = await mkdtemp(path.join(tmpdir(), 'promtool-gate-'));
    try {
      for (const file of rules) await put(work, file.relative, stringify({ groups: file.groups }, { lineWidth: 0 }));
      for (const file of tests) await put(work, file.relative, file.content);
      const committedOf = new Map([...rules, ...tests].map((file) => [file.relative, file.committed]));
      const [check, test] = await Promise.all([
        runPromtool(promtool.path, ['check', 'rules', ...rules.map((file) => file.relative)], work),
        tests.length ? runPromtool(promtool.path, ['test', 'rules', ...tests.map((file) => file.relative)], work) : undefined,
      ]);
      problems.push(...checkProblems(check, rules, committedOf));
      const outcome = test ? testOutcome(test, tests, committedOf) : { passed: 0, failed: 0, problems: [] };
      problems.push(...outcome.problems);
      const cases = { passed: outcome.passed, failed: outcome.failed };
      const alerts = rules.reduce((sum, file) => sum + file.alerts.length, 0);
      if (problems.length) return { ...fail(count(problems.length, 'problem'), problems), tests: cases };
      return {
        ...pass(`${count(alerts, 'alert')} in ${count(rules.length, 'rule file')} load; ${count(cases.passed, 'test case')} passed, each alert shown firing and quiet`),
        tests: cases,
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

function ruleFiles(committed: FileTree, problems: string[]): RuleFile[] {
  return sortedEntries(committed).flatMap(([file, content]): RuleFile[] => {
    const match = RULE_MANIFEST.exec(file);
    if (!match) return [];
    const manifest = parseDocument(file, content, problems) as { spec?: { groups?: unknown } } | undefined;
    const groups = manifest?.spec?.groups;
    if (manifest && !Array.isArray(groups)) problems.push(`${file}: expected a PrometheusRule with spec.groups, found none`);
    if (!Array.isArray(groups)) return [];
    const alerts = groups.flatMap((group: { name?: string; rules?: Array<{ alert?: string; labels?: Record<string, unknown> }> }) =>
      (group.rules ?? []).flatMap((rule) => (rule.alert ? [{ group: String(group.name), alert: rule.alert, labels: stringValues(rule.labels) }] : [])),
    );
    return [{ committed: file, relative: `${match[1]}/${match[2]}.rules.yaml`, groups, alerts }];
  });
}

function testFiles(committed: FileTree, problems: string[]): TestFile[] {
  return sortedEntries(committed).flatMap(([file, content]): TestFile[] => {
    const match = ALERT_TEST.exec(file);
    if (!match) return [];
    const document = parseDocument(file, content, problems) as { rule_files?: unknown; tests?: unknown } | undefined;
    if (!document) return [];
    const ruleFiles = Array.isArray(document.rule_files) ? document.rule_files.map(String) : [];
    const groups = Array.isArray(document.tests) ? (document.tests as TestGroup[]) : [];
    return [{ committed: file, relative: `${match[1]}/${match[2]}`, content, ruleFiles, groups }];
  });
}

/** Every alerting rule needs a test group that makes it fire with its labels and, in that group, an evaluation expecting it quiet. */
function coverage(rules: RuleFile[], tests: TestFile[]): string[] {
  const problems: string[] = [];
  const byRelative = new Set(rules.map((file) => file.relative));
  for (const test of tests) {
    for (const ruleFile of test.ruleFiles) {
      const relative = path.posix.join(path.posix.dirname(test.relative), ruleFile);
      if (!byRelative.has(relative)) {
        problems.push(`${test.committed}: rule_files names ${ruleFile}, but there is no ${manifestPath(relative)} to build it from`);
      }
    }
  }
  for (const file of rules) {
    const groups = tests
      .filter((test) => test.ruleFiles.some((ruleFile) => path.posix.join(path.posix.dirname(test.relative), ruleFile) === file.relative))
      .flatMap((test) => test.groups);
    for (const rule of file.alerts) {
      const evaluations = (group: TestGroup) => (group.alert_rule_test ?? []).filter((evaluation) => evaluation.alertname === rule.alert);
      const firing = groups.filter((group) =>
        evaluations(group).some((evaluation) => (evaluation.exp_alerts ?? []).some((expected) => includes(stringValues(expected.exp_labels), rule.labels))),
      );
      const where = `${file.committed}: group "${rule.group}", alert ${instance(rule)}`;
      if (!firing.length) {
        problems.push(`${where}: no promtool test case makes it fire (expected an exp_alerts entry with these labels in generated/alert-tests/${path.posix.dirname(file.relative)}/)`);
      } else if (!firing.some((group) => evaluations(group).some((evaluation) => !evaluation.exp_alerts?.length))) {
        problems.push(`${where}: no promtool test case shows it quiet (the test group that makes it fire needs an eval_time with exp_alerts: [])`);
      }
    }
  }
  return problems;
}

interface Run {
  code: number | null;
  /** stdout and stderr interleaved as written: promtool prints each file's header on one and its failures on the other. */
  output: string;
}

async function runPromtool(promtool: string, args: string[], cwd: string): Promise<Run> {
  const log = path.join(cwd, `${args[0]}.out`);
  const handle = await open(log, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(promtool, args, { cwd, stdio: ['ignore', handle.fd, handle.fd] });
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { code, output: await readFile(log, 'utf8') };
  } finally {
    await handle.close();
  }
}

function checkProblems(run: Run, rules: RuleFile[], committedOf: Map<string, string>): string[] {
  const reports = sections(run.output, /^Checking (.+)$/);
  const problems = rules.flatMap((file) => {
    const lines = reports.get(file.relative);
    if (!lines) return [`${file.committed}: promtool check rules said nothing about it`];
    if (!lines.some((line) => /^\s*FAILED:/.test(line))) return [];
    return messages(failureLines(lines), file.relative).map((message) => `${file.committed}: ${withCommittedPaths(message, committedOf)}`);
  });
  return problems.length || run.code === 0 ? problems : [`promtool check rules exited with ${run.code}: ${oneLine(run.output)}`];
}

function testOutcome(run: Run, tests: TestFile[], committedOf: Map<string, string>): { passed: number; failed: number; problems: string[] } {
  const reports = sections(run.output, /^Unit Testing:\s+(.+)$/);
  let passed = 0;
  let failed = 0;
  const problems: string[] = [];
  for (const file of tests) {
    const total = file.groups.length;
    const lines = reports.get(file.relative);
    if (!lines) {
      failed += total;
      problems.push(`${file.committed}: promtool test rules said nothing about it`);
      continue;
    }
    if (!lines.some((line) => /^\s*FAILED:/.test(line))) {
      passed += total;
      continue;
    }
    const blocks = paragraphs(failureLines(lines)).map((block) => ({ name: /^\s*name: (.*),$/.exec(block[0]!)?.[1], block }));
    if (blocks.some(({ name }) => name === undefined)) {
      // Without a test group's name the file as a whole did not run (a rule file that does not load, a malformed test).
      failed += total;
      const reasons = [...new Set(blocks.map(({ block }) => withCommittedPaths(oneLine(block.join('\n')), committedOf)))];
      problems.push(`${file.committed}: none of its ${count(total, 'test case')} ran: ${reasons.join('; ')}`);
      continue;
    }
    const failedHere = Math.min(new Set(blocks.map(({ name }) => name)).size, total);
    failed += failedHere;
    passed += total - failedHere;
    for (const { name, block } of blocks) problems.push(`${file.committed}: test "${name}": ${withCommittedPaths(oneLine(block.slice(1).join('\n')), committedOf)}`);
  }
  if (!problems.length && run.code !== 0) problems.push(`promtool test rules exited with ${run.code}: ${oneLine(run.output)}`);
  return { passed, failed, problems };
}

/** The output split at each file's header line, keyed by the path the header names. */
function sections(output: string, header: RegExp): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    const match = header.exec(line);
    if (match) found.set(match[1]!.trim(), (current = []));
    else current?.push(line);
  }
  return found;
}

function failureLines(lines: string[]): string[] {
  return lines.slice(lines.findIndex((line) => /^\s*FAILED:/.test(line)) + 1);
}

function paragraphs(lines: string[]): string[][] {
  const blocks: string[][] = [[]];
  for (const line of lines) {
    if (line.trim()) blocks[blocks.length - 1]!.push(line);
    else if (blocks[blocks.length - 1]!.length) blocks.push([]);
  }
  return blocks.filter((block) => block.length);
}

/** promtool's check messages, one per error: a line starting with the file's path opens one, other lines continue it. */
function messages(lines: string[], relative: string): string[] {
  const found: string[] = [];
  for (const line of lines.filter((candidate) => candidate.trim())) {
    if (line.startsWith(`${relative}: `)) found.push(line.slice(relative.length + 2).replace(/^\d+:\d+: /, ''));
    else if (found.length) found[found.length - 1] += ` ${line.trim()}`;
    else found.push(line.trim());
  }
  return found;
}

function withCommittedPaths(message: string, committedOf: Map<string, string>): string {
  let result = message;
  // Line numbers point into the gate's own copies, not the committed manifests; they are dropped.
  for (const [relative, committed] of committedOf) result = result.split(relative).join(committed).replace(new RegExp(`${escape(committed)}: \\d+:\\d+: `, 'g'), `${committed}: `);
  return result;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function manifestPath(relative: string): string {
  const [region, file] = relative.split('/');
  return `generated/k8s/${region}/monitoring/prometheusrule-${file!.replace(/\.rules\.yaml$/, '')}.yaml`;
}

function parseDocument(file: string, content: string, problems: string[]): unknown {
  try {
    return parseYaml(content);
  } catch (error) {
    problems.push(`${file}: not valid YAML: ${(error as Error).message}`);
    return undefined;
  }
}

async function put(root: string, relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
}

function sortedEntries(tree: FileTree): Array<[string, string]> {
  return [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stringValues(labels: Record<string, unknown> | undefined | null): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).map(([key, value]) => [key, String(value)]));
}

function includes(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

function instance(rule: AlertingRule): string {
  const labels = Object.keys(rule.labels)
    .sort()
    .map((key) => `${key}="${rule.labels[key]}"`);
  return `${rule.alert}{${labels.join(',')}}`;
}
