import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, unreachableUrl, type PrometheusServer } from '../../../tests/helpers/prometheus';
import type { ChangeIntent } from '../../../schemas';
import type { GitHubStandIn } from '../../testing/github-standin/server';
import type { Forge } from '../forges/forge';
import { createChangeService } from './service';
import { ALICE, ExampleRepository, gitHubStandInForge } from './test-repository';
import type { ChangeService, Preview } from './types';

/**
 * Release waves through the console: `npm run promote`'s steps, with the barrier asked of each switched
 * region's real Prometheus (here one backfilled with what Argo Rollouts and kube-state-metrics export).
 */

const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api';
const OLD = 'sha256:9f2b6c1e4d8a7b3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5';
const NEW = `sha256:${'a1'.repeat(32)}`;

const rollout = (phase: string) => `rollout_info{namespace="orders-api",name="orders-api",phase="${phase}",strategy="canary"} 1`;
const pods = (...digests: string[]) => digests.map((digest, i) => `kube_pod_container_info{namespace="orders-api",pod="orders-api-${i}",container="orders-api",image_spec="${REPOSITORY}@${digest}"} 1`);

let repo: ExampleRepository;
let standin: GitHubStandIn;
let forge: Forge;
let healthy: PrometheusServer;
let progressing: PrometheusServer;
const services: ChangeService[] = [];

/** A console whose barrier reads us-west-2 (the first wave) from `westPrometheus`; us-east-1 answers nothing. */
async function consoleWith(westPrometheus: string): Promise<ChangeService> {
  const service = createChangeService({
    repoDir: repo.work,
    stateDir: await repo.tempDir('console-state-'),
    forge,
    health: async () => ({}),
    prometheusUrls: { 'us-west-2': westPrometheus, 'us-east-1': await unreachableUrl() },
  });
  services.push(service);
  return service;
}

beforeAll(async () => {
  repo = await ExampleRepository.create();
  ({ standin, forge } = await gitHubStandInForge(repo.work, await repo.git('rev-parse', 'HEAD')));
  [healthy, progressing] = await Promise.all([startPrometheus([rollout('Completed'), ...pods(NEW, NEW, NEW)]), startPrometheus([rollout('Progressing'), ...pods(NEW, OLD, OLD)])]);
}, 120_000);

afterEach(() => {
  expect(standin.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.close()));
  await Promise.all([healthy?.stop(), progressing?.stop(), standin?.close()]);
  await repo?.remove();
});

const advance: ChangeIntent = { kind: 'release', app: 'orders-api', action: 'advance', digest: NEW };
const paths = (preview: Preview) => preview.files.map((file) => file.path);
const diffOf = (preview: Preview, file: string) => preview.files.find((candidate) => candidate.path === file)?.diff ?? '';

async function submitted(service: ChangeService, intent: ChangeIntent, reason: string) {
  const preview = await service.preview({ request: { intent, reason }, requester: ALICE });
  const result = await service.submit({ request: { intent, reason, base: preview.base.sha }, requester: ALICE, idempotencyKey: `release-${preview.id.slice(0, 12)}`, previewId: preview.id });
  if (result.status !== 'opened') throw new Error(`expected the release step to open a pull request, got ${result.status}: ${result.preview.notSubmittableBecause}`);
  return result;
}

describe('release waves as change requests', () => {
  it('starts a release on the first wave without a barrier, then holds the second wave while the first rollout is still progressing, then opens it with the barrier recorded', async () => {
    const stalled = await consoleWith(progressing.url);
    const started = await submitted(stalled, advance, 'orders-api 2.14: idempotent order retries');
    expect(paths(started.preview)[0]).toBe('apps/releases.yaml');
    expect(diffOf(started.preview, 'apps/releases.yaml')).toContain(`+  - app: orders-api\n+    digest: ${NEW}\n+    regions:\n+      - us-west-2\n+    startedBy: "@alice"`);
    for (const file of paths(started.preview).slice(1)) expect(file).toMatch(/^generated\/k8s\/us-west-2\//);
    await standin.mergePullRequest(started.pullRequest.number, { method: 'merge', by: 'carol' });

    const held = await stalled.preview({ request: { intent: advance, reason: 'orders-api 2.14 to us-east-1' }, requester: ALICE });
    expect(held.submittable).toBe(false);
    expect(held.files).toEqual([]);
    expect(held.blocking).toEqual([
      expect.objectContaining({
        policy: 'console.barrier-not-met',
        message: `orders-api ${NEW} is not rolled out healthily in us-west-2 (${progressing.url}): Rollout orders-api is Progressing, expected Completed (rollout_info phase); 2 of 3 pods do not run @${NEW}: orders-api-1 (${REPOSITORY}@${OLD}), orders-api-2 (${REPOSITORY}@${OLD})`,
      }),
    ]);

    const ready = await consoleWith(healthy.url);
    const second = await ready.preview({ request: { intent: advance, reason: 'orders-api 2.14 to us-east-1' }, requester: ALICE });
    expect(second.blocking).toEqual([]);
    expect(paths(second)[0]).toBe('apps/releases.yaml');
    expect(diffOf(second, 'apps/releases.yaml')).toMatch(/\+      - us-east-1\n[\s\S]*\+    barriers:\n\+      - wave: 2\n/);
    expect(diffOf(second, 'apps/releases.yaml')).toContain(`+        digest: ${NEW}`);
    expect(diffOf(second, 'apps/releases.yaml')).toContain(`+          us-west-2: Rollout orders-api Completed; all 3 pods run @${NEW}`);
    for (const file of paths(second).slice(1)) expect(file).toMatch(/^generated\/k8s\/us-east-1\//);
  });

  it('abandons the release in flight, back to the app image everywhere', async () => {
    const service = await consoleWith(healthy.url);
    const preview = await service.preview({ request: { intent: { kind: 'release', app: 'orders-api', action: 'abandon' }, reason: 'orders-api 2.14 leaks connections' }, requester: ALICE });
    expect(preview.blocking).toEqual([]);
    expect(paths(preview)[0]).toBe('apps/releases.yaml');
    expect(diffOf(preview, 'apps/releases.yaml')).toContain('+releases: []');
    for (const file of paths(preview).slice(1)) expect(file).toMatch(/^generated\/k8s\/us-west-2\//);
  });

  it('refuses a step promote would refuse, in its words', async () => {
    const service = await consoleWith(healthy.url);
    const other = `sha256:${'b2'.repeat(32)}`;
    const preview = await service.preview({ request: { intent: { kind: 'release', app: 'orders-api', action: 'advance', digest: other }, reason: 'orders-api 2.15' }, requester: ALICE });
    expect(preview.blocking).toEqual([expect.objectContaining({ policy: 'console.release-refused', message: expect.stringMatching(/^orders-api is being promoted to sha256:a1a1/) })]);
  });
});
