import { primaryRegion, type DataSet, type Declaration, type DegradedSwitch, type Model, type ModelSources, type Region } from '../schemas';
import type { InputEdit } from './edits/apply-edits';
import { kafkaMirror, kafkaMirrorsInto } from './kafka-mirrors';
import { auroraGlobalClusterId, fisExperimentTemplateName, RECONCILIATION, reconciledDataSets, regionResourceName, regionSwitchPlanName } from './names';
import { SCENARIOS, type ScenarioId } from '../schemas/scenarios';

/**
 * The runbook's response to a scenario as a change to the model: the one plan the console's guided failover,
 * `npm run drill` and the standing plans under `generated/failover/` all propose. A change is planned from a
 * model alone and holds no clock, so the standing plan for a pair of regions is the same on every synth; the
 * declaration's name, window, reason and author are filled when someone proposes it (`propose`).
 */

/** A value the response sets in a region's input file. */
export type SettingPath = readonly ['traffic', 'weight'] | readonly ['readOnly'] | readonly ['degradedMode', DegradedSwitch];

export interface RegionSetting {
  region: string;
  path: SettingPath;
  before: number | boolean;
  after: number | boolean;
}

/** Where a step is carried out, so an operator knows which screen or command it needs. */
export type StepChannel = 'pull-request' | 'region-switch' | 'argo-cd' | 'terraform' | 'msk' | 'observability' | 'reconciliation' | 'drill-record';

export interface FailoverStep {
  /** What happens, as an imperative a runbook reader follows. */
  what: string;
  /** Who acts: a person's role or the system that runs the step. */
  who: string;
  /** The command, plan, screen or file the step happens in. */
  where: string;
  channel: StepChannel;
}

/** The Aurora writer moving with the change: every `aurora` data set's global database, to `to`. */
export interface Promotion {
  from: string;
  to: string;
  /** `failover` when the writer's region is lost (may lose up to the lag); `switchover` when both regions are healthy (no loss). */
  mode: 'failover' | 'switchover';
  globalClusters: string[];
}

/** What must hold before traffic returns to a region: replication caught up and the regions reconciled. */
export interface CatchUpCheck {
  /** Each data set's lag into the returning region must be under its alert threshold. */
  lag: Array<{ dataSet: string; store: DataSet['store']; underSeconds: number }>;
  /** Data sets the reconciliation compares between the two regions; any difference stops the failback. */
  reconcile: string[];
}

export interface RegionChange {
  kind: 'failover' | 'failback';
  scenario: ScenarioId;
  /** The region the scenario is about: it loses traffic in a failover, gets it back in a failback. */
  from: string;
  /** The region that takes over. */
  to: string;
  /** Only values that differ from the model planned on, in the order they were decided. */
  settings: RegionSetting[];
  /** A failover declaration to propose, without name, window, reason or author; null when no traffic moves. */
  declaration: { kind: 'failover'; from: string; to: string } | null;
  promotion: Promotion | null;
  /** Failback only: checked before the traffic moves back. */
  catchUp: CatchUpCheck | null;
  steps: FailoverStep[];
}

export type PlanResult = RegionChange | { kind: 'invalid'; reason: string };

export interface FailoverRequest {
  from: string;
  to: string;
  scenario: ScenarioId;
}

/**
 * The scenario's response as a change. A failover moves `from`'s share of traffic to `to` (with two regions:
 * all of it), makes `from` read-only and `to` writable, and, when `from` holds the Aurora writer, promotes it
 * in `to`. The degraded switches the scenario asks for are turned on in `from`.
 */
export function planFailover(model: Model, request: FailoverRequest): PlanResult {
  const regions = pair(model, request);
  if ('reason' in regions) return { kind: 'invalid', reason: regions.reason };
  const { from, to } = regions;
  const { response } = SCENARIOS[request.scenario];
  const settings = new Settings();
  if (response.failover) {
    settings.set(to, ['traffic', 'weight'], to.traffic.weight + from.traffic.weight);
    settings.set(from, ['traffic', 'weight'], 0);
    settings.set(from, ['readOnly'], true);
    // The region taking the traffic must take the writes too, or the policies refuse a failover to a read-only region.
    settings.set(to, ['readOnly'], false);
  }
  if (response.pauseProducers) settings.set(from, ['degradedMode', 'pauseProducers'], true);
  if (response.priorityWritesOnly) settings.set(from, ['degradedMode', 'priorityWritesOnly'], true);
  const promotion = response.failover && from.id === primaryRegion(model).id ? promotionOf(model, from, to, 'failover') : null;
  const change: RegionChange = {
    kind: 'failover',
    scenario: request.scenario,
    from: from.id,
    to: to.id,
    settings: settings.list,
    declaration: response.failover ? { kind: 'failover', from: from.id, to: to.id } : null,
    promotion,
    catchUp: null,
    steps: [],
  };
  return { ...change, steps: failoverSteps(model, change) };
}

export interface FailbackRequest extends FailoverRequest {
  /**
   * Every region's weight once traffic is back. The standing plans restore the weights the failover found;
   * without it the returning region and `to` share `to`'s weight evenly.
   */
  weights?: Readonly<Record<string, number>>;
}

/**
 * The mirror image of a failover, planned on the model the failover left: `from` writable again, the degraded
 * switches the scenario set turned off, and (for a failover scenario) traffic and the Aurora writer back in `from`.
 * Nothing moves until the catch-up check passes: replication into `from` under each data set's alert threshold and
 * a clean reconciliation of the two regions.
 */
export function planFailback(model: Model, request: FailbackRequest): PlanResult {
  const regions = pair(model, request);
  if ('reason' in regions) return { kind: 'invalid', reason: regions.reason };
  const { from, to } = regions;
  const { response } = SCENARIOS[request.scenario];
  const settings = new Settings();
  if (response.failover) {
    const weights = request.weights ?? evenSplit(from, to);
    const unknown = Object.keys(weights).filter((id) => !model.regions.some((region) => region.id === id));
    if (unknown.length) return { kind: 'invalid', reason: `weights: expected region ids of this model (${model.regions.map((region) => region.id).join(', ')}), got ${unknown.join(', ')}` };
    for (const region of model.regions) if (region.id in weights) settings.set(region, ['traffic', 'weight'], weights[region.id]!);
    settings.set(from, ['readOnly'], false);
  }
  if (response.pauseProducers) settings.set(from, ['degradedMode', 'pauseProducers'], false);
  if (response.priorityWritesOnly) settings.set(from, ['degradedMode', 'priorityWritesOnly'], false);
  const change: RegionChange = {
    kind: 'failback',
    scenario: request.scenario,
    from: from.id,
    to: to.id,
    settings: settings.list,
    // Moving the traffic back is as large a shift as moving it away, and the failover's window may have ended.
    declaration: response.failover ? { kind: 'failover', from: to.id, to: from.id } : null,
    promotion: response.failover && from.id === primaryRegion(model).id ? promotionOf(model, to, from, 'switchover') : null,
    catchUp: catchUpOf(model),
    steps: [],
  };
  return { ...change, steps: failbackSteps(model, change) };
}

/** A failover and its failback, both for the `outage` response, planned on the model as it is: what an incident proposes unchanged. */
export interface StandingPlan {
  from: string;
  to: string;
  failover: RegionChange;
  failback: RegionChange;
}

/** The scenario whose response the standing plans hold; a partition answers the same way. */
export const STANDING_SCENARIO: ScenarioId = 'outage';

/** One standing plan per ordered pair of regions, in model order. */
export function standingPlans(model: Model): StandingPlan[] {
  return model.regions.flatMap((from) =>
    model.regions
      .filter((to) => to.id !== from.id)
      .map((to) => {
        const failover = planned(planFailover(model, { from: from.id, to: to.id, scenario: STANDING_SCENARIO }));
        const weights = Object.fromEntries(model.regions.map((region) => [region.id, region.traffic.weight]));
        const failback = planned(planFailback(modelAfter(model, failover), { from: from.id, to: to.id, scenario: STANDING_SCENARIO, weights }));
        return { from: from.id, to: to.id, failover, failback };
      }),
  );
}

/** What is filled in when a change is proposed: by whom, why, and for how long the declaration holds. */
/** How long a declared failover lasts when whoever proposes it gives no end: the console, a drill. */
export const DECLARATION_HOURS = 4;

/** A declaration window from `now`, to the second, lasting `DECLARATION_HOURS` unless `end` is given. */
export function declarationWindow(now: Date, end?: string): { start: string; end: string } {
  const start = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { start: start.toISOString(), end: end ?? new Date(start.getTime() + DECLARATION_HOURS * 3_600_000).toISOString() };
}

export interface Proposal {
  reason: string;
  declaredBy: string;
  /** UTC ISO date-time the declaration starts; also names it, to the minute. */
  start: string;
  end: string;
  /**
   * A CAB member approving the change as an emergency. Declared only while a change freeze is in force at `start`
   * and no emergency is; without one, a change proposed during a freeze is refused by the freeze policy.
   */
  emergencyApprovedBy?: string;
}

export interface ProposedChange extends RegionChange {
  /** Appended to global.declarations, in this order. */
  declarations: Declaration[];
}

/** The change with its declarations written out. */
export function propose(model: Model, change: RegionChange, proposal: Proposal): ProposedChange {
  const stamp = declarationStamp(proposal.start);
  const window = { reason: proposal.reason, declaredBy: proposal.declaredBy, start: proposal.start, end: proposal.end };
  const declarations: Declaration[] = [];
  if (change.declaration) {
    declarations.push({ kind: 'failover', name: `${change.kind}-${change.from}-${stamp}`, from: change.declaration.from, to: change.declaration.to, ...window });
  }
  const frozen = model.global.changeFreezes.some((freeze) => inWindow(freeze, proposal.start));
  const emergency = model.global.declarations.some((declaration) => declaration.kind === 'emergency' && inWindow(declaration, proposal.start));
  if (proposal.emergencyApprovedBy && frozen && !emergency) {
    declarations.push({ kind: 'emergency', name: `emergency-${change.from}-${stamp}`, ...window, approvedBy: proposal.emergencyApprovedBy });
  }
  return { ...change, declarations };
}

/** The model once the change is merged: its settings applied and, when proposed, its declarations added. */
export function modelAfter(model: Model, change: RegionChange | ProposedChange): Model {
  const regions = model.regions.map((region) => change.settings.filter((setting) => setting.region === region.id).reduce(withSetting, region));
  const declarations = 'declarations' in change ? [...model.global.declarations, ...change.declarations] : model.global.declarations;
  return { ...model, regions, global: { ...model.global, declarations } };
}

/**
 * The input edits that make the change, per file: the console's preview and `npm run drill -- --branch` apply
 * these with the same editors, so both produce the same minimal diff.
 */
export function editsFor(change: ProposedChange, sources: ModelSources): Map<string, InputEdit[]> {
  const edits = new Map<string, InputEdit[]>();
  const add = (file: string, edit: InputEdit) => edits.set(file, [...(edits.get(file) ?? []), edit]);
  for (const setting of change.settings) {
    const file = sources.regions[setting.region];
    if (!file) throw new Error(`no input file for region ${setting.region}: the change was planned on another model`);
    add(file, { op: 'set', path: setting.path, value: setting.after });
  }
  for (const declaration of change.declarations) add(sources.global, { op: 'append', path: ['declarations'], item: declaration });
  return edits;
}

/** `20260301-0300`: a declaration name is unique per region and minute, and a slug of at most 40 characters. */
function declarationStamp(start: string): string {
  return new Date(start).toISOString().replace(/[-:]/g, '').slice(0, 13).toLowerCase().replace('t', '-');
}

function inWindow(window: { start: string; end: string }, at: string): boolean {
  const time = Date.parse(at);
  return Date.parse(window.start) <= time && time < Date.parse(window.end);
}

function pair(model: Model, request: { from: string; to: string }): { from: Region; to: Region } | { reason: string } {
  const ids = model.regions.map((region) => region.id);
  const find = (id: string) => model.regions.find((region) => region.id === id);
  const [from, to] = [find(request.from), find(request.to)];
  if (!from) return { reason: `--from: expected a region of this repository (${ids.join(', ')}), got ${JSON.stringify(request.from)}` };
  if (!to) return { reason: `--to: expected a region of this repository (${ids.join(', ')}), got ${JSON.stringify(request.to)}` };
  if (from.id === to.id) return { reason: `--to: expected another region than --from ${from.id}` };
  return { from, to };
}

function planned(result: PlanResult): RegionChange {
  if (result.kind === 'invalid') throw new Error(`a standing plan of a validated model is always valid: ${result.reason}`);
  return result;
}

/** Collects settings, keeping only values that differ from the model and the last value set for each. */
class Settings {
  readonly list: RegionSetting[] = [];

  set(region: Region, path: SettingPath, after: number | boolean): void {
    const before = valueAt(region, path);
    const index = this.list.findIndex((setting) => setting.region === region.id && setting.path.join('.') === path.join('.'));
    if (index >= 0) this.list.splice(index, 1);
    if (before !== after) this.list.push({ region: region.id, path, before, after });
  }
}

function valueAt(region: Region, path: SettingPath): number | boolean {
  if (path[0] === 'traffic') return region.traffic.weight;
  if (path[0] === 'readOnly') return region.readOnly;
  return region.degradedMode[path[1]];
}

function withSetting(region: Region, setting: RegionSetting): Region {
  const { path, after } = setting;
  if (path[0] === 'traffic') return { ...region, traffic: { ...region.traffic, weight: after as number } };
  if (path[0] === 'readOnly') return { ...region, readOnly: after as boolean };
  return { ...region, degradedMode: { ...region.degradedMode, [path[1]]: after as boolean } };
}

/** `to`'s weight split between the returning region and `to`, the remainder to the returning region. */
function evenSplit(from: Region, to: Region): Record<string, number> {
  const total = from.traffic.weight + to.traffic.weight;
  const back = Math.ceil(total / 2);
  return { [from.id]: back, [to.id]: total - back };
}

function promotionOf(model: Model, from: Region, to: Region, mode: Promotion['mode']): Promotion | null {
  const globalClusters = model.replication.dataSets.filter((dataSet) => dataSet.store === 'aurora').map((dataSet) => auroraGlobalClusterId(model.global, dataSet));
  return globalClusters.length ? { from: from.id, to: to.id, mode, globalClusters } : null;
}

function catchUpOf(model: Model): CatchUpCheck {
  const { dataSets } = model.replication;
  return {
    lag: dataSets.map((dataSet) => ({ dataSet: dataSet.name, store: dataSet.store, underSeconds: dataSet.lagAlertSeconds })),
    reconcile: reconciledDataSets(model).map((dataSet) => dataSet.name),
  };
}

function settingText(setting: RegionSetting): string {
  return `${setting.region} ${setting.path.join('.')} ${String(setting.before)} → ${String(setting.after)}`;
}

const REVIEWER = 'a reviewer CODEOWNERS names for regions/, not the proposer';

function proposalSteps(change: RegionChange): FailoverStep[] {
  const command = `npm run drill -- ${change.kind === 'failback' ? 'failback ' : ''}--from ${change.from} --to ${change.to} --scenario ${change.scenario} --branch`;
  const console = change.kind === 'failover' && change.declaration ? ` or the console's guided failover ${change.from} → ${change.to}` : '';
  const what = change.settings.length ? change.settings.map(settingText).join('; ') : 'no input value changes';
  return [
    { what: `Propose the change (${what})${change.declaration ? ' with a failover declaration' : ''}`, who: 'on-call engineer', where: `\`${command}\`${console}`, channel: 'pull-request' },
    {
      // Only a change that moves traffic is held to the RTO; the others are held to the RPO.
      what: `Approve and merge the pull request once the policy gate passes${change.declaration ? ' (the approval term of the RTO)' : ''}`,
      who: REVIEWER,
      where: 'the pull request',
      channel: 'pull-request',
    },
  ];
}

/** `ungraceful` when the region left is lost, `graceful` (a switchover, nothing lost) when both answer. */
function regionSwitchStep(model: Model, region: Region, mode: 'graceful' | 'ungraceful'): FailoverStep {
  const plan = regionSwitchPlanName(model.global);
  return {
    what: `Activate ${region.awsRegion} with the Region switch plan ${plan}: its approval step, EKS scale-up, Aurora writer move, Route 53 health checks`,
    who: `on-call engineer starts it; a holder of the role ${plan}-approver (MFA) approves its approval step`,
    where: `ARC Region switch plan ${plan}: \`aws arc-region-switch start-plan-execution --plan-arn <${plan} ARN> --target-region ${region.awsRegion} --action activate --mode ${mode}\``,
    channel: 'region-switch',
  };
}

function promotionStep(model: Model, promotion: Promotion): FailoverStep {
  const verb = promotion.mode === 'failover' ? 'Fail over' : 'Switch over';
  return {
    what: `${verb} the Aurora global ${promotion.globalClusters.length === 1 ? 'database' : 'databases'} ${promotion.globalClusters.join(', ')} to ${promotion.to}, so its writer is there`,
    who: `the Region switch plan ${regionSwitchPlanName(model.global)}'s Aurora step`,
    where: `ARC Region switch plan ${regionSwitchPlanName(model.global)}`,
    channel: 'region-switch',
  };
}

/**
 * Argo CD syncing the flags (read-only, degraded switches) the change sets in `regions`; none when it sets none there.
 * `why` says what the timing of the sync protects.
 */
function flagSteps(change: RegionChange, regions: readonly string[], why = ''): FailoverStep[] {
  const synced = regions.filter((id) => change.settings.some((setting) => setting.region === id && setting.path[0] !== 'traffic'));
  if (!synced.length) return [];
  return [
    {
      what: `Sync the feature flags (read-only, degraded switches) of ${synced.join(', ')}${why}; pods read them without a rollout`,
      who: 'Argo CD in each region',
      where: synced.map((id) => `generated/k8s/${id}/`).join(', '),
      channel: 'argo-cd',
    },
  ];
}

function weightSteps(change: RegionChange): FailoverStep[] {
  if (!change.settings.some((setting) => setting.path[0] === 'traffic')) return [];
  return [{ what: 'Apply the global stack so the Route 53 weights and the accelerator dials match the merged weights', who: 'the CI apply job for the global stack, behind its protected environment', where: 'generated/terraform/global/', channel: 'terraform' }];
}

function recordStep(change: RegionChange): FailoverStep {
  return {
    what: change.declaration
      ? 'Record the measured recovery time and timeline against the predicted RTO and RPO'
      : `Record the timeline and the measured lag against the predicted RPO and the hypothesis of the ${change.scenario} scenario`,
    who: 'on-call engineer',
    where: '`npm run drill -- record <id> --from-json <GetPlanExecution or FIS GetExperiment output>`',
    channel: 'drill-record',
  };
}

function failoverSteps(model: Model, change: RegionChange): FailoverStep[] {
  const from = model.regions.find((region) => region.id === change.from)!;
  const to = model.regions.find((region) => region.id === change.to)!;
  const steps = proposalSteps(change);
  // `from` stops taking writes and producing before the writer moves, so the two regions never both write (no split-brain).
  steps.push(...flagSteps(change, [from.id], change.declaration ? ` before the writer moves, so ${from.id} stops taking writes and producing first` : ''));
  if (change.declaration) steps.push(regionSwitchStep(model, to, 'ungraceful'));
  if (change.promotion) steps.push(promotionStep(model, change.promotion));
  // `to` takes writes only once its writer is there.
  steps.push(...flagSteps(change, [to.id]), ...weightSteps(change));
  if (change.scenario === 'mirror-break') steps.push(mirrorStep(model, from, to));
  if (change.scenario === 'lag-spike') {
    steps.push({ what: `Watch replication lag out of ${from.id} fall under ${model.global.slo.replicationLagSeconds} s; then propose the failback to accept every write again`, who: 'on-call engineer', where: `${from.id} Prometheus (${from.observability.prometheusUrl})`, channel: 'observability' });
  }
  steps.push(recordStep(change));
  return steps;
}

/**
 * The replicator a mirror break stops, where its stack runs it (the target's region, which also holds the
 * FIS experiment that stops it), or a plain statement that no stack mirrors in this direction.
 */
function mirrorStep(model: Model, from: Region, to: Region): FailoverStep {
  const mirror = kafkaMirror(model, from, to);
  if (!mirror) {
    const existing = model.regions.flatMap((target) => kafkaMirrorsInto(model, target)).map((other) => `${other.name} (${other.source.id} → ${other.target.id}, runs in ${other.target.awsRegion})`);
    return {
      what: `No MSK Replicator mirrors ${from.id}'s topics to ${to.id}, so there is no mirror to restart and this direction rehearses nothing; ${existing.length ? `the replicators the stacks run are ${existing.join(', ')}` : 'no stack runs an MSK Replicator'}`,
      who: 'on-call engineer',
      where: `regions/replication-rules.yaml (kafka data sets: active-passive topics flow from the primary only)`,
      channel: 'msk',
    };
  }
  return {
    what: `Restart the MSK Replicator ${mirror.name} (FIS experiment template ${fisExperimentTemplateName(regionResourceName(model.global, mirror.target), 'mirror-break')} stops it) and watch the mirror lag fall under its alert threshold; then propose the failback to resume producers`,
    who: 'on-call engineer',
    where: `MSK Replicator ${mirror.name} (${mirror.target.awsRegion})`,
    channel: 'msk',
  };
}

function failbackSteps(model: Model, change: RegionChange): FailoverStep[] {
  const from = model.regions.find((region) => region.id === change.from)!;
  const steps: FailoverStep[] = [];
  if (change.catchUp) {
    const lag = change.catchUp.lag.map((check) => `${check.dataSet} < ${check.underSeconds} s`).join(', ');
    steps.push({ what: `Check replication into ${from.id} has caught up: ${lag}`, who: 'on-call engineer', where: `${from.id} Prometheus (${from.observability.prometheusUrl})`, channel: 'observability' });
    steps.push({
      what: `Reconcile ${change.catchUp.reconcile.join(', ')} between ${change.to} and ${from.id}; a Job that fails found a missing or changed record, which stops the failback until it is resolved`,
      who: 'on-call engineer, in each of the two regions',
      where: `\`argocd app sync argocd/${RECONCILIATION} --timeout 3600\`, then \`kubectl --namespace ${RECONCILIATION} logs job/reconcile-<data set>-<peer>\``,
      channel: 'reconciliation',
    });
  }
  steps.push(...proposalSteps(change));
  if (change.declaration) steps.push(regionSwitchStep(model, from, 'graceful'));
  if (change.promotion) steps.push(promotionStep(model, change.promotion));
  // The returning region takes writes only once the writer is back.
  steps.push(...flagSteps(change, [change.from, change.to]), ...weightSteps(change), recordStep(change));
  return steps;
}
