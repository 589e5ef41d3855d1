import type { LoadResult, Model } from '../../schemas';

/** Repository-relative paths mapped to contents: everything synth owns. */
export type FileTree = ReadonlyMap<string, string>;

/** Everything a gate may look at, computed once per run by whoever runs the gates (CLI or console). */
export interface GateContext {
  /** Repository root. */
  root: string;
  load: LoadResult;
  /** A fresh synth of the loaded model (generated/, CODEOWNERS, JSON Schemas); absent when the model did not load or synthesis threw. */
  synthesized?: FileTree;
  synthError?: string;
  /** The compile stage the caller handed in, for gates that synthesise a changed model (the standing failover plans). */
  synthOutputs?: (model: Model) => FileTree;
  /** What is committed now at every path a fresh synth writes, plus everything under `generated/`. */
  committed: FileTree;
  /** Git ref of the pull request's base, when the run judges a change (`MR_BASE_REF`). */
  baseRef?: string;
  /** The time policies judge at (freezes, declarations, waiver expiry). @default the current time */
  now?: Date;
}

export interface GateResult {
  ok: boolean;
  /** One line, shown beside the gate's name. */
  summary: string;
  /** Shown under the gate when it fails: what is wrong and what to do about it. */
  details: string[];
  /**
   * The gate did not judge anything (an operator opted out on a machine that cannot run it). Counted
   * as skipped in the closing line, never as passed.
   */
  skipped?: boolean;
  /** Test cases the gate ran itself (e.g. `opa test`), counted in the closing line beside vitest's. */
  tests?: { passed: number; failed: number };
}

export interface Gate {
  name: string;
  /** What the gate guarantees when it passes, for the report and the docs. */
  description: string;
  run(context: GateContext): Promise<GateResult>;
}

export function pass(summary: string): GateResult {
  return { ok: true, summary, details: [] };
}

export function fail(summary: string, details: string[] = []): GateResult {
  return { ok: false, summary, details };
}

/** Not run, by an explicit opt-out; `details` say what was missing. */
export function skip(summary: string, details: string[] = []): GateResult {
  return { ok: true, skipped: true, summary, details };
}
