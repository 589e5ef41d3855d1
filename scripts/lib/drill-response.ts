import { declarationWindow, editsFor, planFailback, planFailover, propose, type RegionChange } from '../../modules/failover';
import type { Scenario } from '../../schemas/scenarios';
import type { Model, ModelSources } from '../../schemas';
import type { DrillKind } from '../../schemas/drill-record';
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
  /** Who declares the failover; by default the first owner CODEOWNERS names for regions/. */
  by?: string;
  reason: string;
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
    const change = propose(model, failover, proposal(request, model));
    return { summary: `the failover it undoes (${summaryOf(failover)})`, edits: editsFor(change, sources) };
  };
  const change = (model: Model, sources: ModelSources): DrillChange => proposed(model, sources, request, planFailback(model, { from: request.from, to: request.to, scenario: request.scenario.id, ...(weights ? { weights } : {}) }));
  return { prelude, change };
}

function proposed(model: Model, sources: ModelSources, request: ResponseRequest, result: ReturnType<typeof planFailover>): DrillChange {
  const change = propose(model, valid(result), proposal(request, model));
  return {
    kind: change.kind,
    summary: summaryOf(change),
    edits: editsFor(change, sources),
    steps: change.steps.map((step, index) => ({ order: index + 1, ...step, where: step.where.replaceAll('<id>', request.id) })),
    window: declarationWindow(request.now),
  };
}

function proposal(request: ResponseRequest, model: Model) {
  const { start, end } = declarationWindow(request.now);
  const declaredBy = request.by ?? regionOwner(model);
  if (!declaredBy) throw new DrillError('--by: name who declares the failover (a GitHub handle); regions/ has no owner in global.yaml to default to');
  return { reason: request.reason, declaredBy, start, end };
}

/** The first owner of the CODEOWNERS rule for regions/, the team that answers for region changes. */
function regionOwner(model: Model): string | undefined {
  return model.global.owners.find((rule) => rule.path.replace(/^\//, '').replace(/\/?\*?$/, '') === 'regions')?.owners[0];
}

function valid(result: ReturnType<typeof planFailover>): RegionChange {
  if (result.kind === 'invalid') throw new DrillError(result.reason);
  return result;
}

function summaryOf(change: RegionChange): string {
  const settings = change.settings.map((setting) => `${setting.region} ${setting.path.join('.')} ${String(setting.before)} → ${String(setting.after)}`);
  const declaration = change.declaration ? [`declare failover ${change.declaration.from} → ${change.declaration.to}`] : [];
  const promotion = change.promotion ? [`${change.promotion.mode} of ${change.promotion.globalClusters.join(', ')} to ${change.promotion.to}`] : [];
  return `${change.kind} ${change.from} → ${change.to}: ${[...settings, ...declaration, ...promotion].join('; ') || 'no input value changes'}`;
}
