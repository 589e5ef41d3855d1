import { execFile } from 'node:child_process';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { ForgeError, labelColour, type CheckState, type Forge, type ForgeErrorCode, type ForgeRepo, type PullRequest, type ReviewState } from './forge';
import { gitAuthConfig } from './git-auth';

const run = promisify(execFile);

const GITHUB_API = 'https://api.github.com';
const PAGE = 100;
const GitHubOctokit = Octokit.plugin(retry, throttling);
const LABEL_DESCRIPTION = 'Set by the operator console on the change requests it opens';

export type GitHubAuth = { token: string } | { appId: string | number; installationId: string | number; privateKey: string | KeyObject };

export interface GitHubForgeOptions {
  /** REST API root: `https://api.github.com` (the default), or `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  repo: ForgeRepo;
  /** A token (fine-grained: contents, pull requests and issues write, metadata read), or a GitHub App installation. */
  auth: GitHubAuth;
  /** The URL git fetches from; derived from `baseUrl` for github.com and GitHub Enterprise Server. */
  fetchUrl?: string;
  /** Per request; a slower answer is `unavailable`. */
  timeoutMs?: number;
  /** Retries of a request that failed with a server error or no answer, before it is `unavailable`. */
  retries?: number;
  /** Rate limits: how often to wait for the reset and retry, and the longest wait worth it, before `rate-limited`. */
  rateLimit?: { retries?: number; maxWaitSeconds?: number };
  /**
   * GitHub asks integrators to send mutating requests one at a time, a second apart, and three seconds apart
   * for those that notify people (pull requests, review requests), to stay clear of its secondary rate limits.
   */
  spacing?: { writeMs?: number; notifyingMs?: number };
  /** Milliseconds per second of every wait GitHub asks for (retry backoff, rate-limit resets); specs shrink it. */
  waitUnitMs?: number;
}

/**
 * The console's forge on GitHub (github.com or Enterprise Server), through Octokit's REST client with its
 * retry and throttling plugins. Commits are published through the git data API so that no git credentials
 * are needed; the tree GitHub builds is checked against the local one.
 */
export function createGitHubForge(options: GitHubForgeOptions): Forge {
  const { owner, name } = options.repo;
  const baseUrl = (options.baseUrl ?? GITHUB_API).replace(/\/+$/, '');
  const fetchUrl = options.fetchUrl ?? deriveFetchUrl(baseUrl, options.repo);
  const { octokit, app, api } = createGitHubClient(options);
  const repo = { owner, repo: name };

  let identity: Promise<string> | undefined;

  /** A token acts as its user; an App's installation as `<slug>[bot]`, the login its pull requests carry. */
  function whoami(): Promise<string> {
    identity ??= app
      ? api('read the app', () => octokit.rest.apps.getAuthenticated()).then(({ data }) => `${data?.slug ?? ''}[bot]`)
      : api('read the authenticated user', () => octokit.rest.users.getAuthenticated()).then(({ data }) => data.login);
    identity.catch(() => (identity = undefined));
    return identity;
  }

  async function defaultBranch(): Promise<{ name: string; sha: string }> {
    const { data: repository } = await api(`read ${owner}/${name}`, () => octokit.rest.repos.get(repo));
    const sha = await branchHead(repository.default_branch);
    if (!sha) throw new ForgeError('not-found', `github: ${owner}/${name} has no branch ${repository.default_branch} yet`);
    return { name: repository.default_branch, sha };
  }

  async function branchHead(branch: string): Promise<string | undefined> {
    try {
      return (await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` })).data.object.sha;
    } catch (error) {
      const failure = toForgeError(error, `read branch ${branch}`);
      if (failure.code === 'not-found') return undefined;
      throw failure;
    }
  }

  /** The branch already holds this change when its commit has the same tree and the same single parent. */
  async function sameChange(remoteSha: string, local: LocalCommit): Promise<boolean> {
    if (remoteSha === local.sha) return true;
    const { data: commit } = await api(`read commit ${remoteSha}`, () => octokit.rest.git.getCommit({ ...repo, commit_sha: remoteSha }));
    return commit.tree.sha === local.tree && commit.parents.length === 1 && commit.parents[0]?.sha === local.parent;
  }

  async function publishCommit(input: { repoDir: string; commit: string; baseSha: string; branch: string }): Promise<{ sha: string }> {
    await assertBranchName(input.repoDir, input.branch);
    const local = await readLocalCommit(input.repoDir, input.commit);
    if (local.parents.length !== 1 || local.parent !== input.baseSha) {
      throw new ForgeError('validation', `github: commit ${local.sha} must have exactly one parent, ${input.baseSha}; it has ${local.parents.join(', ') || 'none'}`);
    }
    const main = await defaultBranch();
    if (input.branch === main.name) throw new ForgeError('validation', `github: refusing to publish to the default branch ${input.branch}`);

    const existing = await branchHead(input.branch);
    if (existing && (await sameChange(existing, local))) return { sha: existing };

    const tree = await createTree(input.repoDir, local, input.baseSha);
    const { data: created } = await api(`create commit on ${tree}`, () =>
      octokit.rest.git.createCommit({ ...repo, message: local.message, tree, parents: [input.baseSha], author: local.author, committer: local.committer }),
    );
    const ref = `refs/heads/${input.branch}`;
    try {
      if (existing) {
        // Not forced: GitHub moves the branch only if its commit is an ancestor of this one (the base itself).
        await octokit.rest.git.updateRef({ ...repo, ref: `heads/${input.branch}`, sha: created.sha, force: false });
      } else {
        await octokit.rest.git.createRef({ ...repo, ref, sha: created.sha });
      }
    } catch (error) {
      const failure = toForgeError(error, `point ${ref} at ${created.sha}`);
      if (failure.code !== 'validation' && failure.code !== 'conflict') throw failure;
      // Created meanwhile (a double submit): the same change there is success, anything else a conflict.
      const now = await branchHead(input.branch);
      if (now && (await sameChange(now, local))) return { sha: now };
      throw new ForgeError('conflict', `github: branch ${input.branch} already exists at ${now ?? existing ?? 'an unknown commit'}, another change than ${local.sha} (${failure.message})`);
    }
    return { sha: created.sha };
  }

  /**
   * Builds the commit's tree on GitHub from the base tree and the files the commit changes: text inline in the
   * tree request, anything that is not UTF-8 as a base64 blob first. Fails unless GitHub's tree is the local one.
   */
  async function createTree(repoDir: string, local: LocalCommit, baseSha: string): Promise<string> {
    const baseTree = await git(repoDir, 'rev-parse', `${baseSha}^{tree}`);
    const changes = await changedEntries(repoDir, baseSha, local.sha);
    if (changes.length === 0) {
      if (baseTree !== local.tree) throw new ForgeError('validation', `github: commit ${local.sha} changes no file but its tree differs from its parent's`);
      return baseTree;
    }
    const entries: TreeEntry[] = [];
    for (const change of changes) {
      if (change.sha === null) {
        entries.push({ path: change.path, mode: change.mode, type: 'blob', sha: null });
      } else if (change.mode === '160000') {
        entries.push({ path: change.path, mode: change.mode, type: 'commit', sha: change.sha });
      } else {
        const bytes = await gitBytes(repoDir, ['cat-file', 'blob', change.sha]);
        const text = utf8(bytes);
        if (text !== undefined) {
          entries.push({ path: change.path, mode: change.mode, type: 'blob', content: text });
        } else {
          const { data: blob } = await api(`upload ${change.path}`, () => octokit.rest.git.createBlob({ ...repo, content: bytes.toString('base64'), encoding: 'base64' }));
          if (blob.sha !== change.sha) throw new ForgeError('validation', `github: ${change.path} was stored as ${blob.sha}, not ${change.sha}`);
          entries.push({ path: change.path, mode: change.mode, type: 'blob', sha: blob.sha });
        }
      }
    }
    const { data: tree } = await api(`create tree for ${local.sha}`, () => octokit.rest.git.createTree({ ...repo, base_tree: baseTree, tree: entries }));
    if (tree.sha !== local.tree) {
      throw new ForgeError('validation', `github: the tree GitHub built for ${local.sha} is ${tree.sha}, the local tree is ${local.tree}; the base ${baseSha} on GitHub differs from the local one`);
    }
    return tree.sha;
  }

  async function findPullRequest(branch: string): Promise<PullRequest | undefined> {
    // `owner:branch`: GitHub ignores a bare branch name here and would list every pull request.
    const pulls = await api(`find the pull request of ${branch}`, () =>
      octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'all', head: `${owner}:${branch}`, per_page: PAGE }),
    );
    const here = `${owner}/${name}`.toLowerCase();
    const matching = pulls.filter((pull) => pull.head.ref === branch && pull.head.repo?.full_name.toLowerCase() === here).map(toPullRequest);
    return matching.find((pull) => pull.state === 'open') ?? matching[0];
  }

  async function openPullRequest(input: { branch: string; title: string; body: string }): Promise<PullRequest> {
    const { name: base } = await defaultBranch();
    try {
      const { data } = await octokit.rest.pulls.create({ ...repo, head: input.branch, base, title: input.title, body: input.body });
      return toPullRequest(data);
    } catch (error) {
      const failure = toForgeError(error, `open a pull request from ${input.branch}`);
      if (failure.code === 'validation' && /a pull request already exists/i.test(failure.message)) {
        const open = await findPullRequest(input.branch);
        if (open?.state === 'open') return open;
      }
      throw failure;
    }
  }

  async function addLabels(number: number, labels: string[]): Promise<void> {
    const wanted = [...new Set(labels)];
    if (wanted.length === 0) return;
    const known = await api('list labels', () => octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...repo, per_page: PAGE }));
    const existing = new Set(known.map((label) => label.name.toLowerCase()));
    for (const label of wanted.filter((candidate) => !existing.has(candidate.toLowerCase()))) {
      try {
        await octokit.rest.issues.createLabel({ ...repo, name: label, color: labelColour(label), description: LABEL_DESCRIPTION });
      } catch (error) {
        const failure = toForgeError(error, `create label ${label}`);
        // Created meanwhile by another request: it exists, which is all that was wanted.
        if (!(failure.code === 'validation' && /already_exists/.test(failure.message))) throw failure;
      }
    }
    await api(`label #${number}`, () => octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels: wanted }));
  }

  async function requestReviewers(number: number, reviewers: { users: string[]; teams: string[] }): Promise<void> {
    let users = [...new Set(reviewers.users)];
    const teams = [...new Set(reviewers.teams)];
    if (users.length > 0) {
      // GitHub refuses the whole request if it names the pull request's author; the author cannot review anyway.
      const { author } = await getPullRequest(number);
      users = users.filter((login) => login.toLowerCase() !== author.toLowerCase());
    }
    if (users.length === 0 && teams.length === 0) return;
    await api(`request reviews on #${number}`, () => octokit.rest.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: users, team_reviewers: teams }));
  }

  async function listPullRequests(state: 'open' | 'closed' | 'all'): Promise<PullRequest[]> {
    const pulls = await api(`list ${state} pull requests`, () =>
      octokit.paginate(octokit.rest.pulls.list, { ...repo, state, sort: 'created', direction: 'desc', per_page: PAGE }),
    );
    return pulls.map(toPullRequest);
  }

  async function getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest((await api(`read #${number}`, () => octokit.rest.pulls.get({ ...repo, pull_number: number }))).data);
  }

  async function pullRequestFiles(number: number): Promise<string[]> {
    const files = await api(`list the files of #${number}`, () => octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: number, per_page: PAGE }));
    return files.map((file) => file.filename);
  }

  /** Commit statuses (external CI) and check runs (GitHub Actions) together, the way a pull request shows them. */
  async function checks(sha: string): Promise<CheckState> {
    const [{ data: combined }, runs] = await Promise.all([
      api(`read the statuses of ${sha}`, () => octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha, per_page: PAGE })),
      api(`read the check runs of ${sha}`, () => octokit.paginate(octokit.rest.checks.listForRef, { ...repo, ref: sha, filter: 'latest', per_page: PAGE })),
    ]);
    const contexts = [
      ...combined.statuses.map((status) => ({ context: status.context, state: status.state, ...(status.target_url ? { url: status.target_url } : {}) })),
      ...runs.map((check) => ({ context: check.name, state: check.conclusion ?? check.status, ...(check.details_url ? { url: check.details_url } : {}) })),
    ];
    return { state: overallState(contexts.map((context) => context.state)), contexts };
  }

  async function reviews(number: number): Promise<ReviewState> {
    const [{ data: requested }, submitted] = await Promise.all([
      api(`read the review requests of #${number}`, () => octokit.rest.pulls.listRequestedReviewers({ ...repo, pull_number: number })),
      api(`read the reviews of #${number}`, () => octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: PAGE })),
    ]);
    // A reviewer's latest approval, change request or dismissal is their verdict; comments do not change it.
    const verdicts = new Map<string, string>();
    for (const review of submitted) {
      if (!review.user) continue;
      if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED' || review.state === 'DISMISSED') verdicts.set(review.user.login, review.state);
    }
    const by = (state: string) => [...verdicts].filter(([, verdict]) => verdict === state).map(([login]) => login).sort();
    return {
      requestedUsers: requested.users.map((user) => user.login).sort(),
      requestedTeams: requested.teams.map((team) => team.slug).sort(),
      approvedBy: by('APPROVED'),
      changesRequestedBy: by('CHANGES_REQUESTED'),
    };
  }

  /**
   * GitHub takes a token (personal or an installation's) as the password of HTTP basic auth for git. An App's
   * installation token is the one the API calls hold; the change service reads the default branch first.
   */
  function gitEnv(): Record<string, string> {
    const token = app ? app.currentToken() : (options.auth as { token: string }).token;
    if (!token) throw new ForgeError('unauthorized', 'github: no installation token yet to fetch with; read the default branch first');
    return gitAuthConfig('x-access-token', token);
  }

  return {
    kind: 'github',
    repo: { owner, name },
    fetchUrl,
    gitEnv,
    whoami,
    defaultBranch,
    publishCommit,
    openPullRequest,
    addLabels,
    requestReviewers,
    findPullRequest,
    listPullRequests,
    getPullRequest,
    pullRequestFiles,
    checks,
    reviews,
  };
}

/** What {@link createGitHubClient} needs: the forge's options without the repository. */
export type GitHubClientOptions = Omit<GitHubForgeOptions, 'repo' | 'fetchUrl'>;

/**
 * The one Octokit construction for GitHub: retry and throttling plugins, request timeout, write spacing, token or
 * App authentication. The console's forge and CI's pull-request comment (`scripts/pr-comment.ts`) both use it;
 * `api` runs one exchange and turns any failure into a ForgeError naming what was attempted.
 */
export function createGitHubClient(options: GitHubClientOptions) {
  const baseUrl = (options.baseUrl ?? GITHUB_API).replace(/\/+$/, '');
  const rateRetries = options.rateLimit?.retries ?? 2;
  const maxWaitSeconds = options.rateLimit?.maxWaitSeconds ?? 30;
  const waitUnitMs = options.waitUnitMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const wantRetry = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < rateRetries && retryAfter <= maxWaitSeconds;

  const app = 'token' in options.auth ? undefined : appAuthentication(options.auth);
  const octokit = new GitHubOctokit({
    baseUrl,
    userAgent: 'multi-region-gitops-console',
    ...(app ? { authStrategy: app.strategy } : { auth: (options.auth as { token: string }).token }),
    request: { fetch: fetchWithTimeout(timeoutMs) },
    // Rate limits (403, 429) are the throttling plugin's to wait for; the retry plugin takes server errors and silence.
    retry: { retries: options.retries ?? 2, retryAfterBaseValue: waitUnitMs, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: wantRetry,
      onSecondaryRateLimit: wantRetry,
      retryAfterBaseValue: waitUnitMs,
      write: spacingGroup(options.spacing?.writeMs ?? 1000),
      notifications: spacingGroup(options.spacing?.notifyingMs ?? 3000),
    },
  });

  /** Runs one API exchange; every failure leaves as a ForgeError naming what was attempted. */
  async function api<T>(action: string, exchange: () => Promise<T>): Promise<T> {
    try {
      return await exchange();
    } catch (error) {
      throw toForgeError(error, action);
    }
  }

  return { octokit, app, api };
}

/**
 * A GitHub App's JSON Web Token (RS256), valid for the ten minutes GitHub allows at most: issued a minute in the
 * past against clock drift, expiring nine minutes ahead.
 */
export function createAppJwt(appId: string | number, privateKey: string | KeyObject, now = new Date()): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const issuedAt = Math.floor(now.getTime() / 1000) - 60;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // GitHub documents the app id as an integer claim; a client id (`Iv1.…`) stays a string.
  const issuer = /^\d+$/.test(String(appId)) ? Number(appId) : String(appId);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: issuedAt, exp: issuedAt + 600, iss: issuer })}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

interface Endpoint {
  url: string;
  headers: Record<string, string | number | undefined>;
}
type RawRequest = ((options: Endpoint & Record<string, unknown>) => Promise<{ data: unknown }>) & {
  endpoint: { merge: (route: unknown, parameters?: unknown) => Endpoint & Record<string, unknown> };
};

/**
 * Octokit auth strategy for a GitHub App installation: `/app/…` requests carry the app's JWT, all others an
 * installation token, created on first use and renewed five minutes before it expires (or after a 401).
 */
function appAuthentication(app: { appId: string | number; installationId: string | number; privateKey: string | KeyObject }) {
  const key = typeof app.privateKey === 'string' ? createPrivateKey(app.privateKey) : app.privateKey;
  let jwt: { value: string; renewAt: number } | undefined;
  let installation: Promise<{ token: string; renewAt: number; expiresAt: number }> | undefined;
  let latest: { token: string; expiresAt: number } | undefined;

  const appJwt = () => {
    if (!jwt || Date.now() >= jwt.renewAt) jwt = { value: createAppJwt(app.appId, key), renewAt: Date.now() + 8 * 60_000 };
    return jwt.value;
  };
  const installationToken = async (request: RawRequest) => {
    const current = installation;
    if (current) {
      const token = await current.catch(() => undefined);
      if (token && Date.now() < token.renewAt) return token.token;
      if (installation === current) installation = undefined;
    }
    installation ??= request({
      method: 'POST',
      url: '/app/installations/{installation_id}/access_tokens',
      installation_id: app.installationId,
      headers: { authorization: `bearer ${appJwt()}` },
    }).then(({ data }) => {
      const { token, expires_at: expiresAt } = data as { token: string; expires_at: string };
      latest = { token, expiresAt: Date.parse(expiresAt) };
      return { token, renewAt: latest.expiresAt - 5 * 60_000, expiresAt: latest.expiresAt };
    });
    return (await installation).token;
  };

  const strategy = () => {
    const auth = async () => ({ type: 'app-installation', installationId: app.installationId });
    auth.hook = async (request: RawRequest, route: unknown, parameters?: unknown) => {
      const endpoint = request.endpoint.merge(route, parameters);
      if (/^\/app(\/|$)/.test(endpoint.url)) {
        endpoint.headers.authorization = `bearer ${appJwt()}`;
        return request(endpoint);
      }
      for (let attempt = 0; ; attempt++) {
        endpoint.headers.authorization = `token ${await installationToken(request)}`;
        try {
          return await request(endpoint);
        } catch (error) {
          if ((error as { status?: number }).status !== 401 || attempt > 0) throw error;
          installation = undefined;
        }
      }
    };
    return auth;
  };
  const currentToken = () => (latest && Date.now() < latest.expiresAt ? latest.token : undefined);
  return { strategy, currentToken };
}

/**
 * The queue the throttling plugin awaits before each write: one at a time, `intervalMs` apart. It stands in for
 * the plugin's own Bottleneck group, whose spacing is fixed and shared by every client in the process.
 */
function spacingGroup(intervalMs: number): NonNullable<ThrottlingOptions['write']> {
  let next = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const limiter = {
    schedule: (...args: unknown[]) => {
      const task = args.find((arg): arg is (...rest: unknown[]) => unknown => typeof arg === 'function')!;
      const run = queue.then(async () => {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = Date.now() + intervalMs;
        return task();
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter } as unknown as NonNullable<ThrottlingOptions['write']>;
}

function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

function deriveFetchUrl(baseUrl: string, repo: ForgeRepo): string {
  if (baseUrl === GITHUB_API) return `https://github.com/${repo.owner}/${repo.name}.git`;
  const enterprise = /^(https?:\/\/[^/]+(?:\/.*?)?)\/api\/v3$/.exec(baseUrl);
  if (enterprise) return `${enterprise[1]}/${repo.owner}/${repo.name}.git`;
  throw new ForgeError('validation', `github: cannot tell the git URL of ${repo.owner}/${repo.name} from the API URL ${baseUrl}; pass fetchUrl`);
}

interface RequestFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/**
 * Maps an Octokit failure to the forge's error codes. The message carries GitHub's own words, its validation
 * errors and request id, never a header of the request: credentials stay out of logs and the audit trail.
 */
function toForgeError(error: unknown, action: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const failure = (error ?? {}) as RequestFailure;
  if (typeof failure.status !== 'number' || !failure.response) {
    return new ForgeError('unavailable', `github: ${action}: GitHub did not answer (${describe(error)})`);
  }
  const status = failure.status;
  const headers = failure.response.headers ?? {};
  const data = (failure.response.data ?? {}) as { message?: unknown; errors?: Array<string | { message?: string; code?: string; field?: string }> };
  const details = Array.isArray(data.errors)
    ? data.errors.map((entry) => (typeof entry === 'string' ? entry : [entry.message, entry.code, entry.field].filter(Boolean).join(' '))).filter(Boolean)
    : [];
  const detail = [typeof data.message === 'string' ? data.message : '', ...details].filter(Boolean).join('; ').slice(0, 500);
  const requestId = headers['x-github-request-id'];
  const message = `github: ${action}: ${status}${detail ? ` ${detail}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
  const retryAfter = retryAfterSeconds(headers);
  const rateLimited = status === 429 || (status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(detail)));
  if (rateLimited) return new ForgeError('rate-limited', message, retryAfter);
  const code: ForgeErrorCode =
    status === 401 || status === 403 ? 'unauthorized'
    : status === 404 ? 'not-found'
    : status === 409 ? 'conflict'
    : status === 422 && /not a fast forward|reference already exists/i.test(detail) ? 'conflict'
    : status === 400 || status === 422 ? 'validation'
    : 'unavailable';
  return new ForgeError(code, message);
}

/** GitHub's `retry-after`, else the seconds until `x-ratelimit-reset`. */
function retryAfterSeconds(headers: Record<string, string | undefined>): number | undefined {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(Math.ceil(reset - Date.now() / 1000), 1);
  return undefined;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && !text.includes(cause.message) ? `${text}: ${cause.message}` : text;
}


/** The combined verdict over statuses and check runs, as a pull request's merge box shows it. */
function overallState(states: string[]): CheckState['state'] {
  if (states.length === 0) return 'none';
  if (states.includes('error')) return 'error';
  if (states.some((state) => ['failure', 'cancelled', 'timed_out', 'action_required', 'startup_failure', 'stale'].includes(state))) return 'failure';
  if (states.every((state) => ['success', 'neutral', 'skipped'].includes(state))) return 'success';
  return 'pending';
}

interface PullJson {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  created_at: string;
  user: { login: string } | null;
  labels: Array<{ name?: string }>;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; sha: string };
}

function toPullRequest(pull: PullJson): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
    branch: pull.head.ref,
    headRepo: pull.head.repo?.full_name ?? null,
    headSha: pull.head.sha,
    base: pull.base.ref,
    // GitHub's record of the base branch's commit for this pull request (it follows the branch while open).
    baseSha: pull.base.sha,
    author: pull.user?.login ?? '',
    createdAt: pull.created_at,
    ...(pull.merged_at ? { mergedAt: pull.merged_at } : {}),
    labels: pull.labels.map((label) => label.name ?? '').filter(Boolean),
  };
}

interface Identity {
  name: string;
  email: string;
  date: string;
}

interface LocalCommit {
  sha: string;
  tree: string;
  parents: string[];
  parent: string | undefined;
  author: Identity;
  committer: Identity;
  message: string;
}

type TreeEntry =
  | { path: string; mode: '100644' | '100755' | '040000' | '160000' | '120000'; type: 'blob' | 'tree' | 'commit'; sha: string | null }
  | { path: string; mode: '100644' | '100755' | '040000' | '160000' | '120000'; type: 'blob'; content: string };

/** The raw commit object: the API must recreate it byte for byte, so headers it cannot carry are refused. */
async function readLocalCommit(repoDir: string, commit: string): Promise<LocalCommit> {
  const sha = await git(repoDir, 'rev-parse', '--verify', '--end-of-options', `${commit}^{commit}`).catch(() => {
    throw new ForgeError('validation', `github: ${commit} is not a commit of ${repoDir}`);
  });
  const raw = (await gitBytes(repoDir, ['cat-file', 'commit', sha])).toString('utf8');
  const split = raw.indexOf('\n\n');
  const headers = (split < 0 ? raw : raw.slice(0, split)).split('\n');
  const message = split < 0 ? '' : raw.slice(split + 2);
  const unsupported = headers.map((line) => line.split(' ')[0] ?? '').filter((field) => !['tree', 'parent', 'author', 'committer'].includes(field));
  if (unsupported.length > 0) {
    throw new ForgeError('validation', `github: commit ${sha} has ${[...new Set(unsupported)].join(', ')} headers, which GitHub's commit API cannot reproduce; commit without signing or an encoding`);
  }
  const field = (name: string) => headers.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));
  const parents = field('parent');
  return {
    sha,
    tree: field('tree')[0] ?? '',
    parents,
    parent: parents[0],
    author: identity(field('author')[0] ?? ''),
    committer: identity(field('committer')[0] ?? ''),
    message,
  };
}

/** `Name <email> 1700000000 +0200` → the API's identity, the date in the commit's own offset so the object is identical. */
function identity(line: string): Identity {
  const match = /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(line);
  if (!match) throw new ForgeError('validation', `github: unreadable git signature ${JSON.stringify(line)}`);
  const [, name = '', email = '', seconds = '0', direction = '+', hours = '00', minutes = '00'] = match;
  const offsetMinutes = (direction === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  const local = new Date((Number(seconds) + offsetMinutes * 60) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return { name, email, date: `${local}${direction}${hours}:${minutes}` };
}

/** Files `commit` changes against `base`: path, new mode and blob (null when deleted). */
async function changedEntries(repoDir: string, base: string, commit: string): Promise<Array<{ path: string; mode: TreeEntry['mode']; sha: string | null }>> {
  const fields = (await gitBytes(repoDir, ['diff-tree', '-r', '-z', '--no-renames', base, commit])).toString('utf8').split('\0').filter(Boolean);
  const entries: Array<{ path: string; mode: TreeEntry['mode']; sha: string | null }> = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [oldMode = '', newMode = '', , newSha = '', status = ''] = (fields[index] ?? '').replace(/^:/, '').split(' ');
    const deleted = status.startsWith('D');
    entries.push({ path: fields[index + 1] ?? '', mode: (deleted ? oldMode : newMode) as TreeEntry['mode'], sha: deleted ? null : newSha });
  }
  return entries;
}

async function assertBranchName(repoDir: string, branch: string): Promise<void> {
  try {
    await run('git', ['check-ref-format', `refs/heads/${branch}`], { cwd: repoDir });
  } catch {
    throw new ForgeError('validation', `github: ${JSON.stringify(branch)} is not a valid branch name`);
  }
}

async function git(repoDir: string, ...args: string[]): Promise<string> {
  return (await gitBytes(repoDir, args)).toString('utf8').trim();
}

async function gitBytes(repoDir: string, args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd: repoDir, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  return stdout;
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
