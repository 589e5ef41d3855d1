import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatLocated, loadModel, type Model } from '../../../schemas';
import { RevisionError } from '../../../policies/engine/change';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 5_000;
/** Located errors quoted when a commit does not load; the rest are counted. */
const ERRORS_SHOWN = 3;
/** How long the forge's answer about its default branch is trusted, unless a preview asks sooner. */
export const DEFAULT_BRANCH_MAX_AGE_MS = 15_000;

export interface LoadedModel {
  model: Model;
  /** The commit the model was loaded at. */
  commit: string;
}

/** Where the console's model comes from: the commit to show now, and the model at a commit. */
export interface ModelOrigin {
  /** The commit the model should be read at now; throws with a message that says what to fix. */
  tip(): Promise<string>;
  /** The model at `commit`; a `RevisionError` listing located errors when its inputs do not load. */
  load(commit: string): Promise<Model>;
  /** What to do about a commit whose inputs do not load, after the errors quoted. */
  fixHint: string;
  /** Calls `moved` whenever the origin learns of a new commit between reads, so the model follows at once. */
  watch?(moved: () => void): () => void;
}

/**
 * The working tree of a checkout, loaded again whenever its HEAD moves: for a console without a forge. With
 * a forge the model comes from its default branch ({@link defaultBranchOrigin}), which a merge moves.
 */
export function checkoutOrigin(repoDir: string): ModelOrigin {
  return {
    async tip() {
      try {
        return (await run('git', ['rev-parse', '--verify', 'HEAD'], { cwd: repoDir, timeout: GIT_TIMEOUT_MS })).stdout.trim();
      } catch (error) {
        const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0];
        throw new Error(`the console's checkout ${repoDir} has no commit to read (git rev-parse HEAD: ${detail}); point MR_REPO_ROOT at a clone of the repository`);
      }
    },
    async load() {
      const result = await loadModel(repoDir);
      if (result.errors) throw new RevisionError(`the inputs in ${repoDir} do not load`, result.errors);
      return result.model;
    },
    fixHint: 'run npm run synth in the checkout to see every error',
  };
}

/** What {@link defaultBranchOrigin} reads: the change service's mirror of the forge (one fetcher for both). */
export interface DefaultBranchMirror {
  defaultBranch(maxAgeMs?: number): Promise<{ name: string; sha: string }>;
  revision(sha: string): Promise<{ model: Model }>;
  onDefaultBranchMoved(listener: () => void): () => void;
}

/**
 * The forge's default branch, where a merged change request lands: asked of the forge every
 * {@link DEFAULT_BRANCH_MAX_AGE_MS}, and followed at once when a preview finds it moved.
 */
export function defaultBranchOrigin(mirror: DefaultBranchMirror, repository: string): ModelOrigin {
  return {
    async tip() {
      try {
        return (await mirror.defaultBranch(DEFAULT_BRANCH_MAX_AGE_MS)).sha;
      } catch (error) {
        throw new Error(`the default branch of ${repository} could not be read: ${(error as Error).message.split('\n')[0]}`);
      }
    },
    load: async (commit) => (await mirror.revision(commit)).model,
    fixHint: `fix them on ${repository} with a pull request; npm run synth in a checkout of that commit shows every error`,
    watch: (moved) => mirror.onDefaultBranchMoved(moved),
  };
}

/**
 * The model of an origin, loaded again whenever its commit moves. A commit whose inputs do not load leaves the
 * last good model in place and says why, so a broken merge shows as a banner rather than an empty console.
 */
export class ModelSource {
  private loaded: LoadedModel | undefined;
  private problem: string | undefined;
  /** A commit whose inputs did not load, and why: not loaded again until the origin moves on. */
  private refused: { commit: string; problem: string } | undefined;

  constructor(private readonly origin: ModelOrigin) {}

  get current(): LoadedModel | undefined {
    return this.loaded;
  }

  /** Why the origin's commit is not what `current` shows; undefined when it is. */
  get error(): string | undefined {
    return this.problem;
  }

  /** Reads the origin's commit and loads the model when it moved; true when `current` changed. Never throws: a failure is `error`. */
  async refresh(): Promise<boolean> {
    let commit: string;
    try {
      commit = await this.origin.tip();
    } catch (error) {
      this.problem = (error as Error).message;
      return false;
    }
    if (commit === this.loaded?.commit) {
      this.problem = undefined;
      return false;
    }
    if (commit === this.refused?.commit) {
      this.problem = this.refused.problem;
      return false;
    }
    let model: Model;
    try {
      model = await this.origin.load(commit);
    } catch (error) {
      if (error instanceof RevisionError && error.errors.length) {
        const shown = error.errors.slice(0, ERRORS_SHOWN).map(formatLocated).join('; ');
        const more = error.errors.length > ERRORS_SHOWN ? ` (and ${error.errors.length - ERRORS_SHOWN} more)` : '';
        this.problem = `the inputs at ${commit.slice(0, 12)} do not load: ${shown}${more}; ${this.origin.fixHint}`;
        this.refused = { commit, problem: this.problem };
        return false;
      }
      this.problem = `the inputs at ${commit.slice(0, 12)} could not be read: ${(error as Error).message.split('\n')[0]}`;
      return false;
    }
    this.loaded = { model, commit };
    this.problem = undefined;
    this.refused = undefined;
    return true;
  }
}
