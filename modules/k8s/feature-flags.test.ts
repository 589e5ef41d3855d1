import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stableJson, type App, type Region } from '../../schemas';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { FeatureFlags } from './feature-flags';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

function flags(options: { region?: Region; app?: App } = {}) {
  let checksum = '';
  const manifests = synthChart((chart) => {
    checksum = new FeatureFlags(chart, 'flags', { global: model.global, region: options.region ?? region, app: options.app ?? app }).checksum;
  });
  return { configMap: manifestOf(manifests, 'ConfigMap', 'feature-flags'), checksum };
}

describe('FeatureFlags', () => {
  it('is the ConfigMap feature-flags in the app namespace', () => {
    expect(flags().configMap.metadata).toMatchObject({ name: 'feature-flags', namespace: app.name, labels: { 'app.kubernetes.io/name': app.name } });
  });

  it("holds the region's switches as strings", () => {
    const degraded: Region = {
      ...region,
      role: 'secondary',
      readOnly: true,
      readPreference: 'global',
      degradedMode: { pauseProducers: true, priorityWritesOnly: false, serveStaleReads: true },
    };
    expect(flags({ region: degraded }).configMap.data).toMatchObject({
      'read-only': 'true',
      'read-preference': 'global',
      'region-role': 'secondary',
      'pause-producers': 'true',
      'priority-writes-only': 'false',
      'serve-stale-reads': 'true',
    });
  });

  it("holds each of the app's flags under flag.<name>, sorted", () => {
    const { data } = flags({ app: { ...app, featureFlags: { 'zeta-search': true, 'alpha-carts': false } } }).configMap;
    expect(Object.keys(data).filter((key) => key.startsWith('flag.'))).toEqual(['flag.alpha-carts', 'flag.zeta-search']);
    expect(data).toMatchObject({ 'flag.alpha-carts': 'false', 'flag.zeta-search': 'true' });
  });

  it('has a checksum that is the SHA-256 hex of the data with sorted keys', () => {
    const { configMap, checksum } = flags();
    expect(checksum).toBe(createHash('sha256').update(stableJson(configMap.data)).digest('hex'));
  });

  it('changes its checksum when a switch changes', () => {
    expect(flags({ region: { ...region, readOnly: !region.readOnly } }).checksum).not.toBe(flags().checksum);
  });

  it('changes its checksum when an app flag changes', () => {
    expect(flags({ app: { ...app, featureFlags: { ...app.featureFlags, 'new-flag': true } } }).checksum).not.toBe(flags().checksum);
  });

  it('keeps its checksum when nothing the pods read changes', () => {
    const reordered = Object.fromEntries(Object.entries(app.featureFlags).reverse());
    const elsewhere: App = { ...app, featureFlags: reordered, resources: { cpu: '2', memory: '4Gi' }, image: app.image.replace(/@sha256:.*/, `@sha256:${'0'.repeat(64)}`) };
    expect(flags({ app: elsewhere, region: { ...region, traffic: { ...region.traffic, weight: 0 } } }).checksum).toBe(flags().checksum);
  });
});
