import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CLUSTER_POLICY_DIR, count, formatLocated, loadClusterPolicies, type ClusterPolicyEntry } from '../../schemas';
import { kubernetesManifests } from '../engine/input';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type FileTree, type Gate } from './gate';

const MANIFESTS_DIR = 'generated/k8s/';
const TEST_FILE = 'kyverno-test.yaml';

/** A failed or errored check of one committed manifest. */
export interface KyvernoViolation {
  file: string;
  kind: string;
  namespace?: string;
  name: string;
  policy: string;
  rule: string;
  message: string;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Part {
  problems: string[];
  /** One clause of the summary. */
  summary: string;
  seconds: number;
}

/**
 * The Kyverno policies shipped to the clusters judge the committed Kubernetes manifests with the real
 * CLI: one `kyverno apply` per region over all of that region's manifests must find no violation, and
 * `kyverno test` must pass every policy's own cases, which must include a passing and a failing case
 * for each rule. Policies that need an image registry (signature verification) cannot be judged
 * offline; they are left out of `kyverno apply` and the summary says they are enforced at admission only.
 */
export const kyvernoGate: Gate = {
  name: 'kyverno',
  description:
    'The Kyverno CLI finds no violation of the cluster policies (policies/kyverno/) in any committed manifest under generated/k8s/, one `kyverno apply` per region; `kyverno test` passes every policy\'s pass and fail cases. Registry-bound policies (image signatures) are enforced at admission only.',
  async run({ root, committed }) {
    const kyverno = resolveTool(root, 'kyverno');
    if (!kyverno.ok) return fail('Kyverno CLI unavailable', [kyverno.message]);
    const { policies, errors } = await loadClusterPolicies(root);
    if (errors.length) return fail(`${CLUSTER_POLICY_DIR}/ is invalid`, errors.map(formatLocated));
    if (!policies.length) return fail('no Kyverno policies', [`add one per folder: ${CLUSTER_POLICY_DIR}/<id>/policy.yaml with its ${TEST_FILE}`]);
    const regions = regionManifests(committed);
    if (!regions.size) return fail(`no manifests under ${MANIFESTS_DIR}`, ['run `npm run synth` and commit generated/']);

    const offline = policies.filter((policy) => !needsRegistry(policy));
    const [applied, tested] = await Promise.all([applyPolicies(kyverno.path, root, offline, regions), testPolicies(kyverno.path, root, policies)]);
    const admissionOnly = policies.filter(needsRegistry).map((policy) => `${policy.id}: enforced at admission only (needs registry access)`);
    const summary = [applied, tested].map((part) => `${part.summary} (${part.seconds.toFixed(1)} s)`).concat(admissionOnly).join('; ');
    const problems = [...applied.problems, ...tested.problems];
    const tests = tested.tests;
    return problems.length ? { ...fail(summary, problems), tests } : { ...pass(summary), tests };
  },
};

/**
 * Signature verification and image-registry lookups fetch from the registry. Offline, `kyverno apply`
 * reports every in-scope image as an error plus "unverified image", so running such a policy here
 * would either always fail or, filtered, claim a verification that never happened.
 */
export function needsRegistry(policy: ClusterPolicyEntry): boolean {
  return policy.manifest.spec.rules.some((rule) => (rule.verifyImages?.length ?? 0) > 0 || (rule.context ?? []).some((entry) => entry.imageRegistry));
}

interface ManifestFile {
  file: string;
  text: string;
  /** `kind/namespace/name` of every object in the file. */
  objects: string[];
}

/** Committed manifests by region, the first folder under generated/k8s/. */
function regionManifests(committed: FileTree): Map<string, ManifestFile[]> {
  const regions = new Map<string, ManifestFile[]>();
  for (const { region, file, text } of kubernetesManifests(committed)) {
    const objects = parseAllDocuments(text).flatMap((document) => {
      const object = document.errors.length ? undefined : (document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null);
      return object?.kind ? [identity(object.kind, object.metadata?.namespace, object.metadata?.name)] : [];
    });
    regions.set(region, [...(regions.get(region) ?? []), { file, text, objects }]);
  }
  return regions;
}

const identity = (kind: string, namespace: string | undefined, name: string | undefined) => `${kind}/${namespace ?? ''}/${name ?? ''}`;

/**
 * One `kyverno apply` per region, concurrently. One process over every region is not possible: the CLI
 * loads all resources into a single fake cluster and panics on two objects of the same kind, namespace
 * and name, which every app's objects are in two regions. Per region it is also what each cluster sees.
 */
async function applyPolicies(kyverno: string, root: string, policies: readonly ClusterPolicyEntry[], regions: Map<string, ManifestFile[]>): Promise<Part> {
  const started = performance.now();
  const manifestCount = [...regions.values()].reduce((sum, files) => sum + files.length, 0);
  if (!policies.length) {
    return { problems: ['every policy needs registry access: nothing can be checked offline'], summary: 'kyverno apply: no offline policy', seconds: 0 };
  }
  const work = await mkdtemp(path.join(tmpdir(), 'kyverno-gate-'));
  try {
    const outcomes = await Promise.all(
      [...regions].map(async ([region, files]) => {
        // `--resource <dir>` reads only the files directly inside the directory.
        const dir = path.join(work, region);
        await mkdir(dir);
        await Promise.all(files.map((manifest) => writeFile(path.join(dir, manifest.file.slice(MANIFESTS_DIR.length + region.length + 1).replaceAll('/', '__')), manifest.text)));
        const args = ['apply', ...policies.map((policy) => policy.file), '--resource', dir, '--policy-report', '--output-format', 'json', '--remove-color', '--continue-on-error=false'];
        return { region, files, report: readApplyReport(await execute(kyverno, args, root), policies) };
      }),
    );

    const problems = [...new Set(outcomes.flatMap(({ report }) => report.problems))];
    const violations: KyvernoViolation[] = [];
    const judged = new Set<string>();
    let passed = 0;
    for (const { region, files, report } of outcomes) {
      const fileOf = new Map(files.flatMap((manifest) => manifest.objects.map((object) => [object, manifest.file] as const)));
      for (const result of report.results) {
        judged.add(result.policy);
        if (result.result === 'pass' || result.result === 'skip') {
          passed += 1;
          continue;
        }
        const subject = result.resources?.[0] ?? { kind: '?', name: '?' };
        violations.push({
          file: fileOf.get(identity(subject.kind, subject.namespace, subject.name)) ?? `${MANIFESTS_DIR}${region}/`,
          kind: subject.kind,
          ...(subject.namespace ? { namespace: subject.namespace } : {}),
          name: subject.name,
          policy: result.policy,
          rule: result.rule,
          message: `${result.result === 'fail' ? '' : `${result.result}: `}${result.message}`,
        });
      }
    }
    violations.sort((a, b) => `${a.file} ${a.policy} ${a.rule}`.localeCompare(`${b.file} ${b.policy} ${b.rule}`));
    problems.push(...violations.map((v) => `${v.file}: ${v.kind} ${v.namespace ? `${v.namespace}/` : ''}${v.name}: ${v.policy}/${v.rule}: ${v.message}`));
    if (violations.length) problems.push(`fix the manifests' source (the remediation is in each policy's policies.example.com/remediation annotation), then \`npm run synth\``);
    // A policy that judged nothing would pass any tree; after a failed run the silence means nothing.
    if (outcomes.every(({ report }) => report.completed)) problems.push(
      ...policies
        .filter((policy) => !judged.has(policy.id))
        .map((policy) => `${policy.file}: matched no manifest under ${MANIFESTS_DIR}, so it checked nothing; fix its match (Argo Rollouts need their own rule) or remove it`),
    );
    const summary = `kyverno apply: ${count(policies.length, 'policy', 'policies')} over ${count(manifestCount, 'manifest')} in ${count(regions.size, 'region')}, ${count(violations.length, 'violation')}, ${count(passed, 'check')} passed`;
    return { problems, summary, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface ReportResult {
  policy: string;
  rule: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  message: string;
  resources?: Array<{ kind: string; namespace?: string; name: string }>;
}

/** Reads the policy reports (one JSON document per line) and what the CLI says it did not apply. */
function readApplyReport(run: Run, policies: readonly ClusterPolicyEntry[]): { results: ReportResult[]; problems: string[]; completed: boolean } {
  const lines = run.stdout.split('\n');
  const results = lines.filter((line) => line.startsWith('{')).flatMap((line) => (JSON.parse(line) as { results?: ReportResult[] }).results ?? []);
  const problems: string[] = [];
  // Skipped and invalid policies are listed between dividers, and the run carries on without them.
  let section: string | undefined;
  for (const line of lines) {
    if (/^(Policies Skipped|Invalid Policies):$/.test(line)) section = line.slice(0, -1).toLowerCase();
    else if (/^-{10,}$/.test(line)) section = undefined;
    else if (section && /^\d+\. /.test(line)) {
      const [name = '', ...reason] = line.replace(/^\d+\. /, '').split(': ');
      const file = policies.find((policy) => policy.id === name)?.file ?? name;
      problems.push(`${file}: kyverno ${section === 'invalid policies' ? 'found it invalid' : 'skipped it'}: ${reason.join(': ').trim()}`);
    }
  }
  const judged = results.some((result) => result.result === 'fail' || result.result === 'error');
  const completed = run.code === 0 || judged;
  if (!completed && !problems.length) problems.push(`kyverno apply failed (exit ${run.code}): ${(run.stderr || run.stdout).trim()}`);
  return { results, problems, completed };
}

interface TestRow {
  POLICY: string;
  RULE: string;
  RESOURCE: string;
  RESULT: 'Pass' | 'Fail';
  REASON: string;
  Message?: string;
}

/** `kyverno test` over the whole policy folder in one process; it finds every kyverno-test.yaml itself. */
async function testPolicies(kyverno: string, root: string, policies: readonly ClusterPolicyEntry[]): Promise<Part & { tests: { passed: number; failed: number } }> {
  const started = performance.now();
  const run = await execute(kyverno, ['test', CLUSTER_POLICY_DIR, '--output-format', 'json', '--detailed-results', '--remove-color'], root);
  const rowsByFile = readTestRows(run.stdout);
  const problems: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const [file, rows] of rowsByFile) {
    for (const row of rows) {
      const excluded = row.RESULT === 'Pass' && row.REASON === 'Excluded';
      if (row.RESULT === 'Pass' && !excluded) {
        passed += 1;
        continue;
      }
      failed += 1;
      const what = excluded
        ? 'the rule does not match the resource, so the case asserts nothing (kyverno test counts any expectation on it as passed)'
        : `${row.REASON.charAt(0).toLowerCase()}${row.REASON.slice(1)}${row.Message ? ` (${row.Message})` : ''}`;
      problems.push(`${file}: ${row.POLICY}/${row.RULE} on ${row.RESOURCE}: ${what}`);
    }
  }
  if (run.code !== 0 && !failed) {
    const errors = run.stdout.slice(Math.max(0, run.stdout.indexOf('Test errors:'))).split('\n').filter((line) => /\b(Path|Error|ERROR):/.test(line));
    problems.push(`kyverno test failed (exit ${run.code}): ${[...errors.map((line) => line.trim()), run.stderr.trim()].filter(Boolean).join('; ')}`);
  }
  problems.push(...(await untestedRules(root, policies, new Set(rowsByFile.keys()))));
  const summary = `kyverno test: ${count(passed, 'case')} passed, ${failed} failed`;
  return { problems, summary, seconds: (performance.now() - started) / 1000, tests: { passed, failed } };
}

/** Result tables by test file: the CLI prints "Loading test ( <file> ) ..." and later that test's JSON table. */
function readTestRows(stdout: string): Map<string, TestRow[]> {
  const rows = new Map<string, TestRow[]>();
  let file = '';
  let table: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const loading = /^Loading test .*\( (.+) \) \.\.\.$/.exec(line);
    if (loading) file = loading[1]!;
    else if (line === '[') table = [line];
    else if (table) {
      table.push(line);
      if (line === ']') {
        rows.set(file, [...(rows.get(file) ?? []), ...(JSON.parse(table.join('\n')) as TestRow[])]);
        table = undefined;
      }
    }
  }
  return rows;
}

/**
 * Every policy has a test the CLI ran, with a passing and a failing case for each validate rule. A
 * registry-bound rule cannot pass or fail offline; one case (an image it skips) must still exercise it.
 */
async function untestedRules(root: string, policies: readonly ClusterPolicyEntry[], ran: ReadonlySet<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const policy of policies) {
    const file = `${path.dirname(policy.file)}/${TEST_FILE}`;
    if (!ran.has(file)) {
      problems.push(`${file}: missing or not run; every policy needs its own cases`);
      continue;
    }
    const test = parse(await readFile(path.join(root, file), 'utf8')) as { results?: Array<{ policy?: string; rule?: string; result?: string }> } | null;
    const results = (test?.results ?? []).filter((result) => result.policy === policy.id);
    for (const rule of policy.manifest.spec.rules) {
      const expected = new Set(results.filter((result) => result.rule === rule.name).map((result) => result.result));
      if (rule.verifyImages?.length) {
        if (!expected.size) problems.push(`${file}: rule ${rule.name} has no case`);
        continue;
      }
      const missing = ['pass', 'fail'].filter((result) => !expected.has(result));
      if (missing.length) problems.push(`${file}: rule ${rule.name} has no ${missing.join(' and no ')} case`);
    }
  }
  return problems;
}

/** The CLI exits 1 on violations and failed tests; its output is what counts. */
function execute(file: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}
