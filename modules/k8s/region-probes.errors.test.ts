import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { RegionProbes } from './region-probes';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

const chart = () => new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });

describe('RegionProbes errors', () => {
  it('rejects a region the model does not have', () => {
    expect(() => new RegionProbes(chart(), 'probes', { model, region: { ...model.regions[0]!, id: 'eu-west-1' } })).toThrow(
      `RegionProbes probes: region: expected one of the model's regions (us-east-1, us-west-2), got "eu-west-1"`,
    );
  });

  it('rejects a module name the blackbox exporter configuration cannot hold', () => {
    expect(() => new RegionProbes(chart(), 'probes', { model, region: model.regions[0]!, module: 'http 2xx' })).toThrow(
      'RegionProbes probes: module: expected a blackbox exporter module name (letters, digits, "_" and "-"), got "http 2xx"',
    );
  });
});
