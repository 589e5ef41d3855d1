import type { Model, ModelSources, Waiver } from '../../schemas';
import type { FileTree } from '../gates/gate';
import { repositoryPaths } from './repository';
import { changedFiles, loadRevision, summarizeChange, type Revision } from './change';
import type { PolicyEngine, PolicyReport } from './engine';
import { policyInput, type ChangeSummary, type RegionHealth } from './input';

export interface WorkingTree {
  model: Model;
  sources: ModelSources;
  /** What synth produces for the working tree's model (or, when it cannot, what is committed). */
  files: FileTree;
  waivers: Waiver[];
}

export interface JudgeOptions {
  /** Git ref of the pull request's base; without it, change-aware rules see no change. */
  base?: string;
  now?: Date;
  health?: Record<string, RegionHealth>;
  /** Also evaluate the base on its own, for before/after figures. */
  evaluateBase?: boolean;
}

export interface Judgement {
  report: PolicyReport;
  base?: { revision: Revision; report?: PolicyReport };
  change?: ChangeSummary;
}

/**
 * Judges the working tree, as a change from `options.base` when given: the one path by which the
 * policy gate, `plan-change` and the console build the policies' input.
 */
export async function judgeWorkingTree(engine: PolicyEngine, root: string, head: WorkingTree, options: JudgeOptions = {}): Promise<Judgement> {
  const paths = await repositoryPaths(root, head.files.keys());
  const common = { repositoryPaths: paths, ...(options.now ? { now: options.now } : {}), ...(options.health ? { health: options.health } : {}) };
  if (!options.base) return { report: engine.evaluate(policyInput({ ...head, ...common })) };
  const revision = await loadRevision(root, options.base);
  const change = summarizeChange(await changedFiles(root, options.base), revision.files, head.files);
  const report = engine.evaluate(policyInput({ ...head, ...common, base: { model: revision.model, sources: revision.sources }, change }));
  const baseReport = options.evaluateBase ? engine.evaluate(policyInput({ ...revision, ...common })) : undefined;
  return { report, base: { revision, ...(baseReport ? { report: baseReport } : {}) }, change };
}
