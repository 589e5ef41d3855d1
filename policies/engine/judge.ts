import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml, type Model, type ModelSources, type PathSegment, type Position, type Waiver } from '../../schemas';
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
  /**
   * The revision `base` names, already loaded: a caller judging many changes on one base (the console) loads
   * it once per commit instead of once per judgement.
   */
  baseRevision?: Revision;
  now?: Date;
  health?: Record<string, RegionHealth>;
  /** Also evaluate the base on its own, for before/after figures. */
  evaluateBase?: boolean;
  /**
   * The base's own report from an earlier judgement on the same base commit, used instead of evaluating the base
   * again. Its resilience depends on the base model alone; its findings are as of that earlier judgement.
   */
  baseReport?: PolicyReport;
  /** The files the working tree changes from `base`, when the caller has just listed them (the console's staged diff). */
  changedFiles?: ChangeSummary['files'];
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
  if (!options.base) return { report: await withPositions(root, engine.evaluate(policyInput({ ...head, ...common }))) };
  const revision = options.baseRevision ?? (await loadRevision(root, options.base));
  const change = summarizeChange(options.changedFiles ?? (await changedFiles(root, revision.commit)), revision.files, head.files);
  const report = await withPositions(root, engine.evaluate(policyInput({ ...head, ...common, base: { model: revision.model, sources: revision.sources }, change })));
  const baseReport = options.baseReport ?? (options.evaluateBase ? engine.evaluate(policyInput({ ...revision, ...common })) : undefined);
  return { report, base: { revision, ...(baseReport ? { report: baseReport } : {}) }, change };
}

/** Adds line and column to findings in YAML files of the working tree, so editors and SARIF viewers can jump there. */
async function withPositions(root: string, report: PolicyReport): Promise<PolicyReport> {
  const documents = new Map<string, ((path: readonly PathSegment[]) => Position | undefined) | undefined>();
  const findings = [];
  for (const finding of report.findings) {
    const { file } = finding.location;
    if (!/\.ya?ml$/.test(file)) {
      findings.push(finding);
      continue;
    }
    if (!documents.has(file)) {
      const text = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
      documents.set(file, text === undefined ? undefined : parseYaml(file, text).positionOf);
    }
    const position = documents.get(file)?.(pathSegments(finding.location.path));
    findings.push(position ? { ...finding, location: { ...finding.location, line: position.line, column: position.column } } : finding);
  }
  return { ...report, findings };
}

/** `dataSets[3].rpoSeconds` → `['dataSets', 3, 'rpoSeconds']` */
function pathSegments(dotted: string): PathSegment[] {
  return [...dotted.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] !== undefined ? Number(match[2]) : match[1]!));
}
