import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model, type ModelSources } from '../schemas';
import { editsFor, modelAfter, planFailback, planFailover, propose, standingPlans, type PlanResult, type RegionChange } from './failover';

const ROOT = path.resolve(import.meta.dirname, '..');
let model: Model;
let sources: ModelSources;

beforeAll(async () => {
  const load = await loadModel(ROOT);
  if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
  ({ model, sources } = load);
});

function planned(result: PlanResult): RegionChange {
  if (result.kind === 'invalid') throw new Error(result.reason);
  return result;
}

const settings = (change: RegionChange) => change.settings.map((setting) => `${setting.region} ${setting.path.join('.')} ${String(setting.before)}→${String(setting.after)}`);
const PROPOSAL = { reason: 'us-east-1 Aurora writer unreachable since 02:40', declaredBy: '@alice', start: '2026-03-01T03:00:00.000Z', end: '2026-03-01T07:00:00.000Z' };

describe('planning a failover', () => {
  it('moves all traffic off the lost primary, makes it read-only with producers paused, and promotes the Aurora writer in the other region', () => {
    const change = planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' }));
    expect(settings(change)).toEqual(['us-west-2 traffic.weight 50→100', 'us-east-1 traffic.weight 50→0', 'us-east-1 readOnly false→true', 'us-east-1 degradedMode.pauseProducers false→true']);
    expect(change.declaration).toEqual({ kind: 'failover', from: 'us-east-1', to: 'us-west-2' });
    expect(change.promotion).toEqual({ from: 'us-east-1', to: 'us-west-2', mode: 'failover', globalClusters: ['orders-orders-db'] });
    expect(change.catchUp).toBeNull();
  });

  it('orders the steps from proposal and approval through the Region switch plan to the record, naming where each happens', () => {
    const change = planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' }));
    expect(change.steps.map((step) => step.channel)).toEqual(['pull-request', 'pull-request', 'argo-cd', 'region-switch', 'region-switch', 'terraform', 'drill-record']);
    expect(change.steps[0]!.where).toBe("`npm run drill -- --from us-east-1 --to us-west-2 --scenario outage --branch` or the console's guided failover us-east-1 → us-west-2");
    expect(change.steps[3]!.where).toContain('ARC Region switch plan orders-global-failover');
    expect(change.steps[3]!.where).toContain('--target-region us-west-2 --action activate --mode ungraceful');
    expect(change.steps[4]!.what).toBe('Fail over the Aurora global database orders-orders-db to us-west-2, so its writer is there');
  });

  it('stops writes and producers in the region left before the Region switch plan moves the writer, as the partition hypothesis needs', () => {
    for (const [from, to] of [['us-east-1', 'us-west-2'], ['us-west-2', 'us-east-1']] as const) {
      const change = planned(planFailover(model, { from, to, scenario: 'partition' }));
      const flags = change.steps.findIndex((step) => step.channel === 'argo-cd');
      expect(change.steps[flags]!.what).toBe(`Sync the feature flags (read-only, degraded switches) of ${from} before the writer moves, so ${from} stops taking writes and producing first; pods read them without a rollout`);
      expect(change.steps[flags]!.where).toBe(`generated/k8s/${from}/`);
      expect(flags).toBeLessThan(change.steps.findIndex((step) => step.channel === 'region-switch'));
    }
  });

  it('makes a read-only target writable only after its writer is promoted', () => {
    const readOnlyTarget = { ...model, regions: model.regions.map((region) => (region.id === 'us-west-2' ? { ...region, readOnly: true } : region)) };
    const change = planned(planFailover(readOnlyTarget, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' }));
    expect(change.steps.map((step) => `${step.channel} ${step.where.startsWith('generated/k8s/') ? step.where : ''}`.trim())).toEqual([
      'pull-request',
      'pull-request',
      'argo-cd generated/k8s/us-east-1/',
      'region-switch',
      'region-switch',
      'argo-cd generated/k8s/us-west-2/',
      'terraform',
      'drill-record',
    ]);
  });

  it('leaves the writer where it is when the lost region is a secondary', () => {
    const change = planned(planFailover(model, { from: 'us-west-2', to: 'us-east-1', scenario: 'partition' }));
    expect(change.promotion).toBeNull();
    expect(settings(change)).toEqual(['us-east-1 traffic.weight 50→100', 'us-west-2 traffic.weight 50→0', 'us-west-2 readOnly false→true', 'us-west-2 degradedMode.pauseProducers false→true']);
  });

  it('answers a mirror break by pausing producers only: no traffic moves, nothing is declared', () => {
    const change = planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'mirror-break' }));
    expect(settings(change)).toEqual(['us-east-1 degradedMode.pauseProducers false→true']);
    expect(change.declaration).toBeNull();
    expect(change.promotion).toBeNull();
    // Nothing moves, so the flags need no timing against a writer.
    expect(change.steps.find((step) => step.channel === 'argo-cd')?.what).toBe('Sync the feature flags (read-only, degraded switches) of us-east-1; pods read them without a rollout');
  });

  it('names the replicator a mirror break stops as the stacks create it: in the region it mirrors into, beside the FIS template that stops it', () => {
    const change = planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'mirror-break' }));
    const step = change.steps.find((candidate) => candidate.channel === 'msk')!;
    expect(step.where).toBe('MSK Replicator orders-us-east-1-to-us-west-2 (us-west-2)');
    expect(step.what).toContain('(FIS experiment template orders-us-west-2-mirror-break stops it)');
  });

  it('says plainly that a direction no replicator mirrors has no mirror to break, naming the replicators that exist', () => {
    const change = planned(planFailover(model, { from: 'us-west-2', to: 'us-east-1', scenario: 'mirror-break' }));
    const step = change.steps.find((candidate) => candidate.channel === 'msk')!;
    expect(step.what).toBe(
      "No MSK Replicator mirrors us-west-2's topics to us-east-1, so there is no mirror to restart and this direction rehearses nothing; the replicators the stacks run are orders-us-east-1-to-us-west-2 (us-east-1 → us-west-2, runs in us-west-2)",
    );
    expect(change.steps.map((candidate) => candidate.what).join('\n')).not.toContain('orders-us-west-2-to-us-east-1');
  });

  it('answers a lag spike with priority writes only in the lagging region', () => {
    const change = planned(planFailover(model, { from: 'us-west-2', to: 'us-east-1', scenario: 'lag-spike' }));
    expect(settings(change)).toEqual(['us-west-2 degradedMode.priorityWritesOnly false→true']);
    expect(change.steps.some((step) => step.channel === 'terraform')).toBe(false);
  });

  it('refuses an unknown region and a failover to the same region, saying what it expected', () => {
    expect(planFailover(model, { from: 'eu-west-9', to: 'us-west-2', scenario: 'outage' })).toEqual({ kind: 'invalid', reason: '--from: expected a region of this repository (us-east-1, us-west-2), got "eu-west-9"' });
    expect(planFailover(model, { from: 'us-east-1', to: 'us-east-1', scenario: 'outage' })).toEqual({ kind: 'invalid', reason: '--to: expected another region than --from us-east-1' });
  });

  it('makes a read-only target writable, since it takes the writes', () => {
    const readOnlyTarget = { ...model, regions: model.regions.map((region) => (region.id === 'us-west-2' ? { ...region, readOnly: true } : region)) };
    const change = planned(planFailover(readOnlyTarget, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' }));
    expect(settings(change)).toContain('us-west-2 readOnly true→false');
  });
});

describe('proposing a change', () => {
  it('names and windows the failover declaration at proposal time, by whom and why', () => {
    const change = propose(model, planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' })), PROPOSAL);
    expect(change.declarations).toEqual([{ kind: 'failover', name: 'failover-us-east-1-20260301-0300', from: 'us-east-1', to: 'us-west-2', ...PROPOSAL }]);
  });

  it('declares an emergency beside the failover only during a change freeze, approved by the CAB member named', () => {
    const change = planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' }));
    const inFreeze = { ...PROPOSAL, start: '2026-11-27T03:00:00.000Z', end: '2026-11-27T07:00:00.000Z', emergencyApprovedBy: '@carol' };
    expect(propose(model, change, inFreeze).declarations.map((declaration) => [declaration.kind, declaration.name])).toEqual([
      ['failover', 'failover-us-east-1-20261127-0300'],
      ['emergency', 'emergency-us-east-1-20261127-0300'],
    ]);
    expect(propose(model, change, { ...PROPOSAL, emergencyApprovedBy: '@carol' }).declarations.map((declaration) => declaration.kind)).toEqual(['failover']);
  });

  it('writes the edits the console and the drill apply: one set per value in the region files, the declaration appended to global.yaml', () => {
    const change = propose(model, planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' })), PROPOSAL);
    expect(Object.fromEntries(editsFor(change, sources))).toEqual({
      'regions/us-west-2.ts': [{ op: 'set', path: ['traffic', 'weight'], value: 100 }],
      'regions/us-east-1.ts': [
        { op: 'set', path: ['traffic', 'weight'], value: 0 },
        { op: 'set', path: ['readOnly'], value: true },
        { op: 'set', path: ['degradedMode', 'pauseProducers'], value: true },
      ],
      'regions/global.yaml': [{ op: 'append', path: ['declarations'], item: change.declarations[0] }],
    });
  });

  it('gives the model after the change without touching the model it was planned on', () => {
    const change = propose(model, planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage' })), PROPOSAL);
    const after = modelAfter(model, change);
    const east = after.regions.find((region) => region.id === 'us-east-1')!;
    expect([east.traffic.weight, east.readOnly, east.degradedMode.pauseProducers]).toEqual([0, true, true]);
    expect(after.global.declarations.map((declaration) => declaration.name)).toEqual(['failover-us-east-1-20260301-0300']);
    expect(model.regions.find((region) => region.id === 'us-east-1')!.readOnly).toBe(false);
    expect(model.global.declarations).toEqual([]);
  });
});

describe('failing back', () => {
  it('restores every value the failover changed, moves the writer back by switchover, and checks catch-up first', () => {
    const [plan] = standingPlans(model);
    const { failover, failback } = plan!;
    expect(settings(failback)).toEqual(['us-east-1 traffic.weight 0→50', 'us-west-2 traffic.weight 100→50', 'us-east-1 readOnly true→false', 'us-east-1 degradedMode.pauseProducers true→false']);
    expect(modelAfter(modelAfter(model, failover), failback).regions).toEqual(model.regions);
    expect(failback.declaration).toEqual({ kind: 'failover', from: 'us-west-2', to: 'us-east-1' });
    expect(failback.promotion).toEqual({ from: 'us-west-2', to: 'us-east-1', mode: 'switchover', globalClusters: ['orders-orders-db'] });
    expect(failback.steps.slice(0, 3).map((step) => step.channel)).toEqual(['observability', 'reconciliation', 'pull-request']);
    expect(failback.steps[0]!.what).toBe('Check replication into us-east-1 has caught up: orders-db < 30 s, order-events < 30 s, sessions < 20 s, order-documents < 120 s');
    expect(failback.steps[1]!.where).toBe('`argocd app sync argocd/reconciliation --timeout 3600`, then `kubectl --namespace reconciliation logs job/reconcile-<data set>-<peer>`');
    expect(failback.steps.find((step) => step.channel === 'region-switch')!.where).toContain('--target-region us-east-1 --action activate --mode graceful');
  });

  it('splits the weight evenly between the two regions when no weights are given', () => {
    const failedOver = modelAfter(model, planned(planFailover(model, { from: 'us-west-2', to: 'us-east-1', scenario: 'outage' })));
    const failback = planned(planFailback(failedOver, { from: 'us-west-2', to: 'us-east-1', scenario: 'outage' }));
    expect(settings(failback).filter((line) => line.includes('weight'))).toEqual(['us-east-1 traffic.weight 100→50', 'us-west-2 traffic.weight 0→50']);
  });

  it('turns off only the switch a degraded-only scenario turned on', () => {
    const lagging = modelAfter(model, planned(planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'lag-spike' })));
    const failback = planned(planFailback(lagging, { from: 'us-east-1', to: 'us-west-2', scenario: 'lag-spike' }));
    expect(settings(failback)).toEqual(['us-east-1 degradedMode.priorityWritesOnly true→false']);
    expect(failback.declaration).toBeNull();
  });

  it('refuses weights for regions the model does not have', () => {
    expect(planFailback(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'outage', weights: { 'eu-west-1': 100 } })).toEqual({
      kind: 'invalid',
      reason: 'weights: expected region ids of this model (us-east-1, us-west-2), got eu-west-1',
    });
  });
});

describe('standing plans', () => {
  it('holds one failover and failback per ordered pair of regions, the same on every call', () => {
    const plans = standingPlans(model);
    expect(plans.map((plan) => `${plan.from}→${plan.to}`)).toEqual(['us-east-1→us-west-2', 'us-west-2→us-east-1']);
    expect(JSON.stringify(standingPlans(model))).toBe(JSON.stringify(plans));
  });
});
