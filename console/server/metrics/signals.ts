import { regionsOfApp, type DataSet, type Model, type Region } from '../../../schemas';
import { literalPattern } from '../../../modules/k8s/alerts/alert';
import { route53HealthStatus } from '../../../modules/k8s/alerts/edge-alerts';
import { probeSuccess } from '../../../modules/k8s/alerts/probe-alerts';
import { lagSeconds, lagSignals } from '../../../modules/k8s/alerts/replication-alerts';
import { probeTargets } from '../../../modules/k8s/probe-targets';
import { SERVICE_PANEL_WINDOW } from '../../../modules/k8s/region-dashboard';
import { errorRatio, p95LatencySeconds, requestRate } from '../../../modules/k8s/service-metrics';

/**
 * What the console asks one region's Prometheus, built by the same functions as the alerts and the
 * dashboard so the console, the pager and Grafana never disagree about a number.
 */
export interface RegionQueries {
  /** The request histogram of every app running in the region, summed; absent when none runs there. */
  service?: { p95Seconds: string; errorRatio: string; requestsPerSecond: string };
  /** Each data set whose lag this region's Prometheus sees (CloudWatch publishes it where the copy lands). */
  lag: Array<{ dataSet: DataSet; promql: string }>;
  /** Route 53's check of every region: YACE in each region reads them all from us-east-1. */
  route53: Array<{ region: string; promql: string }>;
  /** The peers this region's blackbox exporter probes: a region is judged from outside. */
  probes: Array<{ region: string; promql: string }>;
}

export function regionQueries(model: Model, region: Region): RegionQueries {
  const apps = model.apps.filter((app) => regionsOfApp(model, app).includes(region));
  // One app: the very expression of its alerts and dashboard panels; more: the same series summed.
  const matchers = { namespace: apps.length === 1 ? apps[0]!.name : `~${apps.map((app) => literalPattern(app.name)).join('|')}` };
  return {
    ...(apps.length
      ? { service: { p95Seconds: p95LatencySeconds(matchers, SERVICE_PANEL_WINDOW), errorRatio: errorRatio(matchers, SERVICE_PANEL_WINDOW), requestsPerSecond: requestRate(matchers, SERVICE_PANEL_WINDOW) } }
      : {}),
    lag: lagSignals(model, region).map((signal) => ({ dataSet: signal.dataSet, promql: lagSeconds(signal) })),
    route53: model.regions.map((target) => ({ region: target.id, promql: route53HealthStatus(model, target) })),
    probes: probeTargets(model, region).flatMap((target) => (target.targetRegion === undefined ? [] : [{ region: target.targetRegion, promql: probeSuccess(target) }])),
  };
}

export type LagState = 'ok' | 'warning' | 'breach' | 'unknown';

/**
 * Where a data set's lag stands: under its alert threshold, past it (the alert fires once it holds), or
 * at its RPO, where data written in the primary is at risk of being lost on failover. A lag of zero is
 * never a breach, even for a data set whose RPO is zero.
 */
export function lagState(seconds: number | undefined, dataSet: Pick<DataSet, 'lagAlertSeconds' | 'rpoSeconds'>): LagState {
  if (seconds === undefined) return 'unknown';
  if (seconds > 0 && seconds >= dataSet.rpoSeconds) return 'breach';
  if (seconds >= dataSet.lagAlertSeconds) return 'warning';
  return 'ok';
}

export type HealthState = 'healthy' | 'failing' | 'unknown';

/** Failing when either check says so; healthy when at least one answers and none fails. */
export function healthState(route53: boolean | undefined, probe: boolean | undefined): HealthState {
  if (route53 === false || probe === false) return 'failing';
  if (route53 === true || probe === true) return 'healthy';
  return 'unknown';
}
