import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGenerated, writeGenerated } from './generated-dir';

async function scratchWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'generated-dir-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, 'generated', file)), { recursive: true });
    await writeFile(path.join(root, 'generated', file), content);
  }
  return root;
}

describe('writing generated/', () => {
  it('replaces the whole tree: new files appear, changed files change, stale files go', async () => {
    const root = await scratchWith({ 'a/keep.json': '1', 'a/change.json': 'old', 'stale.yaml': 'x' });
    const result = await writeGenerated(root, new Map([['a/keep.json', '1'], ['a/change.json', 'new'], ['b/added.yaml', 'y']]));
    expect(result).toEqual({ written: true, added: ['b/added.yaml'], changed: ['a/change.json'], removed: ['stale.yaml'] });
    expect([...(await readGenerated(root)).entries()]).toEqual([['a/change.json', 'new'], ['a/keep.json', '1'], ['b/added.yaml', 'y']]);
  });

  it('leaves generated/ exactly as it was when writing fails midway', async () => {
    const original = { 'terraform/global/cdk.tf.json': '{"old":true}', 'k8s/us-east-1/ns.yaml': 'kind: Namespace' };
    const root = await scratchWith(original);
    // The third file needs `terraform` to be a directory, but the second already made it a file: the write fails after two files.
    const files = new Map([['a.json', '1'], ['terraform', 'not a directory'], ['terraform/global/cdk.tf.json', '{"new":true}']]);
    await expect(writeGenerated(root, files)).rejects.toThrow();
    expect(Object.fromEntries(await readGenerated(root))).toEqual(original);
    expect((await readdir(root)).sort()).toEqual(['generated']);
  });

  it('does not touch the tree when nothing changed', async () => {
    const root = await scratchWith({ 'x.json': '1' });
    const before = await stat(path.join(root, 'generated'));
    const result = await writeGenerated(root, new Map([['x.json', '1']]));
    expect(result.written).toBe(false);
    expect((await stat(path.join(root, 'generated'))).ino).toBe(before.ino);
  });

  it('restores the previous tree left behind by a process killed mid-swap', async () => {
    const root = await scratchWith({});
    await mkdir(path.join(root, 'generated.old-999999999-abc'), { recursive: true });
    await writeFile(path.join(root, 'generated.old-999999999-abc', 'x.json'), 'previous');
    const result = await writeGenerated(root, new Map([['x.json', 'previous']]));
    expect(result.written).toBe(false);
    expect(existsSync(path.join(root, 'generated.old-999999999-abc'))).toBe(false);
    expect(Object.fromEntries(await readGenerated(root))).toEqual({ 'x.json': 'previous' });
  });
});
