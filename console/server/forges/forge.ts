import { createHash } from 'node:crypto';

/**
 * The one interface the console's change service talks to a forge through. GitHub (Octokit) and Gitea (REST)
 * implement it; nothing in the console pushes to the default branch — branches it creates are `console/<id>`.
 */

export interface ForgeRepo {
  owner: string;
  name: string;
}

export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
  state: 'open' | 'closed' | 'merged';
  branch: string;
  /** `owner/name` of the repository the branch lives in; a fork's differs from the forge's repo, null when the fork is gone. */
  headRepo: string | null;
  headSha: string;
  base: string;
  baseSha: string;
  author: string;
  createdAt: string;
  mergedAt?: string;
  labels: string[];
}

export interface CheckState {
  state: 'pending' | 'success' | 'failure' | 'error' | 'none';
  contexts: Array<{ context: string; state: string; url?: string }>;
}

export interface ReviewState {
  requestedUsers: string[];
  requestedTeams: string[];
  approvedBy: string[];
  changesRequestedBy: string[];
}

export type ForgeErrorCode = 'conflict' | 'not-found' | 'rate-limited' | 'unauthorized' | 'validation' | 'unavailable';

/** Marks a ForgeError made by any copy of this module: Next.js bundles one per entry (instrumentation, routes, pages). */
const FORGE_ERROR = Symbol.for('multi-region-gitops.console.forge-error');

export class ForgeError extends Error {
  readonly [FORGE_ERROR] = true;

  /** `instanceof` by brand, so a ForgeError thrown by the services another bundle built still maps to its status code. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [FORGE_ERROR]?: unknown })[FORGE_ERROR] === true;
  }

  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}

export interface Forge {
  readonly kind: 'github' | 'gitea';
  readonly repo: ForgeRepo;
  /** The URL `git fetch` reads the repository from (credentials never included in messages). */
  readonly fetchUrl: string;
  /**
   * Extra environment for `git fetch <fetchUrl>` when the repository needs credentials (passed as GIT_CONFIG_*
   * variables so they appear in neither arguments nor messages); absent when fetchUrl is readable without.
   */
  gitEnv?(): Record<string, string>;
  /** The login the console acts as on the forge (its bot), asked once: pull requests by anyone else are not the console's. */
  whoami(): Promise<string>;
  defaultBranch(): Promise<{ name: string; sha: string }>;
  /**
   * Publishes `commit`, which exists in the local repository `repoDir` and whose only parent is `baseSha`
   * (already on the forge), as branch `branch`. Idempotent: if the branch already points at a commit with the
   * same tree and parent, returns it. If the branch exists pointing elsewhere → ForgeError('conflict').
   * GitHub: git data API (blobs, tree on base_tree, commit with the same author/committer and dates, ref); the
   * resulting tree SHA must equal the local one. Gitea: `git push <fetchUrl> <commit>:refs/heads/<branch>` without force.
   */
  publishCommit(input: { repoDir: string; commit: string; baseSha: string; branch: string }): Promise<{ sha: string }>;
  /** Opens a PR from `branch` into the default branch; if one is already open for that branch returns it (a 422 duplicate is not an error). */
  openPullRequest(input: { branch: string; title: string; body: string }): Promise<PullRequest>;
  /** Creates missing labels, then sets them on the PR. */
  addLabels(number: number, labels: string[]): Promise<void>;
  /** users: logins without '@'; teams: team slugs of the repo's organisation. */
  requestReviewers(number: number, reviewers: { users: string[]; teams: string[] }): Promise<void>;
  findPullRequest(branch: string): Promise<PullRequest | undefined>;
  listPullRequests(state: 'open' | 'closed' | 'all'): Promise<PullRequest[]>;
  getPullRequest(number: number): Promise<PullRequest>;
  pullRequestFiles(number: number): Promise<string[]>;
  checks(sha: string): Promise<CheckState>;
  reviews(number: number): Promise<ReviewState>;
}

/** A stable colour per label name (six hex digits), so the same class looks the same on every repository and forge. */
export function labelColour(label: string): string {
  return createHash('sha256').update(label).digest('hex').slice(0, 6);
}
