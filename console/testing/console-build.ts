import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { replaceFile } from '../../modules/generated-dir';

const run = promisify(execFile);

/** The production build's directory, as `next build console` writes it. */
export const BUILD_DIR = 'console/.next';
/** Records which sources the build in {@link BUILD_DIR} was made from. */
const SOURCE_STAMP = `${BUILD_DIR}/source-digest`;
/** Everything the console's server and client bundles are compiled from: its own files and the repository code it imports. */
const SOURCES = ['console', 'schemas', 'modules', 'policies/engine', 'policies/promotion', 'policies/toolchain', 'package-lock.json'];

/** A digest of the sources a build depends on (tracked or not, ignored files left out; specs and test harnesses do not reach the bundles). */
export async function sourceDigest(root: string): Promise<string> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SOURCES], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const files = [...new Set(stdout.split('\0').filter((file) => file && !/\.test\.tsx?$/.test(file) && !file.startsWith('console/testing/') && !file.startsWith('console/e2e/')))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = await readFile(path.join(root, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined; // deleted in the work tree, still in the index
      throw error;
    });
    if (content === undefined) continue;
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Whether `console/.next` was built from the sources as they are now. */
export async function buildIsCurrent(root: string): Promise<boolean> {
  const stamp = await readFile(path.join(root, SOURCE_STAMP), 'utf8').catch(() => undefined);
  return stamp !== undefined && stamp.trim() === (await sourceDigest(root));
}

/**
 * Builds the console for production unless the build on disk was made from the current sources: `npm run setup`
 * builds it once, and `npm run console` and the browser tests rebuild it only after a source changed.
 * `next build`'s own progress lines are passed to `log`.
 */
export async function ensureConsoleBuild(root: string, log: (line: string) => void): Promise<{ built: boolean; durationMs: number }> {
  const started = performance.now();
  const digest = await sourceDigest(root);
  const stamp = await readFile(path.join(root, SOURCE_STAMP), 'utf8').catch(() => undefined);
  if (stamp?.trim() === digest) return { built: false, durationMs: performance.now() - started };
  log(stamp === undefined ? 'building the console for production (next build, about 2 minutes on 2 cores)' : 'the console changed since its last build: rebuilding it (next build)');
  await buildFrom(root, digest, log);
  return { built: true, durationMs: performance.now() - started };
}

/** A production build from an empty `console/.next`, as on a fresh clone; its wall time for `npm run bench`. */
export async function cleanConsoleBuild(root: string, log: (line: string) => void): Promise<number> {
  await rm(path.join(root, BUILD_DIR), { recursive: true, force: true });
  const started = performance.now();
  await buildFrom(root, await sourceDigest(root), log);
  return performance.now() - started;
}

async function buildFrom(root: string, digest: string, log: (line: string) => void): Promise<void> {
  await nextBuild(root, log);
  await replaceFile(path.join(root, SOURCE_STAMP), `${digest}\n`);
}

async function nextBuild(root: string, log: (line: string) => void): Promise<void> {
  const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [next, 'build', 'console'], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.trim()) log(`  next build: ${line}`);
    });
  }
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`next build console failed (exit ${code}); run it by hand to see why: node node_modules/next/dist/bin/next build console\n${tail.join('\n')}`);
}
