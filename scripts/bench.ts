import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { synthOutputs } from '../modules/outputs';
import { TERRAFORM_TARGET_VERSIONS } from '../modules/synth';
import { loadPolicyEngine, type PolicyEngine } from '../policies/engine/engine';
import { policyInput } from '../policies/engine/input';
import { listInputFiles, loadModel, loadWaivers } from '../schemas';
import { resolveTool } from '../policies/toolchain/resolve';
import { exampleCopy, largeConfigRepo, removeRepo } from './bench/large-config';
import { timeWarmPreviews } from '../console/server/changes/bench';
import { consoleFigures } from '../console/testing/console-bench';

// Whole-process benchmarks: every figure is a fresh `node` process, as a user or CI runs it, timed from
// outside. Wall time and peak resident memory come from the OS (getrusage of the waited-for children).
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const root = process.env.MR_REPO_ROOT ?? process.cwd();
const node = process.execPath;
const run = path.join(root, 'scripts/run.mjs');
const EVALUATIONS = 20;

interface Sample {
  wallMs: number;
  peakRssMb: number;
}

/** Runs a command once under a small Python shim that reports wall time and the children's peak RSS. */
function measure(command: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Sample {
  const shim = [
    'import json, resource, subprocess, sys, time',
    't = time.perf_counter()',
    'child = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)',
    'wall = time.perf_counter() - t',
    'rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss',
    'print(json.dumps({"code": child.returncode, "wall": wall, "rss": rss, "error": child.stderr.decode(errors="replace")}))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', shim, ...command], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`measurement shim failed: ${result.stderr}`);
  const { code, wall, rss, error } = JSON.parse(result.stdout) as { code: number; wall: number; rss: number; error: string };
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}: ${error.trim().split('\n').slice(-5).join('\n')}`);
  return { wallMs: wall * 1000, peakRssMb: rss / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function bench(name: string, command: string[], cwd: string, count = runs, env?: NodeJS.ProcessEnv): { name: string; wall: number; rss: number } {
  measure(command, cwd, env); // warm the OS file cache and the script bundle; not counted
  const samples = Array.from({ length: count }, () => measure(command, cwd, env));
  const wall = median(samples.map((s) => s.wallMs));
  const rss = median(samples.map((s) => s.peakRssMb));
  const spread = `${Math.round(Math.min(...samples.map((s) => s.wallMs)))}–${Math.round(Math.max(...samples.map((s) => s.wallMs)))}`;
  console.log(`${name.padEnd(40)} ${`${Math.round(wall)} ms`.padStart(9)} ${`(${spread})`.padStart(13)} ${`${Math.round(rss)} MB`.padStart(8)}  n=${count}`);
  return { name, wall, rss };
}

console.log(`node ${process.version}, ${runs} runs each (median, min–max wall time, median peak RSS)\n`);
console.log(`${'case'.padEnd(40)} ${'wall'.padStart(9)} ${'range'.padStart(13)} ${'rss'.padStart(8)}`);

const example = await exampleCopy(root);
bench('synth: example (2 regions x 1 app)', [node, run, 'synth', '--root', example], root);
officialCliComparison(example);

const engine = await loadPolicyEngine(root);
const evaluations: string[] = [await policyEvaluation(engine, example, 'example (2 regions x 1 app)')];
const loads: string[] = [await inputLoading(example, 'example (2 regions x 1 app)')];
const scaling: Array<[number, number]> = values.quick ? [[10, 20]] : [[2, 5], [5, 10], [10, 20]];
for (const [regionCount, appCount] of scaling) {
  const repo = await largeConfigRepo(root, regionCount, appCount);
  bench(`synth: ${regionCount} regions x ${appCount} apps`, [node, run, 'synth', '--root', repo], root);
  evaluations.push(await policyEvaluation(engine, repo, `${regionCount} regions x ${appCount} apps`));
  loads.push(await inputLoading(repo, `${regionCount} regions x ${appCount} apps`));
  await removeRepo(repo);
}
console.log(`\nin-process policy evaluation, wasm loaded once (median of ${EVALUATIONS} evaluations after one warm-up; input size)`);
for (const line of evaluations) console.log(line);
console.log(`\nin-process input loading: every input read, TypeScript ones compiled and evaluated in their own vm context (median of ${EVALUATIONS} loads after one warm-up; input files)`);
for (const line of loads) console.log(line);
const previews = await timeWarmPreviews(root, EVALUATIONS);
console.log(`\nconsole preview of one weight change, in-process (edit by syntax tree, load, synth, judge against the base, diff; forge calls to a real Gitea), warm, ${EVALUATIONS} previews (target p95 <= 300 ms)`);
console.log(`${'preview: example (2 regions x 1 app)'.padEnd(40)} ${`${Math.round(previews.median)} ms`.padStart(9)} ${`p95 ${Math.round(previews.p95)} ms`.padStart(13)}`);
const figures = await consoleFigures(root, () => undefined);
const { overview, firstLoadJs } = figures;
console.log(`\nconsole: production build and the overview under load (demo stack: a real Prometheus per region, real Gitea)`);
console.log(`${'next build console (clean .next)'.padEnd(40)} ${`${Math.round(figures.buildMs / 1000)} s`.padStart(9)}`);
console.log(`${`overview read, ${overview.clients} clients x ${overview.seconds} s`.padEnd(40)} ${`${overview.p95.toFixed(1)} ms`.padStart(9)} ${`p50 ${overview.p50.toFixed(1)} ms`.padStart(13)}  p95 (target <= 100 ms), ${overview.requests} reads, ${overview.errors} errors`);
console.log(`${'first-load JS of the overview'.padEnd(40)} ${`${firstLoadJs.transferredKiB} KiB`.padStart(9)} ${`${firstLoadJs.decodedKiB} KiB raw`.padStart(13)}  ${firstLoadJs.files} scripts, as transferred`);
console.log('');

// An operator's commands: a drill plans, synthesises and judges a change in a scratch worktree; the weekly
// report classifies each merged change with the policy engine (bounded here to the five newest).
const primary = (await loadModel(root)).model?.regions.find((region) => region.role === 'primary')?.id;
if (!primary) throw new Error('bench: the repository model does not load or has no primary region; run npm test to see why');
bench('drill: outage of the primary (dry run)', [node, run, 'drill', '--from', primary, '--dry-run'], root, Math.min(runs, 3));
bench('report: weekly, 5 newest changes', [node, run, 'report', 'weekly', '--max-changes', '5'], root, Math.min(runs, 3));
bench('npm test: gates only', [node, run, 'test', '--gates-only'], root);
if (!values.quick) bench('npm test: vitest + gates', [node, run, 'test'], root, Math.min(runs, 3));
await removeRepo(example);

/**
 * How long the console waits for a re-validation after an edit: every policy over the model, all
 * Terraform stacks and all manifests, with the bundle already loaded (as the console keeps it).
 */
async function policyEvaluation(policies: PolicyEngine, repo: string, label: string): Promise<string> {
  const load = await loadModel(repo);
  if (load.errors) throw new Error(`${repo} does not load: ${load.errors[0]!.message}`);
  const files = synthOutputs(load.model);
  const input = policyInput({ model: load.model, sources: load.sources, files, waivers: (await loadWaivers(repo)).waivers, repositoryPaths: [...files.keys()] });
  policies.evaluate(input);
  const samples = Array.from({ length: EVALUATIONS }, () => {
    const started = performance.now();
    policies.evaluate(input);
    return performance.now() - started;
  });
  const kb = Math.round(JSON.stringify(input).length / 1024);
  return `${`policies: ${label}`.padEnd(40)} ${`${median(samples).toFixed(1)} ms`.padStart(9)} ${`${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)}`.padStart(13)} ${`${kb} KB`.padStart(8)}`;
}

/** What every command pays before it starts: `loadModel`, which compiles and evaluates each TypeScript input apart. */
async function inputLoading(repo: string, label: string): Promise<string> {
  await loadModel(repo);
  const samples: number[] = [];
  for (let i = 0; i < EVALUATIONS; i += 1) {
    const started = performance.now();
    await loadModel(repo);
    samples.push(performance.now() - started);
  }
  const inputs = (await listInputFiles(repo)).length;
  return `${`inputs: ${label}`.padEnd(40)} ${`${median(samples).toFixed(1)} ms`.padStart(9)} ${`${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)}`.padStart(13)} ${`${inputs} files`.padStart(8)}`;
}

/**
 * The same model through the official `cdktn synth` CLI (Terraform stacks only, which is less work than
 * `npm run synth`, which also renders the Kubernetes manifests and JSON Schemas). The CLI needs Node >= 22.19,
 * so `bash scripts/install-tools.sh cdktn` installs it with its own Node 22 from the npm registry.
 */
function officialCliComparison(repo: string): void {
  const cdktn = resolveTool(root, 'cdktn');
  if (!cdktn.ok) {
    console.log(`${'synth: official `cdktn synth` CLI'.padEnd(40)} not run: ${cdktn.message}`);
    return;
  }
  const app = `node ${JSON.stringify(run)} cdktn-app`;
  writeFileSync(path.join(repo, 'cdktf.json'), `${JSON.stringify({ language: 'typescript', app, output: 'cdktf.out', sendCrashReports: 'false', targetVersions: TERRAFORM_TARGET_VERSIONS })}\n`);
  bench(`synth: official cdktn ${cdktn.version} CLI`, [cdktn.path, 'synth'], repo, runs, { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' });
}
