import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { RegionAlerts } from './region-alerts';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

describe('RegionAlerts errors', () => {
  it('rejects a region the model does not have', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const region = { ...model.regions[0]!, id: 'eu-west-1' };
    expect(() => new RegionAlerts(chart, 'alerts', { model, region })).toThrow(`RegionAlerts alerts: region: expected one of the model's regions (us-east-1, us-west-2), got "eu-west-1"`);
  });
});
