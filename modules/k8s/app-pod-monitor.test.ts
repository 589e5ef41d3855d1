import { describe, expect, it } from 'vitest';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { AppPodMonitor } from './app-pod-monitor';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;
const http = app.ports.find((port) => port.protocol === 'http')!;
const podMonitor = () => manifestOf(synthChart((chart) => new AppPodMonitor(chart, 'pod-monitor', { global: model.global, region, app })), 'PodMonitor', app.name);

describe('AppPodMonitor', () => {
  it("scrapes /metrics on every app pod's http port", () => {
    expect(podMonitor()).toMatchObject({
      metadata: { namespace: app.name },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': app.name } }, podMetricsEndpoints: [{ port: http.name, path: '/metrics' }] },
    });
  });

  it("carries the label the region's Prometheus selects monitors by", () => {
    expect(podMonitor().metadata.labels).toMatchObject({ prometheus: model.global.name });
  });

  it('keeps the pod template hash that tells canary series from stable ones', () => {
    expect(podMonitor().spec.podTargetLabels).toEqual(['rollouts-pod-template-hash']);
  });

  it('labels every series with the region', () => {
    expect(podMonitor().spec.podMetricsEndpoints[0].relabelings).toEqual([{ action: 'replace', targetLabel: 'region', replacement: region.id }]);
  });

  it("scrapes often enough for rate() over the analysis' two-minute window", () => {
    expect(podMonitor().spec.podMetricsEndpoints[0].interval).toBe('15s');
  });
});
