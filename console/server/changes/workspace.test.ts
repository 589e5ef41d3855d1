import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forge } from '../forges/forge';
import type { DefaultBranch } from './types';
import { Workspace } from './workspace';

const run = promisify(execFile);

/**
 * The console's one mirror of the forge's default branch, shared by the previews and the overview: a bare
 * repository stands for the forge's git, and the forge's answer about its default branch is read from it.
 */

let scratch: string;
let work: string;
let forgeDir: string;

const git = async (...args: string[]) => (await run('git', args, { cwd: work })).stdout.trim();

/** A commit on the forge's main, as a merge would make it; returns its sha. */
async function merge(content: string): Promise<string> {
  await writeFile(path.join(work, 'README.md'), content);
  await git('add', 'README.md');
  await git('-c', 'user.name=Carol Reyes', '-c', 'user.email=carol@example.com', 'commit', '--quiet', '-m', content);
  await git('push', '--quiet', forgeDir, 'HEAD:refs/heads/main');
  return git('rev-parse', 'HEAD');
}

/** A workspace on the bare repository, counting the forge's answers and the mirror's fetches (each reads gitEnv once). */
async function workspace(): Promise<{ workspace: Workspace; asked: () => number; fetched: () => number }> {
  let asked = 0;
  let fetched = 0;
  const forge: Pick<Forge, 'fetchUrl' | 'gitEnv' | 'defaultBranch'> = {
    fetchUrl: forgeDir,
    gitEnv: () => {
      fetched++;
      return {};
    },
    defaultBranch: async () => {
      asked++;
      return { name: 'main', sha: (await run('git', ['--git-dir', forgeDir, 'rev-parse', 'refs/heads/main'])).stdout.trim() };
    },
  };
  return { workspace: new Workspace(await mkdtemp(path.join(scratch, 'state-')), forge), asked: () => asked, fetched: () => fetched };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'console-workspace-'));
  work = path.join(scratch, 'work');
  forgeDir = path.join(scratch, 'forge.git');
  await run('git', ['init', '--quiet', '--bare', forgeDir]);
  await run('git', ['init', '--quiet', '--initial-branch=main', work]);
  await merge('first\n');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("the console's mirror of the default branch", () => {
  it('fetches a moved default branch once, however many ask at the same moment (a preview, the overview), and each gets the new tip', async () => {
    const { workspace: shared, fetched } = await workspace();
    const tip = await merge('second\n');
    const answers = await Promise.all([shared.defaultBranch(), shared.defaultBranch(), shared.mirror.ensureCommit('main', tip).then(() => shared.defaultBranch())]);
    expect(answers).toEqual([
      { name: 'main', sha: tip },
      { name: 'main', sha: tip },
      { name: 'main', sha: tip },
    ]);
    expect(fetched()).toBe(1);
    expect(await shared.mirror.hasCommit(tip)).toBe(true);
  });

  it('asks the forge again only once its last answer is older than asked for, and tells listeners each time the tip moves, once', async () => {
    const { workspace: shared, asked } = await workspace();
    const moves: DefaultBranch[] = [];
    const stop = shared.onDefaultBranchMoved((tip) => moves.push(tip));
    const first = await shared.defaultBranch(60_000);
    expect(await shared.defaultBranch(60_000)).toEqual(first);
    expect(asked()).toBe(1);

    const merged = await merge('third\n');
    // Trusted for a minute: the overview's reads wait; a preview asks at once and learns it for everyone.
    expect((await shared.defaultBranch(60_000)).sha).toBe(first.sha);
    expect((await shared.defaultBranch()).sha).toBe(merged);
    expect((await shared.defaultBranch(60_000)).sha).toBe(merged);
    await shared.defaultBranch();
    expect(asked()).toBe(3);
    expect(moves).toEqual([first, { name: 'main', sha: merged }]);

    stop();
    const after = await merge('fourth\n');
    expect((await shared.defaultBranch()).sha).toBe(after);
    expect(moves).toHaveLength(2);
  });
});
