import { spawn } from 'node:child_process';
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BareRepository, gitEnvironment, runGit, signatureTime, ZERO_SHA, type Signature, type TreeEdit } from './git';
import * as render from './objects';
import type { Account, CheckRunInfo, CommentInfo, LabelInfo, PullRequestInfo, RepositoryInfo, ReviewInfo, Site, StatusInfo, TeamInfo } from './objects';
import { OpenApiSlice, type Route, type Violation } from './openapi';
import type { SliceOperation } from './operations';

/**
 * A local stand-in for the GitHub REST API, for the console's GitHub forge specs. Git objects and refs live
 * in a real bare repository, written with git plumbing; pull requests, labels, reviews, statuses and check runs
 * live in memory. Every request is checked against GitHub's OpenAPI description (the committed slice) before it
 * is served and every response before it is sent: a mismatch is answered with HTTP 500 and recorded, and the
 * specs assert that none was recorded. The API is served under `/api/v3` (GitHub Enterprise Server's layout)
 * and the repository can be fetched read-only over smart HTTP at `/<owner>/<repo>.git`, with a token as on GitHub.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface GitHubStandInOptions {
  owner?: string;
  repo?: string;
  /** Personal access tokens the stand-in accepts, each acting as the user it maps to. */
  tokens?: Record<string, string>;
  /** A GitHub App whose JWTs (RS256, signed by the private half of `publicKey`) may create installation tokens. */
  app?: { id: number; slug: string; installationId: number; publicKey: string | KeyObject };
  collaborators?: string[];
  teams?: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  operation?: SliceOperation;
  status: number;
}

export interface GitHubStandIn {
  /** The web root; the REST API is at `apiUrl`. */
  readonly url: string;
  readonly apiUrl: string;
  /** `git fetch` URL of the repository (read-only; basic auth with a token as the password). */
  readonly fetchUrl: string;
  readonly gitDir: string;
  readonly owner: string;
  readonly repo: string;
  /** Commits the tree of `dir` as the only commit of the default branch. */
  seedFromDirectory(dir: string): Promise<string>;
  /** Pushes `revision` of a local repository to `branch` (default: the default branch), fast-forward only. */
  seedFromRepository(repoDir: string, revision: string, branch?: string): Promise<string>;
  readRef(ref: string): Promise<string | undefined>;
  mergePullRequest(number: number, options: { method: 'merge' | 'fast-forward'; by: string }): Promise<string>;
  setStatus(sha: string, status: { context: string; state: StatusInfo['state']; targetUrl?: string; description?: string }): void;
  setCheckRun(sha: string, run: { name: string; status: CheckRunInfo['status']; conclusion?: NonNullable<CheckRunInfo['conclusion']>; detailsUrl?: string }): void;
  addReview(number: number, review: { user: string; state: ReviewInfo['state']; body?: string }): void;
  addCollaborator(login: string): void;
  addTeam(slug: string): void;
  labels(): LabelInfo[];
  /** Every comment on pull request `number`, oldest first. */
  comments(number: number): CommentInfo[];
  /** Posts a comment as `login`, the way another user or app would. */
  addComment(number: number, comment: { user: string; body: string }): void;
  /** The next `responses` API requests are refused as rate limited, the way GitHub refuses them. */
  rateLimit(limit: { responses: number; kind: 'primary' | 'secondary'; status: 403 | 429; retryAfterSeconds: number }): void;
  /** The next matching requests fail: with a server error, or by the connection being dropped. */
  failNext(failure: { operation?: SliceOperation; status: 500 | 502 | 503 | 'network'; times?: number }): void;
  /** Alters the next response body of `operation` before validation, to show that a bad response is caught. */
  tamperNextResponse(operation: SliceOperation, tamper: (body: Json) => Json): void;
  violations(): Violation[];
  /** Returns the violations recorded so far and forgets them. */
  takeViolations(): Violation[];
  requests(): RequestRecord[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

interface Call {
  route: Route;
  params: Record<string, Json>;
  body: Json | undefined;
  actor: Account;
  requestUrl: URL;
}

/** A GitHub error answer; thrown by handlers, turned into a response by the dispatcher. */
class GitHubError extends Error {
  constructor(readonly reply: Reply) {
    super(`GitHub error ${reply.status}`);
  }
}

interface PullState extends PullRequestInfo {
  reviews: ReviewInfo[];
}

const API_PREFIX = '/api/v3';
/** GitHub's default labels of a new repository. */
const DEFAULT_LABELS: Array<[string, string, string]> = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"],
  ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'],
];
const MAX_BODY_BYTES = 100 * 1024 * 1024;
/** GitHub refuses a comment body longer than this many characters. */
const MAX_COMMENT_CHARACTERS = 65_536;
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

let slice: OpenApiSlice | undefined;

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  slice ??= new OpenApiSlice();
  const openapi = slice;
  const ownerLogin = options.owner ?? 'acme';
  const repoName = options.repo ?? 'multi-region-gitops';
  const root = await mkdtemp(path.join(tmpdir(), 'github-standin-'));
  await mkdir(path.join(root, ownerLogin));
  const git = await BareRepository.create(path.join(root, ownerLogin, `${repoName}.git`));

  let nextId = 1000;
  const newId = () => nextId++;
  const accounts = new Map<string, Account>();
  const accountFor = (login: string, type: Account['type'] = 'User'): Account => {
    const key = login.toLowerCase();
    const existing = accounts.get(key);
    if (existing) return existing;
    const created: Account = { login, id: newId(), type };
    accounts.set(key, created);
    return created;
  };
  const owner = accountFor(ownerLogin, 'Organization');
  const startedAt = isoSeconds(new Date());
  const repository: RepositoryInfo = { id: newId(), owner, name: repoName, defaultBranch: 'main', createdAt: startedAt, pushedAt: startedAt };
  const tokens = new Map<string, { actor: Account; expiresAt?: number }>(
    Object.entries(options.tokens ?? { 'ghp_standin-token': 'console-bot' }).map(([token, login]) => [token, { actor: accountFor(login) }]),
  );
  const appKey = options.app && (typeof options.app.publicKey === 'string' ? createPublicKey(options.app.publicKey) : options.app.publicKey);
  const collaborators = new Set((options.collaborators ?? []).map((login) => accountFor(login).login.toLowerCase()));
  const teams = new Map<string, TeamInfo>();
  const addTeam = (slug: string) => void teams.set(slug.toLowerCase(), { id: newId(), slug, name: slug, organization: owner });
  for (const slug of options.teams ?? []) addTeam(slug);
  const labels: LabelInfo[] = DEFAULT_LABELS.map(([name, color, description]) => ({ id: newId(), name, color, description, default: true }));
  const pulls = new Map<number, PullState>();
  const comments: CommentInfo[] = [];
  const statuses: StatusInfo[] = [];
  const checkRuns: CheckRunInfo[] = [];
  const violations: Violation[] = [];
  const requests: RequestRecord[] = [];
  let rateLimited: { responses: number; kind: 'primary' | 'secondary'; status: 403 | 429; retryAfterSeconds: number } | undefined;
  const failures: Array<{ operation?: SliceOperation; status: 500 | 502 | 503 | 'network'; times: number }> = [];
  const tampers = new Map<SliceOperation, (body: Json) => Json>();
  let site: Site = { api: '', web: '' };

  const repositoryJson = () => render.repository(site, repository, { openIssues: [...pulls.values()].filter((pull) => pull.state === 'open').length }) as Json;
  const fail = (route: Route, status: number, message: string): never => {
    throw new GitHubError({ status, body: { message, documentation_url: route.docs, status: String(status) } });
  };
  const invalid = (route: Route, errors: Array<Record<string, Json>>, message = 'Validation Failed'): never => {
    throw new GitHubError({ status: 422, body: { message, errors, documentation_url: route.docs, status: '422' } });
  };
  const pullOf = (route: Route, number: Json | undefined): PullState => pulls.get(Number(number)) ?? fail(route, 404, 'Not Found');
  const association = (user: Account): CommentInfo['authorAssociation'] =>
    user.id === owner.id ? 'OWNER' : collaborators.has(user.login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
  const commentBody = (route: Route, body: Json | undefined): string => {
    const text = (body as { body?: string } | undefined)?.body ?? '';
    if (text.length === 0) invalid(route, [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
    if (text.length > MAX_COMMENT_CHARACTERS) {
      invalid(route, [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_COMMENT_CHARACTERS} characters)` }]);
    }
    return text;
  };

  /** Head and base SHAs follow their branches while the pull request is open, as on GitHub. */
  async function refreshed(pull: PullState): Promise<PullState> {
    if (pull.state !== 'open') return pull;
    pull.head.sha = (await git.readRef(`refs/heads/${pull.head.ref}`)) ?? pull.head.sha;
    pull.base.sha = (await git.readRef(`refs/heads/${pull.base.ref}`)) ?? pull.base.sha;
    return pull;
  }

  async function fullPullRequest(pull: PullState): Promise<Json> {
    await refreshed(pull);
    const mergeBase = (await git.mergeBase(pull.base.sha, pull.head.sha)) ?? pull.base.sha;
    const files = await git.changedFiles(mergeBase, pull.head.sha);
    const commits = Number(await git.text(['rev-list', '--count', `${mergeBase}..${pull.head.sha}`]));
    return render.pullRequest(site, repository, pull, repositoryJson() as Record<string, unknown>, {
      commits,
      additions: files.reduce((sum, file) => sum + file.additions, 0),
      deletions: files.reduce((sum, file) => sum + file.deletions, 0),
      changedFiles: files.length,
    }) as Json;
  }

  const simplePullRequest = async (pull: PullState) => render.pullRequestSimple(site, repository, await refreshed(pull), repositoryJson() as Record<string, unknown>) as Json;

  function paginate<T>(call: Call, items: T[]): { page: T[]; headers: Record<string, string> } {
    const perPage = Math.min(Math.max(Number(call.params.per_page ?? 30), 1), 100);
    const page = Math.max(Number(call.params.page ?? 1), 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (target: number) => {
      const url = new URL(call.requestUrl);
      url.searchParams.set('page', String(target));
      return url.toString();
    };
    const relations: string[] = [];
    if (page < last) relations.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) relations.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
    return { page: items.slice((page - 1) * perPage, page * perPage), headers: relations.length ? { link: relations.join(', ') } : {} };
  }

  const gitCommitJson = async (sha: string): Promise<Json | undefined> => {
    const commit = await git.readCommit(sha);
    if (!commit) return undefined;
    const identity = (signature: Signature) => ({ name: signature.name, email: signature.email, date: isoSeconds(new Date(signature.seconds * 1000)) });
    return render.gitCommit(site, repository, { ...commit, author: identity(commit.author), committer: identity(commit.committer) }) as Json;
  };

  const handlers: Record<SliceOperation, (call: Call) => Promise<Reply>> = {
    'apps/create-installation-access-token': async (call) => {
      if (!options.app || Number(call.params.installation_id) !== options.app.installationId) fail(call.route, 404, 'Not Found');
      const token = `ghs_${randomBytes(27).toString('base64url').slice(0, 36)}`;
      const expiresAt = Date.now() + 3600_000;
      tokens.set(token, { actor: accountFor(`${options.app!.slug}[bot]`, 'Bot'), expiresAt });
      return {
        status: 201,
        body: {
          token,
          expires_at: isoSeconds(new Date(expiresAt)),
          permissions: { contents: 'write', pull_requests: 'write', issues: 'write', statuses: 'read', checks: 'read', metadata: 'read', members: 'read' },
          repository_selection: 'selected',
        },
      };
    },

    'repos/get': async () => ({ status: 200, body: repositoryJson() }),
    'apps/get-authenticated': async () => ({
      status: 200,
      body: {
        id: options.app!.id,
        slug: options.app!.slug,
        node_id: render.nodeId('Integration', options.app!.id),
        owner: render.account(site, repository.owner) as Json,
        name: options.app!.slug,
        description: null,
        external_url: site.web,
        html_url: `${site.web}/apps/${options.app!.slug}`,
        created_at: startedAt,
        updated_at: startedAt,
        permissions: { contents: 'write', pull_requests: 'write', issues: 'write', statuses: 'read', checks: 'read', metadata: 'read', members: 'read' },
        events: [],
      },
    }),
    'users/get-authenticated': async (call) => ({
      status: 200,
      body: { ...(render.account(site, call.actor) as Record<string, Json>), name: null, company: null, blog: null, location: null, email: null, hireable: null, bio: null, public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: startedAt, updated_at: startedAt },
    }),

    'git/get-ref': async (call) => {
      const ref = `refs/${String(call.params.ref)}`;
      const sha = await git.readRef(ref);
      if (!sha) fail(call.route, 404, 'Not Found');
      return { status: 200, body: render.gitRef(site, repository, ref, sha!) as Json };
    },

    'git/create-ref': async (call) => {
      const { ref, sha } = call.body as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref) || !(await validRefName(ref))) fail(call.route, 422, `${ref} is not a valid ref name.`);
      if ((await git.objectType(sha)) === undefined) fail(call.route, 422, 'Object does not exist');
      if (!(await git.compareAndSwapRef(ref, sha, ZERO_SHA))) fail(call.route, 422, 'Reference already exists');
      repository.pushedAt = isoSeconds(new Date());
      const body = render.gitRef(site, repository, ref, sha) as Json;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'git/update-ref': async (call) => {
      const ref = `refs/${String(call.params.ref)}`;
      const { sha, force = false } = call.body as { sha: string; force?: boolean };
      const current = await git.readRef(ref);
      if (!current) fail(call.route, 422, 'Reference does not exist');
      if ((await git.objectType(sha)) !== 'commit') fail(call.route, 422, 'Object does not exist');
      if (!force && !(await git.isAncestor(current!, sha))) fail(call.route, 422, 'Update is not a fast forward');
      // The old value makes the update atomic: a ref that moved since it was read is not overwritten.
      if (!(await git.compareAndSwapRef(ref, sha, current!))) fail(call.route, 422, 'Update is not a fast forward');
      repository.pushedAt = isoSeconds(new Date());
      return { status: 200, body: render.gitRef(site, repository, ref, sha) as Json };
    },

    'git/create-blob': async (call) => {
      const { content, encoding = 'utf-8' } = call.body as { content: string; encoding?: string };
      if (encoding !== 'utf-8' && encoding !== 'base64') invalid(call.route, [{ resource: 'Blob', field: 'encoding', code: 'invalid' }]);
      const sha = await git.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
      const body = render.shortBlob(site, repository, sha) as Json;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'git/create-tree': async (call) => {
      const { tree, base_tree: baseTree } = call.body as {
        tree: Array<{ path?: string; mode?: string; type?: string; sha?: string | null; content?: string }>;
        base_tree?: string;
      };
      if (baseTree !== undefined && (await git.objectType(baseTree)) !== 'tree') fail(call.route, 422, 'Invalid tree info');
      const edits: TreeEdit[] = [];
      for (const entry of tree) {
        const entryPath = entry.path ?? '';
        if (!validTreePath(entryPath)) fail(call.route, 422, `tree.path contains a malformed path component`);
        if (entry.sha === null) {
          edits.push({ path: entryPath, remove: true });
          continue;
        }
        if (!entry.mode || !entry.type) invalid(call.route, [{ resource: 'Tree', field: entry.mode ? 'type' : 'mode', code: 'missing_field' }]);
        if ((entry.sha === undefined) === (entry.content === undefined)) fail(call.route, 422, 'Must supply either tree.sha or tree.content');
        const type = entry.type as 'blob' | 'tree' | 'commit';
        const sha = entry.content !== undefined ? await git.writeBlob(Buffer.from(entry.content, 'utf8')) : entry.sha!;
        const expected = type === 'tree' ? 'tree' : type === 'commit' ? undefined : 'blob';
        if (expected && (await git.objectType(sha)) !== expected) fail(call.route, 422, `tree.sha ${sha} is not a valid ${expected}`);
        edits.push({ path: entryPath, mode: entry.mode!, type, sha });
      }
      const sha = await git.writeTree(baseTree, edits);
      const body = render.gitTree(site, repository, sha, await git.listTree(sha)) as Json;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'git/get-commit': async (call) => {
      const body = await gitCommitJson(String(call.params.commit_sha));
      if (!body) fail(call.route, 404, 'Not Found');
      return { status: 200, body: body! };
    },

    'git/create-commit': async (call) => {
      const request = call.body as {
        message: string;
        tree: string;
        parents?: string[];
        author?: { name: string; email: string; date?: string };
        committer?: { name?: string; email?: string; date?: string };
      };
      if ((await git.objectType(request.tree)) !== 'tree') fail(call.route, 422, 'Tree SHA does not exist');
      for (const parent of request.parents ?? []) {
        if ((await git.objectType(parent)) !== 'commit') fail(call.route, 422, 'Parent SHA does not exist or is not a commit object');
      }
      const now = signatureTime(isoSeconds(new Date()))!;
      const signature = (who: { name?: string; email?: string; date?: string } | undefined, fallback: Signature): Signature => {
        if (!who?.name || !who.email) return fallback;
        const time = who.date === undefined ? now : signatureTime(who.date);
        if (!time) invalid(call.route, [{ resource: 'Commit', field: 'date', code: 'invalid' }]);
        return { name: who.name, email: who.email, ...time! };
      };
      const actor = { name: call.actor.login, email: `${call.actor.id}+${call.actor.login}@users.noreply.github.com`, ...now };
      const author = signature(request.author, actor);
      const committer = signature(request.committer, author);
      const sha = await git.writeCommit({ tree: request.tree, parents: request.parents ?? [], author, committer, message: request.message });
      const body = (await gitCommitJson(sha))!;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'pulls/create': async (call) => {
      const request = call.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
      const [headOwner, headRef] = request.head.includes(':') ? (request.head.split(':', 2) as [string, string]) : [ownerLogin, request.head];
      if (headOwner.toLowerCase() !== ownerLogin.toLowerCase()) invalid(call.route, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (!request.title) invalid(call.route, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
      const baseSha = await git.readRef(`refs/heads/${request.base}`);
      if (!baseSha) invalid(call.route, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      const headSha = await git.readRef(`refs/heads/${headRef}`);
      if (!headSha) invalid(call.route, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      const duplicate = [...pulls.values()].some((pull) => pull.state === 'open' && pull.head.ref === headRef && pull.base.ref === request.base);
      if (duplicate) invalid(call.route, [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ownerLogin}:${headRef}.` }]);
      if (await git.isAncestor(headSha!, baseSha!)) invalid(call.route, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${request.base} and ${headRef}` }]);
      const now = isoSeconds(new Date());
      const number = Math.max(0, ...pulls.keys()) + 1;
      const pull: PullState = {
        id: newId(),
        number,
        title: request.title!,
        body: request.body ?? null,
        state: 'open',
        draft: request.draft ?? false,
        author: call.actor,
        head: { ref: headRef, sha: headSha! },
        base: { ref: request.base, sha: baseSha! },
        labels: [],
        requestedUsers: [],
        requestedTeams: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
        mergeCommitSha: null,
        mergedBy: null,
        reviews: [],
      };
      pulls.set(number, pull);
      const body = await fullPullRequest(pull);
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'pulls/list': async (call) => {
      const state = String(call.params.state ?? 'open');
      const head = call.params.head === undefined ? undefined : String(call.params.head);
      // GitHub filters by head only in the `owner:branch` form; a bare branch name filters nothing.
      const [headOwner, headRef] = head?.includes(':') ? (head.split(':', 2) as [string, string]) : [undefined, undefined];
      const sort = String(call.params.sort ?? 'created');
      const direction = String(call.params.direction ?? (sort === 'created' ? 'desc' : 'asc'));
      const selected = [...pulls.values()]
        .filter((pull) => state === 'all' || pull.state === state)
        .filter((pull) => headRef === undefined || (pull.head.ref === headRef && headOwner!.toLowerCase() === ownerLogin.toLowerCase()))
        .filter((pull) => call.params.base === undefined || pull.base.ref === call.params.base)
        .sort((a, b) => {
          const key = (pull: PullState) => (sort === 'updated' ? pull.updatedAt : pull.createdAt) + String(pull.number).padStart(8, '0');
          return direction === 'asc' ? key(a).localeCompare(key(b)) : key(b).localeCompare(key(a));
        });
      const { page, headers } = paginate(call, selected);
      return { status: 200, body: await Promise.all(page.map(simplePullRequest)), headers };
    },

    'pulls/get': async (call) => ({ status: 200, body: await fullPullRequest(pullOf(call.route, call.params.pull_number)) }),

    'pulls/list-files': async (call) => {
      const pull = await refreshed(pullOf(call.route, call.params.pull_number));
      const mergeBase = (await git.mergeBase(pull.base.sha, pull.head.sha)) ?? pull.base.sha;
      const { page, headers } = paginate(call, await git.changedFiles(mergeBase, pull.head.sha));
      return { status: 200, body: page.map((file) => render.diffEntry(site, repository, pull.head.sha, file) as Json), headers };
    },

    'issues/list-labels-for-repo': async (call) => {
      const sorted = [...labels].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      const { page, headers } = paginate(call, sorted);
      return { status: 200, body: page.map((entry) => render.label(site, repository, entry) as Json), headers };
    },

    'issues/create-label': async (call) => {
      const request = call.body as { name: string; color?: string; description?: string };
      if (request.color !== undefined && !/^[0-9a-fA-F]{6}$/.test(request.color)) invalid(call.route, [{ resource: 'Label', code: 'invalid', field: 'color' }]);
      if (request.description !== undefined && request.description.length > 100) {
        invalid(call.route, [{ resource: 'Label', code: 'custom', field: 'description', message: 'description is too long (maximum is 100 characters)' }]);
      }
      if (labels.some((entry) => entry.name.toLowerCase() === request.name.toLowerCase())) invalid(call.route, [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      const created: LabelInfo = { id: newId(), name: request.name, color: (request.color ?? randomBytes(3).toString('hex')).toLowerCase(), description: request.description ?? null, default: false };
      labels.push(created);
      const body = render.label(site, repository, created) as Json;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'issues/add-labels': async (call) => {
      const pull = pullOf(call.route, call.params.issue_number);
      const names = ((call.body as { labels?: Array<string | { name: string }> } | undefined)?.labels ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.name));
      for (const name of names) {
        // GitHub creates a label that does not exist yet, in its default grey.
        let existing = labels.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
        if (!existing) labels.push((existing = { id: newId(), name, color: 'ededed', description: null, default: false }));
        if (!pull.labels.some((entry) => entry.id === existing!.id)) pull.labels.push(existing);
      }
      pull.updatedAt = isoSeconds(new Date());
      return { status: 200, body: pull.labels.map((entry) => render.label(site, repository, entry) as Json) };
    },

    'issues/list-comments': async (call) => {
      const pull = pullOf(call.route, call.params.issue_number);
      const since = call.params.since === undefined ? undefined : String(call.params.since);
      const selected = comments.filter((comment) => comment.issueNumber === pull.number && (since === undefined || comment.updatedAt >= since));
      const { page, headers } = paginate(call, selected);
      return { status: 200, body: page.map((comment) => render.issueComment(site, repository, comment) as Json), headers };
    },

    'issues/create-comment': async (call) => {
      const pull = pullOf(call.route, call.params.issue_number);
      const now = isoSeconds(new Date());
      const comment: CommentInfo = { id: newId(), issueNumber: pull.number, body: commentBody(call.route, call.body), user: call.actor, authorAssociation: association(call.actor), createdAt: now, updatedAt: now };
      comments.push(comment);
      const body = render.issueComment(site, repository, comment) as Json;
      return { status: 201, body, headers: { location: String((body as { url: string }).url) } };
    },

    'issues/update-comment': async (call) => {
      const comment = comments.find((candidate) => candidate.id === Number(call.params.comment_id)) ?? fail(call.route, 404, 'Not Found');
      comment.body = commentBody(call.route, call.body);
      comment.updatedAt = isoSeconds(new Date());
      return { status: 200, body: render.issueComment(site, repository, comment) as Json };
    },

    'issues/remove-label': async (call) => {
      const pull = pullOf(call.route, call.params.issue_number);
      const name = String(call.params.name).toLowerCase();
      const index = pull.labels.findIndex((entry) => entry.name.toLowerCase() === name);
      if (index < 0) fail(call.route, 404, 'Label does not exist');
      pull.labels.splice(index, 1);
      pull.updatedAt = isoSeconds(new Date());
      return { status: 200, body: pull.labels.map((entry) => render.label(site, repository, entry) as Json) };
    },

    'pulls/request-reviewers': async (call) => {
      const pull = pullOf(call.route, call.params.pull_number);
      const request = (call.body ?? {}) as { reviewers?: string[]; team_reviewers?: string[] };
      const users = request.reviewers ?? [];
      const teamSlugs = request.team_reviewers ?? [];
      if (users.some((login) => login.toLowerCase() === pull.author.login.toLowerCase())) fail(call.route, 422, 'Review cannot be requested from pull request author.');
      if (users.some((login) => !collaborators.has(login.toLowerCase())) || teamSlugs.some((slug) => !teams.has(slug.toLowerCase()))) {
        fail(call.route, 422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ownerLogin}/${repoName} repository.`);
      }
      for (const login of users) if (!pull.requestedUsers.some((user) => user.login.toLowerCase() === login.toLowerCase())) pull.requestedUsers.push(accountFor(login));
      for (const slug of teamSlugs) if (!pull.requestedTeams.some((entry) => entry.slug.toLowerCase() === slug.toLowerCase())) pull.requestedTeams.push(teams.get(slug.toLowerCase())!);
      pull.updatedAt = isoSeconds(new Date());
      return { status: 201, body: await simplePullRequest(pull) };
    },

    'pulls/list-requested-reviewers': async (call) => {
      const pull = pullOf(call.route, call.params.pull_number);
      return {
        status: 200,
        body: {
          users: pull.requestedUsers.map((user) => render.account(site, user) as Json),
          teams: pull.requestedTeams.map((entry) => render.team(site, entry) as Json),
        },
      };
    },

    'pulls/list-reviews': async (call) => {
      const pull = pullOf(call.route, call.params.pull_number);
      const { page, headers } = paginate(call, pull.reviews);
      return { status: 200, body: page.map((entry) => render.review(site, repository, pull.number, entry) as Json), headers };
    },

    'repos/get-combined-status-for-ref': async (call) => {
      const sha = await git.resolveCommit(String(call.params.ref));
      if (!sha) fail(call.route, 404, `No commit found for SHA: ${String(call.params.ref)}`);
      const latest = latestBy(statuses.filter((status) => status.sha === sha), (status) => status.context);
      const state = latest.some((status) => status.state === 'error' || status.state === 'failure')
        ? 'failure'
        : latest.length === 0 || latest.some((status) => status.state === 'pending')
          ? 'pending'
          : 'success';
      const { page } = paginate(call, latest);
      const url = render.repositoryUrl(site, repository);
      return {
        status: 200,
        body: {
          state,
          statuses: page.map((status) => render.commitStatus(site, repository, status) as Json),
          sha: sha!,
          total_count: latest.length,
          repository: repositoryJson(),
          commit_url: `${url}/commits/${sha}`,
          url: `${url}/commits/${sha}/status`,
        },
      };
    },

    'checks/list-for-ref': async (call) => {
      const sha = await git.resolveCommit(String(call.params.ref));
      if (!sha) fail(call.route, 404, `No commit found for SHA: ${String(call.params.ref)}`);
      let runs = checkRuns.filter((run) => run.sha === sha);
      if (String(call.params.filter ?? 'latest') === 'latest') runs = latestBy(runs, (run) => run.name);
      if (call.params.check_name !== undefined) runs = runs.filter((run) => run.name === call.params.check_name);
      if (call.params.status !== undefined) runs = runs.filter((run) => run.status === call.params.status);
      const { page, headers } = paginate(call, runs);
      const openPulls = [...pulls.values()].filter((pull) => pull.state === 'open' && pull.head.sha === sha);
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: page.map((run) => render.checkRun(site, repository, run, openPulls) as Json) },
        headers,
      };
    },
  };

  function authenticate(request: IncomingMessage, route: Route): Account {
    const header = request.headers.authorization;
    if (!header) fail(route, 401, 'Requires authentication');
    const [scheme = '', credential = ''] = header!.split(/\s+/, 2);
    if (!/^(token|bearer)$/i.test(scheme)) fail(route, 401, 'Bad credentials');
    if (route.operationId.startsWith('apps/')) return verifyAppJwt(route, credential);
    const entry = tokens.get(credential);
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt < Date.now())) fail(route, 401, 'Bad credentials');
    return entry!.actor;
  }

  function verifyAppJwt(route: Route, jwt: string): Account {
    if (!options.app || !appKey) fail(route, 401, 'A JSON web token could not be decoded');
    const [header, payload, signature] = jwt.split('.');
    if (!header || !payload || !signature) fail(route, 401, 'A JSON web token could not be decoded');
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      if ((JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg?: string }).alg !== 'RS256') throw new Error('alg');
      claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as typeof claims;
    } catch {
      return fail(route, 401, 'A JSON web token could not be decoded');
    }
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), appKey!, Buffer.from(signature!, 'base64url'))) fail(route, 401, 'A JSON web token could not be decoded');
    const now = Math.floor(Date.now() / 1000);
    if (!Number.isInteger(claims.iat) || (claims.iat as number) > now + 60) fail(route, 401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
    if (!Number.isInteger(claims.exp) || (claims.exp as number) <= now) fail(route, 401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    if ((claims.exp as number) - (claims.iat as number) > 600) fail(route, 401, "'Expiration time' claim ('exp') is too far in the future");
    if (String(claims.iss) !== String(options.app!.id)) fail(route, 401, 'Integration not found');
    return accountFor(`${options.app!.slug}[bot]`, 'Bot');
  }

  function rateLimitReply(requestId: string): Reply | undefined {
    if (!rateLimited || rateLimited.responses <= 0) return undefined;
    rateLimited.responses--;
    const reset = Math.floor(Date.now() / 1000) + rateLimited.retryAfterSeconds;
    const message =
      rateLimited.kind === 'primary'
        ? `API rate limit exceeded for user ID ${repository.owner.id}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`
        : `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
    return {
      status: rateLimited.status,
      body: { message, documentation_url: RATE_LIMIT_DOCS, status: String(rateLimited.status) },
      headers: {
        'retry-after': String(rateLimited.retryAfterSeconds),
        ...(rateLimited.kind === 'primary' ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-used': '5000' } : {}),
      },
    };
  }

  async function serveApi(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string): Promise<void> {
    const method = request.method ?? 'GET';
    const apiPath = url.pathname.slice(API_PREFIX.length) || '/';
    const matched = openapi.match(method, apiPath);
    const record = (status: number) => requests.push({ method, path: apiPath, operation: matched?.route.operationId, status });
    const raw = await readBody(request);
    if (!matched) {
      violations.push({ direction: 'request', operation: '(none)', method, path: apiPath, errors: [`no operation of the slice matches ${method} ${apiPath}`] });
      record(404);
      return send(response, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } }, requestId);
    }
    const { route } = matched;
    const failure = failures.find((entry) => entry.times > 0 && (entry.operation === undefined || entry.operation === route.operationId));
    if (failure?.status === 'network') {
      failure.times--;
      record(0);
      request.socket.destroy();
      return;
    }

    let reply: Reply;
    try {
      const actor = authenticate(request, route);
      const limited = rateLimitReply(requestId);
      if (limited) throw new GitHubError(limited);
      if (failure) {
        failure.times--;
        throw new GitHubError({ status: failure.status as number, body: { message: failure.status === 503 ? 'Service Unavailable' : 'Server Error', documentation_url: route.docs, status: String(failure.status) } });
      }
      let body: Json | undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Json;
        } catch {
          violations.push({ direction: 'request', operation: route.operationId, method, path: apiPath, errors: ['the request body is not JSON'] });
          throw new GitHubError({ status: 400, body: { message: 'Problems parsing JSON', documentation_url: route.docs, status: '400' } });
        }
      }
      const checked = openapi.validateRequest(route, { pathParams: matched.pathParams, query: url.searchParams, body });
      if (checked.errors.length > 0) {
        violations.push({ direction: 'request', operation: route.operationId, method, path: apiPath, errors: checked.errors });
        record(500);
        return send(response, { status: 500, body: { message: `github stand-in: the request does not match GitHub's OpenAPI description: ${checked.errors.join('; ')}` } }, requestId);
      }
      if (route.template.startsWith('/repos/{owner}/{repo}')) {
        const { owner: ownerParam, repo: repoParam } = checked.params;
        if (String(ownerParam).toLowerCase() !== ownerLogin.toLowerCase() || String(repoParam).toLowerCase() !== repoName.toLowerCase()) fail(route, 404, 'Not Found');
      }
      reply = await handlers[route.operationId]({ route, params: checked.params, body, actor, requestUrl: new URL(url.pathname + url.search, site.web) });
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      reply = error.reply;
    }
    const tamper = tampers.get(route.operationId);
    if (tamper && reply.body !== undefined) {
      tampers.delete(route.operationId);
      reply = { ...reply, body: tamper(structuredClone(reply.body)) };
    }
    const errors = openapi.validateResponse(route, reply.status, reply.body);
    if (errors.length > 0) {
      violations.push({ direction: 'response', operation: route.operationId, method, path: apiPath, status: reply.status, errors });
      record(500);
      return send(response, { status: 500, body: { message: `github stand-in: its own response does not match GitHub's OpenAPI description: ${errors.join('; ')}` } }, requestId);
    }
    record(reply.status);
    send(response, reply, requestId);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', site.web);
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const serve = async () => {
      if (url.pathname.startsWith(`${API_PREFIX}/`)) return serveApi(request, response, url, requestId);
      if (url.pathname.startsWith(`/${ownerLogin}/${repoName}.git/`)) {
        // A private repository: git authenticates with any user name and a token as the password, as on GitHub.
        const [scheme, encoded = ''] = (request.headers.authorization ?? '').split(' ');
        const password = Buffer.from(encoded, 'base64').toString().split(':').slice(1).join(':');
        const entry = scheme === 'Basic' ? tokens.get(password) : undefined;
        if (!entry || (entry.expiresAt !== undefined && entry.expiresAt < Date.now())) {
          response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' }).end('Invalid username or token.\n');
          return;
        }
        return serveGit(request, response, url, root);
      }
      send(response, { status: 404, body: { message: 'Not Found' } }, requestId);
    };
    serve().catch((error: unknown) => {
      violations.push({ direction: 'response', operation: '(stand-in)', method: request.method ?? '', path: url.pathname, errors: [`the stand-in failed: ${(error as Error).stack ?? String(error)}`] });
      if (!response.headersSent) send(response, { status: 500, body: { message: `github stand-in failed: ${(error as Error).message}` } }, requestId);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = { api: `${origin}${API_PREFIX}`, web: origin };

  return {
    url: origin,
    apiUrl: site.api,
    fetchUrl: `${origin}/${ownerLogin}/${repoName}.git`,
    gitDir: git.gitDir,
    owner: ownerLogin,
    repo: repoName,

    async seedFromDirectory(dir) {
      const scratch = await mkdtemp(path.join(tmpdir(), 'github-standin-seed-'));
      try {
        const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
        await git.run(['--work-tree', dir, 'add', '--all', '--', '.'], { env });
        const tree = await git.text(['write-tree'], { env });
        const time = signatureTime(isoSeconds(new Date()))!;
        const seeder = { name: 'GitHub stand-in', email: 'standin@github.invalid', ...time };
        const sha = await git.writeCommit({ tree, parents: [], author: seeder, committer: seeder, message: 'Initial commit\n' });
        if (!(await git.compareAndSwapRef(`refs/heads/${repository.defaultBranch}`, sha, ZERO_SHA))) throw new Error('seedFromDirectory: the default branch exists already');
        return sha;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },

    async seedFromRepository(repoDir, revision, branch = repository.defaultBranch) {
      await runGit(['push', '--quiet', git.gitDir, `${revision}:refs/heads/${branch}`], { cwd: repoDir });
      repository.pushedAt = isoSeconds(new Date());
      return (await git.readRef(`refs/heads/${branch}`))!;
    },

    readRef: (ref) => git.readRef(ref),

    async mergePullRequest(number, { method, by }) {
      const pull = pulls.get(number);
      if (!pull || pull.state !== 'open') throw new Error(`pull request #${number} is not open`);
      await refreshed(pull);
      let merged: string;
      if (method === 'fast-forward') {
        if (!(await git.isAncestor(pull.base.sha, pull.head.sha))) throw new Error(`#${number} cannot be fast-forwarded: ${pull.base.ref} has moved`);
        merged = pull.head.sha;
      } else {
        const tree = await git.mergeTrees(pull.base.sha, pull.head.sha);
        if (!tree) throw new Error(`#${number} conflicts with ${pull.base.ref}`);
        const merger = { name: by, email: `${accountFor(by).id}+${by}@users.noreply.github.com`, ...signatureTime(isoSeconds(new Date()))! };
        const message = `Merge pull request #${number} from ${ownerLogin}/${pull.head.ref}\n\n${pull.title}\n`;
        merged = await git.writeCommit({ tree, parents: [pull.base.sha, pull.head.sha], author: merger, committer: merger, message });
      }
      if (!(await git.compareAndSwapRef(`refs/heads/${pull.base.ref}`, merged, pull.base.sha))) throw new Error(`${pull.base.ref} moved while merging #${number}`);
      const now = isoSeconds(new Date());
      Object.assign(pull, { state: 'closed', closedAt: now, mergedAt: now, updatedAt: now, mergeCommitSha: merged, mergedBy: accountFor(by) });
      repository.pushedAt = now;
      return merged;
    },

    setStatus(sha, status) {
      statuses.push({
        id: newId(),
        sha,
        context: status.context,
        state: status.state,
        description: status.description ?? null,
        targetUrl: status.targetUrl ?? null,
        creator: accountFor('ci-bot'),
        createdAt: isoSeconds(new Date()),
      });
    },

    setCheckRun(sha, run) {
      const now = isoSeconds(new Date());
      checkRuns.push({
        id: newId(),
        sha,
        name: run.name,
        status: run.status,
        conclusion: run.status === 'completed' ? (run.conclusion ?? 'success') : null,
        detailsUrl: run.detailsUrl ?? null,
        startedAt: now,
        completedAt: run.status === 'completed' ? now : null,
        suiteId: newId(),
      });
    },

    addReview(number, { user, state, body = '' }) {
      const pull = pulls.get(number);
      if (!pull) throw new Error(`no pull request #${number}`);
      const reviewer = accountFor(user);
      pull.reviews.push({ id: newId(), user: reviewer, body, state, commitId: pull.head.sha, submittedAt: isoSeconds(new Date()) });
      // A submitted review answers that reviewer's request, as on GitHub.
      pull.requestedUsers = pull.requestedUsers.filter((requested) => requested.id !== reviewer.id);
    },

    addCollaborator: (login) => void collaborators.add(accountFor(login).login.toLowerCase()),
    addTeam,
    labels: () => labels.map((entry) => ({ ...entry })),
    comments: (number) => comments.filter((comment) => comment.issueNumber === number).map((comment) => ({ ...comment })),
    addComment(number, { user, body }) {
      if (!pulls.has(number)) throw new Error(`no pull request #${number}`);
      const now = isoSeconds(new Date());
      const author = accountFor(user);
      comments.push({ id: newId(), issueNumber: number, body, user: author, authorAssociation: association(author), createdAt: now, updatedAt: now });
    },
    rateLimit: (limit) => void (rateLimited = { ...limit }),
    failNext: (failure) => void failures.push({ ...failure, times: failure.times ?? 1 }),
    tamperNextResponse: (operation, tamper) => void tampers.set(operation, tamper),
    violations: () => violations.map((violation) => ({ ...violation })),
    takeViolations: () => violations.splice(0),
    requests: () => requests.map((entry) => ({ ...entry })),

    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await rm(root, { recursive: true, force: true });
    },
  };
}

function send(response: ServerResponse, reply: Reply, requestId: string): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': requestId,
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    ...reply.headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Read-only smart HTTP through `git http-backend` (CGI), so that a forge's `fetchUrl` is a real git URL.
 * Pushes are refused: the console publishes through the REST API only.
 */
async function serveGit(request: IncomingMessage, response: ServerResponse, url: URL, projectRoot: string): Promise<void> {
  const service = url.searchParams.get('service');
  if (url.pathname.endsWith('/git-receive-pack') || service === 'git-receive-pack') {
    response.writeHead(403, { 'content-type': 'text/plain' }).end('the GitHub stand-in serves fetches only\n');
    return;
  }
  const body = await readBody(request);
  const child = spawn('git', ['http-backend'], {
    env: gitEnvironment({
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(body.length),
      REMOTE_ADDR: '127.0.0.1',
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(request.headers['content-encoding']) } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
    }),
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdin.end(body);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const output = Buffer.concat(chunks);
  const split = output.indexOf('\r\n\r\n');
  if (code !== 0 || split < 0) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end('git http-backend failed\n');
    return;
  }
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of output.subarray(0, split).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  response.writeHead(status, headers).end(output.subarray(split + 4));
}

/** GitHub answers in whole seconds, UTC. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function latestBy<T extends { id: number }>(items: T[], key: (item: T) => string): T[] {
  const latest = new Map<string, T>();
  for (const item of items) {
    const current = latest.get(key(item));
    if (!current || item.id > current.id) latest.set(key(item), item);
  }
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

function validTreePath(value: string): boolean {
  return value.length > 0 && value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.toLowerCase() !== '.git');
}

async function validRefName(ref: string): Promise<boolean> {
  try {
    await runGit(['check-ref-format', ref]);
    return true;
  } catch {
    return false;
  }
}
