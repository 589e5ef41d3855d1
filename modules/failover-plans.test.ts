import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../schemas';
import { standingPlans } from './failover';
import { standingPlanFiles } from './failover-plans';
import { synth } from './synth';

const ROOT = path.resolve(import.meta.dirname, '..');
let model: Model;

beforeAll(async () => {
  const load = await loadModel(ROOT);
  if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
  model = load.model;
});

describe('standing failover plan files', () => {
  it('writes a markdown and a JSON file for every ordered pair of regions into generated/failover/', () => {
    const files = [...synth(model).keys()].filter((file) => file.startsWith('failover/'));
    expect(files).toEqual(['failover/us-east-1-to-us-west-2.json', 'failover/us-east-1-to-us-west-2.md', 'failover/us-west-2-to-us-east-1.json', 'failover/us-west-2-to-us-east-1.md']);
  });

  it('holds in its JSON the very change the drill and the console propose, and the commands that propose it', () => {
    const files = standingPlanFiles(model);
    const [plan] = standingPlans(model);
    const json = JSON.parse(files.get('failover/us-east-1-to-us-west-2.json')!);
    expect(json.failover).toEqual(JSON.parse(JSON.stringify(plan!.failover)));
    expect(json.failback).toEqual(JSON.parse(JSON.stringify(plan!.failback)));
    expect(json.commands).toEqual({
      drill: 'npm run drill -- --from us-east-1 --to us-west-2 --scenario outage --branch',
      console: 'Guided failover from us-east-1 to us-west-2 (/changes/new?kind=guided-failover&from=us-east-1&to=us-west-2)',
      regionSwitchPlan: 'orders-global-failover',
      failback: 'npm run drill -- failback --from us-east-1 --to us-west-2 --scenario outage --branch',
    });
  });

  it('tells a reader the edits, the numbered steps, the catch-up check and where the runbooks are', () => {
    const text = standingPlanFiles(model).get('failover/us-east-1-to-us-west-2.md')!;
    expect(text).toContain('| us-east-1 | `readOnly` | false | true |');
    expect(text).toContain('Aurora: failover of orders-orders-db from us-east-1 to us-west-2.');
    expect(text).toContain('3. Sync the feature flags (read-only, degraded switches) of us-east-1 before the writer moves');
    expect(text).toContain('4. Activate us-west-2 with the Region switch plan orders-global-failover');
    expect(text).toContain('- sessions (redis): replication into us-east-1 under 20 s');
    expect(text).toContain('[Region outage](../../docs/runbooks.md#region-outage)');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('is the same on every synth: the plans hold no clock', () => {
    expect([...standingPlanFiles(model)]).toEqual([...standingPlanFiles(model)]);
  });
});
