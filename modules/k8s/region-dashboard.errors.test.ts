import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { RegionDashboard } from './region-dashboard';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

const chart = () => new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });

describe('RegionDashboard errors', () => {
  it('rejects a region the model does not have', () => {
    expect(() => new RegionDashboard(chart(), 'dashboard', { model, region: { ...model.regions[0]!, id: 'eu-west-1' } })).toThrow(
      `RegionDashboard dashboard: region: expected one of the model's regions (us-east-1, us-west-2), got "eu-west-1"`,
    );
  });

  it('rejects a deployment name too long for a Grafana dashboard uid', () => {
    const long = structuredClone(model);
    long.global.name = 'orders-for-the-north-american-market';
    expect(() => new RegionDashboard(chart(), 'dashboard', { model: long, region: long.regions[0]! })).toThrow(
      'RegionDashboard dashboard: model.global.name: expected at most 32 characters (the dashboard uid "<name>-regions" must fit Grafana\'s 40), got "orders-for-the-north-american-market"',
    );
  });
});
