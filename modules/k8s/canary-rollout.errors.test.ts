import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { App } from '../../schemas';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { CanaryRollout } from './canary-rollout';
import { FeatureFlags } from './feature-flags';
import { SloAnalysisTemplate } from './slo-analysis-template';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;
const repository = app.image.slice(0, app.image.lastIndexOf('@'));

function build(options: { app?: App; image?: string }) {
  const of = options.app ?? app;
  const chart = new Chart(Testing.app(), 'test');
  const featureFlags = new FeatureFlags(chart, 'flags', { global: model.global, region, app: of });
  const analysis = new SloAnalysisTemplate(chart, 'analysis', { global: model.global, region, app: of });
  return new CanaryRollout(chart, 'rollout', { model, region, app: of, image: options.image ?? of.image, featureFlags, analysis });
}

describe('CanaryRollout rejects', () => {
  it('an image from another repository', () => {
    const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/other@sha256:${'a'.repeat(64)}`;
    expect(() => build({ image })).toThrow(`CanaryRollout rollout: image: expected ${repository}@sha256:<64 hex digits> (the app's repository, pinned by digest), got "${image}"`);
  });

  it('an image pinned by tag instead of digest', () => {
    expect(() => build({ image: `${repository}:latest` })).toThrow(`CanaryRollout rollout: image: expected ${repository}@sha256:<64 hex digits> (the app's repository, pinned by digest), got "${repository}:latest"`);
  });

  it('an app without an http port to probe', () => {
    const grpcOnly: App = { ...app, ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' }] };
    expect(() => build({ app: grpcOnly })).toThrow(
      `CanaryRollout rollout: app.ports: expected an http port to probe ${app.probes.readiness} and ${app.probes.liveness} on, got grpc (grpc 9090)`,
    );
  });
});
