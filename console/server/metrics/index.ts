import { z } from 'zod';
import { intRange, redactUrl, regionsOfApp, type Model, type Region } from '../../../schemas';
import type { RegionHealth } from '../../../policies/engine/input';
import { ERROR_RATE_SLO_MULTIPLE } from '../../../modules/k8s/alerts/service-alerts';
import { tidy } from '../../../modules/k8s/alerts/alert';
import { rangeQuery, sampleValue } from '../../../policies/promotion/prometheus-api';
import { checkoutOrigin, ModelSource, type LoadedModel } from './model-source';
import { RegionSource, type Readings } from './region-source';
import { healthState, lagState, regionQueries } from './signals';
import type { History, HistorySeries, MetricsOptions, MetricsService, Overview, RegionStatus } from './types';

export type * from './types';
export { checkoutOrigin, defaultBranchOrigin, DEFAULT_BRANCH_MAX_AGE_MS, type DefaultBranchMirror, type LoadedModel, type ModelOrigin } from './model-source';
export { lagState, healthState, regionQueries, type LagState, type HealthState } from './signals';

const DEFAULT_REFRESH_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 2_000;
/** Prometheus refuses a range query of more points than this per series. */
const MAX_POINTS = 11_000;

/** A history request: how far back (up to a week) and at what resolution. */
export const historyRangeSchema = z
  .strictObject({
    minutes: intRange(5, 7 * 24 * 60),
    stepSeconds: intRange(5, 3600),
  })
  .refine((range) => (range.minutes * 60) / range.stepSeconds <= MAX_POINTS, { error: `at most ${MAX_POINTS} points (minutes × 60 / stepSeconds)`, path: ['stepSeconds'] });

/**
 * The console's view of the regions: each region's own Prometheus read on its own timer, the model (the
 * forge's default branch, or a checkout's working tree) for what is configured, both combined on demand from
 * what was last read. Nothing a reader calls waits on a Prometheus after the first read.
 */
export function createMetricsService(options: MetricsOptions): MetricsService {
  const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const origin = 'origin' in options ? options.origin : checkoutOrigin(options.repoDir);
  const models = new ModelSource(origin);
  const sources = new Map<string, RegionSource>();
  const listeners = new Set<(overview: Overview) => void>();
  let modelTimer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let closed = false;

  const urlOf = (region: Region) => options.prometheusUrls?.[region.id] ?? region.observability.prometheusUrl;
  const regionOf = (id: string) => models.current?.model.regions.find((region) => region.id === id);

  /** One source per model region, at its current URL; a region that left the model stops being read. */
  const reconcile = () => {
    const model = models.current?.model;
    if (!model || closed) return;
    for (const [id, source] of sources) {
      const region = regionOf(id);
      if (!region || urlOf(region) !== source.url) {
        source.stop();
        sources.delete(id);
      }
    }
    for (const region of model.regions) {
      if (sources.has(region.id)) continue;
      const queries = () => {
        const current = models.current?.model;
        const stillThere = current?.regions.find((candidate) => candidate.id === region.id);
        return current && stillThere ? regionQueries(current, stillThere) : undefined;
      };
      sources.set(region.id, new RegionSource(region.id, urlOf(region), { refreshMs, timeoutMs, now, queries, onRead: publish }));
    }
  };

  const publish = () => {
    if (!listeners.size || !models.current) return;
    const overview = assemble(models.current, models.error, sources, now(), urlOf);
    for (const listener of listeners) {
      try {
        listener(overview);
      } catch {
        // One broken subscriber (a closed stream) must not stop the others' updates.
      }
    }
  };

  /**
   * Reads the model's origin now, one read at a time: asked during a read, it reads once more after it. The
   * next read is due `refreshMs` after the last.
   */
  const readModel = (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return reading;
    }
    clearTimeout(modelTimer);
    reading = (async () => {
      try {
        do {
          readAgain = false;
          if (await models.refresh()) {
            reconcile();
            publish();
          }
        } while (readAgain && !closed);
      } finally {
        reading = undefined;
        if (!closed) {
          modelTimer = setTimeout(() => void readModel(), refreshMs);
          modelTimer.unref();
        }
      }
    })();
    return reading;
  };
  const unwatch = origin.watch?.(() => void readModel());

  const ready = (async () => {
    await readModel();
    await Promise.all([...sources.values()].map((source) => source.firstRead));
  })();

  const loaded = async (): Promise<LoadedModel> => {
    await ready;
    if (!models.current) {
      // The first load failed: try again now, so a fixed origin is picked up without a restart.
      await readModel();
      if (!models.current) throw new Error(`metrics: ${models.error ?? 'the model has not been loaded'}`);
    }
    return models.current;
  };

  return {
    async overview() {
      return assemble(await loaded(), models.error, sources, now(), urlOf);
    },

    async history(regionId, range) {
      const { model } = await loaded();
      const parsed = historyRangeSchema.safeParse(range);
      if (!parsed.success) throw new Error(`metrics: history range: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      const region = model.regions.find((candidate) => candidate.id === regionId);
      if (!region) throw new Error(`metrics: no region ${JSON.stringify(regionId)} in the model (regions: ${model.regions.map((candidate) => candidate.id).join(', ')})`);
      return history(model, region, urlOf(region), parsed.data, { timeoutMs, now: now(), lastRead: sources.get(region.id) });
    },

    model: loaded,

    async health() {
      const overview = assemble(await loaded(), models.error, sources, now(), urlOf);
      return Object.fromEntries(overview.regions.flatMap((region): Array<[string, RegionHealth]> => (region.health.state === 'unknown' ? [] : [[region.region, region.health.state]])));
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    close() {
      closed = true;
      unwatch?.();
      clearTimeout(modelTimer);
      for (const source of sources.values()) source.stop();
      listeners.clear();
    },
  };
}

/** The overview from the model and each region's last readings. */
function assemble(loaded: LoadedModel, modelError: string | undefined, sources: ReadonlyMap<string, RegionSource>, at: Date, urlOf: (region: Region) => string): Overview {
  const { model, commit } = loaded;
  const answering = [...sources.values()].filter((source) => source.answering);
  const readingsOf = (id: string) => sources.get(id)?.latest;
  const allAnswer = model.regions.every((region) => sources.get(region.id)?.answering);
  const totalRate = model.regions.reduce((sum, region) => sum + (readingsOf(region.id)?.requestsPerSecond ?? 0), 0);
  const inForce = (window: { start: string; end: string }) => new Date(window.start) <= at && at < new Date(window.end);

  const regions = model.regions.map((region): RegionStatus => {
    const source = sources.get(region.id);
    const readings = source?.latest;
    const route53 = verdict(answering.map((peer) => peer.latest?.route53[region.id]));
    const probe = verdict(answering.filter((peer) => peer.region !== region.id).map((peer) => peer.latest?.probes[region.id]));
    const effective = allAnswer && totalRate > 0 ? Math.round((100 * (readings?.requestsPerSecond ?? 0)) / totalRate) : undefined;
    return {
      region: region.id,
      role: region.role,
      source: source?.freshness() ?? { url: redactUrl(urlOf(region)), ok: false, error: 'not read yet' },
      health: { ...(route53 !== undefined ? { route53 } : {}), ...(probe !== undefined ? { probe } : {}), state: healthState(route53, probe) },
      ...(readings?.p95Seconds !== undefined ? { p95LatencyMs: round(readings.p95Seconds * 1000) } : {}),
      ...(readings?.errorRatio !== undefined ? { errorRatePercent: round(readings.errorRatio * 100) } : {}),
      weight: { configured: region.traffic.weight, ...(effective !== undefined ? { effective } : {}) },
      readOnly: region.readOnly,
      degraded: { ...region.degradedMode },
      replication: replication(model, region, readings),
    };
  });
  return {
    generatedAt: at.toISOString(),
    commit,
    ...(modelError ? { modelError } : {}),
    regions,
    declarations: model.global.declarations.filter(inForce),
    freezes: model.global.changeFreezes.filter(inForce),
    releases: model.releases,
  };
}

function replication(model: Model, region: Region, readings: Readings | undefined): RegionStatus['replication'] {
  return regionQueries(model, region).lag.map(({ dataSet }) => {
    const lagSeconds = readings?.lag[dataSet.name];
    return {
      dataSet: dataSet.name,
      store: dataSet.store,
      ...(lagSeconds !== undefined ? { lagSeconds: round(lagSeconds) } : {}),
      alertSeconds: dataSet.lagAlertSeconds,
      rpoSeconds: dataSet.rpoSeconds,
      state: lagState(lagSeconds, dataSet),
    };
  });
}

/** Failing if any answering source sees it fail, passing if one sees it pass, else unknown. */
function verdict(seen: Array<boolean | undefined>): boolean | undefined {
  if (seen.includes(false)) return false;
  return seen.includes(true) ? true : undefined;
}

async function history(
  model: Model,
  region: Region,
  url: string,
  range: { minutes: number; stepSeconds: number },
  context: { timeoutMs: number; now: Date; lastRead: RegionSource | undefined },
): Promise<History> {
  const step = range.stepSeconds * 1000;
  // Aligned to the step so that two readers a few seconds apart see the same points.
  const end = new Date(Math.floor(context.now.getTime() / step) * step);
  const start = new Date(end.getTime() - range.minutes * 60_000);
  const queries = regionQueries(model, region);
  const apps = model.apps.filter((app) => regionsOfApp(model, app).includes(region));
  const strictest = (values: number[]) => (values.length ? [Math.min(...values)] : []);
  const wanted: Array<Omit<HistorySeries, 'points'> & { promql: string; scale: number }> = [
    ...(queries.service
      ? [
          {
            name: 'p95 latency',
            signal: 'latency' as const,
            unit: 'ms' as const,
            promql: queries.service.p95Seconds,
            scale: 1000,
            thresholds: strictest(apps.map((app) => app.slo.p95LatencyMs)).map((value) => ({ name: 'SLO', value })),
          },
          {
            name: 'error rate',
            signal: 'errors' as const,
            unit: '%' as const,
            promql: queries.service.errorRatio,
            scale: 100,
            thresholds: strictest(apps.map((app) => app.slo.errorRatePercent)).flatMap((value) => [
              { name: 'SLO', value },
              { name: 'alert', value: tidy(value * ERROR_RATE_SLO_MULTIPLE) },
            ]),
          },
        ]
      : []),
    ...queries.lag.map(({ dataSet, promql }) => ({
      name: `${dataSet.name} lag`,
      signal: 'lag' as const,
      unit: 's' as const,
      promql,
      scale: 1,
      thresholds: [
        { name: 'alert', value: dataSet.lagAlertSeconds },
        { name: 'RPO', value: dataSet.rpoSeconds },
      ],
    })),
  ];
  try {
    const series = await Promise.all(
      wanted.map(async ({ promql, scale, ...shown }): Promise<HistorySeries> => {
        const [found] = await rangeQuery(url, promql, { start, end, stepSeconds: range.stepSeconds }, { timeoutMs: context.timeoutMs });
        const points = (found?.values ?? []).flatMap(([seconds, text]): Array<[number, number]> => {
          const value = sampleValue(text);
          return value === undefined ? [] : [[seconds * 1000, round(value * scale)]];
        });
        return { ...shown, points };
      }),
    );
    return { source: { url: redactUrl(url), ok: true, lastSuccessAt: context.now.toISOString() }, series };
  } catch (error) {
    const last = context.lastRead?.freshness().lastSuccessAt;
    return { source: { url: redactUrl(url), ok: false, ...(last ? { lastSuccessAt: last } : {}), error: (error as Error).message }, series: [] };
  }
}

/** Six significant digits: enough for any display, without binary noise. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
