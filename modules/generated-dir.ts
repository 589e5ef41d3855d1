import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoFiles } from './outputs';
import type { GeneratedFiles } from './synth';

export const GENERATED_DIR = 'generated';

/** Reads a generated tree back into the same shape `synth` returns; a missing directory reads as empty. */
export async function readGenerated(root: string, dir = GENERATED_DIR): Promise<GeneratedFiles> {
  return new Map([...(await readTree(root, dir))].map(([file, bytes]) => [file, bytes.toString('utf8')]));
}

async function readTree(root: string, dir: string): Promise<Map<string, Buffer>> {
  const base = path.join(root, dir);
  const files = new Map<string, Buffer>();
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(base, relative), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && relative === '') return [];
      throw error;
    });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else files.set(child, await readFile(path.join(base, child)));
    }
  };
  await walk('');
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface WriteResult {
  /** False when the tree already held exactly these files, in which case nothing was touched. */
  written: boolean;
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Replaces the generated tree with `files` as a whole: everything is written to a sibling temporary
 * directory first and swapped in by rename, so a failure at any point leaves the previous tree in place.
 */
export async function writeGenerated(root: string, files: ReadonlyMap<string, string | Uint8Array>, dir = GENERATED_DIR): Promise<WriteResult> {
  const target = path.join(root, dir);
  await recoverInterruptedWrite(target);
  const current = await readTree(root, dir);
  const added = [...files.keys()].filter((file) => !current.has(file));
  const removed = [...current.keys()].filter((file) => !files.has(file));
  const changed = [...files.keys()].filter((file) => current.has(file) && !current.get(file)!.equals(Buffer.from(files.get(file)!)));
  if (!added.length && !removed.length && !changed.length) return { written: false, added, changed, removed };

  const suffix = stagingSuffix();
  const staging = `${target}.tmp-${suffix}`;
  const previous = `${target}.old-${suffix}`;
  try {
    for (const [file, content] of files) {
      const destination = path.join(staging, file);
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, content);
    }
    if (existsSync(target)) await rename(target, previous);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(previous)) await rename(previous, target);
    throw error;
  }
  await rm(previous, { recursive: true, force: true });
  return { written: true, added, changed, removed };
}

/** Reads what is committed for every path synth owns: the `generated/` tree and the listed files outside it. */
export async function readCommitted(root: string, outside: Iterable<string>): Promise<RepoFiles> {
  const files = new Map<string, string>();
  for (const [file, content] of await readGenerated(root)) files.set(`${GENERATED_DIR}/${file}`, content);
  for (const file of outside) {
    const content = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
    if (content !== undefined) files.set(file, content);
  }
  return files;
}

/**
 * Writes all synth outputs: `generated/` swapped in whole first, then each file outside it replaced by
 * rename, in the order of `outputs`; a caller puts last whatever records its progress (promote's releases
 * file), so that a run killed between writes is repaired by running it again. Returns repository-relative
 * paths of what changed.
 */
export async function writeOutputs(root: string, outputs: RepoFiles): Promise<WriteResult> {
  const prefix = `${GENERATED_DIR}/`;
  const tree = new Map([...outputs].filter(([file]) => file.startsWith(prefix)).map(([file, content]) => [file.slice(prefix.length), content]));
  const result = await writeGenerated(root, tree);
  const prefixed = (files: string[]) => files.map((file) => `${prefix}${file}`);
  const summary: WriteResult = { written: result.written, added: prefixed(result.added), changed: prefixed(result.changed), removed: prefixed(result.removed) };
  for (const [file, content] of outputs) {
    if (file.startsWith(prefix)) continue;
    const target = path.join(root, file);
    await recoverInterruptedWrite(target);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === content) continue;
    await replaceFile(target, content);
    (current === undefined ? summary.added : summary.changed).push(file);
    summary.written = true;
  }
  return summary;
}

/**
 * Replaces one file with the guarantees of the tree swap: the content goes to a sibling `<name>.tmp-…`
 * (git-ignored), is synced to disk and renamed over the target, so a crash leaves the old content or the new.
 */
export async function replaceFile(target: string, content: string): Promise<void> {
  const staging = `${target}.tmp-${stagingSuffix()}`;
  try {
    const handle = await open(staging, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}

/**
 * A process killed between the two renames of a swap leaves `generated.old-*` and no `generated/`: put it
 * back. Staging copies (`<name>.tmp-*`) of a killed process are removed; a file's target is intact anyway.
 */
async function recoverInterruptedWrite(target: string): Promise<void> {
  const parent = path.dirname(target);
  const dir = path.basename(target);
  const leftovers = (await readdir(parent).catch(() => [] as string[])).filter((name) => name.startsWith(`${dir}.old-`) || name.startsWith(`${dir}.tmp-`)).sort();
  const previous = leftovers.filter((name) => name.startsWith(`${dir}.old-`)).pop();
  if (!existsSync(target) && previous) await rename(path.join(parent, previous), target);
  for (const name of leftovers) {
    if (!ownerIsAlive(name)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** `<pid>-<time>`: names whose leftover it is (see ownerIsAlive). */
function stagingSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}`;
}

/** Another synth may be running in the same checkout: its staging directory is not ours to delete. */
function ownerIsAlive(name: string): boolean {
  const pid = Number(/\.(?:tmp|old)-(\d+)-/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
