import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatLocated, loadModel, type Model } from '../../schemas';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const scratchRepos: string[] = [];

/** A scratch copy of the example inputs and committed outputs, safe to break; removed after the test file. */
export async function exampleRepo(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'example-repo-'));
  scratchRepos.push(root);
  for (const dir of ['regions', 'apps', 'generated', 'CODEOWNERS', 'policies/bundle', 'policies/waivers.yaml', 'policies/checkov', 'policies/kyverno', 'policies/kubernetes']) await cp(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  await cp(path.join(REPO_ROOT, 'schemas'), path.join(root, 'schemas'), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  return root;
}

/** Rewrites one file of a scratch repo; fails loudly when the edit would change nothing, so a test never passes by accident. */
export async function edit(root: string, file: string, from: string | RegExp, to: string): Promise<void> {
  const target = path.join(root, file);
  const before = await readFile(target, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`edit of ${file} changed nothing: ${String(from)} not found`);
  await writeFile(target, after);
}

/** Makes a scratch repo a git repository with everything committed on `main`, as a pull request's base. */
export function commitAll(root: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-m', 'base');
}

export async function put(root: string, file: string, content: string): Promise<void> {
  await writeFile(path.join(root, file), content);
}

export async function removeScratchRepos(): Promise<void> {
  await Promise.all(scratchRepos.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** Every located error, formatted, of a scratch copy of the example after `change`; fails the test when the inputs still load. */
export async function loadErrorsAfter(change: (root: string) => Promise<void>): Promise<string[]> {
  const root = await exampleRepo();
  await change(root);
  const result = await loadModel(root);
  if (!result.errors) throw new Error('expected the inputs to be rejected, but they loaded');
  return result.errors.map(formatLocated);
}

/** The validated model of a repository; a model that does not load fails the test with every located error. */
export async function modelAt(root: string): Promise<Model> {
  const result = await loadModel(root);
  if (result.errors) throw new Error(result.errors.map(formatLocated).join('\n'));
  return result.model;
}
