import { instantQuery, sampleValue } from '../../../policies/promotion/prometheus-api';
import { redactUrl } from '../../../schemas';
import type { RegionQueries } from './signals';
import type { SourceFreshness } from './types';

/** What one region's Prometheus said at one read. */
export interface Readings {
  p95Seconds?: number;
  errorRatio?: number;
  requestsPerSecond?: number;
  /** Lag in seconds by data set name. */
  lag: Record<string, number | undefined>;
  /** Route 53's verdict by region id. */
  route53: Record<string, boolean | undefined>;
  /** This region's probes of its peers, by peer region id. */
  probes: Record<string, boolean | undefined>;
}

interface RegionSourceOptions {
  refreshMs: number;
  timeoutMs: number;
  now: () => Date;
  /** The queries for the current model; undefined once the region has left it. */
  queries: () => RegionQueries | undefined;
  onRead: () => void;
}

/**
 * One region's Prometheus, read on its own timer: a slow or dead one delays nobody else. A read is all
 * or nothing, so the readings shown always come from one moment; a failed read keeps the previous
 * readings and says since when they are old.
 */
export class RegionSource {
  private readings: Readings | undefined;
  private ok = false;
  private lastSuccessAt: Date | undefined;
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Settles once the first read has succeeded or failed. */
  readonly firstRead: Promise<void>;

  constructor(
    readonly region: string,
    readonly url: string,
    private readonly options: RegionSourceOptions,
  ) {
    this.firstRead = this.read();
  }

  get latest(): Readings | undefined {
    return this.readings;
  }

  get answering(): boolean {
    return this.ok;
  }

  freshness(): SourceFreshness {
    return {
      url: redactUrl(this.url),
      ok: this.ok,
      ...(this.lastSuccessAt ? { lastSuccessAt: this.lastSuccessAt.toISOString() } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async read(): Promise<void> {
    const queries = this.options.queries();
    if (!queries || this.stopped) return;
    try {
      this.readings = await readRegion(this.url, queries, { timeoutMs: this.options.timeoutMs, time: this.options.now() });
      this.ok = true;
      this.lastSuccessAt = this.options.now();
      this.error = undefined;
    } catch (error) {
      this.ok = false;
      this.error = (error as Error).message;
    }
    if (this.stopped) return;
    this.options.onRead();
    this.timer = setTimeout(() => void this.read(), this.options.refreshMs);
    // A server process lives on for other reasons; a script or a test must be free to exit.
    this.timer.unref();
  }
}

export async function readRegion(url: string, queries: RegionQueries, options: { timeoutMs: number; time: Date }): Promise<Readings> {
  const value = async (promql: string) => {
    const [sample] = await instantQuery(url, promql, options);
    return sample ? sampleValue(sample.value[1]) : undefined;
  };
  const check = async (promql: string) => {
    const found = await value(promql);
    return found === undefined ? undefined : found >= 1;
  };
  const byKey = async <T>(entries: Array<{ key: string; promql: string }>, read: (promql: string) => Promise<T>) =>
    Object.fromEntries(await Promise.all(entries.map(async ({ key, promql }) => [key, await read(promql)] as const)));
  const { service } = queries;
  const [p95Seconds, errorRatio, requestsPerSecond, lag, route53, probes] = await Promise.all([
    service ? value(service.p95Seconds) : undefined,
    service ? value(service.errorRatio) : undefined,
    service ? value(service.requestsPerSecond) : undefined,
    byKey(queries.lag.map(({ dataSet, promql }) => ({ key: dataSet.name, promql })), value),
    byKey(queries.route53.map(({ region, promql }) => ({ key: region, promql })), check),
    byKey(queries.probes.map(({ region, promql }) => ({ key: region, promql })), check),
  ]);
  return {
    ...(p95Seconds !== undefined ? { p95Seconds } : {}),
    ...(errorRatio !== undefined ? { errorRatio } : {}),
    ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
    lag,
    route53,
    probes,
  };
}
