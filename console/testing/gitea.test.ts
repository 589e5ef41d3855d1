import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, exampleRepo, modelAt, removeScratchRepos } from '../../tests/helpers/example-repo';
import { DEMO_USERS } from '../server/auth/local';
import { gitAuthEnv } from '../server/forges/git-auth';
import { describeGitea, GATE_CONTEXT, pushAs, startGitea, type RunningGitea } from './gitea';

const run = promisify(execFile);

// One real Gitea for the file; the first run on a machine builds it (scripts/install-tools.sh gitea, ~5 min).
let gitea: RunningGitea;
let repoDir: string;
let clones: string;

beforeAll(async () => {
  repoDir = await exampleRepo();
  commitAll(repoDir);
  clones = await mkdtemp(path.join(tmpdir(), 'gitea-clones-'));
  gitea = await startGitea({ repoDir, log: (line) => (/^(install|building|installing|gitea \d)/.test(line) ? process.stderr.write(`${line}\n`) : undefined) });
}, 900_000);

afterAll(async () => {
  await gitea?.stop();
  await rm(clones, { recursive: true, force: true });
  await removeScratchRepos();
});

async function api<T>(route: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${gitea.url}/api/v1${route}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A clone of the seeded repository with one commit on top of main changing `file`. */
async function cloneWithCommit(name: string, file: string): Promise<string> {
  const dir = path.join(clones, name);
  await run('git', ['clone', '--quiet', gitea.fetchUrl, dir]);
  await writeFile(path.join(dir, file), `${name}\n`);
  await run('git', ['-C', dir, 'add', file]);
  await run('git', ['-C', dir, '-c', 'user.name=Alice Okafor', '-c', 'user.email=alice@example.com', 'commit', '--quiet', '-m', name]);
  return dir;
}

describe('startGitea', () => {
  it('seeds the model’s CI repository, public for git fetch, with main at the pushed HEAD', async () => {
    const model = await modelAt(repoDir);
    expect(`${gitea.repo.owner}/${gitea.repo.name}`).toBe(model.global.infrastructure.ciRepository);
    expect(gitea.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const head = (await run('git', ['-C', repoDir, 'rev-parse', 'HEAD'])).stdout.trim();
    // No credentials: the fetch URL is what the console's change service reads the base from.
    const remote = (await run('git', ['ls-remote', gitea.fetchUrl, 'refs/heads/main'], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).stdout;
    expect(remote.split('\t')[0]).toBe(head);
    const repo = await api<{ default_branch: string; private: boolean }>(`/repos/${gitea.repo.owner}/${gitea.repo.name}`, gitea.admin.token);
    expect(repo.body).toMatchObject({ default_branch: 'main', private: false });
  });

  it('creates one team per @org/team owner of the model, each with write access to the repository', async () => {
    const model = await modelAt(repoDir);
    const owners = [...new Set(model.global.owners.flatMap((rule) => rule.owners).map((handle) => handle.split('/')[1]))].sort();
    expect(gitea.teams).toEqual(owners);
    // Gitea's own Owners team (the administrator who created the organisation) is the one team not from the model.
    const teams = (await api<Array<{ name: string; units_map: Record<string, string> }>>(`/repos/${gitea.repo.owner}/${gitea.repo.name}/teams`, gitea.admin.token)).body.filter(
      (team) => team.name !== 'Owners',
    );
    expect(teams.map((team) => team.name).sort()).toEqual(owners);
    for (const team of teams) expect(team.units_map, team.name).toMatchObject({ 'repo.code': 'write', 'repo.pulls': 'write' });
  });

  it('gives the bot, the operators, the approver and the viewer tokens of their own, in the teams their role needs', async () => {
    expect(Object.values(gitea.users).map((user) => [user.login, user.role])).toEqual([
      ['console-bot', 'bot'],
      ['alice', 'operator'],
      ['bob', 'operator'],
      ['vera', 'viewer'],
      ['carol', 'approver'],
    ]);
    for (const user of Object.values(gitea.users)) {
      const me = await api<{ login: string; is_admin: boolean }>('/user', gitea.tokens[user.login]!);
      expect(me.body, user.login).toMatchObject({ login: user.login, is_admin: false });
    }
    const members = await api<Array<{ login: string }>>(`/orgs/${gitea.repo.owner}/members`, gitea.admin.token);
    expect(members.body.map((member) => member.login).sort()).toEqual(['alice', 'bob', 'carol', gitea.admin.login].sort());
    // What each may do to the repository, as Gitea answers the user themselves.
    const permissions = async (login: string) => (await api<{ permissions: Record<string, boolean> }>(`/repos/${gitea.repo.owner}/${gitea.repo.name}`, gitea.tokens[login]!)).body.permissions;
    for (const login of ['console-bot', 'alice', 'bob', 'carol']) expect(await permissions(login), login).toEqual({ admin: false, push: true, pull: true });
    expect(await permissions('vera')).toEqual({ admin: false, push: false, pull: true });
  });

  it('knows every person of the console’s local demo mode under the same login, name, email and role', async () => {
    for (const person of DEMO_USERS) {
      expect(gitea.users[person.login], person.login).toMatchObject({ name: person.name, email: person.email, role: person.role });
      const known = await api<{ login: string; full_name: string; email: string }>(`/users/${person.login}`, gitea.admin.token);
      expect(known.body, person.login).toMatchObject({ login: person.login, full_name: person.name, email: person.email });
    }
  });

  it('describes where the forge is and how each person signs in, and the password works', async () => {
    const lines = describeGitea(gitea);
    expect(lines[0]).toBe(`Gitea ${gitea.url}/${gitea.repo.owner}/${gitea.repo.name} (local, seeded; stopped with the console)`);
    expect(lines.slice(1).map((line) => line.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['alice', 'operator'],
      ['bob', 'operator'],
      ['vera', 'viewer'],
      ['carol', 'approver'],
    ]);
    const carol = gitea.users.carol!;
    expect(lines.join('\n')).toContain(`password ${carol.password}`);
    const signedIn = await fetch(`${gitea.url}/api/v1/user`, { headers: { Authorization: `Basic ${Buffer.from(`carol:${carol.password}`).toString('base64')}` } });
    expect(((await signedIn.json()) as { login: string }).login).toBe('carol');
  });

  it('refuses a direct push to main, even from the bot that may write branches', async () => {
    const dir = await cloneWithCommit('direct-push', 'direct-push.txt');
    const bot = { login: 'console-bot', token: gitea.tokens['console-bot']! };
    const refused = await pushAs(dir, gitea.fetchUrl, bot, 'HEAD:refs/heads/main').then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(refused).toMatch(/protected branch/i);
    expect(refused).not.toContain(bot.token);
    await pushAs(dir, gitea.fetchUrl, bot, 'HEAD:refs/heads/console/direct-push');
    const branch = await api<{ commit: { id: string } }>(`/repos/${gitea.repo.owner}/${gitea.repo.name}/branches/console%2Fdirect-push`, gitea.admin.token);
    expect(branch.status).toBe(200);
  });

  it(`merges a pull request only after an approval and a successful ${GATE_CONTEXT} status`, async () => {
    const dir = await cloneWithCommit('merge-rules', 'merge-rules.txt');
    const bot = gitea.tokens['console-bot']!;
    const carol = gitea.tokens.carol!;
    await pushAs(dir, gitea.fetchUrl, { login: 'console-bot', token: bot }, 'HEAD:refs/heads/console/merge-rules');
    const repo = `/repos/${gitea.repo.owner}/${gitea.repo.name}`;
    const pull = await api<{ number: number; head: { sha: string } }>(`${repo}/pulls`, bot, { method: 'POST', body: { head: 'console/merge-rules', base: 'main', title: 'Merge rules' } });
    expect(pull.status).toBe(201);
    const merge = () => api<{ message?: string }>(`${repo}/pulls/${pull.body.number}/merge`, carol, { method: 'POST', body: { Do: 'merge' } });

    const unapproved = await merge();
    expect(unapproved.status).toBe(405);
    await api(`${repo}/pulls/${pull.body.number}/reviews`, carol, { method: 'POST', body: { event: 'APPROVED', body: 'CAB approves' } });
    const withoutGate = await merge();
    expect(withoutGate.status).toBe(405);
    const status = await api(`${repo}/statuses/${pull.body.head.sha}`, gitea.admin.token, { method: 'POST', body: { state: 'success', context: GATE_CONTEXT } });
    expect(status.status).toBe(201);
    const merged = await merge();
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const main = await api<{ commit: { id: string } }>(`${repo}/branches/main`, gitea.admin.token);
    const log = (await run('git', ['-C', dir, 'fetch', '--quiet', 'origin'], { env: gitAuthEnv('console-bot', bot) }).then(() => run('git', ['-C', dir, 'log', '--format=%H', main.body.commit.id]))).stdout;
    expect(log).toContain(pull.body.head.sha);
  });

  it('starts in a few seconds and leaves nothing behind when stopped', async () => {
    const second = await startGitea({ repoDir });
    try {
      console.info(`gitea: started and seeded in ${second.startupMs} ms`);
      expect(second.startupMs).toBeLessThan(30_000);
      expect(existsSync(path.join(second.workDir, 'app.ini'))).toBe(true);
      expect((await fetch(`${second.url}/api/v1/version`)).ok).toBe(true);
    } finally {
      await second.stop();
    }
    await expect(fetch(`${second.url}/api/v1/version`)).rejects.toThrow();
    expect(existsSync(second.workDir)).toBe(false);
  }, 60_000);
});
