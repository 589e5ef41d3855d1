import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { RegionProbes } from './region-probes';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

function synth(of: Model, regionId: string, module?: string) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new RegionProbes(chart, 'probes', { model: of, region: of.regions.find((region) => region.id === regionId)!, ...(module ? { module } : {}) });
  return chart.toJson();
}

describe('RegionProbes', () => {
  it("probes each peer's regional endpoint at its health-check path and interval, labelled with source and target region", () => {
    expect(synth(model, 'us-west-2')).toContainEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Probe',
      metadata: {
        name: 'regional-endpoint-us-east-1',
        namespace: 'monitoring',
        labels: expect.objectContaining({ 'topology.example.com/region': 'us-west-2', prometheus: 'orders' }),
      },
      spec: {
        jobName: 'region-endpoints',
        interval: '10s',
        module: 'http_2xx',
        prober: { url: 'blackbox-exporter.monitoring.svc:9115' },
        targets: {
          staticConfig: {
            static: ['https://api-use1.example.com/healthz'],
            labels: { source_region: 'us-west-2', target_region: 'us-east-1', endpoint: 'regional', host: 'api-use1.example.com' },
          },
        },
      },
    });
  });

  it('probes the global name from every region, and never the region itself', () => {
    for (const region of model.regions) {
      const probes = synth(model, region.id);
      expect(probes.map((probe) => probe.metadata.name)).toEqual([...model.regions.filter((peer) => peer.id !== region.id).map((peer) => `regional-endpoint-${peer.id}`), 'global-endpoint']);
      expect(probes.at(-1)).toMatchObject({
        spec: { targets: { staticConfig: { static: ['https://api.example.com/healthz'], labels: { source_region: region.id, endpoint: 'global', host: 'api.example.com' } } } },
      });
    }
  });

  it('uses another blackbox module when asked', () => {
    expect(synth(model, 'us-east-1', 'https_2xx_sni')).toEqual(expect.arrayContaining([expect.objectContaining({ spec: expect.objectContaining({ module: 'https_2xx_sni' }) })]));
  });
});
