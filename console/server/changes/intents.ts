import { modelAfter, planPromotion, withBarrierRecord, type Change } from '../../../modules/promotion';
import type { Finding } from '../../../policies/engine/engine';
import type { checkBarrier } from '../../../policies/promotion/rollout-barrier';
import { digestOf, RELEASES_FILE, type ChangeIntent, type Declaration, type Model, type ModelSources } from '../../../schemas';
import type { InputEdit } from '../../../modules/edits/apply-edits';
import { declarationWindow, editsFor, planFailover, propose, STANDING_SCENARIO } from '../../../modules/failover';
import type { LiteralValue } from '../../../modules/edits/edit-refused';
import type { Requester } from './types';

/** A value a change sets: where, what to, and how to read it from any revision's model (to compare changes). */
export interface Touch {
  file: string;
  path: string;
  value: unknown;
  read(model: Model): unknown;
}

/**
 * The values an intent sets, named by the files of `model` (the current base): two changes conflict when
 * they touch the same one. Read from intents alone, so an open pull request's trailer is enough.
 */
export function touchesOf(intent: ChangeIntent, model: Model, sources: ModelSources): Touch[] {
  const region = (id: string, path: readonly string[], value: unknown): Touch[] => {
    const file = sources.regions[id];
    if (!file) return [];
    const read = (at: Model) => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], at.regions.find((candidate) => candidate.id === id));
    return [{ file, path: path.join('.'), value, read }];
  };
  const declarations = (value: unknown): Touch => ({ file: sources.global, path: 'declarations', value, read: (at) => at.global.declarations });
  switch (intent.kind) {
    case 'weights':
      return Object.entries(intent.weights).flatMap(([id, weight]) => region(id, ['traffic', 'weight'], weight));
    case 'read-only':
      return region(intent.region, ['readOnly'], intent.readOnly);
    case 'degraded':
      return region(intent.region, ['degradedMode', intent.switch], intent.on);
    case 'declare':
      return [declarations({ kind: intent.declaration.kind, name: intent.name, start: intent.start, end: intent.end })];
    case 'guided-failover': {
      const change = planFailover(model, { from: intent.from, to: intent.to, scenario: STANDING_SCENARIO });
      const settings = change.kind === 'invalid' ? [] : change.settings;
      return [...settings.flatMap((setting) => region(setting.region, setting.path, setting.after)), declarations({ kind: 'failover', from: intent.from, to: intent.to })];
    }
    case 'release': {
      const app = intent.app;
      const touches: Touch[] = [{ file: RELEASES_FILE, path: `releases[${app}]`, value: `${intent.action}${intent.digest ? ` ${intent.digest}` : ''}`, read: (at) => at.releases.find((release) => release.app === app) ?? null }];
      const appFile = model.apps.some((candidate) => candidate.name === app) ? sources.apps[app] : undefined;
      if (appFile) touches.push({ file: appFile, path: 'image', value: intent.digest ?? null, read: (at) => at.apps.find((candidate) => candidate.name === app)?.image ?? null });
      return touches;
    }
  }
}

export interface IntentPlan {
  edits: Map<string, InputEdit[]>;
  /** For the pull request's title: `us-east-1 60 / us-west-2 40`. */
  summary: string;
  /** Why the change cannot be made as asked; when any, nothing is edited. */
  refusals: Finding[];
}

export interface PlanContext {
  model: Model;
  sources: ModelSources;
  requester: Requester;
  reason: string;
  now: Date;
  barrier: typeof checkBarrier;
}

/** What the intent edits, in which files, computed from the base's model; nothing is written here. */
export async function planIntent(intent: ChangeIntent, context: PlanContext): Promise<IntentPlan> {
  const plan = new PlanBuilder(context);
  switch (intent.kind) {
    case 'weights': {
      const ids = context.model.regions.map((region) => region.id);
      const unknown = Object.keys(intent.weights).filter((id) => !ids.includes(id));
      const missing = ids.filter((id) => !(id in intent.weights));
      if (unknown.length) plan.refuse('console.unknown-region', `no region ${unknown.join(', ')} in this repository (regions: ${ids.join(', ')})`, context.sources.global, 'regions');
      if (missing.length) plan.refuse('console.weights-incomplete', `a weight for every region at once, missing ${missing.join(', ')}: the weights are set together so their sum is what the reviewer sees`, context.sources.global, 'regions');
      for (const id of ids) if (id in intent.weights) plan.regionValue(id, ['traffic', 'weight'], intent.weights[id]!);
      plan.summary = ids.map((id) => `${id} ${intent.weights[id] ?? '?'}`).join(' / ');
      break;
    }
    case 'read-only':
      if (plan.region(intent.region)) plan.regionValue(intent.region, ['readOnly'], intent.readOnly);
      plan.summary = `${intent.region} ${intent.readOnly ? 'read-only' : 'writable'}`;
      break;
    case 'degraded':
      if (plan.region(intent.region)) plan.regionValue(intent.region, ['degradedMode', intent.switch], intent.on);
      plan.summary = `${intent.region} ${intent.switch} ${intent.on ? 'on' : 'off'}`;
      break;
    case 'declare': {
      const { declaration } = intent;
      if (declaration.kind === 'failover') {
        plan.region(declaration.from);
        plan.region(declaration.to);
      }
      if (declaration.kind === 'emergency' && declaration.approvedBy.toLowerCase() === context.requester.handle.toLowerCase()) {
        plan.refuse('console.emergency-self-approved', `an emergency approved by a CAB member other than the requester (${context.requester.handle})`, context.sources.global, 'declarations');
      }
      const base = { name: intent.name, reason: context.reason, declaredBy: context.requester.handle, start: intent.start, end: intent.end };
      plan.declare(
        declaration.kind === 'failover'
          ? { kind: 'failover', name: base.name, from: declaration.from, to: declaration.to, reason: base.reason, declaredBy: base.declaredBy, start: base.start, end: base.end }
          : declaration.kind === 'emergency'
            ? { kind: 'emergency', ...base, approvedBy: declaration.approvedBy }
            : { kind: 'maintenance', ...base },
      );
      plan.summary = `declare ${declaration.kind} ${intent.name}${declaration.kind === 'failover' ? ` ${declaration.from} → ${declaration.to}` : ''}`;
      break;
    }
    case 'guided-failover': {
      const [from, to] = [plan.region(intent.from), plan.region(intent.to)];
      const { start, end } = declarationWindow(context.now, intent.end);
      if (end <= start) plan.refuse('console.window-ended', `an end after now (${start}), got ${end}`, context.sources.global, 'declarations');
      // The standing plan for this pair, proposed unchanged: what `npm run drill -- --branch` and generated/failover/ hold too.
      const planned = from && to ? planFailover(context.model, { from: from.id, to: to.id, scenario: STANDING_SCENARIO }) : undefined;
      if (planned?.kind === 'invalid') plan.refuse('console.unknown-region', planned.reason, context.sources.global, 'regions');
      else if (planned) {
        const change = propose(context.model, planned, { reason: context.reason, declaredBy: context.requester.handle, start, end });
        for (const declaration of change.declarations) plan.nameFree(declaration);
        for (const [file, edits] of editsFor(change, context.sources)) for (const edit of edits) plan.edit(file, edit);
      }
      plan.summary = `failover ${intent.from} → ${intent.to}`;
      break;
    }
    case 'release':
      await planRelease(plan, intent, context);
      break;
  }
  return plan.result();
}

async function planRelease(plan: PlanBuilder, intent: Extract<ChangeIntent, { kind: 'release' }>, context: PlanContext): Promise<void> {
  plan.summary = `${intent.app} ${intent.action}${intent.digest ? ` ${intent.digest.slice(0, 19)}…` : ''}`;
  const planned = planPromotion(context.model, { app: intent.app, ...(intent.digest ? { digest: intent.digest } : {}), abandon: intent.action === 'abandon', startedBy: context.requester.handle });
  if (planned.kind === 'invalid' || planned.kind === 'refused') {
    plan.refuse('console.release-refused', planned.reason, RELEASES_FILE, 'releases');
    return;
  }
  let step: Change = planned;
  if (step.barrier.length) {
    const verdicts = await context.barrier(context.model, step.app, step.release.digest, step.barrier);
    const unhealthy = verdicts.filter((verdict) => !verdict.healthy);
    for (const verdict of unhealthy) {
      plan.refuse(
        'console.barrier-not-met',
        `${step.app.name} ${step.release.digest} is not rolled out healthily in ${verdict.region} (${verdict.prometheusUrl}): ${verdict.details.join('; ')}`,
        RELEASES_FILE,
        'releases',
        'Wait until the rollout in the switched regions is healthy and preview again, or abandon the release.',
      );
    }
    if (unhealthy.length) return;
    step = withBarrierRecord(step, verdicts, context.now);
  }
  const after = modelAfter(context.model, step);
  const app = step.app.name;
  plan.edit(RELEASES_FILE, { op: 'replace', path: ['releases'], value: after.releases });
  if (step.kind === 'finish') plan.edit(context.sources.apps[app]!, { op: 'digest', from: digestOf(step.app.image), to: step.release.digest });
}

class PlanBuilder {
  readonly edits = new Map<string, InputEdit[]>();
  readonly refusals: Finding[] = [];
  summary = '';

  constructor(private readonly context: PlanContext) {}

  region(id: string) {
    const region = this.context.model.regions.find((candidate) => candidate.id === id);
    if (!region) this.refuse('console.unknown-region', `no region ${id} in this repository (regions: ${this.context.model.regions.map((r) => r.id).join(', ')})`, this.context.sources.global, 'regions');
    return region;
  }

  /** Sets a region's value only where it differs, so an unchanged region's file stays out of the diff. */
  regionValue(id: string, path: readonly string[], value: LiteralValue): void {
    const region = this.context.model.regions.find((candidate) => candidate.id === id);
    const file = this.context.sources.regions[id];
    if (!region || !file) return;
    const current = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], region);
    if (current !== value) this.edit(file, { op: 'set', path, value });
  }

  declare(declaration: Declaration): void {
    this.nameFree(declaration);
    this.edit(this.context.sources.global, { op: 'append', path: ['declarations'], item: declaration });
  }

  nameFree(declaration: Declaration): void {
    const taken = this.context.model.global.declarations.find((existing) => existing.name === declaration.name);
    if (taken) this.refuse('console.declaration-name-taken', `a declaration name not yet used; ${declaration.name} is already a ${taken.kind} declaration (${taken.start} to ${taken.end})`, this.context.sources.global, 'declarations');
  }

  edit(file: string, edit: InputEdit): void {
    this.edits.set(file, [...(this.edits.get(file) ?? []), edit]);
  }

  refuse(policy: string, message: string, file: string, path: string, remediation = 'Change the request and preview it again.'): void {
    this.refusals.push(consoleFinding(policy, message, file, path, remediation));
  }

  result(): IntentPlan {
    return { edits: this.edits, summary: this.summary, refusals: this.refusals };
  }
}

const TITLES: Record<string, string> = {
  'console.unknown-region': 'The change names regions of this repository',
  'console.weights-incomplete': 'Weights are set for every region at once',
  'console.emergency-self-approved': 'An emergency is approved by someone else',
  'console.window-ended': 'A declaration ends in the future',
  'console.declaration-name-taken': 'Declaration names are unique',
  'console.release-refused': 'The release step is possible',
  'console.barrier-not-met': 'The release barrier is met',
  'console.edit-refused': 'The console can edit the value',
  'console.input-invalid': 'The edited inputs load',
};

/** A refusal the console makes before the policies judge, shaped like a finding so the UI shows both alike. */
export function consoleFinding(policy: string, message: string, file: string, path: string, remediation: string, position?: { line?: number; column?: number }): Finding {
  return {
    policy,
    title: TITLES[policy] ?? policy,
    severity: 'critical',
    message,
    location: { file, path, ...(position?.line !== undefined ? { line: position.line } : {}), ...(position?.column !== undefined ? { column: position.column } : {}) },
    remediation,
  };
}
