import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyInputEdits, type InputEdit } from '../../modules/edits/apply-edits';
import { EditRefused } from '../../modules/edits/edit-refused';
import { drillTitle } from '../../modules/drills/render';
import { GENERATED_DIR, writeOutputs } from '../../modules/generated-dir';
import { memoizedSynthOutputs, type RepoFiles } from '../../modules/outputs';
import { FAULTS, type Scenario } from '../../schemas/scenarios';
import { blocking, loadPolicyEngine, type PolicyReport } from '../../policies/engine/engine';
import { git } from '../../policies/engine/change';
import type { RegionHealth } from '../../policies/engine/input';
import { judgeWorkingTree, type Judgement } from '../../policies/engine/judge';
import { fisExperimentTemplateName, regionResourceName } from '../../modules/names';
import { formatLocated, loadModel, loadWaivers, resilienceAssumptionsSchema, type Model, type ModelSources } from '../../schemas';
import { movesTraffic, type DrillKind, type DrillRecord, type DrillStep } from '../../schemas/drill-record';
import { writeDrillRecord } from './drill-records';

/** Every drill of a run synthesises a variant of one model: only what a scenario changes is rebuilt. */
const synthOutputs = memoizedSynthOutputs();

/** Why a drill could not be planned at all (as opposed to a plan the policies block): exit 1 with this message. */
export class DrillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillError';
  }
}

/** The response to plan, as the failover module builds it: what to edit, in which order to act. */
export interface DrillChange {
  kind: DrillKind;
  summary: string;
  edits: ReadonlyMap<string, readonly InputEdit[]>;
  steps: DrillStep[];
  /** The window the drill runs in: the failover declaration's when the response declares one. */
  window: { start: string; end: string };
}

/**
 * A change committed in the scratch worktree before the drill's own, as the base it is judged against: the
 * failover a failback rehearsal undoes. Null when the checkout already is in that state.
 */
export type DrillPrelude = (model: Model, sources: ModelSources) => { summary: string; edits: ReadonlyMap<string, readonly InputEdit[]> } | null;

export interface DrillRequest {
  root: string;
  id: string;
  scenario: Scenario;
  from: string;
  to: string;
  /** Who proposes the drill and declares its failover; never also its approver. */
  proposer: string;
  approver: string | null;
  now: Date;
  /** Resilience assumptions to override for a what-if (`--assume key=seconds`); never written to the inputs. */
  assumptions: Record<string, number>;
  /** Write the change as a commit on a new branch `drill/<id>`. */
  branch: boolean;
  prelude?: DrillPrelude;
  /** The response, from the model at HEAD (or after the prelude). */
  change: (model: Model, sources: ModelSources) => DrillChange;
}

export interface PlannedDrill {
  record: DrillRecord;
  report: PolicyReport;
}

/**
 * Plans a drill as a change to HEAD, in a scratch git worktree so the checkout is never touched: apply the
 * response's edits, load, synth, write the outputs, and judge the worktree against HEAD with `judgeWorkingTree`,
 * the pipeline `plan-change` and the console use. The RTO and RPO predictions are the policy engine's
 * resilience figures for losing `from`. With `branch`, the worktree's change is committed on `drill/<id>` together
 * with the drill's evidence record (its JSON, markdown and the drill log), so the checkout is left as it was.
 */
export async function planDrill(request: DrillRequest): Promise<PlannedDrill> {
  const { root } = request;
  const commit = await git(root, ['rev-parse', '--verify', 'HEAD^{commit}']).catch(() => {
    throw new DrillError(`${root} has no commit to plan the drill from (run it in a clone of the repository)`);
  });
  if (request.branch && Object.keys(request.assumptions).length) throw new DrillError('--assume plans a what-if, which is never proposed: drop --branch, or drop --assume');
  const branch = request.branch ? `drill/${request.id}` : null;
  if (branch && (await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).catch(() => ''))) throw new DrillError(`branch ${branch} already exists; a drill writes a new branch only`);

  const scratch = await mkdtemp(path.join(tmpdir(), 'drill-'));
  const worktree = path.join(scratch, 'tree');
  await git(root, ['worktree', 'add', '--quiet', ...(branch ? ['-b', branch] : ['--detach']), worktree, commit]);
  let proposed = false;
  try {
    let base = await loadInputs(worktree, `the inputs at ${commit.slice(0, 12)}`);
    let judgedFrom = commit;
    const prelude = request.prelude?.(base.model, base.sources);
    if (prelude) {
      if (branch) throw new DrillError(`the checkout is not in the state the response undoes; propose it once ${prelude.summary} is merged`);
      await edit(worktree, prelude.edits);
      base = await loadInputs(worktree, `the inputs after ${prelude.summary}`);
      await writeOutputs(worktree, synthOutputs(base.model));
      judgedFrom = await commitWorktree(worktree, `Drill ${request.id}: ${prelude.summary}`);
    }
    const change = request.change(base.model, base.sources);
    await edit(worktree, change.edits);
    const loaded = await loadInputs(worktree, 'the inputs after the response');
    const model = withAssumptions(loaded.model, request.assumptions);
    const files = synthOutputs(model);
    await writeOutputs(worktree, files);

    const engine = await loadPolicyEngine(worktree);
    // The scenario takes `from` down: the rule refusing more traffic to a failing region judges the response as it would during the incident.
    const health: Record<string, RegionHealth> = change.kind === 'failover' && request.scenario.response.failover ? { [request.from]: 'failing' } : {};
    const judgement = await judgeWorkingTree(engine, worktree, { model, sources: loaded.sources, files, waivers: loaded.waivers }, { base: judgedFrom, now: request.now, health, evaluateBase: true });
    const record = drillRecord(request, change, commit, branch, model, files, judgement);
    if (prelude) record.change.summary = `${change.summary} (judged as a change from ${prelude.summary})`;
    if (branch) {
      await writeDrillRecord(worktree, record);
      await commitWorktree(worktree, commitMessage(record));
      proposed = true;
    }
    return { record, report: judgement.report };
  } finally {
    await git(root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    // A refused drill leaves no branch behind: only a committed change is proposed.
    if (branch && !proposed) await git(root, ['branch', '-D', branch]).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
    await git(root, ['worktree', 'prune']).catch(() => undefined);
  }
}

/** The model with overridden resilience assumptions, each held to the schema's range; an unknown name is refused. */
export function withAssumptions(model: Model, assumptions: Record<string, number>): Model {
  if (!Object.keys(assumptions).length) return model;
  // The schema is strict: an assumption global.yaml does not have is refused with its name.
  const checked = resilienceAssumptionsSchema.safeParse({ ...model.global.resilience, ...assumptions });
  if (!checked.success) throw new DrillError(`--assume: ${checked.error.issues.map((issue) => `${issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '')}: ${issue.message}`).join('; ')}`);
  return { ...model, global: { ...model.global, resilience: checked.data } };
}

/**
 * SLO terms the plan breaches: the RTO of losing `from` when the scenario moves traffic (a mirror break or a lag
 * spike moves none, so no recovery is timed), and any data set whose RPO bound exceeds its target or the SLO.
 */
export function breachesOf(report: PolicyReport, from: string, scenario: Scenario): Array<'rto' | 'rpo'> {
  const { rto, rpo } = report.resilience;
  const breaches: Array<'rto' | 'rpo'> = [];
  const lost = rto.byRegion[from];
  if (movesTraffic(scenario.id) && (!lost || lost.seconds > rto.sloSeconds)) breaches.push('rto');
  if (Object.values(rpo.byDataSet).some((figure) => figure.boundSeconds > figure.targetSeconds || figure.boundSeconds > rpo.sloSeconds)) breaches.push('rpo');
  return breaches;
}

/**
 * The `Name` tag of the FIS experiment template that injects the scenario's faults for this drill, read from the
 * synthesised stacks (named by `fisExperimentTemplateName` in modules/names.ts); null
 * when no stack has one. The faults run in `from`, except a mirror break: the MSK Replicator that mirrors `from`
 * into `to` runs in `to`, whose template stops it.
 */
function experimentTemplate(files: RepoFiles, model: Model, scenario: Scenario, from: string, to: string): string | null {
  const region = model.regions.find((candidate) => candidate.id === (scenario.faults.includes('msk-replicator-stop') ? to : from));
  if (!region) return null;
  const name = fisExperimentTemplateName(regionResourceName(model.global, region), scenario.id);
  const stack = files.get(`${GENERATED_DIR}/terraform/${region.id}/cdk.tf.json`);
  const templates = stack ? ((JSON.parse(stack) as { resource?: { aws_fis_experiment_template?: Record<string, { tags?: Record<string, string> }> } }).resource?.aws_fis_experiment_template ?? {}) : {};
  return Object.values(templates).some((template) => template.tags?.Name === name && template.tags.scenario === scenario.id) ? name : null;
}

function drillRecord(request: DrillRequest, change: DrillChange, commit: string, branch: string | null, model: Model, files: RepoFiles, judgement: Judgement): DrillRecord {
  const { report } = judgement;
  const { rto, rpo } = report.resilience;
  const lost = rto.byRegion[request.from];
  if (!lost) throw new DrillError(`the policy engine reports no RTO for losing ${request.from}`);
  const { scenario } = request;
  return {
    schemaVersion: 1,
    id: request.id,
    kind: change.kind,
    commit,
    proposer: request.proposer,
    approver: request.approver,
    window: change.window,
    scenario: {
      id: scenario.id,
      title: scenario.title,
      hypothesis: scenario.hypothesis(request.from, request.to),
      faults: scenario.faults.map((id) => ({ id, fisAction: FAULT_ACTIONS[id] })),
      runbook: scenario.runbook,
      experimentTemplate: experimentTemplate(files, model, scenario, request.from, request.to),
    },
    regions: { from: request.from, to: request.to },
    assumptions: request.assumptions,
    targets: { rtoSeconds: rto.sloSeconds, rpoSeconds: rpo.sloSeconds, dataSets: model.replication.dataSets.map((dataSet) => ({ name: dataSet.name, rpoSeconds: dataSet.rpoSeconds })) },
    predictions: {
      rto: movesTraffic(scenario.id) ? { seconds: lost.seconds, arithmetic: lost.arithmetic } : null,
      rpo: Object.entries(rpo.byDataSet).map(([dataSet, figure]) => ({ dataSet, boundSeconds: figure.boundSeconds, targetSeconds: figure.targetSeconds, arithmetic: figure.arithmetic })),
    },
    change: {
      summary: change.summary,
      files: [...change.edits.keys()].sort(),
      class: report.classification.class,
      passed: blocking(report).length === 0,
      breaches: breachesOf(report, request.from, scenario),
      blocking: blocking(report).map((finding) => ({ policy: finding.policy, message: finding.message, file: finding.location.file, path: finding.location.path })),
      branch,
    },
    steps: change.steps,
    measurements: [],
    deviations: [],
    followUps: [],
    signOff: null,
  };
}

const FAULT_ACTIONS = Object.fromEntries(Object.entries(FAULTS).map(([id, fault]) => [id, fault.fisAction])) as Record<keyof typeof FAULTS, string>;

/** One commit of the inputs and regenerated outputs, saying what it is and how it was judged. */
function commitMessage(record: DrillRecord): string {
  return [
    `Drill ${record.id}: ${record.change.summary}`,
    '',
    `${drillTitle(record)}, planned by npm run drill from ${record.commit.slice(0, 12)}; its evidence record is in operations/drills/${record.id}.json.`,
    record.predictions.rto ? `Predicted RTO ${record.predictions.rto.seconds} s (SLO ${record.targets.rtoSeconds} s): ${record.predictions.rto.arithmetic}` : `No traffic moves: held to the RPO (SLO ${record.targets.rpoSeconds} s) and the hypothesis, not the RTO.`,
    `Risk class ${record.change.class}; the policies ${record.change.passed ? 'pass' : 'block'} the change.`,
  ].join('\n');
}

/** Commits everything in the worktree; a checkout without a git identity commits as the drill. Returns the commit. */
async function commitWorktree(worktree: string, message: string): Promise<string> {
  await git(worktree, ['add', '--all']);
  const identity = (await git(worktree, ['config', 'user.email']).catch(() => '')) ? [] : ['-c', 'user.name=npm run drill', '-c', 'user.email=drill@localhost'];
  await git(worktree, [...identity, 'commit', '--quiet', '--no-verify', '-m', message]);
  return git(worktree, ['rev-parse', 'HEAD']);
}

async function edit(worktree: string, edits: ReadonlyMap<string, readonly InputEdit[]>): Promise<void> {
  try {
    await applyInputEdits(worktree, edits);
  } catch (error) {
    if (error instanceof EditRefused) throw new DrillError(`the response cannot be written as an edit of the inputs: ${formatLocated(error.problem)}`);
    throw error;
  }
}

async function loadInputs(worktree: string, what: string) {
  const [loaded, waivers] = await Promise.all([loadModel(worktree), loadWaivers(worktree)]);
  const errors = [...(loaded.errors ?? []), ...waivers.errors];
  if (loaded.errors || errors.length) throw new DrillError(`${what} do not load:\n${errors.map((e) => `  ${formatLocated(e)}`).join('\n')}`);
  return { model: loaded.model, sources: loaded.sources, waivers: waivers.waivers };
}

