import { describe, expect, it } from 'vitest';
import type { App } from '../../schemas';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { errorRatio, p95LatencySeconds } from './service-metrics';
import { SloAnalysisTemplate } from './slo-analysis-template';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

function template(of: App = app) {
  const manifests = synthChart((chart) => new SloAnalysisTemplate(chart, 'analysis', { global: model.global, region, app: of }));
  return manifestOf(manifests, 'AnalysisTemplate', `${of.name}-slo`);
}
const metric = (of: App, name: string) => template(of).spec.metrics.find((candidate: { name: string }) => candidate.name === name);
const canaryPods = { namespace: app.name, rollouts_pod_template_hash: '{{args.canary-hash}}' };

describe('SloAnalysisTemplate', () => {
  it('is the AnalysisTemplate <app>-slo in the app namespace, taking the canary hash', () => {
    expect(template()).toMatchObject({ metadata: { name: `${app.name}-slo`, namespace: app.name }, spec: { args: [{ name: 'canary-hash' }] } });
  });

  it("measures the canary pods' error ratio with the shared PromQL, against the in-cluster Prometheus", () => {
    expect(metric(app, 'error-rate').provider).toEqual({
      prometheus: { address: 'http://prometheus-operated.monitoring.svc:9090', query: errorRatio(canaryPods, '2m') },
    });
  });

  it("measures the canary pods' p95 latency with the shared PromQL", () => {
    expect(metric(app, 'p95-latency').provider.prometheus.query).toBe(p95LatencySeconds(canaryPods, '2m'));
  });

  it("passes while the error ratio stays within the app's SLO, as a fraction", () => {
    const strict = { ...app, slo: { ...app.slo, errorRatePercent: 0.7 } };
    expect(metric(strict, 'error-rate').successCondition).toBe('len(result) == 0 || isNaN(result[0]) || result[0] <= 0.007');
  });

  it("passes while p95 latency stays within the app's SLO, in seconds", () => {
    const fast = { ...app, slo: { ...app.slo, p95LatencyMs: 250 } };
    expect(metric(fast, 'p95-latency').successCondition).toBe('len(result) == 0 || isNaN(result[0]) || result[0] <= 0.25');
  });

  it("tolerates the three failed measurements of a lone spike in the two-minute window, and fails on the fourth", () => {
    expect(template().spec.metrics).toEqual([
      expect.objectContaining({ interval: '1m', failureLimit: 3 }),
      expect.objectContaining({ interval: '1m', failureLimit: 3 }),
    ]);
  });
});
