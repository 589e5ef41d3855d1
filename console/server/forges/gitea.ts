import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ForgeError, labelColour, type CheckState, type Forge, type ForgeErrorCode, type ForgeRepo, type PullRequest, type ReviewState } from './forge';
import { gitAuthConfig, gitAuthEnv } from './git-auth';

const run = promisify(execFile);

/** Gitea's default `[api] MAX_RESPONSE_ITEMS`: a bigger `limit` is silently cut to it, so pages are read until one is short. */
const PAGE = 50;

/** Gitea takes a token as the password of HTTP basic auth under any user name. */
const GIT_USER = 'console';

/** A pull request opened right after its branch's push can miss the branch for a moment: how long to keep asking. */
const FRESH_BRANCH_RETRIES_MS = [250, 500, 1_000, 2_000];

export interface GiteaForgeOptions {
  /** Base URL of the Gitea server, e.g. `https://git.example.com` (no `/api/v1`). */
  url: string;
  repo: ForgeRepo;
  /** A personal access token of the console's bot: write:repository, write:issue, read:organization, read:user. */
  token: string;
  /** Per request; a slower answer is `unavailable`. */
  timeoutMs?: number;
}

/** Gitea through its REST API v1 with token auth, and git over HTTP for publishing commits. */
export function createGiteaForge(options: GiteaForgeOptions): Forge {
  const base = options.url.replace(/\/+$/, '');
  const { owner, name } = options.repo;
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const fetchUrl = `${base}/${owner}/${name}.git`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call<T>(method: string, route: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1${route}`, {
        method,
        headers: { Authorization: `token ${options.token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ForgeError('unavailable', `gitea: ${method} ${route} did not answer: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw httpError(method, route, response, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function pages<T>(route: string): Promise<T[]> {
    const all: T[] = [];
    const separator = route.includes('?') ? '&' : '?';
    for (let page = 1; ; page++) {
      const items = await call<T[]>('GET', `${route}${separator}limit=${PAGE}&page=${page}`);
      all.push(...items);
      if (items.length < PAGE) return all;
    }
  }

  async function defaultBranch(): Promise<{ name: string; sha: string }> {
    const repository = await call<{ default_branch: string }>('GET', repoPath);
    const branch = await remoteBranch(repository.default_branch);
    if (!branch) throw new ForgeError('not-found', `gitea: ${owner}/${name} has no branch ${repository.default_branch} yet`);
    return { name: repository.default_branch, sha: branch };
  }

  async function remoteBranch(branch: string): Promise<string | undefined> {
    try {
      return (await call<{ commit: { id: string } }>('GET', `${repoPath}/branches/${encodeURIComponent(branch)}`)).commit.id;
    } catch (error) {
      if (error instanceof ForgeError && error.code === 'not-found') return undefined;
      throw error;
    }
  }

  /**
   * The branch already holds this change when its commit has the same tree and the same single parent. Read
   * through git: Gitea's commit API reports the commit's own SHA as its tree's.
   */
  async function sameChange(repoDir: string, branch: string, remoteSha: string, local: { sha: string; tree: string; baseSha: string }): Promise<boolean> {
    if (remoteSha === local.sha) return true;
    await git(repoDir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', fetchUrl, `refs/heads/${branch}`], gitAuthEnv(GIT_USER, options.token));
    const [, ...parents] = (await git(repoDir, ['rev-list', '--parents', '-n', '1', remoteSha])).split(' ');
    return (await git(repoDir, ['rev-parse', `${remoteSha}^{tree}`])) === local.tree && parents.length === 1 && parents[0] === local.baseSha;
  }

  async function publishCommit(input: { repoDir: string; commit: string; baseSha: string; branch: string }): Promise<{ sha: string }> {
    const [sha = '', ...parents] = (await git(input.repoDir, ['rev-list', '--parents', '-n', '1', input.commit])).split(' ');
    if (parents.length !== 1 || parents[0] !== input.baseSha) {
      throw new ForgeError('validation', `gitea: commit ${sha} must have exactly one parent, ${input.baseSha}; it has ${parents.join(', ') || 'none'}`);
    }
    const local = { sha, tree: await git(input.repoDir, ['rev-parse', `${sha}^{tree}`]), baseSha: input.baseSha };
    const main = await call<{ default_branch: string }>('GET', repoPath);
    if (input.branch === main.default_branch) throw new ForgeError('validation', `gitea: refusing to publish to the default branch ${input.branch}`);

    const existing = await remoteBranch(input.branch);
    if (existing) {
      if (await sameChange(input.repoDir, input.branch, existing, local)) return { sha: existing };
      throw new ForgeError('conflict', `gitea: branch ${input.branch} already exists at ${existing}, another change than ${sha}`);
    }
    try {
      // No --force: a branch created meanwhile by someone else makes the push fail, never disappear.
      await run('git', ['push', '--porcelain', fetchUrl, `${sha}:refs/heads/${input.branch}`], { cwd: input.repoDir, env: gitAuthEnv(GIT_USER, options.token), timeout: 120_000 });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}\n${(error as { stderr?: string }).stderr ?? ''}`;
      const code = pushErrorCode(output);
      if (code === 'conflict') {
        const now = await remoteBranch(input.branch);
        if (now && (await sameChange(input.repoDir, input.branch, now, local))) return { sha: now };
      }
      throw new ForgeError(code, `gitea: git push of ${sha} to ${input.branch} failed: ${lastLines(output)}`);
    }
    return { sha };
  }

  let identity: Promise<string> | undefined;

  function whoami(): Promise<string> {
    identity ??= call<{ login: string }>('GET', '/user').then((user) => user.login);
    identity.catch(() => (identity = undefined));
    return identity;
  }

  async function findPullRequest(branch: string): Promise<PullRequest | undefined> {
    // A fork's branch of the same name is someone else's: only this repository's branches count.
    const here = `${owner}/${name}`.toLowerCase();
    const matching = (await listPullRequests('all')).filter((pull) => pull.branch === branch && pull.headRepo?.toLowerCase() === here);
    return matching.find((pull) => pull.state === 'open') ?? matching[0];
  }

  /** Opens on one branch run one after another: Gitea checks for an open pull request and creates one in two steps, so two at once make two. */
  const opening = new Map<string, Promise<PullRequest>>();

  async function openPullRequest(input: { branch: string; title: string; body: string }): Promise<PullRequest> {
    const previous = opening.get(input.branch) ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => createOrFindPullRequest(input));
    opening.set(input.branch, next);
    try {
      return await next;
    } finally {
      if (opening.get(input.branch) === next) opening.delete(input.branch);
    }
  }

  async function createOrFindPullRequest(input: { branch: string; title: string; body: string }): Promise<PullRequest> {
    const { name: baseBranch } = await defaultBranch();
    for (let attempt = 0; ; attempt++) {
      try {
        return toPullRequest(await call<GiteaPull>('POST', `${repoPath}/pulls`, { head: input.branch, base: baseBranch, title: input.title, body: input.body }));
      } catch (error) {
        if (!(error instanceof ForgeError)) throw error;
        // Gitea answers 409 when an open pull request already joins these branches: that one is the answer.
        if (error.code === 'conflict') {
          const open = await findPullRequest(input.branch);
          if (open?.state === 'open') return open;
        }
        const delay = FRESH_BRANCH_RETRIES_MS[attempt];
        if (error.code !== 'not-found' || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function addLabels(number: number, labels: string[]): Promise<void> {
    const wanted = [...new Set(labels)];
    if (wanted.length === 0) return;
    const known = new Map<string, number>();
    // Organisation labels apply to every repository of the organisation; a repository's own label of the same name wins.
    for (const label of await organisationLabels()) known.set(label.name, label.id);
    for (const label of await pages<{ id: number; name: string }>(`${repoPath}/labels`)) known.set(label.name, label.id);
    for (const label of wanted.filter((candidate) => !known.has(candidate))) {
      const created = await call<{ id: number }>('POST', `${repoPath}/labels`, { name: label, color: `#${labelColour(label)}` });
      known.set(label, created.id);
    }
    await call('POST', `${repoPath}/issues/${number}/labels`, { labels: wanted.map((label) => known.get(label)) });
  }

  async function organisationLabels(): Promise<Array<{ id: number; name: string }>> {
    try {
      return await pages<{ id: number; name: string }>(`/orgs/${encodeURIComponent(owner)}/labels`);
    } catch (error) {
      // A repository owned by a user has no organisation labels.
      if (error instanceof ForgeError && error.code === 'not-found') return [];
      throw error;
    }
  }

  async function requestReviewers(number: number, reviewers: { users: string[]; teams: string[] }): Promise<void> {
    if (reviewers.users.length === 0 && reviewers.teams.length === 0) return;
    await call('POST', `${repoPath}/pulls/${number}/requested_reviewers`, { reviewers: reviewers.users, team_reviewers: reviewers.teams });
  }

  async function listPullRequests(state: 'open' | 'closed' | 'all'): Promise<PullRequest[]> {
    const pulls = await pages<GiteaPull>(`${repoPath}/pulls?state=${state}&sort=newest`);
    return pulls.map(toPullRequest);
  }

  async function getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await call<GiteaPull>('GET', `${repoPath}/pulls/${number}`));
  }

  async function pullRequestFiles(number: number): Promise<string[]> {
    return (await pages<{ filename: string }>(`${repoPath}/pulls/${number}/files`)).map((file) => file.filename);
  }

  async function checks(sha: string): Promise<CheckState> {
    const combined = await call<{ state: string; total_count: number; statuses: Array<{ context: string; status: string; target_url?: string }> | null }>(
      'GET',
      `${repoPath}/commits/${encodeURIComponent(sha)}/status`,
    );
    const contexts = (combined.statuses ?? []).map((status) => ({ context: status.context, state: status.status, ...(status.target_url ? { url: status.target_url } : {}) }));
    if (contexts.length === 0) return { state: 'none', contexts };
    return { state: combinedState(combined.state), contexts };
  }

  async function reviews(number: number): Promise<ReviewState> {
    const [pull, submitted] = await Promise.all([
      call<GiteaPull>('GET', `${repoPath}/pulls/${number}`),
      pages<{ user: { login: string } | null; state: string; dismissed: boolean; submitted_at: string }>(`${repoPath}/pulls/${number}/reviews`),
    ]);
    // A reviewer's latest approval or change request is their verdict; comments and requests do not change it.
    const verdicts = new Map<string, string>();
    for (const review of [...submitted].sort((a, b) => a.submitted_at.localeCompare(b.submitted_at))) {
      if (!review.user || review.dismissed) continue;
      if (review.state === 'APPROVED' || review.state === 'REQUEST_CHANGES') verdicts.set(review.user.login, review.state);
    }
    const by = (state: string) => [...verdicts].filter(([, verdict]) => verdict === state).map(([login]) => login).sort();
    return {
      requestedUsers: (pull.requested_reviewers ?? []).map((user) => user.login).sort(),
      requestedTeams: (pull.requested_reviewers_teams ?? []).map((team) => team.name).sort(),
      approvedBy: by('APPROVED'),
      changesRequestedBy: by('REQUEST_CHANGES'),
    };
  }

  return {
    kind: 'gitea',
    repo: { owner, name },
    fetchUrl,
    // A private repository is fetched only with the token.
    gitEnv: () => gitAuthConfig(GIT_USER, options.token),
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

interface GiteaPull {
  number: number;
  html_url: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: string | null;
  created_at: string;
  merge_base?: string;
  user: { login: string } | null;
  labels: Array<{ name: string }> | null;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; sha: string };
  requested_reviewers?: Array<{ login: string }> | null;
  requested_reviewers_teams?: Array<{ name: string }> | null;
}

function toPullRequest(pull: GiteaPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body,
    state: pull.merged ? 'merged' : pull.state,
    branch: pull.head.ref,
    headRepo: pull.head.repo?.full_name ?? null,
    headSha: pull.head.sha,
    base: pull.base.ref,
    // The commit the change was built on; Gitea's base.sha follows the base branch as it moves.
    baseSha: pull.merge_base || pull.base.sha,
    author: pull.user?.login ?? '',
    createdAt: pull.created_at,
    ...(pull.merged_at ? { mergedAt: pull.merged_at } : {}),
    labels: (pull.labels ?? []).map((label) => label.name),
  };
}

/** Gitea combines statuses into pending, success or failure (a warning counts as a failure). */
function combinedState(state: string): CheckState['state'] {
  return state === 'success' || state === 'failure' || state === 'error' || state === 'pending' ? state : 'pending';
}

function httpError(method: string, route: string, response: Response, text: string): ForgeError {
  const status = response.status;
  let detail = text.slice(0, 300);
  try {
    detail = String((JSON.parse(text) as { message?: unknown }).message ?? detail).slice(0, 300);
  } catch {
    // not JSON: a proxy's page
  }
  const message = `gitea: ${method} ${route} answered ${status}${detail ? `: ${detail}` : ''}`;
  const code: ForgeErrorCode =
    status === 401 || status === 403 ? 'unauthorized'
    : status === 404 ? 'not-found'
    : status === 409 ? 'conflict'
    : status === 429 ? 'rate-limited'
    : status === 400 || status === 422 ? 'validation'
    : 'unavailable';
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ForgeError(code, message, code === 'rate-limited' && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/** git's words for a push refused because the branch moved, or its credentials or the server failed. */
function pushErrorCode(output: string): ForgeErrorCode {
  if (/\[rejected\]|non-fast-forward|fetch first|already exists/.test(output)) return 'conflict';
  if (/Authentication failed|permission denied|not allowed to push|protected branch|could not read Username|\b40[13]\b/i.test(output)) return 'unauthorized';
  if (/not found|does not appear to be a git repository|404/i.test(output)) return 'not-found';
  return 'unavailable';
}

/** git in `repoDir`; a failure keeps git's own words, which never hold the token (it travels in the environment). */
async function git(repoDir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run('git', args, { cwd: repoDir, timeout: 120_000, ...(env ? { env } : {}) })).stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new ForgeError(/Could not resolve|Failed to connect|timed out/i.test(stderr) ? 'unavailable' : 'validation', `gitea: git ${args[0]} in ${repoDir} failed: ${lastLines(stderr)}`);
  }
}

function lastLines(output: string): string {
  return output.trim().split('\n').filter(Boolean).slice(-4).join(' | ').slice(0, 500);
}

