import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { editsFor, propose, standingPlans } from '../../../modules/failover';
import { checkBarrier } from '../../../policies/promotion/rollout-barrier';
import { loadModel, type Model, type ModelSources } from '../../../schemas';
import { planIntent, touchesOf } from './intents';
import { ALICE } from './test-repository';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
let model: Model;
let sources: ModelSources;

beforeAll(async () => {
  const load = await loadModel(ROOT);
  if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
  ({ model, sources } = load);
});

const context = () => ({ model, sources, requester: ALICE, reason: 'us-east-1 health checks failing', now: new Date('2026-03-01T03:00:00.400Z'), barrier: checkBarrier });

describe('the guided failover', () => {
  it('edits exactly what the standing plan for the pair edits, with the declaration proposed by the requester', async () => {
    for (const standing of standingPlans(model)) {
      const plan = await planIntent({ kind: 'guided-failover', from: standing.from, to: standing.to }, context());
      const proposed = propose(model, standing.failover, { reason: 'us-east-1 health checks failing', declaredBy: '@alice', start: '2026-03-01T03:00:00.000Z', end: '2026-03-01T07:00:00.000Z' });
      expect(plan.refusals).toEqual([]);
      expect(plan.edits).toEqual(editsFor(proposed, sources));
    }
  });

  it('names as touched the values the standing plan sets, so a conflicting weight change is found', () => {
    const touches = touchesOf({ kind: 'guided-failover', from: 'us-east-1', to: 'us-west-2' }, model, sources).map((touch) => `${touch.file}: ${touch.path} = ${JSON.stringify(touch.value)}`);
    expect(touches).toEqual([
      'regions/us-west-2.ts: traffic.weight = 100',
      'regions/us-east-1.ts: traffic.weight = 0',
      'regions/us-east-1.ts: readOnly = true',
      'regions/us-east-1.ts: degradedMode.pauseProducers = true',
      'regions/global.yaml: declarations = {"kind":"failover","from":"us-east-1","to":"us-west-2"}',
    ]);
  });

  it('refuses a region the repository does not have, editing nothing', async () => {
    const plan = await planIntent({ kind: 'guided-failover', from: 'eu-west-1', to: 'us-west-2' }, context());
    expect(plan.refusals.map((refusal) => refusal.policy)).toEqual(['console.unknown-region']);
    expect(plan.edits.size).toBe(0);
  });
});
