import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { redactUrls } from '../../../schemas';
import { KeyedLock } from './keyed-lock';

/** A git command failed; the message names the command and git's own words, with credentials in URLs masked. */
export class GitError extends Error {
  constructor(args: readonly string[], stderr: string) {
    super(redactUrls(`git ${args.join(' ')} failed: ${stderr.trim() || 'no output'}`));
    this.name = 'GitError';
  }
}

export interface GitOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
}

/** Runs git without a shell, never prompting, with the console's own identity unless told otherwise. */
export function git(args: readonly string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', ...options.env },
      },
      (error, stdout, stderr) => (error ? reject(new GitError(args, stderr || error.message)) : resolve(stdout)),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * The console's own clone of the forge's repository under `stateDir`: a bare mirror of the default branch
 * and one scratch worktree per base commit, so a preview never touches a checkout a person works in.
 */
export class Mirror {
  readonly gitDir: string;
  readonly worktreesDir: string;

  constructor(
    stateDir: string,
    private readonly fetchUrl: string,
    private readonly seedRepo?: string,
    private readonly fetchEnv?: () => Record<string, string>,
  ) {
    this.gitDir = path.join(stateDir, 'mirror.git');
    this.worktreesDir = path.join(stateDir, 'worktrees');
  }

  private ready?: Promise<void>;

  /** Creates the bare repository once; a local clone of the same repository seeds its objects so the first fetch is small. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      if (!existsSync(path.join(this.gitDir, 'HEAD'))) {
        await mkdir(this.gitDir, { recursive: true });
        await git(['init', '--bare', '--quiet'], { cwd: this.gitDir });
      }
      await mkdir(this.worktreesDir, { recursive: true });
      // A worktree left by a process that died is registered but may be half-reset: start from none.
      await git(['worktree', 'prune'], { cwd: this.gitDir });
      // Seeding only saves transfer: the forge stays the source of truth, so a seed that cannot be read is skipped.
      if (this.seedRepo) await git(['fetch', '--quiet', '--no-tags', this.seedRepo, '+HEAD:refs/seed/head'], { cwd: this.gitDir }).catch(() => undefined);
    })();
    return this.ready;
  }

  /** One fetch at a time: two would race for the same remote-tracking ref. */
  private readonly fetches = new KeyedLock();

  /** Makes `sha` (the forge's `branch` tip) present locally, fetching only when it is not. */
  async ensureCommit(branch: string, sha: string): Promise<void> {
    await this.init();
    if (await this.hasCommit(sha)) return;
    await this.fetches.run('fetch', async () => {
      // The fetch this one waited for may have brought it.
      if (await this.hasCommit(sha)) return;
      await git(['fetch', '--quiet', '--no-tags', this.fetchUrl, `+refs/heads/${branch}:refs/remotes/forge/${branch}`], { cwd: this.gitDir, ...(this.fetchEnv ? { env: this.fetchEnv() } : {}) });
    });
    if (!(await this.hasCommit(sha))) throw new GitError(['fetch', this.fetchUrl, branch], `the forge reports ${branch} at ${sha}, which the fetch did not bring`);
  }

  /** Commits known to be here: objects are never removed while the console runs, so each is asked for once. */
  private readonly present = new Set<string>();

  async hasCommit(sha: string): Promise<boolean> {
    if (this.present.has(sha)) return true;
    const found = await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: this.gitDir }).then(
      () => true,
      () => false,
    );
    if (found && /^[0-9a-f]{40}$/.test(sha)) this.present.add(sha);
    return found;
  }

  /** A clean checkout of exactly `sha`, reused across previews of the same base. */
  async worktree(sha: string): Promise<string> {
    await this.init();
    const dir = path.join(this.worktreesDir, sha);
    if (existsSync(path.join(dir, '.git'))) {
      await git(['checkout', '--quiet', '--force', '--detach', sha], { cwd: dir });
      await git(['clean', '-q', '-f', '-d', '-x'], { cwd: dir });
    } else {
      await rm(dir, { recursive: true, force: true });
      await git(['worktree', 'add', '--quiet', '--detach', dir, sha], { cwd: this.gitDir });
    }
    return dir;
  }

  async removeWorktree(sha: string): Promise<void> {
    const dir = path.join(this.worktreesDir, sha);
    await git(['worktree', 'remove', '--force', dir], { cwd: this.gitDir }).catch(() => rm(dir, { recursive: true, force: true }));
  }

  /** Commits (newest first) in `from..to` that touch `file`, with author and message. */
  async log(from: string, to: string, file: string): Promise<Array<{ sha: string; author: string; email: string; committer: string; committerEmail: string; date: string; message: string }>> {
    const out = await git(['log', '--format=%H%x00%an%x00%ae%x00%cn%x00%ce%x00%aI%x00%B%x1e', `${from}..${to}`, '--', file], { cwd: this.gitDir });
    return out
      .split('\x1e')
      .map((entry) => entry.replace(/^\n/, ''))
      .filter(Boolean)
      .map((entry) => {
        const [sha = '', author = '', email = '', committer = '', committerEmail = '', date = '', message = ''] = entry.split('\0');
        return { sha, author, email, committer, committerEmail, date, message };
      });
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: this.gitDir }).then(
      () => true,
      () => false,
    );
  }
}
