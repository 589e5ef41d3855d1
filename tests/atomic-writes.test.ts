import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { releasesYaml } from '../schemas';
import { edit, exampleRepo, modelAt, put, REPO_ROOT } from './helpers/example-repo';

const PRELOAD = path.join(REPO_ROOT, 'tests/helpers/kill-at-rename.mjs');
const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api';
const NEW = `sha256:${'a1'.repeat(32)}`;
/** What a killed run may leave beside its targets: `generated.tmp-<pid>-<time>/`, `CODEOWNERS.tmp-…`, `generated.old-…/`. */
const STAGING = /(^|\/)[^/]+\.(tmp|old)-\d+-[0-9a-z]+(\/|$)/;
const PARKED = /^generated\.old-[^/]+\//;

type Tree = Map<string, string>;

/** A Prometheus that reports the release's rollout Completed with every pod on the new digest, whatever it is asked. */
let prometheus: Server;
let prometheusUrl: string;

beforeAll(async () => {
  prometheus = createServer((request, response) => {
    const query = new URL(request.url!, 'http://localhost').searchParams.get('query') ?? '';
    const metric = query.startsWith('rollout_info')
      ? { namespace: 'orders-api', name: 'orders-api', phase: 'Completed' }
      : { namespace: 'orders-api', pod: 'orders-api-0', container: 'orders-api', image_spec: `${REPOSITORY}@${NEW}` };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric, value: [0, '1'] }] } }));
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => prometheus.close(() => resolve())));

/** The example with `prepare` applied, committed, with the repository's .gitignore: the state before the run. */
async function committedExample(prepare: (root: string) => Promise<void>): Promise<string> {
  const root = await exampleRepo();
  await cp(path.join(REPO_ROOT, '.gitignore'), path.join(root, '.gitignore'));
  // Outputs in step with the inputs first, so that the run under test rewrites only what `prepare` changes.
  await writeOutputs(root, synthOutputs(await modelAt(root)));
  await prepare(root);
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-m', 'before');
  return root;
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' });
}

const copies: string[] = [];
afterAll(() => Promise.all(copies.splice(0).map((copy) => rm(copy, { recursive: true, force: true }))));

async function copyOf(root: string): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), 'kill-test-'));
  copies.push(copy);
  await cp(root, copy, { recursive: true });
  return copy;
}

/** Every file of the work tree but .git, by repository-relative path, sorted. */
async function snapshot(root: string): Promise<Tree> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
  const kept = files.filter((file) => !file.startsWith('.git/')).sort();
  return new Map(await Promise.all(kept.map(async (file) => [file, await readFile(path.join(root, file), 'utf8')] as const)));
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** How many renames a run that was not killed made. */
  renames?: number;
}

/** Runs an npm script as a child process under the kill preload; with `killAt`, it is SIGKILLed just before its killAt-th rename. */
async function runScript(root: string, args: readonly string[], killAt?: number): Promise<Run> {
  const countFile = path.join(root, '.git', 'rename-count');
  const child = spawn(process.execPath, ['--import', PRELOAD, path.join(REPO_ROOT, 'scripts/run.mjs'), ...args, '--root', root], {
    env: { ...process.env, MR_KILL_AT_RENAME: String(killAt ?? 0), MR_RENAME_COUNT_FILE: countFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (...status) => resolve(status)));
  const renames = await readFile(countFile, 'utf8').then(Number, () => undefined);
  return { code, signal, stderr, ...(renames === undefined ? {} : { renames }) };
}

/** `generated/` as one value: it is swapped whole, so it must be the old tree or the new one, never a mix. */
function generatedTree(tree: Tree): string {
  return JSON.stringify([...tree].filter(([file]) => file.startsWith('generated/')));
}

/**
 * What a killed run left, read as the next run will read it: staging copies dropped, and the previous
 * `generated/`, parked as `generated.old-…/` between the two renames of the swap, back in its place.
 */
function asRecovered(tree: Tree): Tree {
  const parked = [...tree].filter(([file]) => PARKED.test(file));
  const kept = [...tree].filter(([file]) => !STAGING.test(file));
  const hasTree = kept.some(([file]) => file.startsWith('generated/'));
  return new Map([...kept, ...(hasTree ? [] : parked.map(([file, content]) => [file.replace(PARKED, 'generated/'), content] as const))].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Lines of `git status` for files git neither tracks nor ignores (`??`), or, with `ignored`, also ignored ones (`!!`). */
function strays(root: string, ignored: boolean): string[] {
  const lines = git(root, 'status', '--porcelain', '--untracked-files=all', ...(ignored ? ['--ignored'] : [])).split('\n');
  return lines.filter((line) => line.startsWith('??') || line.startsWith('!!'));
}

/**
 * Kills `args` at each of its renames in turn. After each kill every output is its old or its new content
 * (no file missing, no mix), any leftover is git-ignored, and running the same command again leaves exactly
 * the state of an uninterrupted run, with no leftover at all. Returns the number of renames.
 */
async function killAtEveryRename(base: string, args: readonly string[]): Promise<number> {
  const before = await snapshot(base);
  const reference = await copyOf(base);
  const clean = await runScript(reference, args);
  expect(clean.stderr).toBe('');
  expect(clean.code).toBe(0);
  const after = await snapshot(reference);
  expect(after).not.toEqual(before);

  for (let killAt = 1; killAt <= clean.renames!; killAt += 1) {
    const root = await copyOf(base);
    const killed = await runScript(root, args, killAt);
    expect(killed.signal, `run killed at rename ${killAt}`).toBe('SIGKILL');
    const left = asRecovered(await snapshot(root));
    expect([generatedTree(before), generatedTree(after)].includes(generatedTree(left)), `generated/ after a kill at rename ${killAt} is the old tree or the new`).toBe(true);
    for (const file of new Set([...before.keys(), ...after.keys(), ...left.keys()])) {
      if (file.startsWith('generated/')) continue;
      expect([before.get(file), after.get(file)], `${file} after a kill at rename ${killAt}`).toContain(left.get(file));
    }
    expect(strays(root, false), `untracked files after a kill at rename ${killAt}`).toEqual([]);

    const rerun = await runScript(root, args);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(await snapshot(root)).toEqual(after);
    expect(strays(root, true), `leftovers after the run that followed a kill at rename ${killAt}`).toEqual([]);
  }
  return clean.renames!;
}

describe('a run killed at any rename leaves the old or the new state, and running it again completes it', () => {
  it('npm run synth: generated/, a JSON Schema and CODEOWNERS', { timeout: 240_000 }, async () => {
    const base = await committedExample(async (root) => {
      await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 40');
      await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 60');
      await edit(root, 'regions/global.yaml', 'owners: ["@example-org/dba", "@example-org/sre"]', 'owners: ["@example-org/dba"]');
      await put(root, 'schemas/app.schema.json', '{}\n');
    });
    // The tree swap (2), the JSON Schema, CODEOWNERS.
    expect(await killAtEveryRename(base, ['synth', '--quiet'])).toBe(4);
  });

  it('npm run promote, starting a release: generated/, then apps/releases.yaml', { timeout: 240_000 }, async () => {
    const base = await committedExample(async () => {});
    expect(await killAtEveryRename(base, ['promote', 'orders-api', NEW, '--by', '@example-org/orders-team'])).toBe(3);
  });

  it('npm run promote, finishing a release: generated/, the app file, then apps/releases.yaml', { timeout: 240_000 }, async () => {
    const base = await committedExample(async (root) => {
      for (const region of ['us-east-1', 'us-west-2']) await edit(root, `regions/${region}.ts`, /https:\/\/prometheus-\w+\.example\.com/, prometheusUrl);
      await put(root, 'apps/releases.yaml', releasesYaml([{ app: 'orders-api', digest: NEW, regions: ['us-west-2', 'us-east-1'], startedBy: '@example-org/orders-team' }]));
    });
    expect(await killAtEveryRename(base, ['promote', 'orders-api', NEW])).toBe(4);
  });
});
