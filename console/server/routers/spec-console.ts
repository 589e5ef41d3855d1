import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChangeIntent } from '../../../schemas';
import { afterAll, beforeAll } from 'vitest';
import { commitAll, exampleRepo, modelAt, removeScratchRepos } from '../../../tests/helpers/example-repo';
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
  /** A caller signed in as a demo user, or signed out; `signal` ends its subscriptions. */
  callerAs(login: DemoLogin | undefined, options?: { signal?: AbortSignal }): ReturnType<typeof createCaller>;
  /** What the CAB does on the forge: approve, let the gate pass, merge. */
  mergeAsCab(number: number): Promise<void>;
  /** A change previewed and submitted through the console as `login`, then merged by the CAB; returns the default branch's new tip. */
  mergedChange(login: DemoLogin, request: { intent: ChangeIntent; reason: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startSpecConsole(): Promise<SpecConsole> {
  const repoDir = await exampleRepo();
  commitAll(repoDir);
  const [gitea, fleet, stateDir] = await Promise.all([startGitea({ repoDir }), modelAt(repoDir).then((model) => startPrometheusFleet({ model })), mkdtemp(path.join(tmpdir(), 'console-state-'))]);
  const config: ConsoleConfig = {
    repoDir,
    stateDir,
    auth: { mode: 'local' },
    forge: { kind: 'gitea', url: gitea.url, repo: gitea.repo, token: gitea.tokens['console-bot']! },
    prometheusUrls: fleet.urls,
  };
  const services = createServices(config, 'local');
  const api = `${gitea.url}/api/v1/repos/${gitea.repo.owner}/${gitea.repo.name}`;
  const call = async <T>(method: string, token: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${api}${route}`, { method, headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const callerAs: SpecConsole['callerAs'] = (login, options = {}) => {
    const user = DEMO_USERS.find((candidate) => candidate.login === login);
    const session: Session | undefined = user && { user, mode: 'local', expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000).toISOString() };
    return createCaller(createContext({ session, services }), options.signal ? { signal: options.signal } : {});
  };
  const mergeAsCab = async (number: number) => {
    const pull = await call<{ head: { sha: string } }>('GET', gitea.admin.token, `/pulls/${number}`);
    await call('POST', gitea.tokens.carol!, `/pulls/${number}/reviews`, { event: 'APPROVED', body: 'CAB approves' });
    await call('POST', gitea.admin.token, `/statuses/${pull.head.sha}`, { state: 'success', context: GATE_CONTEXT });
    await call('POST', gitea.tokens.carol!, `/pulls/${number}/merge`, { Do: 'merge' });
  };
  return {
    repoDir,
    gitea,
    fleet,
    config,
    services,
    callerAs,
    mergeAsCab,
    async mergedChange(login, request) {
      const caller = callerAs(login);
      const preview = await caller.changes.preview(request);
      const result = await caller.changes.submit({ request: { ...request, base: preview.base.sha }, idempotencyKey: randomUUID(), previewId: preview.id });
      if (result.status !== 'opened') throw new Error(`expected a pull request, got ${result.status}: ${result.preview.notSubmittableBecause ?? ''}`);
      await mergeAsCab(result.pullRequest.number);
      return (await call<{ commit: { id: string } }>('GET', gitea.admin.token, '/branches/main')).commit.id;
    },
    async close() {
      services.metrics.close();
      await services.changes.close();
      await Promise.all([gitea.stop(), fleet.stopAll(), rm(stateDir, { recursive: true, force: true })]);
    },
  };
}

/**
 * One spec console for the calling spec file, started before its first spec (a first run on a machine builds
 * Gitea) and stopped after its last; the function returns it once started.
 */
export function specConsoleForFile(): () => SpecConsole {
  let started: SpecConsole | undefined;
  beforeAll(async () => {
    started = await startSpecConsole();
  }, 900_000);
  afterAll(async () => {
    await started?.close();
    await removeScratchRepos();
  });
  return () => {
    if (!started) throw new Error('the spec console has not started: call specConsoleForFile() at the top of the spec file');
    return started;
  };
}
