import { declarationWindow, editsFor, planFailback, planFailover, propose, type RegionChange } from '../../modules/failover';
import type { Scenario } from '../../schemas/scenarios';
import type { Model, ModelSources } from '../../schemas';
import { movesTraffic, type DrillKind } from '../../schemas/drill-record';
import { DrillError, type DrillChange, type DrillPrelude } from './drill-plan';

/** How long a drill's failover declaration holds: the window the operator has to run the drill in. */

export interface ResponseRequest {
  /** The drill's id, filled into the steps that name it (`npm run drill -- record <id>`). */
  id: string;
  kind: DrillKind;
  scenario: Scenario;
  from: string;
  to: string;
  now: Date;
  /** Who proposes the change and declares the failover (`proposerOf`). */
  by: string;
  /** A CAB member other than `by` approving the change as an emergency, declared when a change freeze is in force. */
  emergencyApprover?: string;
  reason: string;
}

/** Who proposes a drill: `--by`, else the first owner CODEOWNERS names for regions/, the team that answers for region changes. */
export function proposerOf(model: Model, by: string | undefined): string {
  const proposer = by ?? model.global.owners.find((rule) => rule.path.replace(/^\//, '').replace(/\/?\*?$/, '') === 'regions')?.owners[0];
  if (!proposer) throw new DrillError('--by: name who proposes the drill (a GitHub handle); regions/ has no owner in global.yaml to default to');
  return proposer;
}

/** The region that takes over when none is named: the only other one. */
export function defaultTarget(model: Model, from: string): string | undefined {
  const others = model.regions.filter((region) => region.id !== from);
  return others.length === 1 ? others[0]!.id : undefined;
}

/**
 * The failover's response as the drill proposes it, from modules/failover.ts (the plan the console and the
 * standing plans propose), with its declaration filled for now.
 */
export function failoverResponse(request: ResponseRequest) {
  return (model: Model, sources: ModelSources): DrillChange => proposed(model, sources, request, planFailover(model, { from: request.from, to: request.to, scenario: request.scenario.id }));
}

/**
 * A failback is planned on the model its failover leaves. When the checkout is not failed over (a rehearsal from
 * a clean clone), the failover is written first as the base the failback is judged against, and the failback
 * restores the weights the checkout has now, as the standing plans do.
 */
export function failbackResponse(request: ResponseRequest): { prelude: DrillPrelude; change: (model: Model, sources: ModelSources) => DrillChange } {
  let weights: Record<string, number> | undefined;
  const prelude: DrillPrelude = (model, sources) => {
    const failover = valid(planFailover(model, { from: request.from, to: request.to, scenario: request.scenario.id }));
    if (!failover.settings.length) return null;
    weights = Object.fromEntries(model.regions.map((region) => [region.id, region.traffic.weight]));
    const change = propose(model, failover, proposal(request));
    return { summary: `the failover it undoes (${summaryOf(failover, request.scenario)})`, edits: editsFor(change, sources) };
  };
  const change = (model: Model, sources: ModelSources): DrillChange => proposed(model, sources, request, planFailback(model, { from: request.from, to: request.to, scenario: request.scenario.id, ...(weights ? { weights } : {}) }));
  return { prelude, change };
}

function proposed(model: Model, sources: ModelSources, request: ResponseRequest, result: ReturnType<typeof planFailover>): DrillChange {
  const change = propose(model, valid(result), proposal(request));
  return {
    kind: change.kind,
    summary: summaryOf(change, request.scenario),
    edits: editsFor(change, sources),
    steps: change.steps.map((step, index) => ({ order: index + 1, ...step, where: step.where.replaceAll('<id>', request.id) })),
    window: declarationWindow(request.now),
  };
}

function proposal(request: ResponseRequest) {
  const { start, end } = declarationWindow(request.now);
  return { reason: request.reason, declaredBy: request.by, start, end, ...(request.emergencyApprover ? { emergencyApprovedBy: request.emergencyApprover } : {}) };
}

function valid(result: ReturnType<typeof planFailover>): RegionChange {
  if (result.kind === 'invalid') throw new DrillError(result.reason);
  return result;
}

/** What the change does, labelled by what the scenario's response is: a failover moves traffic, the others set switches in `from`. */
function summaryOf(change: RegionChange, scenario: Scenario): string {
  const settings = change.settings.map((setting) => `${setting.region} ${setting.path.join('.')} ${String(setting.before)} → ${String(setting.after)}`);
  const declaration = change.declaration ? [`declare failover ${change.declaration.from} → ${change.declaration.to}`] : [];
  const promotion = change.promotion ? [`${change.promotion.mode} of ${change.promotion.globalClusters.join(', ')} to ${change.promotion.to}`] : [];
  const label = movesTraffic(scenario.id) ? `${change.kind} ${change.from} → ${change.to}` : `${scenario.id} ${change.kind === 'failback' ? 'response undone' : 'response'} in ${change.from}`;
  return `${label}: ${[...settings, ...declaration, ...promotion].join('; ') || 'no input value changes'}`;
}
