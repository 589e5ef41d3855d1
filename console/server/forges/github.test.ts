import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../../tests/helpers/thrown';
import { runGit } from '../../testing/github-standin/git';
import { startGitHubStandIn, type GitHubStandIn } from '../../testing/github-standin/server';
import { ForgeError } from './forge';
import { createAppJwt, createGitHubForge, type GitHubForgeOptions } from './github';

/**
 * Contract of the GitHub forge, against the stand-in that checks every request and response against GitHub's
 * OpenAPI description. After each spec the stand-in must have recorded no violation in either direction.
 */

const TOKEN = 'ghp_console-bot-token-0123456789';
let standin: GitHubStandIn;
let repoDir: string;
let baseSha: string;
let scratch: string;

const git = async (...args: string[]) => (await runGit(args, { cwd: repoDir })).toString('utf8').trim();

/** A commit on `baseSha` with the given edits, authored and committed by different people in different time zones. */
async function localCommit(edits: Record<string, string | Buffer | null>, options: { date?: string; message?: string } = {}): Promise<string> {
  await git('checkout', '--quiet', '--detach', baseSha);
  for (const [file, content] of Object.entries(edits)) {
    if (content === null) {
      await git('rm', '--quiet', '--', file);
      continue;
    }
    await mkdir(path.dirname(path.join(repoDir, file)), { recursive: true });
    await writeFile(path.join(repoDir, file), content);
    await git('add', '--', file);
  }
  const date = options.date ?? '2026-03-01T10:15:30+02:00';
  await runGit(['commit', '--quiet', '--allow-empty', '-m', options.message ?? 'Weights 60/40: shift traffic away from us-east-1\n\nRequested in the console.'], {
    cwd: repoDir,
    env: {
      GIT_AUTHOR_NAME: 'Olga Operator',
      GIT_AUTHOR_EMAIL: 'olga@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Operator Console',
      GIT_COMMITTER_EMAIL: 'console@example.com',
      GIT_COMMITTER_DATE: '2026-03-01T03:16:00-05:00',
    },
  });
  return git('rev-parse', 'HEAD');
}

function forge(overrides: Partial<GitHubForgeOptions> = {}) {
  return createGitHubForge({
    baseUrl: standin.apiUrl,
    repo: { owner: standin.owner, name: standin.repo },
    auth: { token: TOKEN },
    spacing: { writeMs: 0, notifyingMs: 0 },
    waitUnitMs: 5,
    retries: 1,
    ...overrides,
  });
}

const forgeError = (promise: Promise<unknown>) => rejection(ForgeError, promise);

const writes = () => standin.requests().filter((request) => request.method !== 'GET');

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'github-forge-'));
  repoDir = path.join(scratch, 'repo');
  await mkdir(repoDir);
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: repoDir });
  await mkdir(path.join(repoDir, 'regions'));
  await mkdir(path.join(repoDir, 'generated/terraform/global'), { recursive: true });
  await writeFile(path.join(repoDir, 'regions/us-east-1.ts'), "export default { id: 'us-east-1', traffic: { weight: 50 } };\n");
  await writeFile(path.join(repoDir, 'regions/eu-west-1.ts'), "export default { id: 'eu-west-1', traffic: { weight: 50 } };\n");
  await writeFile(path.join(repoDir, 'generated/terraform/global/main.tf.json'), '{"weights":[50,50]}\n');
  await writeFile(path.join(repoDir, 'README.md'), '# gitops\r\nWindows line endings survive.\r\n');
  await writeFile(path.join(repoDir, 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  await symlink('README.md', path.join(repoDir, 'LINK.md'));
  await runGit(['add', '--all'], { cwd: repoDir });
  await runGit(['commit', '--quiet', '-m', 'Base'], { cwd: repoDir, env: { GIT_AUTHOR_NAME: 'Seed', GIT_AUTHOR_EMAIL: 'seed@example.com', GIT_COMMITTER_NAME: 'Seed', GIT_COMMITTER_EMAIL: 'seed@example.com' } });
  baseSha = await git('rev-parse', 'HEAD');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('GitHub forge', () => {
  beforeAll(async () => {
    standin = await startGitHubStandIn({ tokens: { [TOKEN]: 'console-bot' }, collaborators: ['alice', 'bob', 'console-bot'], teams: ['sre', 'cab'] });
    await standin.seedFromRepository(repoDir, baseSha);
  });
  afterAll(async () => standin.close());
  afterEach(() => {
    expect(standin.takeViolations()).toEqual([]);
  });

  it('knows whom its token acts as, asking GitHub once', async () => {
    const github = forge();
    expect(await Promise.all([github.whoami(), github.whoami()])).toEqual(['console-bot', 'console-bot']);
    expect(standin.requests().filter((request) => request.operation === 'users/get-authenticated')).toHaveLength(1);
  });

  it('publishes a local commit as the very same commit, opens its pull request, labels it and asks its reviewers', async () => {
    const github = forge();
    const commit = await localCommit({
      'regions/us-east-1.ts': "export default { id: 'us-east-1', traffic: { weight: 60 } };\n",
      'regions/eu-west-1.ts': "export default { id: 'eu-west-1', traffic: { weight: 40 } };\n",
      'generated/terraform/global/main.tf.json': '{"weights":[60,40]}\n',
      'generated/terraform/global/new.tf.json': '{}\n',
      'run.sh': null,
    });

    expect(await github.defaultBranch()).toEqual({ name: 'main', sha: baseSha });
    const published = await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/weights-1' });
    // Same tree, parent, author, committer, dates and message: GitHub's object is byte for byte the local one.
    expect(published).toEqual({ sha: commit });
    expect(await standin.readRef('refs/heads/console/weights-1')).toBe(commit);
    expect(await standin.readRef('refs/heads/main')).toBe(baseSha);

    const pull = await github.openPullRequest({ branch: 'console/weights-1', title: 'Weights 60/40', body: 'plan\n<!-- console-change {} -->' });
    expect(pull).toMatchObject({
      title: 'Weights 60/40',
      body: 'plan\n<!-- console-change {} -->',
      state: 'open',
      branch: 'console/weights-1',
      headSha: commit,
      base: 'main',
      baseSha,
      author: 'console-bot',
      labels: [],
    });
    expect(pull.url).toBe(`${standin.url}/${standin.owner}/${standin.repo}/pull/${pull.number}`);

    await github.addLabels(pull.number, ['cab-required', 'class:standard']);
    await github.requestReviewers(pull.number, { users: ['alice'], teams: ['sre'] });
    expect((await github.getPullRequest(pull.number)).labels).toEqual(['cab-required', 'class:standard']);
    expect(await github.reviews(pull.number)).toEqual({ requestedUsers: ['alice'], requestedTeams: ['sre'], approvedBy: [], changesRequestedBy: [] });
    expect(await github.pullRequestFiles(pull.number)).toEqual([
      'generated/terraform/global/main.tf.json',
      'generated/terraform/global/new.tf.json',
      'regions/eu-west-1.ts',
      'regions/us-east-1.ts',
      'run.sh',
    ]);
    // Text travels inside the tree request: no blob uploads for it.
    expect(writes().map((request) => request.operation)).not.toContain('git/create-blob');
  });

  it('uploads content that is not UTF-8 as a blob and still builds the identical tree', async () => {
    const commit = await localCommit({ 'assets/logo.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]) });
    const before = writes().length;
    expect(await forge().publishCommit({ repoDir, commit, baseSha, branch: 'console/binary' })).toEqual({ sha: commit });
    expect(writes().slice(before).map((request) => `${request.operation} ${request.status}`)).toEqual([
      'git/create-blob 201',
      'git/create-tree 201',
      'git/create-commit 201',
      'git/create-ref 201',
    ]);
  });

  it('returns the branch as it is when the same change is published again, writing nothing', async () => {
    const commit = await localCommit({ 'regions/us-east-1.ts': '// again\n' });
    const github = forge();
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/again' });
    const before = writes().length;
    expect(await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/again' })).toEqual({ sha: commit });
    // Rebuilt later with a new date: another commit object, the same change.
    const rebuilt = await localCommit({ 'regions/us-east-1.ts': '// again\n' }, { date: '2026-03-02T08:00:00+00:00' });
    expect(rebuilt).not.toBe(commit);
    expect(await github.publishCommit({ repoDir, commit: rebuilt, baseSha, branch: 'console/again' })).toEqual({ sha: commit });
    expect(writes().length).toBe(before);
  });

  it('yields one branch when the same change is published twice at once', async () => {
    const commit = await localCommit({ 'regions/eu-west-1.ts': '// double click\n' });
    const github = forge();
    const results = await Promise.all([0, 1].map(() => github.publishCommit({ repoDir, commit, baseSha, branch: 'console/double' })));
    expect(results).toEqual([{ sha: commit }, { sha: commit }]);
    expect(await standin.readRef('refs/heads/console/double')).toBe(commit);
  });

  it('refuses, as a conflict, a branch that holds another change; GitHub refuses the non-fast-forward and the branch stays', async () => {
    const github = forge();
    const first = await localCommit({ 'regions/us-east-1.ts': '// first\n' });
    await github.publishCommit({ repoDir, commit: first, baseSha, branch: 'console/taken' });
    const second = await localCommit({ 'regions/us-east-1.ts': '// second\n' });
    const error = await forgeError(github.publishCommit({ repoDir, commit: second, baseSha, branch: 'console/taken' }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('Update is not a fast forward');
    expect(standin.requests().filter((request) => request.operation === 'git/update-ref').map((request) => request.status)).toEqual([422]);
    expect(await standin.readRef('refs/heads/console/taken')).toBe(first);
  });

  it('moves a branch that still points at the base onto the change', async () => {
    await standin.seedFromRepository(repoDir, baseSha, 'console/at-base');
    const commit = await localCommit({ 'regions/eu-west-1.ts': '// fast-forward\n' });
    expect(await forge().publishCommit({ repoDir, commit, baseSha, branch: 'console/at-base' })).toEqual({ sha: commit });
    expect(await standin.readRef('refs/heads/console/at-base')).toBe(commit);
  });

  it('refuses a commit whose parent is not the base, and the default branch as a target, before writing', async () => {
    const commit = await localCommit({ 'regions/us-east-1.ts': '// orphaned\n' });
    const before = writes().length;
    const wrongBase = await forgeError(forge().publishCommit({ repoDir, commit, baseSha: commit, branch: 'console/wrong-base' }));
    expect(wrongBase.code).toBe('validation');
    expect(wrongBase.message).toContain(`must have exactly one parent, ${commit}`);
    expect((await forgeError(forge().publishCommit({ repoDir, commit, baseSha, branch: 'main' }))).code).toBe('validation');
    expect((await forgeError(forge().publishCommit({ repoDir, commit, baseSha, branch: 'console/bad..name' }))).code).toBe('validation');
    expect(writes().length).toBe(before);
  });

  it('returns the open pull request when GitHub answers 422 "A pull request already exists"', async () => {
    const github = forge();
    const commit = await localCommit({ 'regions/us-east-1.ts': '// duplicate\n' });
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/duplicate' });
    const first = await github.openPullRequest({ branch: 'console/duplicate', title: 'Duplicate', body: 'one' });
    const again = await github.openPullRequest({ branch: 'console/duplicate', title: 'Duplicate', body: 'one' });
    expect(again).toEqual(first);
    expect(standin.requests().filter((request) => request.operation === 'pulls/create').map((request) => request.status).slice(-2)).toEqual([201, 422]);
  });

  it('creates only the labels that are missing, in a stable colour, then sets them', async () => {
    const github = forge();
    const commit = await localCommit({ 'regions/eu-west-1.ts': '// labels\n' });
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/labels' });
    const pull = await github.openPullRequest({ branch: 'console/labels', title: 'Labels', body: '' });
    const before = writes().length;
    await github.addLabels(pull.number, ['bug', 'risk:high', 'risk:high']);
    expect(writes().slice(before).map((request) => request.operation)).toEqual(['issues/create-label', 'issues/add-labels']);
    const created = standin.labels().find((label) => label.name === 'risk:high');
    // Not GitHub's grey for labels it creates on the fly: the forge made it first.
    expect(created?.color).toMatch(/^[0-9a-f]{6}$/);
    expect(created?.color).not.toBe('ededed');
    expect((await github.getPullRequest(pull.number)).labels).toEqual(['bug', 'risk:high']);
  });

  it('requests users and teams, leaving out the author, whom GitHub would refuse', async () => {
    const github = forge();
    const commit = await localCommit({ 'regions/eu-west-1.ts': '// reviewers\n' });
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/reviewers' });
    const pull = await github.openPullRequest({ branch: 'console/reviewers', title: 'Reviewers', body: '' });
    await github.requestReviewers(pull.number, { users: ['console-bot', 'bob', 'alice'], teams: ['cab', 'sre'] });
    expect(await github.reviews(pull.number)).toMatchObject({ requestedUsers: ['alice', 'bob'], requestedTeams: ['cab', 'sre'] });
    const stranger = await forgeError(github.requestReviewers(pull.number, { users: ['mallory'], teams: [] }));
    expect(stranger.code).toBe('validation');
    expect(stranger.message).toContain('Reviews may only be requested from collaborators');
  });

  it('reads checks (commit statuses and check runs together) and reviews (each reviewer’s latest verdict)', async () => {
    const github = forge();
    const commit = await localCommit({ 'regions/us-east-1.ts': '// checks\n' });
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/checks' });
    const pull = await github.openPullRequest({ branch: 'console/checks', title: 'Checks', body: '' });
    expect(await github.checks(commit)).toEqual({ state: 'none', contexts: [] });

    standin.setStatus(commit, { context: 'policy-gate', state: 'pending', targetUrl: 'https://ci.example.com/1' });
    standin.setCheckRun(commit, { name: 'synth', status: 'in_progress' });
    expect(await github.checks(commit)).toEqual({
      state: 'pending',
      contexts: [
        { context: 'policy-gate', state: 'pending', url: 'https://ci.example.com/1' },
        { context: 'synth', state: 'in_progress' },
      ],
    });
    standin.setStatus(commit, { context: 'policy-gate', state: 'success', targetUrl: 'https://ci.example.com/2' });
    standin.setCheckRun(commit, { name: 'synth', status: 'completed', conclusion: 'success', detailsUrl: 'https://ci.example.com/synth' });
    expect((await github.checks(commit)).state).toBe('success');
    standin.setCheckRun(commit, { name: 'synth', status: 'completed', conclusion: 'failure' });
    expect(await github.checks(commit)).toMatchObject({ state: 'failure', contexts: [{ context: 'policy-gate', state: 'success' }, { context: 'synth', state: 'failure' }] });

    await github.requestReviewers(pull.number, { users: ['alice', 'bob'], teams: ['cab'] });
    standin.addReview(pull.number, { user: 'alice', state: 'CHANGES_REQUESTED', body: 'not at 3 a.m.' });
    standin.addReview(pull.number, { user: 'bob', state: 'APPROVED' });
    standin.addReview(pull.number, { user: 'alice', state: 'COMMENTED' });
    expect(await github.reviews(pull.number)).toEqual({ requestedUsers: [], requestedTeams: ['cab'], approvedBy: ['bob'], changesRequestedBy: ['alice'] });
    standin.addReview(pull.number, { user: 'alice', state: 'APPROVED' });
    expect((await github.reviews(pull.number)).approvedBy).toEqual(['alice', 'bob']);
  });

  it('lists pull requests newest first by state, finds one by branch, and reports merged ones as merged', async () => {
    const github = forge();
    const opened: number[] = [];
    for (const branch of ['console/list-a', 'console/list-b']) {
      const commit = await localCommit({ [`notes/${branch.slice(-1)}.md`]: `${branch}\n` });
      await github.publishCommit({ repoDir, commit, baseSha, branch });
      opened.push((await github.openPullRequest({ branch, title: branch, body: '' })).number);
    }
    const [a, b] = opened as [number, number];
    await standin.mergePullRequest(a, { method: 'merge', by: 'alice' });

    const merged = await github.getPullRequest(a);
    expect(merged.state).toBe('merged');
    expect(merged.mergedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const open = await github.listPullRequests('open');
    expect(open.map((pull) => pull.number)).toContain(b);
    expect(open.map((pull) => pull.number)).not.toContain(a);
    expect((await github.listPullRequests('closed')).find((pull) => pull.number === a)?.state).toBe('merged');
    const all = (await github.listPullRequests('all')).map((pull) => pull.number);
    expect(all).toEqual([...all].sort((x, y) => y - x));
    expect((await github.findPullRequest('console/list-b'))?.number).toBe(b);
    expect((await github.findPullRequest('console/list-a'))?.state).toBe('merged');
    expect(await github.findPullRequest('console/never-opened')).toBeUndefined();
    // The merge moved the default branch: the next change starts from there.
    expect((await github.defaultBranch()).sha).toBe(await standin.readRef('refs/heads/main'));
  });

  it('fetches from fetchUrl with the token gitEnv supplies as git configuration, never in the URL', async () => {
    const github = forge();
    const clone = path.join(scratch, 'fetched');
    await runGit(['init', '--quiet', '--bare', clone]);
    const fetch = ['fetch', '--quiet', github.fetchUrl, 'refs/heads/main:refs/heads/fetched'];
    expect(github.fetchUrl).not.toContain(TOKEN);
    await expect(runGit(fetch, { cwd: clone })).rejects.toThrow(/could not read Username|Authentication failed/);
    await runGit(fetch, { cwd: clone, env: github.gitEnv!() });
    expect((await runGit(['rev-parse', 'refs/heads/fetched'], { cwd: clone })).toString().trim()).toBe(await standin.readRef('refs/heads/main'));
  });
});

describe('GitHub forge under failure', () => {
  beforeAll(async () => {
    standin = await startGitHubStandIn({ tokens: { [TOKEN]: 'console-bot' } });
    await standin.seedFromRepository(repoDir, baseSha);
  });
  afterAll(async () => standin.close());
  afterEach(() => {
    expect(standin.takeViolations()).toEqual([]);
  });

  it('waits out a rate limit GitHub reports and retries', async () => {
    standin.rateLimit({ responses: 1, kind: 'primary', status: 403, retryAfterSeconds: 1 });
    const before = standin.requests().length;
    expect((await forge().defaultBranch()).name).toBe('main');
    expect(standin.requests().slice(before, before + 2).map((request) => request.status)).toEqual([403, 200]);
  });

  it('gives up with rate-limited and the wait GitHub asked for once its retries are spent', async () => {
    standin.rateLimit({ responses: 10, kind: 'secondary', status: 429, retryAfterSeconds: 7 });
    const before = standin.requests().length;
    const error = await forgeError(forge({ rateLimit: { retries: 2 } }).defaultBranch());
    expect(error.code).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.message).toContain('secondary rate limit');
    expect(standin.requests().length - before).toBe(3);
    standin.rateLimit({ responses: 0, kind: 'secondary', status: 429, retryAfterSeconds: 0 });
  });

  it('does not wait for a reset further away than it accepts', async () => {
    standin.rateLimit({ responses: 5, kind: 'primary', status: 403, retryAfterSeconds: 3600 });
    const before = standin.requests().length;
    const error = await forgeError(forge({ rateLimit: { maxWaitSeconds: 60 } }).defaultBranch());
    expect(error.code).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(3590);
    expect(standin.requests().length - before).toBe(1);
    standin.rateLimit({ responses: 0, kind: 'primary', status: 403, retryAfterSeconds: 0 });
  });

  it('retries a server error, and reports a GitHub that does not answer as unavailable', async () => {
    standin.failNext({ operation: 'repos/get', status: 502 });
    expect((await forge().defaultBranch()).name).toBe('main');
    standin.failNext({ status: 'network', times: 2 });
    const error = await forgeError(forge().defaultBranch());
    expect(error.code).toBe('unavailable');
  });

  it('reports a refused token as unauthorized without ever showing it', async () => {
    const secret = 'ghp_not-a-token-the-stand-in-knows';
    const error = await forgeError(forge({ auth: { token: secret } }).defaultBranch());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('401 Bad credentials');
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(secret);
  });

  it('reports a repository it cannot see as not-found', async () => {
    const error = await forgeError(forge({ repo: { owner: standin.owner, name: 'elsewhere' } }).defaultBranch());
    expect(error.code).toBe('not-found');
  });
});

describe('GitHub forge as a GitHub App', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = { appId: 424242, installationId: 77, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };

  beforeAll(async () => {
    standin = await startGitHubStandIn({ app: { id: app.appId, slug: 'mr-console', installationId: app.installationId, publicKey }, collaborators: ['alice'] });
    await standin.seedFromRepository(repoDir, baseSha);
  });
  afterAll(async () => standin.close());
  afterEach(() => {
    expect(standin.takeViolations()).toEqual([]);
  });

  it('signs a JWT GitHub accepts: RS256, issued a minute back, ten minutes long, issued by the app', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const jwt = createAppJwt(app.appId, app.privateKey, now);
    const [header = '', payload = '', signature = ''] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    const issuedAt = now.getTime() / 1000 - 60;
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ iat: issuedAt, exp: issuedAt + 600, iss: app.appId });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('knows itself as the login its pull requests carry, <app slug>[bot]', async () => {
    expect(await forge({ auth: app }).whoami()).toBe('mr-console[bot]');
  });

  it('works as the installation: one token for many requests, pull requests authored by the app', async () => {
    const github = forge({ auth: app });
    const commit = await localCommit({ 'regions/us-east-1.ts': '// app\n' });
    await github.publishCommit({ repoDir, commit, baseSha, branch: 'console/app' });
    const pull = await github.openPullRequest({ branch: 'console/app', title: 'As the app', body: '' });
    expect(pull.author).toBe('mr-console[bot]');
    expect(standin.requests().filter((request) => request.operation === 'apps/create-installation-access-token').map((request) => request.status)).toEqual([201]);
    // git fetches with the same installation token.
    const clone = path.join(scratch, 'fetched-by-app');
    await runGit(['init', '--quiet', '--bare', clone]);
    await runGit(['fetch', '--quiet', github.fetchUrl, 'refs/heads/console/app:refs/heads/app'], { cwd: clone, env: github.gitEnv!() });
    expect((await runGit(['rev-parse', 'refs/heads/app'], { cwd: clone })).toString().trim()).toBe(commit);
  });

  it('is unauthorized when the app key is not the registered one', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const error = await forgeError(forge({ auth: { ...app, privateKey: other } }).defaultBranch());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('A JSON web token could not be decoded');
  });
});

describe('GitHub forge configuration', () => {
  it('derives the git URL from the API URL of github.com and of GitHub Enterprise Server, and asks for it otherwise', () => {
    const repo = { owner: 'example-org', name: 'orders-gitops' };
    expect(createGitHubForge({ repo, auth: { token: 't' } }).fetchUrl).toBe('https://github.com/example-org/orders-gitops.git');
    expect(createGitHubForge({ repo, auth: { token: 't' }, baseUrl: 'https://ghe.example.com/api/v3' }).fetchUrl).toBe('https://ghe.example.com/example-org/orders-gitops.git');
    expect(() => createGitHubForge({ repo, auth: { token: 't' }, baseUrl: 'https://proxy.example.com/github' })).toThrow(/pass fetchUrl/);
  });
});
