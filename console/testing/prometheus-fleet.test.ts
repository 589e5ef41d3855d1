import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, loadModel, type Model } from '../../schemas';
import { alertInstance } from '../../modules/k8s/alerts/alert';
import { alertRuleFiles } from '../../modules/k8s/alerts/rule-files';
import { instantQuery } from '../../policies/promotion/prometheus-api';
import { checkBarrier } from '../../policies/promotion/rollout-barrier';
import { startPrometheusFleet, type PrometheusFleet } from './prometheus-fleet';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const OPTIONS = { timeoutMs: 5000 };

let model: Model;
let fleet: PrometheusFleet;

beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
  fleet = await startPrometheusFleet({ model, lagSpike: { region: WEST, dataSet: 'orders-db' }, failing: [WEST] });
}, 60_000);
afterAll(async () => {
  await fleet?.stopAll();
});

/** The alerts whose condition holds in a region's Prometheus now (before their `for` delay). */
async function conditionsHolding(regionId: string): Promise<string[]> {
  const region = model.regions.find((candidate) => candidate.id === regionId)!;
  const alerts = alertRuleFiles(model, region).flatMap((file) => file.alerts);
  const holding = await Promise.all(alerts.map(async (alert) => ((await instantQuery(fleet.urls[regionId]!, alert.expr, OPTIONS)).length ? [alertInstance(alert)] : [])));
  return holding.flat().sort();
}

describe('a Prometheus fleet generated from the model', () => {
  it('starts one Prometheus per region, six hours of history and two ahead, within seconds', () => {
    expect(Object.keys(fleet.urls)).toEqual(model.regions.map((region) => region.id));
    // The target is a few seconds; the bound leaves room for a machine shared with other work.
    expect(fleet.startedInMs).toBeLessThan(20_000);
  });

  it('holds the data for exactly the alerts of the trouble it was asked for, and no other', async () => {
    await expect(conditionsHolding(EAST)).resolves.toEqual(['PeerRegionUnreachable{target_region="us-west-2"}', 'Route53HealthCheckFailing{target_region="us-west-2"}']);
    await expect(conditionsHolding(WEST)).resolves.toEqual(['ReplicationLagHigh{data_set="orders-db",store="aurora"}', 'Route53HealthCheckFailing{target_region="us-west-2"}']);
  });

  it('raises no alert at all without a spike or a failing region', async () => {
    const calm = await startPrometheusFleet({ model, lagSpike: null, hoursOfHistory: 1, hoursAhead: 1 });
    try {
      for (const region of model.regions) {
        const alerts = alertRuleFiles(model, region).flatMap((file) => file.alerts);
        for (const alert of alerts) expect(await instantQuery(calm.urls[region.id]!, alert.expr, OPTIONS), alertInstance(alert)).toEqual([]);
      }
    } finally {
      await calm.stopAll();
    }
  });

  it('opens the release barrier for the image each region runs', async () => {
    const pointed: Model = { ...model, regions: model.regions.map((region) => ({ ...region, observability: { ...region.observability, prometheusUrl: fleet.urls[region.id]! } })) };
    const app = model.apps[0]!;
    const verdicts = await checkBarrier(pointed, app, digestOf(app.image), [EAST, WEST]);
    expect(verdicts.map((verdict) => [verdict.region, verdict.healthy, verdict.details])).toEqual([
      [EAST, true, [`Rollout ${app.name} Completed`, `all ${app.replicas.min} pods run @${digestOf(app.image)}`]],
      [WEST, true, [`Rollout ${app.name} Completed`, `all ${app.replicas.min} pods run @${digestOf(app.image)}`]],
    ]);
  });

  it('keeps answering instant queries for the two hours after the start, and not beyond', async () => {
    const later = (minutes: number) => ({ ...OPTIONS, time: new Date(Date.now() + minutes * 60_000) });
    expect(await instantQuery(fleet.urls[EAST]!, 'probe_success', later(110))).toHaveLength(2);
    expect(await instantQuery(fleet.urls[EAST]!, 'probe_success', later(130))).toEqual([]);
  });

  it('refuses a spike on a data set the region’s Prometheus cannot see, before starting anything', async () => {
    await expect(startPrometheusFleet({ model, lagSpike: { region: EAST, dataSet: 'orders-db' } })).rejects.toThrow(
      `prometheus fleet: lagSpike: us-east-1's Prometheus sees no lag of "orders-db" (it sees: order-documents)`,
    );
    await expect(startPrometheusFleet({ model, failing: ['eu-west-1'] })).rejects.toThrow('prometheus fleet: failing: no region "eu-west-1" in the model (regions: us-east-1, us-west-2)');
  });

  it('stops one region’s Prometheus while the other keeps answering', async () => {
    await fleet.stop(WEST);
    await expect(instantQuery(fleet.urls[WEST]!, 'up', OPTIONS)).rejects.toThrow(/is unreachable/);
    expect(await instantQuery(fleet.urls[EAST]!, 'probe_success', OPTIONS)).toHaveLength(2);
  });
});
