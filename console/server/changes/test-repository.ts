import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { commitAll, exampleRepo, removeScratchRepos } from '../../../tests/helpers/example-repo';
import { startGitHubStandIn, type GitHubStandIn } from '../../testing/github-standin/server';
import type { Forge } from '../forges/forge';
import { createGitHubForge } from '../forges/github';
import type { Requester } from './types';

const run = promisify(execFile);

/** Specs' people: an operator asking for changes, and a second one racing them. */
export const ALICE: Requester = { login: 'alice', name: 'Alice Okafor', email: 'alice@example.com', role: 'operator', handle: '@alice' };
export const BOB: Requester = { login: 'bob', name: 'Bob Lindqvist', email: 'bob@example.com', role: 'operator', handle: '@bob' };

const TOKEN = 'ghp_console-bot-token-0123456789';

/**
 * The GitHub stand-in (a real bare repository behind an API checked against GitHub's OpenAPI description)
 * holding `revision` of `repoDir` on main, with the owners' teams, and the console's GitHub forge on it.
 */
export async function gitHubStandInForge(repoDir: string, revision: string): Promise<{ standin: GitHubStandIn; forge: Forge }> {
  const standin = await startGitHubStandIn({
    owner: 'example-org',
    repo: 'orders-gitops',
    tokens: { [TOKEN]: 'console-bot' },
    collaborators: ['alice', 'bob', 'carol', 'console-bot'],
    teams: ['platform', 'sre', 'dba', 'orders-team', 'security'],
  });
  await standin.seedFromRepository(repoDir, revision);
  const forge = createGitHubForge({ baseUrl: standin.apiUrl, repo: { owner: standin.owner, name: standin.repo }, auth: { token: TOKEN }, spacing: { writeMs: 0, notifyingMs: 0 }, waitUnitMs: 5, retries: 1 });
  return { standin, forge };
}

/**
 * The repository's own example inputs, outputs and policy bundle committed on `main` of a scratch git
 * repository (`work`), which specs change and push to the forge like a person would.
 */
export class ExampleRepository {
  private constructor(
    readonly work: string,
    private readonly scratch: string[],
  ) {}

  static async create(): Promise<ExampleRepository> {
    const work = await exampleRepo();
    commitAll(work);
    return new ExampleRepository(work, []);
  }

  git(...args: string[]): Promise<string> {
    return run('git', args, { cwd: this.work, maxBuffer: 64 * 1024 * 1024 }).then(({ stdout }) => stdout.trim());
  }

  /** Rewrites (or creates) a file and commits it on main as `author`, with `message`; returns the new commit. */
  async commit(file: string, change: (text: string) => string, message: string, author = { name: 'Dana Merged', email: 'dana@example.com' }): Promise<string> {
    const target = path.join(this.work, file);
    const before = await readFile(target, 'utf8').catch(() => '');
    await mkdir(path.dirname(target), { recursive: true });
    const after = change(before);
    if (after === before) throw new Error(`the change to ${file} changes nothing`);
    await writeFile(target, after);
    await this.git('add', '--', file);
    await this.git('-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, 'commit', '--quiet', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** A scratch directory removed with the repository. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    this.scratch.push(dir);
    return dir;
  }

  async remove(): Promise<void> {
    await Promise.all(this.scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    await removeScratchRepos();
  }
}
