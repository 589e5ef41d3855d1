import { describe, expect, it } from 'vitest';
import type { App, Model, Region } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { AppWorkload } from './app-workload';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;
const http = app.ports.find((port) => port.protocol === 'http')!;

const synth = (options: { model?: Model; region?: Region; app?: App } = {}): Manifest[] => {
  const of = options.app ?? app;
  return synthChart((chart) => new AppWorkload(chart, 'workload', { model: options.model ?? model, region: options.region ?? region, app: of, image: of.image }));
};
const objects = (manifests: Manifest[]) => manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
// An app sorting before the example app, with an http port: the region's entry app.
const gateway: App = { ...app, name: 'aaa-gateway' };

describe('AppWorkload', () => {
  it('makes the namespace, identity, flags, workload, scaling, policies, monitoring and load balancer binding of the entry app', () => {
    const aurora = model.replication.dataSets.find((dataSet) => dataSet.store === 'aurora')!.name;
    const alone = { ...app, dataSets: [aurora] };
    expect(objects(synth({ model: { ...model, apps: [alone] }, app: alone })).sort()).toEqual(
      [
        `Namespace/${app.name}`,
        `ServiceAccount/${app.name}`,
        'ConfigMap/feature-flags',
        `AnalysisTemplate/${app.name}-slo`,
        `Service/${app.name}`,
        `Service/${app.name}-stable`,
        `Service/${app.name}-canary`,
        `Rollout/${app.name}`,
        `HorizontalPodAutoscaler/${app.name}`,
        `PodDisruptionBudget/${app.name}`,
        `PodMonitor/${app.name}`,
        `TargetGroupBinding/${app.name}`,
        'NetworkPolicy/default-deny',
        'NetworkPolicy/allow-load-balancer',
        'NetworkPolicy/allow-prometheus',
        'NetworkPolicy/allow-dns',
        'NetworkPolicy/allow-data-stores',
        'NetworkPolicy/allow-https',
      ].sort(),
    );
  });

  it('puts every namespaced object in the namespace <app>', () => {
    const namespaces = synth()
      .filter((manifest) => manifest.kind !== 'Namespace')
      .map((manifest) => manifest.metadata.namespace);
    expect(new Set(namespaces)).toEqual(new Set([app.name]));
  });

  it('enforces the restricted pod security standard on the namespace', () => {
    expect(manifestOf(synth(), 'Namespace', app.name).metadata.labels).toMatchObject({
      'app.kubernetes.io/name': app.name,
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
  });

  it("binds the ServiceAccount <app> to the app's IRSA role under the region stack's IAM path, through the regional STS", () => {
    expect(manifestOf(synth(), 'ServiceAccount', app.name).metadata.annotations).toMatchObject({
      'eks.amazonaws.com/role-arn': `arn:aws:iam::${model.global.infrastructure.accountId}:role/${model.global.name}/${region.id}/${model.global.name}-${region.id}-${app.name}`,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    });
  });

  it('binds only the entry app to the load balancer', () => {
    const twoApps = { ...model, apps: [gateway, app] };
    expect(objects(synth({ model: twoApps, app: gateway }))).toContain(`TargetGroupBinding/${gateway.name}`);
    expect(objects(synth({ model: twoApps }))).not.toContain(`TargetGroupBinding/${app.name}`);
  });

  it('admits the load balancer only to the entry app, on its http port', () => {
    const twoApps = { ...model, apps: [gateway, app] };
    expect(manifestOf(synth({ model: twoApps, app: gateway }), 'NetworkPolicy', 'allow-load-balancer').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: http.port }]);
    expect(objects(synth({ model: twoApps }))).not.toContain('NetworkPolicy/allow-load-balancer');
  });

  it('picks the entry among the apps of this region only', () => {
    const gatewayElsewhere = { ...gateway, regions: model.regions.filter((other) => other.id !== region.id).map((other) => other.id) };
    expect(objects(synth({ model: { ...model, apps: [gatewayElsewhere, app] } }))).toContain(`TargetGroupBinding/${app.name}`);
  });

  it('syncs the namespace first, then what the pods read, then the workload and what refers to it', () => {
    const waves = Object.fromEntries(synth().map((manifest) => [`${manifest.kind}/${manifest.metadata.name}`, manifest.metadata.annotations?.['argocd.argoproj.io/sync-wave']]));
    expect(waves).toMatchObject({
      [`Namespace/${app.name}`]: '-1',
      [`ServiceAccount/${app.name}`]: '0',
      'ConfigMap/feature-flags': '0',
      [`Service/${app.name}`]: '0',
      'NetworkPolicy/default-deny': '0',
      [`AnalysisTemplate/${app.name}-slo`]: '0',
      [`PodMonitor/${app.name}`]: '0',
      [`Rollout/${app.name}`]: '1',
      [`HorizontalPodAutoscaler/${app.name}`]: '1',
      [`PodDisruptionBudget/${app.name}`]: '1',
      [`TargetGroupBinding/${app.name}`]: '1',
    });
  });

  it('carries the flags checksum on the Rollout metadata and on no pod template', () => {
    const manifests = synth();
    const rollout = manifestOf(manifests, 'Rollout', app.name);
    expect(rollout.metadata.annotations).toHaveProperty(['feature-flags.example.com/checksum']);
    expect(JSON.stringify(rollout.spec)).not.toContain('feature-flags.example.com/checksum');
  });

  it('changes only the flags ConfigMap and the Rollout metadata when the region turns read-only', () => {
    const before = synth();
    const after = synth({ region: { ...region, readOnly: !region.readOnly } });
    const changed = after.filter((manifest, index) => JSON.stringify(manifest) !== JSON.stringify(before[index])).map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
    expect(changed).toEqual(['ConfigMap/feature-flags', `Rollout/${app.name}`]);
    expect(manifestOf(after, 'Rollout', app.name).spec).toEqual(manifestOf(before, 'Rollout', app.name).spec);
  });

  it('is byte-identical across runs', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(synth()));
  });
});
