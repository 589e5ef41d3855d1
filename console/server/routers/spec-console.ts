import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commitAll, exampleRepo, modelAt } from '../../../tests/helpers/example-repo';
import { GATE_CONTEXT, startGitea, type RunningGitea } from '../../testing/gitea';
import { startPrometheusFleet, type PrometheusFleet } from '../../testing/prometheus-fleet';
import { DEMO_USERS } from '../auth';
import { SESSION_TTL_SECONDS, type Session } from '../auth/session';
import type { ConsoleConfig } from '../config';
import { createContext, type Services } from '../context';
import { createServices } from '../services';
import { createCaller } from './_app';

export type DemoLogin = (typeof DEMO_USERS)[number]['login'];

/**
 * The console's procedures over real services, for specs: a scratch copy of this repository pushed to a real
 * Gitea, one real Prometheus per region, and the services `services.ts` builds from a configuration.
 */
export interface SpecConsole {
  repoDir: string;
  gitea: RunningGitea;
  fleet: PrometheusFleet;
  config: ConsoleConfig;
  services: Services;
  /** A caller signed in as a demo user, or signed out, on these services or others; `signal` ends its subscriptions. */
  callerAs(login: DemoLogin | undefined, options?: { signal?: AbortSignal; services?: Services }): ReturnType<typeof createCaller>;
  /** What the CAB does on the forge: approve, let the gate pass, merge. */
  mergeAsCab(number: number): Promise<void>;
  /** More services on the same forge and Prometheus fleet, for another checkout. */
  servicesFor(repoDir: string): Promise<Services>;
  close(): Promise<void>;
}

export async function startSpecConsole(): Promise<SpecConsole> {
  const repoDir = await exampleRepo();
  commitAll(repoDir);
  const [gitea, fleet] = await Promise.all([startGitea({ repoDir }), modelAt(repoDir).then((model) => startPrometheusFleet({ model }))]);
  const stateDirs: string[] = [];
  const built: Services[] = [];
  const configFor = async (checkout: string): Promise<ConsoleConfig> => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'console-state-'));
    stateDirs.push(stateDir);
    return {
      repoDir: checkout,
      stateDir,
      auth: { mode: 'local' },
      forge: { kind: 'gitea', url: gitea.url, repo: gitea.repo, token: gitea.tokens['console-bot']! },
      prometheusUrls: fleet.urls,
    };
  };
  const build = (config: ConsoleConfig) => {
    const services = createServices(config, 'local');
    built.push(services);
    return services;
  };
  const config = await configFor(repoDir);
  const services = build(config);
  return {
    repoDir,
    gitea,
    fleet,
    config,
    services,
    callerAs(login, options = {}) {
      const user = DEMO_USERS.find((candidate) => candidate.login === login);
      const session: Session | undefined = user && { user, mode: 'local', expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000).toISOString() };
      return createCaller(createContext({ session, services: options.services ?? services }), options.signal ? { signal: options.signal } : {});
    },
    async mergeAsCab(number) {
      const repo = `${gitea.url}/api/v1/repos/${gitea.repo.owner}/${gitea.repo.name}`;
      const call = async (token: string, route: string, body: unknown) => {
        const response = await fetch(`${repo}${route}`, { method: 'POST', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        if (!response.ok) throw new Error(`POST ${route}: ${response.status} ${await response.text()}`);
      };
      const pull = (await (await fetch(`${repo}/pulls/${number}`, { headers: { Authorization: `token ${gitea.admin.token}` } })).json()) as { head: { sha: string } };
      await call(gitea.tokens.carol!, `/pulls/${number}/reviews`, { event: 'APPROVED', body: 'CAB approves' });
      await call(gitea.admin.token, `/statuses/${pull.head.sha}`, { state: 'success', context: GATE_CONTEXT });
      await call(gitea.tokens.carol!, `/pulls/${number}/merge`, { Do: 'merge' });
    },
    async servicesFor(checkout) {
      return build(await configFor(checkout));
    },
    async close() {
      for (const each of built) {
        each.metrics.close();
        await each.changes.close();
      }
      await Promise.all([gitea.stop(), fleet.stopAll(), ...stateDirs.map((dir) => rm(dir, { recursive: true, force: true }))]);
    },
  };
}
