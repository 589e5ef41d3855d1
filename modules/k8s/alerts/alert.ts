import type { IRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule';
import type { Global, Region } from '../../../schemas';
import { selector } from '../service-metrics';

/** `critical` pages the on-call engineer; `warning` opens a ticket for working hours. */
export type Severity = 'critical' | 'warning';

/**
 * One series of a promtool test. A gauge holds `quiet` and then `fire`; a counter grows by `quiet` and
 * then by `fire` every minute. Both values are derived from the alert's threshold, so the tests move
 * with the model.
 */
export interface TestSeries {
  /** Metric name and labels, e.g. `probe_success{host="api-use1.example.com"}`. */
  readonly series: string;
  readonly kind: 'gauge' | 'counter';
  /** Just on the quiet side of the threshold. */
  readonly quiet: number;
  /** Past the threshold by a margin. */
  readonly fire: number;
}

/**
 * An alert as the model defines it for one region, with the series that show it quiet and firing:
 * the PrometheusRule and its promtool unit test are both rendered from this, so neither can drift
 * from the other.
 */
export interface AlertDefinition {
  /** The alertname; also names its runbook section. */
  readonly name: string;
  readonly severity: Severity;
  /** PromQL that returns one sample, without labels, while the condition holds. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly forSeconds: number;
  readonly summary: string;
  readonly description: string;
  /** Labels beyond `severity` and `region` that tell this alert's instances apart (`data_set`, `app`, `target_region`, …). */
  readonly labels: Readonly<Record<string, string>>;
  readonly test: {
    readonly series: readonly TestSeries[];
    /** Longest range `expr` looks back over, in seconds; 0 for instant gauges. The firing evaluation waits for it to fill. */
    readonly windowSeconds: number;
  };
}

/** The label every alert carries naming the region whose Prometheus evaluated it. */
const REGION_ALERT_LABEL = 'region';

/** How far on either side of its threshold a test series sits: near enough to catch an off-by-one, far enough from rounding. */
const TEST_MARGIN = 0.1;

/** Test values just under and just over `threshold`, for an alert that fires above it. */
export function aroundThreshold(threshold: number): { quiet: number; fire: number } {
  return { quiet: tidy(threshold * (1 - TEST_MARGIN)), fire: tidy(threshold * (1 + TEST_MARGIN)) };
}

/** A Prometheus duration: `1h`, `5m` or `90s`. */
export function duration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Rounds away binary noise (`14.4 * 0.0005` is `0.0072000000000000015`), so thresholds print as written. */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** The runbook section of an alert: docs/runbooks.md on the branch Argo CD follows, anchored at the alert's heading. */
export function runbookUrl(global: Global, alertName: string): string {
  const repository = global.delivery.repoURL.replace(/\.git$/, '');
  return `${repository}/blob/${global.delivery.targetRevision}/docs/runbooks.md#${alertName.toLowerCase()}`;
}

/** Every label the alert carries: the rule's own; the expression contributes none. */
export function alertLabels(alert: AlertDefinition, region: Region): Record<string, string> {
  return { ...alert.labels, severity: alert.severity, [REGION_ALERT_LABEL]: region.id };
}

export function alertAnnotations(alert: AlertDefinition, global: Global): Record<string, string> {
  return { summary: alert.summary, description: alert.description, runbook_url: runbookUrl(global, alert.name) };
}

/** The alerting rule as Prometheus reads it. */
export function alertRule(alert: AlertDefinition, region: Region, global: Global): IRule {
  return {
    alert: alert.name,
    expr: alert.expr,
    ...(alert.forSeconds > 0 ? { for: duration(alert.forSeconds) } : {}),
    labels: alertLabels(alert, region),
    annotations: alertAnnotations(alert, global),
  };
}

/** Names one instance of an alert, e.g. `ReplicationLagHigh{data_set="orders-db"}`; promtool test groups carry it. */
export function alertInstance(alert: AlertDefinition): string {
  return Object.keys(alert.labels).length ? `${alert.name}${selector(alert.labels)}` : alert.name;
}

/** A PromQL string literal holding a regular expression that matches exactly `text`. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
}
