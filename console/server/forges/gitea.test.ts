import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, exampleRepo, removeScratchRepos } from '../../../tests/helpers/example-repo';
import { rejection } from '../../../tests/helpers/thrown';
import { GATE_CONTEXT, startGitea, type RunningGitea } from '../../testing/gitea';
import { Mirror } from '../changes/git';
import { ForgeError, type Forge } from './forge';
import { createGiteaForge } from './gitea';
import { gitAuthEnv } from './git-auth';

const run = promisify(execFile);

// The adapter against a real Gitea, one for the file (built on first use by scripts/install-tools.sh gitea).
let gitea: RunningGitea;
let forge: Forge;
let work: string;
let mainSha: string;

beforeAll(async () => {
  const repoDir = await exampleRepo();
  commitAll(repoDir);
  work = await mkdtemp(path.join(tmpdir(), 'gitea-forge-'));
  gitea = await startGitea({ repoDir, log: (line) => (/^(install|building|installing|gitea \d)/.test(line) ? process.stderr.write(`${line}\n`) : undefined) });
  forge = createGiteaForge({ url: gitea.url, repo: gitea.repo, token: gitea.tokens['console-bot']! });
  mainSha = (await run('git', ['-C', repoDir, 'rev-parse', 'HEAD'])).stdout.trim();
}, 900_000);

afterAll(async () => {
  await gitea?.stop();
  await rm(work, { recursive: true, force: true });
  await removeScratchRepos();
});

/** A clone of the forge's main with one commit whose only parent is main, as the change service builds it. */
async function changeCommit(name: string, edits: Record<string, string>, date = '2026-12-01T10:00:00Z'): Promise<{ dir: string; sha: string }> {
  const dir = path.join(work, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  await run('git', ['clone', '--quiet', forge.fetchUrl, dir]);
  for (const [file, content] of Object.entries(edits)) await writeFile(path.join(dir, file), content);
  await run('git', ['-C', dir, 'add', '-A']);
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  await run('git', ['-C', dir, '-c', 'user.name=Alice Okafor', '-c', 'user.email=alice@example.com', 'commit', '--quiet', '-m', name], { env });
  return { dir, sha: (await run('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim() };
}

const forgeError = (promise: Promise<unknown>) => rejection(ForgeError, promise);

async function asAdmin(method: string, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${gitea.url}/api/v1${route}`, {
    method,
    headers: { Authorization: `token ${gitea.admin.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
}

describe('Gitea forge', () => {
  it('names the default branch and its head, and the bot it acts as', async () => {
    expect(await forge.defaultBranch()).toEqual({ name: 'main', sha: mainSha });
    expect(await forge.whoami()).toBe('console-bot');
    expect(forge).toMatchObject({ kind: 'gitea', repo: gitea.repo, fetchUrl: gitea.fetchUrl });
  });

  it('publishes a branch, opens a pull request with labels and team review requests, and reads its statuses back', async () => {
    const change = await changeCommit('weights', { 'regions/us-east-1.ts': '// weights\n' });
    const branch = 'console/weights-60-40';
    expect(await forge.publishCommit({ repoDir: change.dir, commit: change.sha, baseSha: mainSha, branch })).toEqual({ sha: change.sha });

    const pull = await forge.openPullRequest({ branch, title: 'Weights 60/40', body: 'plan-change markdown' });
    expect(pull).toMatchObject({ state: 'open', branch, headSha: change.sha, base: 'main', baseSha: mainSha, author: 'console-bot', title: 'Weights 60/40', body: 'plan-change markdown', labels: [] });
    expect(pull.url).toBe(`${gitea.url}/${gitea.repo.owner}/${gitea.repo.name}/pulls/${pull.number}`);

    // An organisation label is reused, the missing ones are created on the repository.
    await asAdmin('POST', `/orgs/${gitea.repo.owner}/labels`, { name: 'cab:standard', color: '#00aa00' });
    await forge.addLabels(pull.number, ['cab:standard', 'console', 'weights']);
    await forge.addLabels(pull.number, ['console']);
    expect((await forge.getPullRequest(pull.number)).labels.sort()).toEqual(['cab:standard', 'console', 'weights']);
    const repoLabels = await fetch(`${gitea.url}/api/v1/repos/${gitea.repo.owner}/${gitea.repo.name}/labels`).then((response) => response.json() as Promise<Array<{ name: string }>>);
    expect(repoLabels.map((label) => label.name).sort()).toEqual(['console', 'weights']);

    await forge.requestReviewers(pull.number, { users: ['carol'], teams: ['platform', 'sre'] });
    expect(await forge.reviews(pull.number)).toEqual({ requestedUsers: ['carol'], requestedTeams: ['platform', 'sre'], approvedBy: [], changesRequestedBy: [] });

    expect(await forge.checks(change.sha)).toEqual({ state: 'none', contexts: [] });
    const statuses = `/repos/${gitea.repo.owner}/${gitea.repo.name}/statuses/${change.sha}`;
    await asAdmin('POST', statuses, { state: 'pending', context: GATE_CONTEXT, target_url: 'https://ci.example.com/runs/1' });
    expect(await forge.checks(change.sha)).toEqual({ state: 'pending', contexts: [{ context: GATE_CONTEXT, state: 'pending', url: 'https://ci.example.com/runs/1' }] });
    await asAdmin('POST', statuses, { state: 'success', context: GATE_CONTEXT, target_url: 'https://ci.example.com/runs/1' });
    await asAdmin('POST', statuses, { state: 'failure', context: 'lint' });
    const checks = await forge.checks(change.sha);
    expect(checks.state).toBe('failure');
    expect(checks.contexts.map(({ context, state }) => [context, state]).sort()).toEqual([
      [GATE_CONTEXT, 'success'],
      ['lint', 'failure'],
    ]);

    expect(await forge.pullRequestFiles(pull.number)).toEqual(['regions/us-east-1.ts']);
    expect((await forge.listPullRequests('open')).map((open) => open.number)).toContain(pull.number);
    expect(await forge.findPullRequest(branch)).toEqual(await forge.getPullRequest(pull.number));
  });

  it('returns the pull request already open for a branch instead of a second one', async () => {
    const change = await changeCommit('read-only', { 'regions/us-west-2.ts': '// read-only\n' });
    const branch = 'console/read-only-secondary';
    await forge.publishCommit({ repoDir: change.dir, commit: change.sha, baseSha: mainSha, branch });
    const [first, second] = await Promise.all([
      forge.openPullRequest({ branch, title: 'Read-only us-west-2', body: 'first' }),
      forge.openPullRequest({ branch, title: 'Read-only us-west-2', body: 'double click' }),
    ]);
    expect(second.number).toBe(first.number);
    const again = await forge.openPullRequest({ branch, title: 'Read-only us-west-2', body: 'retry' });
    expect(again.number).toBe(first.number);
    expect((await forge.listPullRequests('all')).filter((pull) => pull.branch === branch)).toHaveLength(1);
  });

  it('finds only pull requests from the repository’s own branches: a fork’s branch of the same name is not the console’s', async () => {
    const { owner, name } = gitea.repo;
    const alice = gitea.tokens.alice!;
    const asAlice = async (method: string, route: string, body: unknown) => {
      const response = await fetch(`${gitea.url}/api/v1${route}`, { method, headers: { Authorization: `token ${alice}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { full_name?: string; clone_url?: string; number?: number };
    };
    const fork = await asAlice('POST', `/repos/${owner}/${name}/forks`, { name: `${name}-fork` });
    const change = await changeCommit('forked', { 'regions/us-east-1.ts': '// from a fork\n' });
    const branch = 'console/forked-squat';
    await run('git', ['push', '--quiet', `${gitea.url}/${fork.full_name}.git`, `${change.sha}:refs/heads/${branch}`], { cwd: change.dir, env: gitAuthEnv('alice', alice) });
    const pull = await asAlice('POST', `/repos/${owner}/${name}/pulls`, { head: `alice:${branch}`, base: 'main', title: 'from a fork', body: '' });
    const listed = (await forge.listPullRequests('open')).find((open) => open.number === pull.number);
    expect(listed).toMatchObject({ branch, headRepo: fork.full_name });
    expect(await forge.findPullRequest(branch)).toBeUndefined();
  });

  it('publishes the same change again as the commit already there, even when rebuilt with another timestamp', async () => {
    const edits = { 'regions/us-east-1.ts': '// retried\n' };
    const first = await changeCommit('retry', edits, '2026-12-01T10:00:00Z');
    const branch = 'console/retry';
    await forge.publishCommit({ repoDir: first.dir, commit: first.sha, baseSha: mainSha, branch });
    expect(await forge.publishCommit({ repoDir: first.dir, commit: first.sha, baseSha: mainSha, branch })).toEqual({ sha: first.sha });
    const rebuilt = await changeCommit('retry', edits, '2026-12-01T10:05:00Z');
    expect(rebuilt.sha).not.toBe(first.sha);
    expect(await forge.publishCommit({ repoDir: rebuilt.dir, commit: rebuilt.sha, baseSha: mainSha, branch })).toEqual({ sha: first.sha });
  });

  it('refuses to move a branch that holds another change: a conflict, never a force push', async () => {
    const branch = 'console/taken';
    const mine = await changeCommit('taken', { 'regions/us-east-1.ts': '// mine\n' });
    const theirs = await changeCommit('taken', { 'regions/us-east-1.ts': '// theirs\n' });
    await forge.publishCommit({ repoDir: theirs.dir, commit: theirs.sha, baseSha: mainSha, branch });
    const refused = await forgeError(forge.publishCommit({ repoDir: mine.dir, commit: mine.sha, baseSha: mainSha, branch }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(theirs.sha);
    const remote = (await run('git', ['ls-remote', forge.fetchUrl, `refs/heads/${branch}`])).stdout;
    expect(remote.split('\t')[0]).toBe(theirs.sha);
  });

  it('refuses a commit that is not a single commit on the base, and the default branch as a target', async () => {
    const change = await changeCommit('stacked', { 'regions/us-east-1.ts': '// one\n' });
    await writeFile(path.join(change.dir, 'regions/us-east-1.ts'), '// two\n');
    await run('git', ['-C', change.dir, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '--quiet', '-am', 'two']);
    const stacked = (await run('git', ['-C', change.dir, 'rev-parse', 'HEAD'])).stdout.trim();
    const notOnBase = await forgeError(forge.publishCommit({ repoDir: change.dir, commit: stacked, baseSha: mainSha, branch: 'console/stacked' }));
    expect(notOnBase.code).toBe('validation');
    const toMain = await forgeError(forge.publishCommit({ repoDir: change.dir, commit: change.sha, baseSha: mainSha, branch: 'main' }));
    expect(toMain).toMatchObject({ code: 'validation', message: expect.stringContaining('default branch main') });
  });

  it('reads each reviewer’s latest verdict, dismissed reviews left out', async () => {
    const change = await changeCommit('reviews', { 'regions/us-east-1.ts': '// reviewed\n' });
    const branch = 'console/reviews';
    await forge.publishCommit({ repoDir: change.dir, commit: change.sha, baseSha: mainSha, branch });
    const pull = await forge.openPullRequest({ branch, title: 'Reviewed', body: '' });
    const review = async (login: string, event: string): Promise<number> => {
      const response = await fetch(`${gitea.url}/api/v1/repos/${gitea.repo.owner}/${gitea.repo.name}/pulls/${pull.number}/reviews`, {
        method: 'POST',
        headers: { Authorization: `token ${gitea.tokens[login]}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ event, body: `${login}: ${event}` }),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      return (JSON.parse(text) as { id: number }).id;
    };
    await review('alice', 'REQUEST_CHANGES');
    await review('carol', 'REQUEST_CHANGES');
    await review('carol', 'APPROVED');
    await review('bob', 'COMMENT');
    const dismissed = await review('bob', 'REQUEST_CHANGES');
    await asAdmin('POST', `/repos/${gitea.repo.owner}/${gitea.repo.name}/pulls/${pull.number}/reviews/${dismissed}/dismissals`, { message: 'answered in the thread' });
    expect(await forge.reviews(pull.number)).toMatchObject({ approvedBy: ['carol'], changesRequestedBy: ['alice'] });
  });

  it('reports Gitea’s refusals as forge error codes, never with the token', async () => {
    const token = 'f'.repeat(40);
    const stranger = createGiteaForge({ url: gitea.url, repo: gitea.repo, token });
    const unauthorized = await forgeError(stranger.openPullRequest({ branch: 'console/any', title: 'x', body: '' }));
    expect(unauthorized.code).toBe('unauthorized');
    expect(unauthorized.message).not.toContain(token);

    expect((await forgeError(forge.getPullRequest(9999))).code).toBe('not-found');
    const viewer = createGiteaForge({ url: gitea.url, repo: gitea.repo, token: gitea.tokens.vera! });
    const change = await changeCommit('viewer', { 'regions/us-east-1.ts': '// viewer\n' });
    const readOnly = await forgeError(viewer.publishCommit({ repoDir: change.dir, commit: change.sha, baseSha: mainSha, branch: 'console/viewer' }));
    expect(readOnly.code).toBe('unauthorized');
    expect(readOnly.message).not.toContain(gitea.tokens.vera!);

    const gone = createGiteaForge({ url: 'http://127.0.0.1:9', repo: gitea.repo, token, timeoutMs: 2_000 });
    expect((await forgeError(gone.defaultBranch())).code).toBe('unavailable');
  });

  it('fetches a private repository, as the change service’s mirror does, with the token gitEnv hands git as configuration: never in the URL or the arguments', async () => {
    const route = `/repos/${gitea.repo.owner}/${gitea.repo.name}`;
    await asAdmin('PATCH', route, { private: true });
    try {
      const token = gitea.tokens['console-bot']!;
      const { sha } = await forge.defaultBranch();
      const bare = await mkdtemp(path.join(work, 'private-'));
      await run('git', ['init', '--quiet', '--bare', bare]);
      const fetch = ['fetch', '--quiet', forge.fetchUrl, 'refs/heads/main:refs/heads/fetched'];
      const noPrompt = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
      await expect(run('git', fetch, { cwd: bare, env: noPrompt })).rejects.toThrow(/could not read Username|Authentication failed/);

      const env = forge.gitEnv!();
      expect(forge.fetchUrl).not.toContain(token);
      expect(JSON.stringify(env)).not.toContain(token);
      await run('git', fetch, { cwd: bare, env: { ...noPrompt, ...env } });
      expect((await run('git', ['rev-parse', 'refs/heads/fetched'], { cwd: bare })).stdout.trim()).toBe(sha);

      const mirror = new Mirror(await mkdtemp(path.join(work, 'state-')), forge.fetchUrl, undefined, () => forge.gitEnv!());
      await mirror.ensureCommit('main', sha);
      expect(await mirror.hasCommit(sha)).toBe(true);
    } finally {
      await asAdmin('PATCH', route, { private: false });
    }
  });
});
