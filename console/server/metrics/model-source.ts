import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatLocated, loadModel, type Model } from '../../../schemas';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 5_000;
/** Located errors quoted when the checkout does not load; the rest are counted. */
const ERRORS_SHOWN = 3;

export interface LoadedModel {
  model: Model;
  /** The commit of the console's checkout the model was loaded at. */
  commit: string;
}

/**
 * The model of the console's own checkout, loaded again whenever its HEAD moves. A commit whose inputs
 * do not load leaves the last good model in place and says why, so a broken merge shows as a banner
 * rather than an empty console.
 */
export class ModelSource {
  private loaded: LoadedModel | undefined;
  private problem: string | undefined;
  /** A commit whose inputs did not load: not loaded again until HEAD moves on. */
  private refused: string | undefined;

  constructor(private readonly repoDir: string) {}

  get current(): LoadedModel | undefined {
    return this.loaded;
  }

  /** Why the checkout's HEAD is not what `current` shows; undefined when it is. */
  get error(): string | undefined {
    return this.problem;
  }

  /** Reads HEAD and loads the model when it moved; true when `current` changed. Never throws: a failure is `error`. */
  async refresh(): Promise<boolean> {
    let commit: string;
    try {
      commit = (await run('git', ['rev-parse', '--verify', 'HEAD'], { cwd: this.repoDir, timeout: GIT_TIMEOUT_MS })).stdout.trim();
    } catch (error) {
      const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0];
      this.problem = `the console's checkout ${this.repoDir} has no commit to read (git rev-parse HEAD: ${detail}); point MR_REPO_ROOT at a clone of the repository`;
      return false;
    }
    if (commit === this.loaded?.commit) {
      this.problem = undefined;
      return false;
    }
    if (commit === this.refused) return false;
    let result: Awaited<ReturnType<typeof loadModel>>;
    try {
      result = await loadModel(this.repoDir);
    } catch (error) {
      this.problem = `the inputs at ${commit.slice(0, 12)} could not be read: ${(error as Error).message.split('\n')[0]}`;
      return false;
    }
    if (result.errors) {
      const shown = result.errors.slice(0, ERRORS_SHOWN).map(formatLocated).join('; ');
      const more = result.errors.length > ERRORS_SHOWN ? ` (and ${result.errors.length - ERRORS_SHOWN} more)` : '';
      this.problem = `the inputs at ${commit.slice(0, 12)} do not load: ${shown}${more}; run npm run synth in the checkout to see every error`;
      this.refused = commit;
      return false;
    }
    this.loaded = { model: result.model, commit };
    this.problem = undefined;
    this.refused = undefined;
    return true;
  }
}
