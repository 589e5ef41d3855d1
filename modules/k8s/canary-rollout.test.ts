import { describe, expect, it } from 'vitest';
import type { App, Region } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { CanaryRollout } from './canary-rollout';
import { FeatureFlags } from './feature-flags';
import { SloAnalysisTemplate } from './slo-analysis-template';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;
const http = app.ports.find((port) => port.protocol === 'http')!;

function synth(options: { app?: App; region?: Region; image?: string } = {}): Manifest[] {
  const of = options.app ?? app;
  const where = options.region ?? region;
  return synthChart((chart) => {
    const featureFlags = new FeatureFlags(chart, 'flags', { global: model.global, region: where, app: of });
    const analysis = new SloAnalysisTemplate(chart, 'analysis', { global: model.global, region: where, app: of });
    new CanaryRollout(chart, 'rollout', { model, region: where, app: of, image: options.image ?? of.image, featureFlags, analysis });
  });
}
const rolloutOf = (manifests: Manifest[], of: App = app) => manifestOf(manifests, 'Rollout', of.name);
const podSpec = (options?: Parameters<typeof synth>[0]) => rolloutOf(synth(options), options?.app).spec.template.spec;
const container = (options?: Parameters<typeof synth>[0]) => podSpec(options).containers[0];
const env = (options?: Parameters<typeof synth>[0]) => Object.fromEntries(container(options).env.map((variable: { name: string; value: string }) => [variable.name, variable.value]));

describe('CanaryRollout', () => {
  it('is the Rollout <app> in the app namespace, selecting the app by name', () => {
    expect(rolloutOf(synth())).toMatchObject({
      metadata: { name: app.name, namespace: app.name },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': app.name } }, template: { metadata: { labels: { 'app.kubernetes.io/name': app.name } } } },
    });
  });

  it('leaves the replica count to the autoscaler', () => {
    expect(rolloutOf(synth()).spec).not.toHaveProperty('replicas');
  });

  it('maps the canary steps: weights as they are, timed pauses as durations, until-promoted as an open pause', () => {
    const steps: App['canary']['steps'] = [{ setWeight: 10 }, { pause: '5m' }, { setWeight: 50 }, { pause: 'until-promoted' }, { setWeight: 100 }];
    expect(rolloutOf(synth({ app: { ...app, canary: { steps } } })).spec.strategy.canary.steps).toEqual([
      { setWeight: 10 },
      { pause: { duration: '5m' } },
      { setWeight: 50 },
      { pause: {} },
      { setWeight: 100 },
    ]);
  });

  it('runs the SLO analysis from the first step against the newest pods', () => {
    expect(rolloutOf(synth()).spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: `${app.name}-slo` }],
      args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
      startingStep: 0,
    });
  });

  it('names the stable and canary Services and never lowers capacity while surging', () => {
    expect(rolloutOf(synth()).spec.strategy.canary).toMatchObject({ stableService: `${app.name}-stable`, canaryService: `${app.name}-canary`, maxUnavailable: 0 });
  });

  it('creates the root, stable and canary Services over every app pod, preferring zone-local endpoints', () => {
    const manifests = synth();
    for (const name of [app.name, `${app.name}-stable`, `${app.name}-canary`]) {
      expect(manifestOf(manifests, 'Service', name)).toMatchObject({
        metadata: { namespace: app.name },
        spec: {
          selector: { 'app.kubernetes.io/name': app.name },
          ports: [{ name: http.name, port: http.port, targetPort: http.name, protocol: 'TCP' }],
          trafficDistribution: 'PreferClose',
        },
      });
    }
  });

  it('annotates the Rollout metadata with the feature flags checksum', () => {
    let checksum = '';
    const manifests = synthChart((chart) => {
      const featureFlags = new FeatureFlags(chart, 'flags', { global: model.global, region, app });
      checksum = featureFlags.checksum;
      const analysis = new SloAnalysisTemplate(chart, 'analysis', { global: model.global, region, app });
      new CanaryRollout(chart, 'rollout', { model, region, app, image: app.image, featureFlags, analysis });
    });
    expect(rolloutOf(manifests).metadata.annotations).toEqual({ 'feature-flags.example.com/checksum': checksum });
  });

  it('keeps the pod template identical when only the flags change, so a toggle starts no canary', () => {
    const before = rolloutOf(synth()).spec.template;
    const after = rolloutOf(synth({ region: { ...region, readOnly: !region.readOnly, degradedMode: { ...region.degradedMode, pauseProducers: true } } })).spec.template;
    expect(after).toEqual(before);
    expect(after.metadata).not.toHaveProperty('annotations');
  });

  it('runs the given image', () => {
    const image = app.image.replace(/@sha256:.*/, `@sha256:${'a'.repeat(64)}`);
    expect(container({ image }).image).toBe(image);
  });

  it('runs as the ServiceAccount <app> without the Kubernetes API token', () => {
    expect(podSpec()).toMatchObject({ serviceAccountName: app.name, automountServiceAccountToken: false });
  });

  it('runs the pod as a fixed non-root user with the runtime seccomp profile', () => {
    expect(podSpec().securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('restricts every container: no privilege escalation, read-only root, no capabilities', () => {
    for (const each of podSpec().containers) {
      expect(each.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('requests the app resources and limits memory, not CPU, to the request', () => {
    expect(container({ app: { ...app, resources: { cpu: '250m', memory: '1Gi' } } }).resources).toEqual({
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { memory: '1Gi' },
    });
  });

  it("probes readiness and liveness on the app's paths over its first http port", () => {
    const probed = { ...app, ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' as const }, { name: 'web', port: 8081, protocol: 'http' as const }], probes: { readiness: '/ready', liveness: '/alive' } };
    expect(container({ app: probed })).toMatchObject({
      readinessProbe: { httpGet: { path: '/ready', port: 'web' } },
      livenessProbe: { httpGet: { path: '/alive', port: 'web' } },
    });
  });

  it('gives a starting container time before the liveness probe may restart it', () => {
    expect(container().startupProbe).toMatchObject({ httpGet: { path: app.probes.liveness, port: http.name }, periodSeconds: 5, failureThreshold: 30 });
  });

  it("declares the app's ports on the container", () => {
    expect(container().ports).toEqual(app.ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })));
  });

  it('tells the pods their region, AWS region and sorted peers, and where the flags are', () => {
    const others = model.regions.filter((other) => other.id !== region.id).map((other) => other.id).sort();
    expect(env()).toEqual({
      REGION_ID: region.id,
      AWS_REGION: region.awsRegion,
      PEER_REGIONS: others.join(','),
      FEATURE_FLAGS_DIR: '/etc/feature-flags',
      OTEL_RESOURCE_ATTRIBUTES: `service.name=${app.name},cloud.region=${region.awsRegion}`,
    });
  });

  it('mounts the feature-flags ConfigMap read-only as a whole directory, so kubelet refreshes it', () => {
    const spec = podSpec();
    expect(spec.volumes).toContainEqual({ name: 'feature-flags', configMap: { name: 'feature-flags' } });
    const mount = spec.containers[0].volumeMounts.find((candidate: { name: string }) => candidate.name === 'feature-flags');
    expect(mount).toEqual({ name: 'feature-flags', mountPath: '/etc/feature-flags', readOnly: true });
  });

  it('gives the read-only container a bounded writable /tmp', () => {
    const spec = podSpec();
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('spreads each ReplicaSet across zones and hosts', () => {
    expect(podSpec().topologySpreadConstraints).toEqual(
      ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) =>
        expect.objectContaining({ topologyKey, maxSkew: 1, labelSelector: { matchLabels: { 'app.kubernetes.io/name': app.name } }, matchLabelKeys: ['rollouts-pod-template-hash'] }),
      ),
    );
  });

  it('keeps serving for a moment after termination starts, within the grace period', () => {
    const spec = podSpec();
    expect(spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(spec.terminationGracePeriodSeconds).toBe(60);
  });
});
