import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveTool } from '../../policies/toolchain/resolve';
import { REPO_ROOT } from './example-repo';
import { freePort, stopProcess } from './processes';

const run = promisify(execFile);

export interface PrometheusServer {
  /** Base URL, as a region's `observability.prometheusUrl` names it. */
  url: string;
  /** Suspends the process: connections are still accepted by the kernel but never answered, like a Prometheus that hangs. */
  freeze(): void;
  stop(): Promise<void>;
}

/** One metric family of an OpenMetrics exposition: its series, each with samples in time order. */
export interface MetricFamily {
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  /** `series` is the sample name and labels (`x_bucket{le="0.1"}`); each sample is `[unix seconds, value]`. */
  series: Array<{ series: string; samples: ReadonlyArray<readonly [number, number]> }>;
}

/**
 * A real Prometheus whose only data are `series`, OpenMetrics sample lines without a timestamp
 * (`rollout_info{namespace="a",name="a",phase="Completed"} 1`). Each is backfilled with promtool every
 * 30 s from 2 minutes before now to 15 minutes after: an instant query at any moment of a test run finds
 * the newest sample within the default 5-minute lookback, and samples after the query time are ignored.
 */
export async function startPrometheus(series: readonly string[]): Promise<PrometheusServer> {
  const now = Math.floor(Date.now() / 1000);
  const timestamps = Array.from({ length: 35 }, (_, i) => now - 120 + i * 30);
  const nameOf = (line: string) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '';
  const families = new Map<string, MetricFamily>();
  for (const line of series) {
    const name = nameOf(line);
    const family = families.get(name) ?? { name, type: 'gauge' as const, series: [] };
    families.set(name, family);
    const split = line.lastIndexOf(' ');
    const value = Number(line.slice(split + 1));
    family.series.push({ series: line.slice(0, split), samples: timestamps.map((timestamp) => [timestamp, value] as const) });
  }
  return startBackfilledPrometheus([...families.values()]);
}

/**
 * A real Prometheus holding exactly `families`, written as OpenMetrics and turned into TSDB blocks by
 * promtool before Prometheus starts; nothing is scraped, so the backfilled samples are the whole truth
 * the caller controls. Blocks overlapping the (empty) head need no flag since Prometheus 2.39 always
 * merges overlapping blocks, and blocks reaching past now are read like any other. `toolsRoot` is the
 * checkout whose `.tools/bin` holds both (this one unless given: a bundled script cannot find it from its own path).
 */
export async function startBackfilledPrometheus(families: readonly MetricFamily[], options: { toolsRoot?: string } = {}): Promise<PrometheusServer> {
  const root = options.toolsRoot ?? REPO_ROOT;
  const [prometheus, promtool] = [tool(root, 'prometheus'), tool(root, 'promtool')];
  const dir = await mkdtemp(path.join(tmpdir(), 'prometheus-'));
  try {
    await writeFile(path.join(dir, 'fixture.om'), openMetricsText(families));
    await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', 'fixture.om', 'data'], { cwd: dir });
    await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    const port = await freePort();
    const child = spawn(prometheus, [`--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, `--config.file=${path.join(dir, 'prometheus.yml')}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(child, url);
    return {
      url,
      freeze() {
        child.kill('SIGSTOP');
      },
      async stop() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A URL on a local port nothing listens on: a Prometheus that is down. */
export async function unreachableUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

function tool(root: string, name: 'prometheus' | 'promtool'): string {
  const resolved = resolveTool(root, name);
  if (!resolved.ok) throw new Error(`${name}: ${resolved.message}`);
  return resolved.path;
}

/** OpenMetrics wants each family's samples together and each series' samples in time order; the caller keeps both. */
function openMetricsText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const { series, samples } of family.series) for (const [timestamp, value] of samples) lines.push(`${series} ${value} ${timestamp}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}


async function waitUntilReady(child: ChildProcess, url: string): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`prometheus exited with ${code} before it was ready:\n${stderr}`))));
  exited.catch(() => undefined);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const ready = await Promise.race([
      fetch(`${url}/-/ready`).then((response) => response.ok, () => false),
      exited,
    ]);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stopProcess(child);
  throw new Error(`prometheus at ${url} not ready after 15 s:\n${stderr}`);
}

