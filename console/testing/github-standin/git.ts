import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The bare repository behind the stand-in, driven by git plumbing only, the way GitHub's git data API works on objects. */

export const ZERO_SHA = '0'.repeat(40);

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')}: ${stderr.trim()}`);
  }
}

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch and the `+hhmm` offset, as git stores them. */
  seconds: number;
  offset: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
  path: string;
}

/** What a tree entry of `POST /git/trees` asks for, after its blob content (if any) is stored. */
export type TreeEdit = { path: string; mode: string; type: 'blob' | 'tree' | 'commit'; sha: string } | { path: string; remove: true };

export interface ChangedFile {
  path: string;
  status: 'added' | 'removed' | 'modified';
  sha: string | null;
  additions: number;
  deletions: number;
  patch?: string;
}

/**
 * Git sees no user or system configuration and no inherited GIT_* variables: the stand-in must behave the same
 * on every machine. Paths from requests are literal, never pathspec globs.
 */
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_LITERAL_PATHSPECS: '1' };

export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return Object.assign(env, GIT_ENV, extra);
}

export class BareRepository {
  private constructor(readonly gitDir: string) {}

  static async create(gitDir: string): Promise<BareRepository> {
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
    return new BareRepository(gitDir);
  }

  run(args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<Buffer> {
    return runGit(['--git-dir', this.gitDir, ...args], options);
  }

  async text(args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    return (await this.run(args, options)).toString('utf8').trim();
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    return this.text(['cat-file', '-t', sha]).catch(() => undefined);
  }

  /** The commit a branch, tag or SHA names, or undefined. */
  async resolveCommit(revision: string): Promise<string | undefined> {
    if (revision.startsWith('-')) return undefined;
    const sha = await this.text(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).catch(() => '');
    return sha || undefined;
  }

  /** The object a full ref name (`refs/heads/main`) points at, or undefined when there is no such ref. */
  async readRef(ref: string): Promise<string | undefined> {
    return (await this.text(['show-ref', '--verify', '--hash', '--', ref]).catch(() => '')) || undefined;
  }

  /** Moves `ref` to `sha` only if it still points at `expected` (ZERO_SHA: only if it does not exist). */
  async compareAndSwapRef(ref: string, sha: string, expected: string): Promise<boolean> {
    try {
      await this.run(['update-ref', '-m', 'github-standin', ref, sha, expected]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError) return false;
      throw error;
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.run(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError) return false;
      throw error;
    }
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    return (await this.text(['merge-base', a, b]).catch(() => '')) || undefined;
  }

  writeBlob(content: Buffer): Promise<string> {
    return this.text(['hash-object', '-w', '--stdin'], { input: content });
  }

  async blobSize(sha: string): Promise<number> {
    return Number(await this.text(['cat-file', '-s', sha]));
  }

  /** Applies `edits` to `baseTree` (or to an empty tree) in a private index and writes the result. */
  async writeTree(baseTree: string | undefined, edits: TreeEdit[]): Promise<string> {
    const scratch = await mkdtemp(path.join(tmpdir(), 'github-standin-index-'));
    const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
    try {
      await this.run(baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
      for (const edit of edits) {
        const under = await this.text(['ls-files', '-z', '--', edit.path], { env });
        const existing = under.split('\0').filter(Boolean);
        if ('remove' in edit || edit.type === 'tree') {
          const removal = existing.map((file) => `0 ${ZERO_SHA}\t${file}\n`).join('');
          if (removal) await this.run(['update-index', '--index-info'], { env, input: removal });
        }
        if ('remove' in edit) continue;
        if (edit.type === 'tree') {
          await this.run(['read-tree', `--prefix=${edit.path}/`, edit.sha], { env });
        } else {
          await this.run(['update-index', '--add', '--replace', '--cacheinfo', `${edit.mode},${edit.sha},${edit.path}`], { env });
        }
      }
      return await this.text(['write-tree'], { env });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async listTree(tree: string): Promise<TreeEntry[]> {
    const output = await this.text(['ls-tree', '-l', '-z', tree]);
    return output
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta = '', entryPath = ''] = line.split('\t');
        const [mode = '', type = '', sha = '', size = '-'] = meta.split(/\s+/);
        return { mode, type: type as TreeEntry['type'], sha, path: entryPath, ...(size === '-' ? {} : { size: Number(size) }) };
      });
  }

  async writeCommit(commit: Omit<CommitObject, 'sha'>): Promise<string> {
    const date = (signature: Signature) => `${signature.seconds} ${signature.offset}`;
    return this.text(['commit-tree', commit.tree, ...commit.parents.flatMap((parent) => ['-p', parent])], {
      input: commit.message,
      env: {
        GIT_AUTHOR_NAME: commit.author.name,
        GIT_AUTHOR_EMAIL: commit.author.email,
        GIT_AUTHOR_DATE: date(commit.author),
        GIT_COMMITTER_NAME: commit.committer.name,
        GIT_COMMITTER_EMAIL: commit.committer.email,
        GIT_COMMITTER_DATE: date(commit.committer),
      },
    });
  }

  async readCommit(sha: string): Promise<CommitObject | undefined> {
    if ((await this.objectType(sha)) !== 'commit') return undefined;
    const raw = (await this.run(['cat-file', 'commit', sha])).toString('utf8');
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const message = raw.slice(split + 2);
    const value = (name: string) => headers.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));
    return {
      sha,
      tree: value('tree')[0] ?? '',
      parents: value('parent'),
      author: parseSignature(value('author')[0] ?? ''),
      committer: parseSignature(value('committer')[0] ?? ''),
      message,
    };
  }

  /** The files `head` changes relative to `base`, as GitHub lists them for a pull request. */
  async changedFiles(base: string, head: string): Promise<ChangedFile[]> {
    const raw = (await this.text(['diff-tree', '-r', '-z', '--no-renames', base, head])).split('\0').filter(Boolean);
    const numstat = (await this.text(['diff-tree', '-r', '-z', '--no-renames', '--numstat', base, head])).split('\0').filter(Boolean);
    const counts = new Map<string, { additions: number; deletions: number }>();
    for (let index = 0; index < numstat.length; index++) {
      const [added = '-', deleted = '-', inline] = (numstat[index] ?? '').split('\t');
      const file = inline ?? numstat[++index] ?? '';
      counts.set(file, { additions: added === '-' ? 0 : Number(added), deletions: deleted === '-' ? 0 : Number(deleted) });
    }
    const files: ChangedFile[] = [];
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const [, , , newSha = ZERO_SHA, letter = 'M'] = (raw[index] ?? '').replace(/^:/, '').split(' ');
      const file = raw[index + 1] ?? '';
      const status = letter === 'A' ? 'added' : letter === 'D' ? 'removed' : 'modified';
      const patch = await this.text(['diff', '--no-color', '--no-ext-diff', base, head, '--', file]);
      files.push({
        path: file,
        status,
        sha: status === 'removed' ? null : newSha,
        ...(counts.get(file) ?? { additions: 0, deletions: 0 }),
        ...(patch.includes('\n@@') ? { patch: patch.slice(patch.indexOf('\n@@') + 1) } : {}),
      });
    }
    return files;
  }

  /** A three-way merge of `head` into `base` by `git merge-tree`, or undefined when they conflict. */
  async mergeTrees(base: string, head: string): Promise<string | undefined> {
    try {
      return (await this.text(['merge-tree', '--write-tree', '--no-messages', base, head])).split('\n')[0];
    } catch (error) {
      if (error instanceof GitCommandError) return undefined;
      throw error;
    }
  }
}

export function parseSignature(line: string): Signature {
  const match = /^(.*) <(.*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (!match) throw new Error(`unreadable git signature ${JSON.stringify(line)}`);
  return { name: match[1] ?? '', email: match[2] ?? '', seconds: Number(match[3]), offset: match[4] ?? '+0000' };
}

/** An ISO 8601 time with its offset, as git's `<seconds> <+hhmm>`; undefined for anything else. */
export function signatureTime(iso: string): { seconds: number; offset: string } | undefined {
  const match = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(Z|([+-])(\d\d):?(\d\d))$/i.exec(iso);
  const milliseconds = Date.parse(iso);
  if (!match || Number.isNaN(milliseconds)) return undefined;
  const offset = match[1]?.toUpperCase() === 'Z' ? '+0000' : `${match[2]}${match[3]}${match[4]}`;
  return { seconds: Math.floor(milliseconds / 1000), offset };
}

export function runGit(args: string[], options: { input?: Buffer | string; env?: Record<string, string>; cwd?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: gitEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new GitCommandError(args, stderr))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
