import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../../schemas';
import { edgeAlerts } from '../../../modules/k8s/alerts/edge-alerts';
import { probeAlerts } from '../../../modules/k8s/alerts/probe-alerts';
import { replicationAlerts } from '../../../modules/k8s/alerts/replication-alerts';
import { serviceAlerts } from '../../../modules/k8s/alerts/service-alerts';
import { healthState, lagState, regionQueries } from './signals';

let model: Model;

beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..', '..'))).model!;
});

describe('the console asks Prometheus exactly what the alerts ask', () => {
  it('reads each data set lag the replication alerts compare with its threshold, in every region', () => {
    for (const region of model.regions) {
      const alerts = replicationAlerts(model, region).filter((alert) => alert.name !== 'KafkaMirrorLagHigh');
      const queries = regionQueries(model, region).lag;
      expect(queries.map(({ dataSet, promql }) => `${promql} > ${dataSet.lagAlertSeconds}`)).toEqual(alerts.map((alert) => alert.expr));
      expect(queries.length).toBeGreaterThan(0);
    }
  });

  it("reads every region's Route 53 health check the edge alerts fire on", () => {
    const fired = edgeAlerts(model).filter((alert) => alert.name === 'Route53HealthCheckFailing');
    for (const region of model.regions) {
      const queries = regionQueries(model, region).route53;
      expect(queries.map(({ promql }) => `${promql} < 1`)).toEqual(fired.map((alert) => alert.expr));
      expect(queries.map((query) => query.region)).toEqual(fired.map((alert) => alert.labels.target_region));
    }
  });

  it("reads each peer's probe the region's PeerRegionUnreachable alert fires on, and not the global name", () => {
    for (const region of model.regions) {
      const peers = probeAlerts(model, region).filter((alert) => alert.name === 'PeerRegionUnreachable');
      const queries = regionQueries(model, region).probes;
      expect(queries.map(({ promql }) => `${promql} < 1`)).toEqual(peers.map((alert) => alert.expr));
      expect(queries.map((query) => query.region)).toEqual(model.regions.filter((peer) => peer !== region).map((peer) => peer.id));
    }
  });

  it("computes the error ratio exactly as the regional error-rate alert of the region's one app", () => {
    for (const region of model.regions) {
      const [alert] = serviceAlerts(model, region).filter((candidate) => candidate.name === 'RegionalErrorRateHigh');
      expect(alert!.expr.startsWith(`${regionQueries(model, region).service!.errorRatio} > `)).toBe(true);
    }
  });

  it('sums the same series over every app when a region runs several', () => {
    const [app] = model.apps;
    const twoApps: Model = { ...model, apps: [app!, { ...app!, name: 'orders.v2' }] };
    const { service } = regionQueries(twoApps, model.regions[0]!);
    expect(service!.p95Seconds).toBe('histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{namespace=~"orders-api|orders\\\\.v2"}[5m])))');
  });

  it('has no service signals for a region no app runs in', () => {
    const elsewhere: Model = { ...model, apps: model.apps.map((app) => ({ ...app, regions: [model.regions[0]!.id] })) };
    expect(regionQueries(elsewhere, model.regions[1]!).service).toBeUndefined();
  });
});

describe('the state of a data set lag', () => {
  const dataSet = { lagAlertSeconds: 30, rpoSeconds: 120 };
  it.each([
    [undefined, 'unknown'],
    [0, 'ok'],
    [29.9, 'ok'],
    [30, 'warning'],
    [119.9, 'warning'],
    [120, 'breach'],
    [600, 'breach'],
  ] as const)('is %s seconds → %s against an alert threshold of 30 s and an RPO of 120 s', (seconds, state) => {
    expect(lagState(seconds, dataSet)).toBe(state);
  });

  it('counts any lag as a breach of an RPO of zero, and no lag as none', () => {
    expect(lagState(0, { lagAlertSeconds: 5, rpoSeconds: 0 })).toBe('ok');
    expect(lagState(0.5, { lagAlertSeconds: 5, rpoSeconds: 0 })).toBe('breach');
  });
});

describe('the health of a region', () => {
  it.each([
    [true, true, 'healthy'],
    [true, undefined, 'healthy'],
    [undefined, true, 'healthy'],
    [false, true, 'failing'],
    [true, false, 'failing'],
    [undefined, false, 'failing'],
    [undefined, undefined, 'unknown'],
  ] as const)('is Route 53 %s and probes %s → %s', (route53, probe, state) => {
    expect(healthState(route53, probe)).toBe(state);
  });
});
