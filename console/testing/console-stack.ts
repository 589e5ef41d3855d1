import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { formatLocated, loadModel } from '../../schemas';
import { freePort, stopProcess } from '../../tests/helpers/processes';
import { ensureConsoleBuild } from './console-build';
import { startGitea, type RunningGitea } from './gitea';
import { startPrometheusFleet, type FleetOptions, type PrometheusFleet } from './prometheus-fleet';

export interface ConsoleStackOptions {
  /** The checkout whose code, tools and console build run. */
  root: string;
  /** The repository the console manages: its HEAD is pushed to the local forge as main and its model drives the metrics. Defaults to `root`. */
  repoDir?: string;
  /** The console's audit log, submissions and scratch worktrees. */
  stateDir: string;
  /** A fixed port for the console (the demo's printed URL); a free loopback port otherwise. */
  port?: number;
  giteaPort?: number;
  lagSpike?: FleetOptions['lagSpike'];
  /** Progress lines: what is being started or built, and how far along it is. */
  log: (line: string) => void;
}

export interface ConsoleStack {
  url: string;
  gitea: RunningGitea;
  fleet: PrometheusFleet;
  /** The environment the console server runs with (tokens included: never print it). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The whole console on one machine, as `npm run console` and the browser tests run it: a real Prometheus per
 * region backfilled with metrics generated from the model, a real Gitea seeded with this repository, and the
 * production build of the console (built first if its sources changed) in local demo mode. `stop()` ends
 * everything that was started, also after a failed start.
 */
export async function startConsoleStack(options: ConsoleStackOptions): Promise<ConsoleStack> {
  const { root, log } = options;
  const repoDir = options.repoDir ?? root;
  const loaded = await loadModel(repoDir);
  if (loaded.errors) throw new Error(`the inputs of ${repoDir} do not load; fix them first:\n${loaded.errors.map((error) => `  ${formatLocated(error)}`).join('\n')}`);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const each of stops.reverse()) await each().catch(() => undefined);
  };
  try {
    await mkdir(options.stateDir, { recursive: true });
    log(`starting one Prometheus per region (${loaded.model.regions.map((region) => region.id).join(', ')}), backfilled with 6 hours of metrics`);
    const fleetStarting = startPrometheusFleet({ model: loaded.model, toolsRoot: root, ...(options.lagSpike !== undefined ? { lagSpike: options.lagSpike } : {}) });
    void fleetStarting.then((fleet) => stops.push(() => fleet.stopAll())).catch(() => undefined);
    log('starting Gitea with this repository pushed as main (built on first use, about 8 minutes)');
    // Gitea's own informational and warning lines would bury the progress; its errors still show.
    const giteaLog = (line: string) => (/^\d{4}\/\d{2}\/\d{2} .*\[[IW]\]/.test(line) ? undefined : log(line));
    const giteaStarting = startGitea({ repoDir, root, ...(options.giteaPort ? { port: options.giteaPort } : {}), log: giteaLog });
    void giteaStarting.then((gitea) => stops.push(() => gitea.stop())).catch(() => undefined);
    const built = ensureConsoleBuild(root, log);
    const [fleet, gitea] = await Promise.all([fleetStarting, giteaStarting, built]);
    log(`Prometheus ready in ${Math.round(fleet.startedInMs)} ms; Gitea ready in ${Math.round(gitea.startupMs)} ms`);

    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const bot = gitea.users['console-bot'];
    if (!bot) throw new Error('the seeded Gitea has no console-bot user');
    const env: Record<string, string> = {
      MR_REPO_ROOT: repoDir,
      MR_CONSOLE_STATE_DIR: options.stateDir,
      MR_CONSOLE_AUTH: 'local',
      MR_CONSOLE_FORGE: 'gitea',
      MR_CONSOLE_FORGE_URL: gitea.url,
      MR_CONSOLE_FORGE_REPO: `${gitea.repo.owner}/${gitea.repo.name}`,
      MR_CONSOLE_FORGE_TOKEN: bot.token,
      MR_CONSOLE_PROMETHEUS_URLS: JSON.stringify(fleet.urls),
    };
    log(`starting the console on ${url}`);
    const server = await startNext(root, port, env, log);
    stops.push(() => stopProcess(server));
    return { url, gitea, fleet, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startNext(root: string, port: number, env: Record<string, string>, log: (line: string) => void): Promise<ChildProcess> {
  const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [next, 'start', 'console', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      if (/error|warn/i.test(line)) log(`  console: ${line}`);
    });
  }
  const url = `http://127.0.0.1:${port}/api/trpc/session.me`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode} while starting:\n${recent.join('\n')}`);
    const answered = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status < 500,
      () => false,
    );
    if (answered) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopProcess(child);
  throw new Error(`the console did not answer ${url} within 60 s:\n${recent.join('\n')}`);
}


