import { imageOf, regionsOfApp, type Model, type Region } from '../../schemas';
import { route53HealthCheck } from '../../modules/k8s/alerts/edge-alerts';
import { probeSeries } from '../../modules/k8s/alerts/probe-alerts';
import { lagSignals, type LagSignal } from '../../modules/k8s/alerts/replication-alerts';
import { probeTargets } from '../../modules/k8s/probe-targets';
import { REQUEST_DURATION, selector } from '../../modules/k8s/service-metrics';
import { startBackfilledPrometheus, type MetricFamily, type PrometheusServer } from '../../tests/helpers/prometheus';

/**
 * One real Prometheus per model region, backfilled with what that region's own Prometheus would hold:
 * the apps' request-duration histograms (traffic following a daily curve, split by the configured
 * weights, a small 5xx share), the replication lag CloudWatch reports for each data set it can see,
 * every region's Route 53 health check, what its blackbox exporter sees of its peers, and the Argo
 * Rollouts and kube-state-metrics series the release barrier reads. Every series is named and labelled
 * by the same builders the alerts use, so whatever reads the fleet reads what production would have.
 */
export interface FleetOptions {
  model: Model;
  /** Where the history ends and the live part begins; the current time unless given. */
  now?: Date;
  hoursOfHistory?: number;
  /** Samples past `now`, so instant queries keep finding fresh data during a long session. */
  hoursAhead?: number;
  stepSeconds?: number;
  /**
   * The data set whose lag in `region` climbs past its alert threshold toward its RPO over the 30 minutes
   * before `now`, and on toward the RPO after it; the first lag signal of the first secondary unless given,
   * none when null.
   */
  lagSpike?: { region: string; dataSet: string } | null;
  /**
   * Regions Route 53 and the peers' probes find down from 10 minutes before `now`: Route 53 then sends
   * them almost nothing and the other regions take their share.
   */
  failing?: readonly string[];
  /** The checkout whose `.tools/bin` holds promtool and prometheus; this one unless given (a bundled script must say). */
  toolsRoot?: string;
}

/** What the fleet generated for one region, for specs and the demo to compare with what a reader shows. */
export interface RegionProfile {
  /** The histogram bucket the 95th percentile falls in, in seconds, and the value histogram_quantile interpolates in it. */
  p95: { above: number; atMost: number; seconds: number };
  /** Share of requests answered with a 5xx. */
  errorRatio: number;
  /** Requests per second the region serves at `time` (before the per-step noise of a few percent). */
  requestsPerSecond(time: Date): number;
  /** Lag in seconds at `time` of each data set the region's Prometheus sees, by data set name. */
  lagSeconds(time: Date): Record<string, number>;
}

export interface PrometheusFleet {
  /** Region id → the URL of its Prometheus. */
  urls: Record<string, string>;
  profiles: Record<string, RegionProfile>;
  lagSpike: { region: string; dataSet: string } | null;
  /** Wall time from the call to every Prometheus answering. */
  startedInMs: number;
  /** Kills one region's Prometheus: its URL refuses connections from then on. */
  stop(region: string): Promise<void>;
  /** Suspends one region's Prometheus: connections are accepted but never answered. */
  freeze(region: string): void;
  stopAll(): Promise<void>;
}

/** OpenTelemetry's default boundaries for `http.server.request.duration`, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;
/** Requests per second of the whole deployment at the daily peak. */
const PEAK_REQUESTS_PER_SECOND = 400;
/** Busiest hour of the day, UTC. */
const PEAK_HOUR_UTC = 15;
const SPIKE_MINUTES = 30;
const FAILING_SINCE_MINUTES = 10;
/** What a region Route 53 has taken out of the answer still receives, from resolvers caching the old record. */
const FAILED_REGION_RESIDUAL = 0.02;
const CERTIFICATE_DAYS_LEFT = 60;

export async function startPrometheusFleet(options: FleetOptions): Promise<PrometheusFleet> {
  const started = performance.now();
  const { model } = options;
  const plan = fleetPlan(options);
  const servers: Record<string, PrometheusServer> = {};
  const results = await Promise.allSettled(
    model.regions.map(async (region) => {
      servers[region.id] = await startBackfilledPrometheus(regionFamilies(plan, region), options.toolsRoot ? { toolsRoot: options.toolsRoot } : {});
    }),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    throw failed.reason;
  }
  const server = (region: string) => {
    const found = servers[region];
    if (!found) throw new Error(`prometheus fleet: no region ${JSON.stringify(region)} (regions: ${Object.keys(servers).join(', ')})`);
    return found;
  };
  return {
    // In model order, whichever server came up first: the console lists regions in this order.
    urls: Object.fromEntries(model.regions.map((region) => [region.id, server(region.id).url])),
    profiles: Object.fromEntries(model.regions.map((region) => [region.id, profileOf(plan, region)])),
    lagSpike: plan.spike ? { region: plan.spike.region, dataSet: plan.spike.dataSet } : null,
    startedInMs: Math.round(performance.now() - started),
    stop: (region) => server(region).stop(),
    freeze: (region) => server(region).freeze(),
    stopAll: async () => {
      await Promise.all(Object.values(servers).map((found) => found.stop()));
    },
  };
}

interface Plan {
  model: Model;
  /** Unix seconds, aligned to the step. */
  now: number;
  timestamps: number[];
  spike: { region: string; dataSet: string; signal: LagSignal } | null;
  failing: ReadonlySet<string>;
}

function fleetPlan(options: FleetOptions): Plan {
  const { model, hoursOfHistory = 6, hoursAhead = 2, stepSeconds = 30 } = options;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000 / stepSeconds) * stepSeconds;
  const first = now - hoursOfHistory * 3600;
  const count = Math.floor(((hoursOfHistory + hoursAhead) * 3600) / stepSeconds) + 1;
  const timestamps = Array.from({ length: count }, (_, i) => first + i * stepSeconds);
  const known = (id: string, what: string) => {
    if (!model.regions.some((region) => region.id === id)) throw new Error(`prometheus fleet: ${what}: no region ${JSON.stringify(id)} in the model (regions: ${model.regions.map((region) => region.id).join(', ')})`);
  };
  for (const id of options.failing ?? []) known(id, 'failing');
  return { model, now, timestamps, spike: spikeOf(model, options.lagSpike), failing: new Set(options.failing ?? []) };
}

function spikeOf(model: Model, wanted: FleetOptions['lagSpike']): Plan['spike'] {
  if (wanted === null) return null;
  const regionId = wanted?.region ?? model.regions.find((region) => region.role === 'secondary')?.id ?? model.regions[0]!.id;
  const region = model.regions.find((candidate) => candidate.id === regionId);
  if (!region) throw new Error(`prometheus fleet: lagSpike.region: no region ${JSON.stringify(regionId)} in the model (regions: ${model.regions.map((candidate) => candidate.id).join(', ')})`);
  const signals = lagSignals(model, region);
  const signal = wanted ? signals.find((candidate) => candidate.dataSet.name === wanted.dataSet) : signals[0];
  if (!signal) {
    const seen = signals.map((candidate) => candidate.dataSet.name).join(', ') || 'none';
    throw new Error(`prometheus fleet: lagSpike: ${region.id}'s Prometheus sees no lag of ${JSON.stringify(wanted?.dataSet ?? 'any data set')} (it sees: ${seen})`);
  }
  return { region: region.id, dataSet: signal.dataSet.name, signal };
}

function regionFamilies(plan: Plan, region: Region): MetricFamily[] {
  return [...requestFamilies(plan, region), ...lagFamilies(plan, region), ...edgeFamilies(plan), ...probeFamilies(plan, region), ...rolloutFamilies(plan, region)];
}

function requestFamilies(plan: Plan, region: Region): MetricFamily[] {
  const profile = profileOf(plan, region);
  const latency = latencyOf(plan, region);
  const apps = plan.model.apps.filter((app) => regionsOfApp(plan.model, app).includes(region));
  const series: MetricFamily['series'] = [];
  for (const app of apps) {
    // Every app of the region takes an equal part of its traffic; the cumulative count is what a counter holds.
    let total = 0;
    const cumulative = plan.timestamps.map((timestamp, index) => {
      const noise = 1 + 0.04 * jitter(`${region.id}/${app.name}/requests`, index);
      total += (profile.requestsPerSecond(new Date(timestamp * 1000)) / apps.length) * noise * stepOf(plan);
      return total;
    });
    for (const [status, share] of [['200', 1 - profile.errorRatio], ['500', profile.errorRatio]] as const) {
      const labels = { namespace: app.name, http_request_method: 'GET', http_response_status_code: status };
      const counts = cumulative.map((value) => Math.round(value * share));
      const samples = (value: (count: number) => number) => plan.timestamps.map((timestamp, index) => [timestamp, value(counts[index]!)] as const);
      for (const le of LATENCY_BUCKETS) series.push({ series: `${REQUEST_DURATION}_bucket${selector({ ...labels, le: String(le) })}`, samples: samples((count) => Math.round(count * latency.cdf(le))) });
      series.push({ series: `${REQUEST_DURATION}_bucket${selector({ ...labels, le: '+Inf' })}`, samples: samples((count) => count) });
      series.push({ series: `${REQUEST_DURATION}_count${selector(labels)}`, samples: samples((count) => count) });
      series.push({ series: `${REQUEST_DURATION}_sum${selector(labels)}`, samples: samples((count) => Number((count * latency.meanSeconds).toFixed(3))) });
    }
  }
  return series.length ? [{ name: REQUEST_DURATION, type: 'histogram', series }] : [];
}

function lagFamilies(plan: Plan, region: Region): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  for (const signal of lagSignals(plan.model, region)) {
    const family = families.get(signal.metric) ?? { name: signal.metric, type: 'gauge' as const, series: [] };
    families.set(signal.metric, family);
    const samples = plan.timestamps.map((timestamp, index) => {
      const seconds = lagAt(plan, region, signal, timestamp) * (1 + 0.05 * jitter(`${region.id}/${signal.dataSet.name}/lag`, index));
      return [timestamp, Number((seconds * signal.unitsPerSecond).toFixed(3))] as const;
    });
    family.series.push({ series: `${signal.metric}${selector(signal.example)}`, samples });
  }
  return [...families.values()];
}

/** Every region's Prometheus holds every region's Route 53 health check: YACE reads them all from us-east-1. */
function edgeFamilies(plan: Plan): MetricFamily[] {
  const checks = plan.model.regions.map((target) => ({ target, check: route53HealthCheck(plan.model, target) }));
  return [
    {
      name: checks[0]!.check.metric,
      type: 'gauge',
      series: checks.map(({ target, check }) => ({ series: `${check.metric}${selector(check.matchers)}`, samples: plan.timestamps.map((timestamp) => [timestamp, downAt(plan, target.id, timestamp) ? 0 : 1] as const) })),
    },
  ];
}

function probeFamilies(plan: Plan, region: Region): MetricFamily[] {
  const targets = probeTargets(plan.model, region);
  const expiry = plan.now + CERTIFICATE_DAYS_LEFT * 86400;
  return [
    {
      name: 'probe_success',
      type: 'gauge',
      series: targets.map((target) => ({
        series: probeSeries('probe_success', target),
        samples: plan.timestamps.map((timestamp) => [timestamp, target.targetRegion !== undefined && downAt(plan, target.targetRegion, timestamp) ? 0 : 1] as const),
      })),
    },
    { name: 'probe_ssl_earliest_cert_expiry', type: 'gauge', series: targets.map((target) => ({ series: probeSeries('probe_ssl_earliest_cert_expiry', target), samples: plan.timestamps.map((timestamp) => [timestamp, expiry] as const) })) },
  ];
}

/** What the release barrier reads: each app's Rollout Completed and its pods on the image the model gives the region. */
function rolloutFamilies(plan: Plan, region: Region): MetricFamily[] {
  const apps = plan.model.apps.filter((app) => regionsOfApp(plan.model, app).includes(region));
  if (!apps.length) return [];
  const constant = plan.timestamps.map((timestamp) => [timestamp, 1] as const);
  const pods = apps.flatMap((app) => {
    const image = imageOf(plan.model, app, region);
    const template = image.slice(image.lastIndexOf(':') + 1, image.lastIndexOf(':') + 11);
    return Array.from({ length: app.replicas.min }, (_, i) => ({
      series: `kube_pod_container_info${selector({ namespace: app.name, pod: `${app.name}-${template}-${i}`, container: app.name, image_spec: image, image })}`,
      samples: constant,
    }));
  });
  return [
    { name: 'rollout_info', type: 'gauge', series: apps.map((app) => ({ series: `rollout_info${selector({ namespace: app.name, name: app.name, phase: 'Completed', strategy: 'canary' })}`, samples: constant })) },
    { name: 'kube_pod_container_info', type: 'gauge', series: pods },
  ];
}

function profileOf(plan: Plan, region: Region): RegionProfile {
  const index = plan.model.regions.indexOf(region);
  const latency = latencyOf(plan, region);
  const upper = LATENCY_BUCKETS.findIndex((le) => latency.cdf(le) >= 0.95);
  const atMost = LATENCY_BUCKETS[upper]!;
  const above = upper > 0 ? LATENCY_BUCKETS[upper - 1]! : 0;
  const [low, high] = [upper > 0 ? latency.cdf(above) : 0, latency.cdf(atMost)];
  return {
    // histogram_quantile's linear interpolation inside the bucket.
    p95: { above, atMost, seconds: above + ((atMost - above) * (0.95 - low)) / (high - low) },
    errorRatio: 0.002 * (1 + index),
    requestsPerSecond: (time) => {
      const hour = (time.getTime() / 3_600_000) % 24;
      const daily = 0.6 + 0.4 * Math.cos((2 * Math.PI * (hour - PEAK_HOUR_UTC)) / 24);
      return PEAK_REQUESTS_PER_SECOND * daily * shareAt(plan, region, Math.floor(time.getTime() / 1000));
    },
    lagSeconds: (time) => Object.fromEntries(lagSignals(plan.model, region).map((signal) => [signal.dataSet.name, lagAt(plan, region, signal, Math.floor(time.getTime() / 1000))])),
  };
}

/** A log-normal request duration, a little slower in each region after the first so the columns differ. */
function latencyOf(plan: Plan, region: Region): { cdf(le: number): number; meanSeconds: number } {
  const median = 0.045 + 0.015 * plan.model.regions.indexOf(region);
  const sigma = 0.55;
  return {
    cdf: (le) => 0.5 * (1 + erf((Math.log(le) - Math.log(median)) / (sigma * Math.SQRT2))),
    meanSeconds: median * Math.exp((sigma * sigma) / 2),
  };
}

/** The region's part of all traffic at `timestamp`: its configured weight, less what Route 53 diverts from failing regions. */
function shareAt(plan: Plan, region: Region, timestamp: number): number {
  const weights = plan.model.regions.map((candidate) => ({ id: candidate.id, weight: candidate.traffic.weight * (downAt(plan, candidate.id, timestamp) ? FAILED_REGION_RESIDUAL : 1) }));
  const total = weights.reduce((sum, { weight }) => sum + weight, 0);
  return total ? weights.find(({ id }) => id === region.id)!.weight / total : 0;
}

function downAt(plan: Plan, regionId: string, timestamp: number): boolean {
  return plan.failing.has(regionId) && timestamp >= plan.now - FAILING_SINCE_MINUTES * 60;
}

/**
 * Lag in seconds: a sixth of the alert threshold, drifting slowly; for the spike, rising smoothly over the
 * last 30 minutes to 60 % of the way from the threshold to the RPO, then on to 85 % by the end of the samples.
 */
function lagAt(plan: Plan, region: Region, signal: LagSignal, timestamp: number): number {
  const { lagAlertSeconds: alert, rpoSeconds: rpo } = signal.dataSet;
  const calm = alert * (0.16 + 0.04 * Math.sin((2 * Math.PI * timestamp) / 5400));
  const spike = plan.spike;
  if (!spike || spike.region !== region.id || spike.dataSet !== signal.dataSet.name) return calm;
  const toward = (fraction: number) => (rpo > alert ? alert + fraction * (rpo - alert) : alert * (1 + fraction));
  const rise = plan.now - SPIKE_MINUTES * 60;
  if (timestamp <= rise) return calm;
  if (timestamp <= plan.now) {
    const progress = (timestamp - rise) / (plan.now - rise);
    return calm + (toward(0.6) - calm) * progress * progress * (3 - 2 * progress);
  }
  const end = plan.timestamps[plan.timestamps.length - 1]!;
  return toward(0.6) + (toward(0.85) - toward(0.6)) * ((timestamp - plan.now) / Math.max(end - plan.now, 1));
}

function stepOf(plan: Plan): number {
  return (plan.timestamps[1] ?? plan.now + 30) - plan.timestamps[0]!;
}

/** A repeatable value in [-1, 1] for a series and a step: the same fleet every run. */
function jitter(key: string, index: number): number {
  let hash = 2166136261;
  for (const char of `${key}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  hash = Math.imul(hash ^ (hash >>> 15), 2246822507);
  hash = Math.imul(hash ^ (hash >>> 13), 3266489909);
  return (((hash ^ (hash >>> 16)) >>> 0) / 4294967295) * 2 - 1;
}

/** Abramowitz and Stegun 7.1.26: error below 1.5e-7, plenty for bucket fractions. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
