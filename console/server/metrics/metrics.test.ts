import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../../schemas';
import { lagSignals } from '../../../modules/k8s/alerts/replication-alerts';
import { commitAll, edit, exampleRepo, modelAt } from '../../../tests/helpers/example-repo';
import { startPrometheusFleet, type PrometheusFleet } from '../../testing/prometheus-fleet';
import { createMetricsService, type MetricsService, type Overview, type RegionStatus } from '.';

const REFRESH_MS = 300;
const TIMEOUT_MS = 1500;
const EAST = 'us-east-1';
const WEST = 'us-west-2';

let root: string;
let model: Model;
let fleet: PrometheusFleet;
let metrics: MetricsService;

beforeAll(async () => {
  root = await exampleRepo();
  commitAll(root);
  model = await modelAt(root);
  // West is in trouble: Route 53 and east's probes find it down, and its copy of orders-db falls behind.
  fleet = await startPrometheusFleet({ model, lagSpike: { region: WEST, dataSet: 'orders-db' }, failing: [WEST] });
  metrics = createMetricsService({ repoDir: root, prometheusUrls: fleet.urls, refreshMs: REFRESH_MS, timeoutMs: TIMEOUT_MS });
}, 60_000);

afterAll(async () => {
  metrics?.close();
  await fleet?.stopAll();
});

const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const regionIn = (overview: Overview, id: string): RegionStatus => overview.regions.find((region) => region.region === id)!;

/** Polls the overview until `done` holds, failing with the last overview when it never does. */
async function until(done: (overview: Overview) => boolean, what: string, withinMs = 10_000): Promise<Overview> {
  const deadline = Date.now() + withinMs;
  let overview = await metrics.overview();
  while (!done(overview)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${withinMs} ms; last overview: ${JSON.stringify(overview, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    overview = await metrics.overview();
  }
  return overview;
}

describe('the overview, read from a real Prometheus per region', () => {
  it('shows each region’s p95 latency inside the histogram bucket the generated requests put it in', async () => {
    const overview = await metrics.overview();
    for (const region of model.regions) {
      const { p95 } = fleet.profiles[region.id]!;
      const shown = regionIn(overview, region.id).p95LatencyMs!;
      expect(shown).toBeGreaterThan(p95.above * 1000);
      expect(shown).toBeLessThanOrEqual(p95.atMost * 1000);
      expect(shown).toBeCloseTo(p95.seconds * 1000, 0);
    }
  });

  it('shows each region’s share of 5xx answers as generated', async () => {
    const overview = await metrics.overview();
    for (const region of model.regions) {
      const expected = fleet.profiles[region.id]!.errorRatio * 100;
      expect(Math.abs(regionIn(overview, region.id).errorRatePercent! - expected)).toBeLessThan(expected * 0.3);
    }
  });

  it('shows the configured weights from the model and the effective ones from where requests went: Route 53 has taken the failing region out', async () => {
    const overview = await metrics.overview();
    expect(regionIn(overview, EAST).weight.configured).toBe(50);
    expect(regionIn(overview, WEST).weight.configured).toBe(50);
    expect(regionIn(overview, EAST).weight.effective).toBeGreaterThanOrEqual(96);
    expect(regionIn(overview, WEST).weight.effective).toBeLessThanOrEqual(4);
  });

  it('shows the lag of every data set each region’s Prometheus sees, against its alert threshold and RPO, with the spike past the threshold', async () => {
    const overview = await metrics.overview();
    for (const region of model.regions) {
      const shown = regionIn(overview, region.id).replication;
      expect(shown.map((entry) => entry.dataSet)).toEqual(lagSignals(model, region).map((signal) => signal.dataSet.name));
      const generated = fleet.profiles[region.id]!.lagSeconds(new Date());
      for (const entry of shown) {
        const dataSet = model.replication.dataSets.find((candidate) => candidate.name === entry.dataSet)!;
        expect(entry).toMatchObject({ alertSeconds: dataSet.lagAlertSeconds, rpoSeconds: dataSet.rpoSeconds, store: dataSet.store });
        expect(Math.abs(entry.lagSeconds! - generated[entry.dataSet]!)).toBeLessThan(generated[entry.dataSet]! * 0.1);
        const spiking = region.id === WEST && entry.dataSet === 'orders-db';
        expect(entry.state).toBe(spiking ? 'warning' : 'ok');
      }
    }
    const spike = regionIn(overview, WEST).replication.find((entry) => entry.dataSet === 'orders-db')!;
    expect(spike.lagSeconds).toBeGreaterThanOrEqual(spike.alertSeconds);
    expect(spike.lagSeconds).toBeLessThan(spike.rpoSeconds);
  });

  it('judges each region from Route 53 and its peers’ probes, and hands the policies healthy or failing', async () => {
    const overview = await metrics.overview();
    expect(regionIn(overview, EAST).health).toEqual({ route53: true, probe: true, state: 'healthy' });
    expect(regionIn(overview, WEST).health).toEqual({ route53: false, probe: false, state: 'failing' });
    await expect(metrics.health()).resolves.toEqual({ [EAST]: 'healthy', [WEST]: 'failing' });
  });

  it('carries the switches and releases of the checkout’s model, at its commit, with every source fresh', async () => {
    const overview = await metrics.overview();
    expect(overview.commit).toBe(git('rev-parse', 'HEAD'));
    expect(overview.modelError).toBeUndefined();
    expect(overview.releases).toEqual(model.releases);
    for (const region of overview.regions) {
      expect(region.readOnly).toBe(false);
      expect(region.degraded).toEqual({ pauseProducers: false, priorityWritesOnly: false, serveStaleReads: false });
      expect(region.source).toMatchObject({ url: fleet.urls[region.region], ok: true });
      expect(Date.now() - Date.parse(region.source.lastSuccessAt!)).toBeLessThan(10_000);
    }
  });
});

describe('the history of a region, by query_range', () => {
  it('returns p95 latency, error rate and each data set’s lag over the range, with the lines to draw', async () => {
    const history = await metrics.history(WEST, { minutes: 60, stepSeconds: 60 });
    expect(history.source).toMatchObject({ url: fleet.urls[WEST], ok: true });
    expect(history.series.map((series) => [series.name, series.unit])).toEqual([
      ['p95 latency', 'ms'],
      ['error rate', '%'],
      ...lagSignals(model, model.regions[1]!).map((signal) => [`${signal.dataSet.name} lag`, 's']),
    ]);
    for (const series of history.series) {
      expect(series.points.length).toBeGreaterThanOrEqual(60);
      const times = series.points.map(([time]) => time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times[0]).toBeGreaterThanOrEqual(Date.now() - 61 * 60_000);
    }
    const lag = history.series.find((series) => series.name === 'orders-db lag')!;
    expect(lag.thresholds).toEqual([
      { name: 'alert', value: 30 },
      { name: 'RPO', value: 120 },
    ]);
    // Calm an hour ago, past the alert threshold now: the spike of the last 30 minutes.
    expect(lag.points[0]![1]).toBeLessThan(30);
    expect(lag.points.at(-1)![1]).toBeGreaterThanOrEqual(30);
    expect(history.series[0]!.thresholds).toEqual([{ name: 'SLO', value: 400 }]);
  });

  it('refuses a region the model does not have and a range Prometheus would refuse', async () => {
    await expect(metrics.history('eu-west-1', { minutes: 60, stepSeconds: 60 })).rejects.toThrow('no region "eu-west-1" in the model (regions: us-east-1, us-west-2)');
    await expect(metrics.history(WEST, { minutes: 7 * 24 * 60, stepSeconds: 5 })).rejects.toThrow(/stepSeconds: at most 11000 points/);
  });
});

describe('a model change on the checkout', () => {
  it('is picked up when HEAD moves, and a commit that does not load leaves the last good model with the reason until a good one follows', async () => {
    const before = git('rev-parse', 'HEAD');
    const start = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const end = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await edit(root, 'regions/us-east-1.ts', 'readOnly: false', 'readOnly: true');
    await edit(
      root,
      'regions/global.yaml',
      /^changeFreezes:\n/m,
      `declarations:\n  - kind: maintenance\n    name: db-upgrade\n    reason: Aurora minor version upgrade.\n    declaredBy: "@example-org/sre"\n    start: ${start}\n    end: ${end}\n  - kind: maintenance\n    name: next-week\n    reason: Not yet.\n    declaredBy: "@example-org/sre"\n    start: 2099-01-01T00:00:00Z\n    end: 2099-01-02T00:00:00Z\nchangeFreezes:\n  - name: this-hour\n    start: ${start}\n    end: ${end}\n    reason: Quarter close.\n`,
    );
    git('-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-am', 'maintenance');
    const after = git('rev-parse', 'HEAD');
    let overview = await until((candidate) => candidate.commit === after, 'the reload');
    expect(regionIn(overview, EAST).readOnly).toBe(true);
    expect(overview.declarations.map((declaration) => declaration.name)).toEqual(['db-upgrade']);
    expect(overview.freezes.map((freeze) => freeze.name)).toEqual(['this-hour']);
    expect(before).not.toBe(after);

    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 500');
    git('-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-am', 'broken');
    overview = await until((candidate) => candidate.modelError !== undefined, 'the refusal');
    expect(overview.commit).toBe(after);
    expect(overview.modelError).toMatch(new RegExp(`^the inputs at ${git('rev-parse', 'HEAD').slice(0, 12)} do not load: regions/us-east-1\\.ts.*traffic\\.weight`));
    expect(regionIn(overview, EAST).readOnly).toBe(true);

    await edit(root, 'regions/us-east-1.ts', 'weight: 500', 'weight: 50');
    git('-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-am', 'fixed');
    overview = await until((candidate) => candidate.commit === git('rev-parse', 'HEAD'), 'the recovery');
    expect(overview.modelError).toBeUndefined();
  });
});

describe('a Prometheus that answers with something else', () => {
  let junk: Server;
  let junkUrl: string;
  let mixed: MetricsService;

  beforeAll(async () => {
    junk = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>'));
    await new Promise<void>((resolve) => junk.listen(0, '127.0.0.1', resolve));
    junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
    mixed = createMetricsService({ repoDir: root, prometheusUrls: { ...fleet.urls, [WEST]: junkUrl }, refreshMs: REFRESH_MS, timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    mixed?.close();
    await new Promise<void>((resolve) => junk.close(() => resolve()));
  });

  it('marks that region as not answering with one line naming the URL, and reads the others as usual', async () => {
    const overview = await mixed.overview();
    const west = regionIn(overview, WEST);
    expect(west.source.ok).toBe(false);
    expect(west.source.lastSuccessAt).toBeUndefined();
    expect(west.source.error).toMatch(new RegExp(`^Prometheus at ${junkUrl} did not answer .*: HTTP 200, the body is not JSON$`));
    expect(west.source.error).not.toContain('\n');
    expect(west.p95LatencyMs).toBeUndefined();
    expect(west.replication.every((entry) => entry.state === 'unknown')).toBe(true);
    expect(regionIn(overview, EAST).source.ok).toBe(true);
    expect(regionIn(overview, EAST).p95LatencyMs).toBeDefined();
    // East's Prometheus still sees Route 53 and its probes of west.
    expect(west.health.state).toBe('failing');
  });

  it('returns no history for it, with the same line', async () => {
    const history = await mixed.history(WEST, { minutes: 30, stepSeconds: 60 });
    expect(history.series).toEqual([]);
    expect(history.source).toMatchObject({ url: junkUrl, ok: false });
    expect(history.source.error).toMatch(new RegExp(`^Prometheus at ${junkUrl} did not answer .*: HTTP 200, the body is not JSON$`));
  });
});

describe('Prometheus URLs that carry credentials', () => {
  let guarded: MetricsService;
  let deadUrl: string;
  const withCredentials = (url: string) => url.replace('http://', 'http://ops:s3cret@');
  const redacted = (url: string) => url.replace('http://', 'http://***@');

  beforeAll(async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    guarded = createMetricsService({ repoDir: root, prometheusUrls: { [EAST]: withCredentials(fleet.urls[EAST]!), [WEST]: withCredentials(deadUrl) }, refreshMs: REFRESH_MS, timeoutMs: TIMEOUT_MS });
  });
  afterAll(() => guarded?.close());

  it('are read with the credentials and shown to viewers without them, in the overview, its errors and the history', async () => {
    const overview = await guarded.overview();
    expect(regionIn(overview, EAST).source).toMatchObject({ url: redacted(fleet.urls[EAST]!), ok: true });
    expect(regionIn(overview, WEST).source).toMatchObject({ url: redacted(deadUrl), ok: false, error: expect.stringMatching(new RegExp(`^Prometheus at http://\\*\\*\\*@127\\.0\\.0\\.1:\\d+ is unreachable`)) });
    const histories = await Promise.all([EAST, WEST].map((region) => guarded.history(region, { minutes: 30, stepSeconds: 60 })));
    expect(histories.map((history) => [history.source.url, history.source.ok])).toEqual([
      [redacted(fleet.urls[EAST]!), true],
      [redacted(deadUrl), false],
    ]);
    expect(JSON.stringify([overview, histories])).not.toContain('s3cret');
  });
});

describe('a region whose Prometheus stops answering mid-session', () => {
  it('notifies subscribers after every read', async () => {
    const seen: Overview[] = [];
    const unsubscribe = metrics.subscribe((overview) => seen.push(overview));
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 5));
    unsubscribe();
    const count = seen.length;
    // Two regions read every REFRESH_MS, each read one notification.
    expect(count).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 2));
    expect(seen.length).toBe(count);
  });

  it('keeps its last values marked stale with the time of the last read, while the other region keeps updating and the overview never waits', async () => {
    let overview = await metrics.overview();
    fleet.freeze(WEST);
    const frozenAt = Date.now();
    // A read already answered when the process stopped may still land: the last fresh values are whatever came before the first failure.
    let lastFresh = regionIn(overview, WEST);
    const latencies: number[] = [];
    // Through the whole time a read of west hangs, until it gives up.
    while (Date.now() - frozenAt < TIMEOUT_MS + REFRESH_MS * 3) {
      const started = performance.now();
      overview = await metrics.overview();
      latencies.push(performance.now() - started);
      if (regionIn(overview, WEST).source.ok) lastFresh = regionIn(overview, WEST);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Math.max(...latencies)).toBeLessThan(TIMEOUT_MS / 10);

    const west = regionIn(overview, WEST);
    expect(west.source.ok).toBe(false);
    expect(west.source.error).toMatch(new RegExp(`^Prometheus at ${fleet.urls[WEST]} did not answer .* within ${TIMEOUT_MS} ms$`));
    expect(west.source.lastSuccessAt).toBe(lastFresh.source.lastSuccessAt);
    expect(Date.parse(west.source.lastSuccessAt!)).toBeLessThan(frozenAt + TIMEOUT_MS / 10);
    expect(west.p95LatencyMs).toBe(lastFresh.p95LatencyMs);
    expect(west.replication).toEqual(lastFresh.replication);
    // Its share of requests cannot be known without its own count.
    expect(west.weight.effective).toBeUndefined();
    // Still judged from east's Prometheus.
    expect(west.health.state).toBe('failing');

    const east = regionIn(overview, EAST);
    expect(east.source.ok).toBe(true);
    expect(Date.parse(east.source.lastSuccessAt!)).toBeGreaterThan(frozenAt + TIMEOUT_MS);
    await expect(metrics.health()).resolves.toEqual({ [EAST]: 'healthy', [WEST]: 'failing' });
  });

  it('says it is unreachable once it is gone, and its history says so with the time of the last read', async () => {
    await fleet.stop(WEST);
    // A read in flight when the server stopped ends with "other side closed"; the next one finds the port closed.
    const overview = await until((candidate) => /is unreachable \(.*ECONNREFUSED/.test(regionIn(candidate, WEST).source.error ?? ''), 'the unreachable verdict');
    expect(regionIn(overview, WEST).source.error).toMatch(new RegExp(`^Prometheus at ${fleet.urls[WEST]} is unreachable \\(.*ECONNREFUSED.*\\)$`));
    const history = await metrics.history(WEST, { minutes: 30, stepSeconds: 60 });
    expect(history.series).toEqual([]);
    expect(history.source.lastSuccessAt).toBe(regionIn(overview, WEST).source.lastSuccessAt);
    expect(regionIn(await metrics.overview(), EAST).source.ok).toBe(true);
  });

  it('leaves a region out of the policies’ health once no Prometheus can judge it', async () => {
    await fleet.stop(EAST);
    await until((candidate) => candidate.regions.every((region) => !region.source.ok), 'both sources failing');
    await expect(metrics.health()).resolves.toEqual({});
    const overview = await metrics.overview();
    expect(overview.regions.map((region) => region.health.state)).toEqual(['unknown', 'unknown']);
    // The last readings stay on screen.
    expect(regionIn(overview, EAST).p95LatencyMs).toBeDefined();
  });
});
