import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { RegionDashboard } from './region-dashboard';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

function synth(of: Model, regionId: string) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new RegionDashboard(chart, 'dashboard', { model: of, region: of.regions.find((region) => region.id === regionId)! });
  return chart.toJson();
}

interface Panel {
  id: number;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { uid: string };
  targets: Array<{ expr: string; legendFormat: string }>;
  fieldConfig: { defaults: { thresholds?: { steps: Array<{ value: number | null }> } }; overrides: unknown[] };
}
const dashboardOf = (of: Model, regionId: string) => JSON.parse(synth(of, regionId)[0].data['region-health.json']) as { uid: string; title: string; panels: Panel[] };

describe('RegionDashboard', () => {
  it("is a ConfigMap in monitoring that Grafana's sidecar loads", () => {
    expect(synth(model, 'us-east-1')).toEqual([
      expect.objectContaining({
        kind: 'ConfigMap',
        metadata: { name: 'orders-region-health-dashboard', namespace: 'monitoring', labels: expect.objectContaining({ grafana_dashboard: '1', 'topology.example.com/region': 'us-east-1' }) },
      }),
    ]);
  });

  it('puts the regions side by side, one column each, every column querying its own Prometheus', () => {
    const { panels } = dashboardOf(model, 'us-east-1');
    const firstRow = panels.filter((panel) => panel.gridPos.y === 0);
    expect(firstRow).toMatchObject([
      { title: 'us-east-1: error ratio', gridPos: { x: 0, w: 12 }, datasource: { uid: 'prometheus-us-east-1' } },
      { title: 'us-west-2: error ratio', gridPos: { x: 12, w: 12 }, datasource: { uid: 'prometheus-us-west-2' } },
    ]);
    expect(panels.filter((panel) => panel.gridPos.x === 12).map((panel) => panel.title)).toEqual([
      'us-west-2: error ratio',
      'us-west-2: p95 latency',
      'us-west-2: request rate',
      'us-west-2: replication lag',
      'us-west-2: probe success',
      'us-west-2: certificate days left',
    ]);
  });

  it('shows the lag of each data set replicated into a region against the replication-lag SLO', () => {
    const lag = dashboardOf(model, 'us-east-1').panels.find((panel) => panel.title === 'us-west-2: replication lag')!;
    expect(lag.targets.map((target) => target.legendFormat)).toEqual(['order-documents', 'order-events', 'orders-db', 'sessions']);
    expect(lag.targets[2]!.expr).toBe('max(aws_rds_aurora_global_dbreplication_lag_maximum{dimension_DBClusterIdentifier="orders-orders-db-us-west-2"}) / 1000');
    expect(lag.fieldConfig.defaults.thresholds?.steps.at(-1)?.value).toBe(30);
  });

  it('is the same dashboard in every region, with a uid fixed by the deployment name', () => {
    const [east, west] = model.regions.map((region) => synth(model, region.id)[0].data['region-health.json']);
    expect(east).toBe(west);
    expect(dashboardOf(model, 'us-west-2')).toMatchObject({ uid: 'orders-regions', title: 'orders: regions side by side' });
  });

  it("does not change when a region's read-only switch or weight does, so those changes stay two-object diffs", () => {
    const toggled = structuredClone(model);
    toggled.regions[0]!.readOnly = true;
    toggled.regions[0]!.traffic.weight = 30;
    toggled.regions[1]!.traffic.weight = 70;
    expect(synth(toggled, 'us-east-1')).toEqual(synth(model, 'us-east-1'));
  });
});
