import { describe, expect, it } from 'vitest';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { ClusterPolicies } from './cluster-policies';
import { OWNER_LABEL, ownerLabelValue, platformOwner, REGION_LABEL, SYNC_WAVE } from './labels';

const model = await exampleModel();
const region = model.regions[0]!;
const render = (syncWave?: string) =>
  synthChart((chart) => new ClusterPolicies(chart, 'policies', { policies: model.clusterPolicies, global: model.global, region, ...(syncWave ? { syncWave } : {}) }));

describe('ClusterPolicies', () => {
  it('emits one ClusterPolicy per policy of the model, named by its id', () => {
    const manifests = render();
    expect(model.clusterPolicies.length).toBeGreaterThan(0);
    expect(manifests.map((manifest) => `${manifest.kind} ${manifest.metadata.name}`)).toEqual(model.clusterPolicies.map((policy) => `ClusterPolicy ${policy.id}`));
  });

  it('ships each policy spec exactly as written, so the cluster enforces what the gate ran', () => {
    const manifests = render();
    for (const policy of model.clusterPolicies) {
      const manifest = manifestOf(manifests, 'ClusterPolicy', policy.id);
      expect(manifest.apiVersion).toBe('kyverno.io/v1');
      expect(manifest.spec).toEqual(policy.manifest.spec);
    }
  });

  it('keeps the policy annotations and adds sync wave -2, before the app namespaces', () => {
    const policy = model.clusterPolicies[0]!;
    expect(manifestOf(render(), 'ClusterPolicy', policy.id).metadata.annotations).toEqual({ ...policy.manifest.metadata?.annotations, [SYNC_WAVE]: '-2' });
  });

  it('labels every policy with the region and the platform team as owner', () => {
    for (const manifest of render()) {
      expect(manifest.metadata.labels).toMatchObject({ [REGION_LABEL]: region.id, [OWNER_LABEL]: ownerLabelValue(platformOwner(model.global)) });
    }
  });

  it('uses the sync wave it is given', () => {
    expect(render('-5').map((manifest) => manifest.metadata.annotations?.[SYNC_WAVE])).toEqual(model.clusterPolicies.map(() => '-5'));
  });
});
