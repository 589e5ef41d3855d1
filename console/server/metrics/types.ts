import type { DataSet, Declaration, Global, Release } from '../../../schemas';
import type { RegionHealth } from '../../../policies/engine/input';
import type { LoadedModel, ModelOrigin } from './model-source';
import type { HealthState, LagState } from './signals';

/** How fresh one region's Prometheus data is: a source that stopped answering keeps its last values, marked "no data since …". */
export interface SourceFreshness {
  url: string;
  /** The latest read succeeded. */
  ok: boolean;
  /** ISO time of the latest read that succeeded; absent when none has. */
  lastSuccessAt?: string;
  /** Why the latest read failed: one line naming the URL. */
  error?: string;
}

export interface ReplicationStatus {
  dataSet: string;
  store: DataSet['store'];
  lagSeconds?: number;
  alertSeconds: number;
  rpoSeconds: number;
  state: LagState;
}

export interface RegionStatus {
  region: string;
  role: 'primary' | 'secondary';
  source: SourceFreshness;
  /**
   * Route 53's health check (from any region's Prometheus that answers: each reads all checks) and the
   * peers' blackbox probes of this region (from the peers' Prometheus), so a region whose own Prometheus
   * is down is still judged.
   */
  health: { route53?: boolean; probe?: boolean; state: HealthState };
  /** Over the region dashboard's 5-minute window, every app of the region together; from the region's own Prometheus. */
  p95LatencyMs?: number;
  errorRatePercent?: number;
  /** `effective`: the region's share of all requests served, in percent; only while every region's Prometheus answers. */
  weight: { configured: number; effective?: number };
  readOnly: boolean;
  degraded: { pauseProducers: boolean; priorityWritesOnly: boolean; serveStaleReads: boolean };
  /** Each data set whose lag this region's Prometheus sees (where AWS publishes it), by data set name. */
  replication: ReplicationStatus[];
}

export type ChangeFreeze = Global['changeFreezes'][number];

export interface Overview {
  generatedAt: string;
  /** The commit the model (weights, switches, declarations, releases) was read at: the forge's default branch's tip (a checkout's HEAD without a forge). */
  commit: string;
  /** Set when the newest commit could not be read or does not load: the overview still shows `commit`. */
  modelError?: string;
  regions: RegionStatus[];
  /** Declarations and change freezes in force at `generatedAt`. */
  declarations: Declaration[];
  freezes: ChangeFreeze[];
  /** Promotions in flight (`apps/releases.yaml`). */
  releases: Release[];
}

export interface HistorySeries {
  name: string;
  signal: 'latency' | 'errors' | 'lag';
  unit: 'ms' | '%' | 's';
  /** `[unix milliseconds, value]`, oldest first; steps without a value (no traffic) are left out. */
  points: Array<[number, number]>;
  /** Lines to draw: the SLO or alert threshold, and for lag the RPO. */
  thresholds: Array<{ name: string; value: number }>;
}

export interface History {
  source: SourceFreshness;
  series: HistorySeries[];
}

export interface MetricsService {
  /** The latest readings of every region; waits only for the first read after start, which the timeout bounds. */
  overview(): Promise<Overview>;
  /** `query_range` of the region's own Prometheus: p95 latency, error rate and each data set's lag. */
  history(region: string, range: { minutes: number; stepSeconds: number }): Promise<History>;
  /** The model the overview shows (the last one that loaded) and its commit; throws when none has loaded yet. */
  model(): Promise<LoadedModel>;
  /** Region health for the policies (`judgeWorkingTree`); regions whose health is unknown are left out. */
  health(): Promise<Record<string, RegionHealth>>;
  /** Called with a new overview after every read of any region and every model reload; returns the unsubscribe function. */
  subscribe(listener: (overview: Overview) => void): () => void;
  /** Stops every timer; the service answers from its last readings afterwards. */
  close(): void;
}

export interface MetricsTiming {
  /** Region id → Prometheus base URL, overriding the model's `observability.prometheusUrl`. */
  prometheusUrls?: Record<string, string>;
  /** How often each region's Prometheus and the model's origin are read. */
  refreshMs?: number;
  /** How long one query may take before its region counts as not answering. */
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * Where the model comes from: `origin` (the console's: the forge's default branch, see `defaultBranchOrigin`),
 * or, for a console without a forge, the working tree of the checkout `repoDir`, read again whenever HEAD moves.
 */
export type MetricsOptions = MetricsTiming & ({ origin: ModelOrigin } | { repoDir: string });
