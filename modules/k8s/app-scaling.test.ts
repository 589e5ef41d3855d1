import { describe, expect, it } from 'vitest';
import type { App } from '../../schemas';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { AppScaling } from './app-scaling';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

const synth = (of: App = app) => synthChart((chart) => new AppScaling(chart, 'scaling', { global: model.global, region, app: of, rolloutName: of.name }));

describe('AppScaling', () => {
  it('scales the Rollout, not a Deployment, with the HorizontalPodAutoscaler <app>', () => {
    expect(manifestOf(synth(), 'HorizontalPodAutoscaler', app.name)).toMatchObject({
      metadata: { namespace: app.name },
      spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: app.name } },
    });
  });

  it("keeps between the app's minimum and maximum replicas, aiming at its CPU target", () => {
    const sized = { ...app, replicas: { min: 4, max: 12, targetCpuPercent: 55 } };
    expect(manifestOf(synth(sized), 'HorizontalPodAutoscaler', app.name).spec).toMatchObject({
      minReplicas: 4,
      maxReplicas: 12,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } }],
    });
  });

  it('waits five quiet minutes before scaling down', () => {
    expect(manifestOf(synth(), 'HorizontalPodAutoscaler', app.name).spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 300 } });
  });

  it("lets voluntary disruptions take one of the app's pods at a time, crash-looping ones always", () => {
    expect(manifestOf(synth(), 'PodDisruptionBudget', app.name)).toMatchObject({
      metadata: { namespace: app.name },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': app.name } }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  });
});
