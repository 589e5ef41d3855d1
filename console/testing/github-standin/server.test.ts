import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from './git';
import { OpenApiSlice } from './openapi';
import { SLICE_OPERATIONS } from './operations';
import { startGitHubStandIn, type GitHubStandIn } from './server';

/** The stand-in itself: it must refuse what GitHub's description does not allow, in both directions. */

const TOKEN = 'ghp_standin-spec-token';
let standin: GitHubStandIn;
let scratch: string;
let main: string;

async function call(method: string, route: string, body?: unknown, token: string | null = TOKEN) {
  const response = await fetch(`${standin.apiUrl}${route}`, {
    method,
    headers: { ...(token ? { authorization: `token ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

const repoPath = () => `/repos/${standin.owner}/${standin.repo}`;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'github-standin-spec-'));
  await mkdir(path.join(scratch, 'seed/regions'), { recursive: true });
  await writeFile(path.join(scratch, 'seed/regions/us-east-1.ts'), 'export default {};\n');
  standin = await startGitHubStandIn({ tokens: { [TOKEN]: 'console-bot' }, collaborators: ['alice'] });
  main = await standin.seedFromDirectory(path.join(scratch, 'seed'));
});

afterAll(async () => {
  await standin.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('GitHub API stand-in', () => {
  afterEach(() => {
    expect(standin.takeViolations()).toEqual([]);
  });

  it('compiles every schema of the slice under ajv strict mode, for exactly the operations the forge uses', () => {
    const slice = new OpenApiSlice();
    expect(slice.compileAll()).toBeGreaterThan(SLICE_OPERATIONS.length * 2);
    expect(slice.routes.map((route) => route.operationId).sort()).toEqual([...SLICE_OPERATIONS].sort());
  });

  it('refuses with 500 and records a request body the description does not allow', async () => {
    const missing = await call('POST', `${repoPath()}/git/refs`, { ref: 'refs/heads/x' });
    const mistyped = await call('POST', `${repoPath()}/git/trees`, { tree: [{ path: 'a', mode: '100600', type: 'blob', content: 'x' }] });
    expect([missing.status, mistyped.status]).toEqual([500, 500]);
    const violations = standin.takeViolations();
    expect(violations.map((violation) => [violation.direction, violation.operation])).toEqual([
      ['request', 'git/create-ref'],
      ['request', 'git/create-tree'],
    ]);
    expect(violations[0]?.errors.join()).toContain("must have required property 'sha'");
    expect(violations[1]?.errors.join()).toContain('/tree/0/mode: must be equal to one of the allowed values');
    expect(await standin.readRef('refs/heads/x')).toBeUndefined();
  });

  it('refuses a query parameter the operation does not define, a path parameter of the wrong type, and a route outside the slice', async () => {
    expect((await call('GET', `${repoPath()}/pulls?state=open&labels=x`)).status).toBe(500);
    expect((await call('GET', `${repoPath()}/pulls/first`)).status).toBe(500);
    expect((await call('PUT', `${repoPath()}/pulls/1/merge`, {})).status).toBe(404);
    expect(standin.takeViolations().map((violation) => violation.errors[0])).toEqual([
      'query parameter labels is not defined for pulls/list',
      'path parameter pull_number: must be integer {"type":"integer"}',
      `no operation of the slice matches PUT ${repoPath()}/pulls/1/merge`,
    ]);
  });

  it('refuses to send a response of its own that the description does not allow', async () => {
    standin.tamperNextResponse('repos/get', (body) => ({ ...(body as Record<string, unknown>), default_branch: null, private: 'yes' }));
    const answer = await call('GET', repoPath());
    expect(answer.status).toBe(500);
    const [violation] = standin.takeViolations();
    expect(violation).toMatchObject({ direction: 'response', operation: 'repos/get', status: 200 });
    expect(violation?.errors).toEqual(['response 200 body/private: must be boolean {"type":"boolean"}', 'response 200 body/default_branch: must be string {"type":"string"}']);
    // Untampered, the same response passes.
    expect((await call('GET', repoPath())).body.default_branch).toBe('main');
  });

  it('authenticates bearer and token credentials as GitHub words its refusals', async () => {
    expect((await call('GET', repoPath(), undefined, null)).body.message).toBe('Requires authentication');
    const refused = await call('GET', repoPath(), undefined, 'ghp_unknown');
    expect([refused.status, refused.body.message]).toEqual([401, 'Bad credentials']);
    const bearer = await fetch(`${standin.apiUrl}${repoPath()}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  it('rate-limits on request, with the headers and messages GitHub sends', async () => {
    standin.rateLimit({ responses: 1, kind: 'primary', status: 403, retryAfterSeconds: 30 });
    const primary = await call('GET', repoPath());
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(25);
    expect(primary.body.message).toMatch(/^API rate limit exceeded for user ID \d+\./);
    standin.rateLimit({ responses: 1, kind: 'secondary', status: 429, retryAfterSeconds: 60 });
    const secondary = await call('GET', repoPath());
    expect([secondary.status, secondary.headers.get('retry-after')]).toEqual([429, '60']);
    expect(secondary.body.message).toMatch(/^You have exceeded a secondary rate limit\./);
    expect((await call('GET', repoPath())).status).toBe(200);
  });

  it('writes git objects with plumbing: a commit keeps its author, committer, dates and message', async () => {
    const tree = await call('POST', `${repoPath()}/git/trees`, { base_tree: await treeOf(main), tree: [{ path: 'regions/eu-west-1.ts', mode: '100644', type: 'blob', content: 'export default {};\n' }] });
    expect(tree.status).toBe(201);
    const commit = await call('POST', `${repoPath()}/git/commits`, {
      message: 'Add eu-west-1\n',
      tree: tree.body.sha,
      parents: [main],
      author: { name: 'Olga Operator', email: 'olga@example.com', date: '2026-03-01T10:15:30+02:00' },
      committer: { name: 'Operator Console', email: 'console@example.com', date: '2026-03-01T03:16:00-05:00' },
    });
    expect(commit.status).toBe(201);
    const raw = (await runGit(['--git-dir', standin.gitDir, 'cat-file', 'commit', String(commit.body.sha)])).toString();
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    expect(raw).toBe(
      `tree ${String(tree.body.sha)}\nparent ${main}\n` +
        `author Olga Operator <olga@example.com> ${seconds('2026-03-01T10:15:30+02:00')} +0200\n` +
        `committer Operator Console <console@example.com> ${seconds('2026-03-01T03:16:00-05:00')} -0500\n\nAdd eu-west-1\n`,
    );
    expect((await call('GET', `${repoPath()}/git/commits/${String(commit.body.sha)}`)).body).toMatchObject({
      author: { name: 'Olga Operator', email: 'olga@example.com', date: '2026-03-01T08:15:30Z' },
      parents: [{ sha: main }],
    });
  });

  it('refuses to create an existing ref and to move a ref other than forward, in GitHub’s words', async () => {
    const side = await call('POST', `${repoPath()}/git/commits`, { message: 'side\n', tree: await treeOf(main), parents: [] });
    expect((await call('POST', `${repoPath()}/git/refs`, { ref: 'refs/heads/feature', sha: main })).status).toBe(201);
    const again = await call('POST', `${repoPath()}/git/refs`, { ref: 'refs/heads/feature', sha: main });
    expect([again.status, again.body.message]).toEqual([422, 'Reference already exists']);
    const sideways = await call('PATCH', `${repoPath()}/git/refs/heads/feature`, { sha: side.body.sha });
    expect([sideways.status, sideways.body.message]).toEqual([422, 'Update is not a fast forward']);
    expect(await standin.readRef('refs/heads/feature')).toBe(main);
    expect((await call('PATCH', `${repoPath()}/git/refs/heads/feature`, { sha: side.body.sha, force: true })).status).toBe(200);
    expect(await standin.readRef('refs/heads/feature')).toBe(side.body.sha);
  });

  it('refuses a second open pull request for the same branch as GitHub does', async () => {
    const tree = await call('POST', `${repoPath()}/git/trees`, { base_tree: await treeOf(main), tree: [{ path: 'notes.md', mode: '100644', type: 'blob', content: 'x\n' }] });
    const commit = await call('POST', `${repoPath()}/git/commits`, { message: 'notes\n', tree: tree.body.sha, parents: [main] });
    await call('POST', `${repoPath()}/git/refs`, { ref: 'refs/heads/console/notes', sha: commit.body.sha });
    const first = await call('POST', `${repoPath()}/pulls`, { head: 'console/notes', base: 'main', title: 'Notes' });
    expect(first.status).toBe(201);
    const second = await call('POST', `${repoPath()}/pulls`, { head: 'console/notes', base: 'main', title: 'Notes' });
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${standin.owner}:console/notes.` }],
    });
    // A bare branch name is no head filter on GitHub: every pull request is listed.
    expect((await call('GET', `${repoPath()}/pulls?head=console/other`)).body.length).toBe(1);
    expect((await call('GET', `${repoPath()}/pulls?head=${standin.owner}:console/other`)).body.length).toBe(0);
    const merged = await standin.mergePullRequest(Number(first.body.number), { method: 'fast-forward', by: 'alice' });
    expect(merged).toBe(commit.body.sha);
    expect((await call('GET', `${repoPath()}/pulls/${String(first.body.number)}`)).body).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: merged });
  });

  it('pages lists with Link headers', async () => {
    const first = await call('GET', `${repoPath()}/labels?per_page=4`);
    expect(first.body.length).toBe(4);
    expect(first.headers.get('link')).toBe(
      `<${standin.apiUrl}${repoPath()}/labels?per_page=4&page=2>; rel="next", <${standin.apiUrl}${repoPath()}/labels?per_page=4&page=3>; rel="last"`,
    );
    expect((await call('GET', `${repoPath()}/labels?per_page=4&page=3`)).body.length).toBe(1);
  });

  it('serves fetches over smart HTTP to a token, and refuses pushes', async () => {
    const clone = path.join(scratch, 'clone');
    await expect(runGit(['clone', '--quiet', standin.fetchUrl, clone])).rejects.toThrow(/could not read Username|Authentication failed/);
    const credentials = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}` };
    await runGit(['clone', '--quiet', standin.fetchUrl, clone], { env: credentials });
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: clone })).toString().trim()).toBe(await standin.readRef('refs/heads/main'));
    await expect(runGit(['push', '--quiet', 'origin', 'HEAD:refs/heads/pushed'], { cwd: clone, env: credentials })).rejects.toThrow(/403/);
    expect(await standin.readRef('refs/heads/pushed')).toBeUndefined();
  });
});

async function treeOf(commit: string): Promise<string> {
  return (await runGit(['--git-dir', standin.gitDir, 'rev-parse', `${commit}^{tree}`])).toString().trim();
}
