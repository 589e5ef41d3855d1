import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { IMetric } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Metric';
import { Construct } from 'constructs';
import type { App, Global, Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { appLabels } from './labels';
import { errorRatio, p95LatencySeconds } from './service-metrics';

/** The in-cluster Prometheus (prometheus-operator, installed by cluster bootstrap). */
export const PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';
/** Argument carrying the `rollouts-pod-template-hash` of the canary's pods. */
export const CANARY_HASH_ARG = 'canary-hash';

const WINDOW_MINUTES = 2;
const INTERVAL_MINUTES = 1;
// A spike, however short, shows in every window that covers it: up to WINDOW / INTERVAL + 1
// consecutive measurements. Tolerating that many failures keeps a lone spike from aborting a release;
// a breach lasting a minute or more, or spikes that recur (failures add up over the run), abort it.
const FAILURE_LIMIT = WINDOW_MINUTES / INTERVAL_MINUTES + 1;

export interface SloAnalysisTemplateProps {
  readonly global: Global;
  readonly region: Region;
  /** The app whose canary pods are measured against its `slo`. */
  readonly app: App;
}

/**
 * The AnalysisTemplate `<app>-slo` that a Rollout runs in the background of every canary: the canary
 * pods' error ratio and p95 latency, measured with the same PromQL as the alerts, against the app's
 * SLO. A sustained breach fails the analysis and Argo Rollouts aborts the release.
 *
 * A canary without traffic yet (no series: an empty result; no requests in the window: NaN) passes:
 * absence of evidence is not a breach, and the pauses between steps give the canary time to be
 * measured before it takes more traffic.
 */
export class SloAnalysisTemplate extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: SloAnalysisTemplateProps) {
    super(scope, id);
    const { global, region, app } = props;
    this.name = `${app.name}-slo`;
    const canaryPods = { namespace: app.name, rollouts_pod_template_hash: `{{args.${CANARY_HASH_ARG}}}` };
    const window = `${WINDOW_MINUTES}m`;
    addManifest<IAnalysisTemplate>(this, 'analysis-template', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: this.name, namespace: app.name, labels: appLabels(global, region, app) },
      spec: {
        args: [{ name: CANARY_HASH_ARG }],
        metrics: [
          atMost('error-rate', errorRatio(canaryPods, window), decimal(app.slo.errorRatePercent / 100)),
          atMost('p95-latency', p95LatencySeconds(canaryPods, window), decimal(app.slo.p95LatencyMs / 1000)),
        ],
      },
    });
  }
}

/**
 * A metric that passes while the query's one value is at most `limit`. The Prometheus provider hands
 * an instant vector over as a list of floats: empty when no series matched, `[NaN]` when a ratio had
 * nothing to divide. Argo Rollouts' expression language (expr) short-circuits `||` and provides `isNaN`.
 */
function atMost(name: string, query: string, limit: number): IMetric {
  return {
    name,
    interval: `${INTERVAL_MINUTES}m`,
    failureLimit: FAILURE_LIMIT,
    successCondition: `len(result) == 0 || isNaN(result[0]) || result[0] <= ${limit}`,
    provider: { prometheus: { address: PROMETHEUS_ADDRESS, query } },
  };
}

/** Drops binary floating-point noise (0.7 / 100 = 0.006999999999999999) from a rendered threshold. */
function decimal(value: number): number {
  return Number(value.toPrecision(12));
}
