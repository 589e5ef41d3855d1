import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUNDLE_DIR, METADATA_FILE, READS_FILE, WASM_FILE } from '../../../policies/engine/bundle';
import { loadRevision, type Revision } from '../../../policies/engine/change';
import { loadPolicyEngine, type PolicyEngine, type PolicyReport } from '../../../policies/engine/engine';
import type { Forge } from '../forges/forge';
import { KeyedLock } from './keyed-lock';
import { git, Mirror } from './git';
import type { DefaultBranch } from './types';

/** Everything about one base commit that no preview changes: loaded once, reused by every preview on it. */
export interface Base {
  branch: string;
  sha: string;
  revision: Revision;
  engine: PolicyEngine;
  /** sha-256 of the base's policy wasm. */
  bundleHash: string;
  /** The base's own policy report, from the first judgement on it (for the before figures). */
  report?: PolicyReport;
}

/** Worktrees kept at once: the tip, the tip before it (a preview racing a merge), one spare. */
const KEPT_BASES = 3;
/** Revisions kept for conflict attribution besides the bases': a few commits merged since a preview. */
const KEPT_REVISIONS = 16;

/**
 * The console's git state and what it caches per commit: revisions (model, committed outputs) by sha,
 * policy engines by bundle hash, one scratch worktree per recent base. `withBase` hands a base's worktree
 * to one task at a time.
 */
export class Workspace {
  readonly mirror: Mirror;
  private readonly bases = new Map<string, Promise<Base>>();
  private readonly revisions = new Map<string, Promise<Revision>>();
  private readonly engines = new Map<string, Promise<PolicyEngine>>();
  private readonly worktreeLock = new KeyedLock();

  /** The default branch's tip as last learned from the forge, and when it was asked for. */
  private tip?: DefaultBranch & { askedAt: number };
  private readonly tipListeners = new Set<(tip: DefaultBranch) => void>();

  constructor(
    stateDir: string,
    private readonly forge: Pick<Forge, 'fetchUrl' | 'gitEnv' | 'defaultBranch'>,
    seedRepo?: string,
  ) {
    this.mirror = new Mirror(stateDir, forge.fetchUrl, seedRepo, forge.gitEnv && (() => forge.gitEnv!()));
  }

  /**
   * The forge's default branch, its tip present in the mirror. Asked of the forge again only when the last
   * answer (a preview's, the overview's) is older than `maxAgeMs`; by default, always.
   */
  async defaultBranch(maxAgeMs = 0): Promise<DefaultBranch> {
    const known = this.tip;
    if (known && Date.now() - known.askedAt < maxAgeMs) return { name: known.name, sha: known.sha };
    const askedAt = Date.now();
    const tip = await this.forge.defaultBranch();
    await this.mirror.ensureCommit(tip.name, tip.sha);
    // Answers may arrive out of order: an earlier question's answer never replaces a later one's.
    if (!this.tip || askedAt >= this.tip.askedAt) {
      const moved = this.tip?.sha !== tip.sha;
      this.tip = { ...tip, askedAt };
      if (moved) for (const listener of this.tipListeners) listener(tip);
    }
    return tip;
  }

  /** Calls `listener` with each new tip of the default branch `defaultBranch` learns; returns the unsubscribe function. */
  onDefaultBranchMoved(listener: (tip: DefaultBranch) => void): () => void {
    this.tipListeners.add(listener);
    return () => void this.tipListeners.delete(listener);
  }

  /** Worktrees reset since their last use: the next task on them starts at once. */
  private readonly clean = new Set<string>();

  /**
   * Runs `task` with the base's clean worktree; no other task uses that worktree meanwhile. The worktree is
   * reset after the task, before the next one may start, so an operator's next preview finds it clean.
   */
  async withBase<T>(branch: string, sha: string, task: (base: Base, worktree: string) => Promise<T>): Promise<T> {
    const base = await this.load(branch, sha);
    const result = this.worktreeLock.run(sha, async () => {
      const worktree = this.clean.delete(sha) ? path.join(this.mirror.worktreesDir, sha) : await this.mirror.worktree(sha);
      return task(base, worktree);
    });
    void this.worktreeLock.run(sha, async () => {
      await this.mirror.worktree(sha);
      this.clean.add(sha);
    }).catch(() => this.clean.delete(sha));
    return result;
  }

  /** The base at the forge's `branch` tip `sha`, fetched and loaded once; reading it needs no worktree of one's own. */
  async load(branch: string, sha: string): Promise<Base> {
    await this.mirror.ensureCommit(branch, sha);
    return this.base(branch, sha);
  }

  /** Removes the console's refs (`refs/console/*`, which keep commits until the forge has them) to commits older than `cutoff`. */
  async pruneRefs(cutoff: Date): Promise<void> {
    await this.mirror.init();
    const refs = await git(['for-each-ref', '--format=%(refname) %(committerdate:unix)', 'refs/console/'], { cwd: this.mirror.gitDir });
    for (const line of refs.split('\n').filter(Boolean)) {
      const [ref = '', seconds = '0'] = line.split(' ');
      if (Number(seconds) * 1000 < cutoff.getTime()) await git(['update-ref', '-d', ref], { cwd: this.mirror.gitDir });
    }
  }

  /** A commit's model and committed outputs, loaded once per sha. */
  revision(sha: string): Promise<Revision> {
    return remember(this.revisions, sha, KEPT_REVISIONS, () => loadRevision(this.mirror.gitDir, sha));
  }

  private base(branch: string, sha: string): Promise<Base> {
    const known = this.bases.get(sha);
    if (known) return known;
    const loading = (async (): Promise<Base> => {
      const revision = { ...(await this.revision(sha)), ref: branch };
      const worktree = await this.worktreeLock.run(sha, () => this.mirror.worktree(sha));
      const [wasm, metadata, reads] = await Promise.all([
        readFile(path.join(worktree, BUNDLE_DIR, WASM_FILE)),
        readFile(path.join(worktree, BUNDLE_DIR, METADATA_FILE)),
        // Optional: the engine gives a bundle without it the whole input.
        readFile(path.join(worktree, BUNDLE_DIR, READS_FILE)).catch(() => Buffer.alloc(0)),
      ]);
      const bundleHash = sha256(wasm);
      const engineKey = sha256(Buffer.concat([wasm, metadata, reads]));
      const engine = await remember(this.engines, engineKey, KEPT_BASES, () => loadPolicyEngine(worktree));
      return { branch, sha, revision, engine, bundleHash };
    })();
    this.bases.set(sha, loading);
    loading.catch(() => this.bases.delete(sha));
    void this.evictBases();
    return loading;
  }

  private async evictBases(): Promise<void> {
    while (this.bases.size > KEPT_BASES) {
      const [oldest] = this.bases.keys();
      this.bases.delete(oldest!);
      this.clean.delete(oldest!);
      await this.worktreeLock.run(oldest!, () => this.mirror.removeWorktree(oldest!));
    }
  }

  async close(): Promise<void> {
    this.tipListeners.clear();
    const shas = [...this.bases.keys()];
    this.bases.clear();
    await Promise.all(shas.map((sha) => this.worktreeLock.run(sha, () => this.mirror.removeWorktree(sha))));
  }
}

/** Insertion-ordered cache of at most `limit` entries; a failed load is forgotten so the next call retries. */
function remember<T>(cache: Map<string, Promise<T>>, key: string, limit: number, load: () => Promise<T>): Promise<T> {
  const known = cache.get(key);
  if (known) {
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const loading = load();
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  while (cache.size > limit) cache.delete(cache.keys().next().value!);
  return loading;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
