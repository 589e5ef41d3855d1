import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeIntent } from '../../../schemas';
import type { GitHubStandIn } from '../../testing/github-standin/server';
import type { Forge } from '../forges/forge';
import { createChangeService } from './service';
import { ALICE, BOB, ExampleRepository, gitHubStandInForge } from './test-repository';
import { parseTrailer } from './trailer';
import type { ChangeService, Requester } from './types';

/**
 * Submitting change requests against the GitHub stand-in, which keeps the repository in a real bare git
 * repository and checks every request and response against GitHub's OpenAPI description.
 */

const NOW = new Date('2026-03-01T03:00:00Z');

let repo: ExampleRepository;
let base: string;

interface Setup {
  standin: GitHubStandIn;
  forge: Forge;
  service: ChangeService;
  stateDir: string;
}
const setups: Setup[] = [];

/** A forge seeded with the example on main, and a console with its own empty state. */
async function setup(): Promise<Setup> {
  const { standin, forge } = await gitHubStandInForge(repo.work, base);
  const stateDir = await repo.tempDir('console-state-');
  const service = createChangeService({ repoDir: repo.work, stateDir, forge, health: async () => ({}), now: () => NOW });
  const created = { standin, forge, service, stateDir };
  setups.push(created);
  return created;
}

beforeAll(async () => {
  repo = await ExampleRepository.create();
  base = await repo.git('rev-parse', 'HEAD');
}, 60_000);

afterEach(async () => {
  for (const { standin, service } of setups.splice(0)) {
    await service.close();
    const violations = standin.takeViolations();
    await standin.close();
    expect(violations).toEqual([]);
  }
});

afterAll(async () => repo?.remove());

const WEIGHTS_60_40: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } };
const REASON = 'shift load off us-east-1 before the Aurora minor upgrade';

async function previewAndSubmit(service: ChangeService, intent: ChangeIntent, options: { requester?: Requester; key?: string; reason?: string; acknowledgeConflicts?: boolean } = {}) {
  const requester = options.requester ?? ALICE;
  const request = { intent, reason: options.reason ?? REASON };
  const preview = await service.preview({ request, requester });
  const result = await service.submit({ request: { ...request, base: preview.base.sha }, requester, idempotencyKey: options.key ?? `key-${preview.id.slice(0, 16)}`, previewId: preview.id, ...(options.acknowledgeConflicts ? { acknowledgeConflicts: true } : {}) });
  return { preview, result };
}

describe('submitting a change request as a pull request', () => {
  it('opens one pull request for a 60/40 weight change: one commit on exactly the base, the plan as its body, labels from the class, reviewers from the owners', async () => {
    const { standin, forge, service } = await setup();
    const { preview, result } = await previewAndSubmit(service, WEIGHTS_60_40);
    if (result.status !== 'opened') throw new Error(`expected opened, got ${result.status}`);
    expect(result.replayed).toBe(false);
    const pull = result.pullRequest;
    expect(pull.branch).toBe(`console/${preview.id.slice(0, 12)}`);
    expect(pull.title).toBe(`[console] us-east-1 60 / us-west-2 40: ${REASON}`);
    expect(pull.baseSha).toBe(base);

    // One commit whose only parent is the previewed base, with exactly the previewed files; main untouched.
    const head = await standin.readRef(`refs/heads/${pull.branch}`);
    expect(head).toBe(pull.headSha);
    expect(await standin.readRef('refs/heads/main')).toBe(base);
    const commit = await repo.git('-C', standin.gitDir, 'log', '-1', '--format=%P%n%an <%ae>%n%cn%n%B', head!);
    const [parents, author, committer, ...message] = commit.split('\n');
    expect(parents).toBe(base);
    expect(author).toBe('Alice Okafor <alice@example.com>');
    expect(committer).toBe('Operator console');
    expect(message.join('\n')).toContain(`Console-Change-Request: ${preview.id}\nRequested-By: @alice`);
    expect((await forge.pullRequestFiles(pull.number)).sort()).toEqual(preview.files.map((file) => file.path).sort());
    expect(preview.files.map((file) => file.path).filter((file) => !/^generated\/(terraform\/global|failover)\//.test(file))).toEqual(['regions/us-east-1.ts', 'regions/us-west-2.ts']);

    expect(pull.body.startsWith(preview.markdown)).toBe(true);
    expect(pull.body).toContain(`\`main\` at \`${base}\``);
    expect(pull.body).toContain(`\`sha256:${preview.inputHash}\``);
    expect(pull.body).toContain(`\`sha256:${preview.bundleHash}\``);
    expect(parseTrailer(pull.body)).toMatchObject({ id: preview.id, intent: WEIGHTS_60_40, reason: REASON, requester: '@alice', base, class: 'normal' });

    const opened = await forge.getPullRequest(pull.number);
    expect(opened.labels.sort()).toEqual(['change:normal', 'console']);
    expect(await forge.reviews(pull.number)).toMatchObject({ requestedTeams: ['platform', 'sre'], requestedUsers: [] });
  });

  it('lists and shows console pull requests with who asked, why, the class, the findings and the checks', async () => {
    const { standin, service } = await setup();
    const { result } = await previewAndSubmit(service, { kind: 'read-only', region: 'us-west-2', readOnly: true }, { reason: 'us-west-2 replica lag above its RPO' });
    if (result.status !== 'opened') throw new Error(`expected opened, got ${result.status}`);
    standin.setStatus(result.pullRequest.headSha, { context: 'gate', state: 'success' });
    const [listed] = await service.list();
    expect(listed).toMatchObject({ number: result.pullRequest.number, requester: '@alice', reason: 'us-west-2 replica lag above its RPO', class: result.preview.classification.class, findings: { total: result.preview.findings.length, blocking: 0 } });
    expect(listed?.checks.state).toBe('success');
    expect(listed?.reviews.requestedTeams).toEqual(['platform', 'sre']);
    const detail = await service.get(result.pullRequest.number);
    expect(detail.files).toContain('regions/us-west-2.ts');
    expect(detail.body).toContain('### Policy results');
  });

  it('opens one pull request for a double click and for a retry with another key', async () => {
    const { standin, service } = await setup();
    const request = { intent: WEIGHTS_60_40, reason: REASON };
    const preview = await service.preview({ request, requester: ALICE });
    const submit = (key: string) => service.submit({ request: { ...request, base: preview.base.sha }, requester: ALICE, idempotencyKey: key, previewId: preview.id });
    const [first, second] = await Promise.all([submit('double-click-1'), submit('double-click-1')]);
    const retried = await submit('after-timeout-2');
    const outcomes = [first, second, retried].map((result) => (result.status === 'opened' ? { number: result.pullRequest.number, replayed: result.replayed } : result.status));
    expect(outcomes).toEqual([
      { number: expect.any(Number), replayed: false },
      { number: outcomes[0] && typeof outcomes[0] === 'object' ? outcomes[0].number : -1, replayed: true },
      { number: outcomes[0] && typeof outcomes[0] === 'object' ? outcomes[0].number : -1, replayed: true },
    ]);
    const pulls = standin.requests().filter((request) => request.method === 'POST' && request.operation === 'pulls/create');
    expect(pulls).toHaveLength(1);
  });

  it('answers a retry after the console restarted with the pull request the first attempt opened', async () => {
    const { standin, forge, service, stateDir } = await setup();
    const request = { intent: WEIGHTS_60_40, reason: REASON };
    const preview = await service.preview({ request, requester: ALICE });
    const submit = (console: ChangeService) => console.submit({ request: { ...request, base: preview.base.sha }, requester: ALICE, idempotencyKey: 'before-restart', previewId: preview.id });
    const first = await submit(service);
    await service.close();
    const restarted = createChangeService({ repoDir: repo.work, stateDir, forge, health: async () => ({}), now: () => NOW });
    const retried = await submit(restarted).finally(() => restarted.close());
    expect(retried).toMatchObject({ status: 'opened', replayed: true, pullRequest: { number: first.status === 'opened' ? first.pullRequest.number : -1 } });
    expect(standin.requests().filter((request) => request.operation === 'pulls/create')).toHaveLength(1);
  });

  it('refuses an idempotency key reused for another change', async () => {
    const { service } = await setup();
    const { result } = await previewAndSubmit(service, WEIGHTS_60_40, { key: 'reused-key-1' });
    expect(result.status).toBe('opened');
    await expect(previewAndSubmit(service, { kind: 'read-only', region: 'us-west-2', readOnly: true }, { key: 'reused-key-1' })).rejects.toThrow(/idempotency key reused-key-1 was already used for another change/);
  });

  it('blocks weights of 60/60 with the policy id and creates no branch', async () => {
    const { standin, service } = await setup();
    const { preview, result } = await previewAndSubmit(service, { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 60 } });
    expect(result.status).toBe('blocked');
    expect(result.preview.blocking.map((finding) => finding.policy)).toContain('traffic.weights-sum-to-100');
    expect(await standin.readRef(`refs/heads/console/${preview.id.slice(0, 12)}`)).toBeUndefined();
    expect(standin.requests().filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('re-previews on the new base, submitting nothing, when the default branch moved since the preview', async () => {
    const { standin, service } = await setup();
    const request = { intent: WEIGHTS_60_40, reason: REASON };
    const preview = await service.preview({ request, requester: ALICE });
    const moved = await repo.commit('docs/runbooks.md', (text) => `${text}# Runbooks\n`, 'Runbooks: a first page');
    try {
      await standin.seedFromRepository(repo.work, moved);
      const result = await service.submit({ request: { ...request, base: preview.base.sha }, requester: ALICE, idempotencyKey: 'moved-base-1', previewId: preview.id });
      expect(result.status).toBe('rebased');
      expect(result.preview.base.sha).toBe(moved);
      expect(result.preview.id).not.toBe(preview.id);
      // The runbook commit touched none of the values this change sets.
      expect(result.preview.conflicts).toEqual([]);
      expect(standin.requests().filter((request) => request.method !== 'GET')).toEqual([]);
      // Submitting the re-preview goes through on the new base.
      const again = await service.submit({ request: { ...request, base: moved }, requester: ALICE, idempotencyKey: 'moved-base-2', previewId: result.preview.id });
      expect(again.status === 'opened' && again.pullRequest.baseSha).toBe(moved);
    } finally {
      await repo.git('reset', '--quiet', '--hard', base);
    }
  });

  it('shows an open pull request that sets the same value, with who, when and which pull request, and opens only once acknowledged', async () => {
    const { service } = await setup();
    const alice = await previewAndSubmit(service, WEIGHTS_60_40);
    if (alice.result.status !== 'opened') throw new Error(`expected opened, got ${alice.result.status}`);
    const bobIntent: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 70, 'us-west-2': 30 } };
    const bob = await previewAndSubmit(service, bobIntent, { requester: BOB, reason: 'us-east-1 has the warmer caches' });
    expect(bob.result.status).toBe('conflict');
    expect(bob.result.preview.conflicts).toEqual(
      ['regions/us-east-1.ts', 'regions/us-west-2.ts'].map((file) => ({
        file,
        path: 'traffic.weight',
        theirs: file.includes('east') ? 60 : 40,
        by: '@alice',
        at: alice.result.status === 'opened' ? alice.result.pullRequest.createdAt : '',
        pullRequest: { number: alice.result.status === 'opened' ? alice.result.pullRequest.number : 0, url: alice.result.status === 'opened' ? alice.result.pullRequest.url : '', state: 'open' },
        commit: alice.result.status === 'opened' ? alice.result.pullRequest.headSha : '',
      })),
    );
    const acknowledged = await service.submit({ request: { intent: bobIntent, reason: 'us-east-1 has the warmer caches', base }, requester: BOB, idempotencyKey: 'bob-acknowledged', previewId: bob.preview.id, acknowledgeConflicts: true });
    expect(acknowledged.status).toBe('opened');
  });

  it('shows a change merged since the preview that set the same value, attributed to its author and pull request', async () => {
    const { standin, service } = await setup();
    const bobIntent: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 70, 'us-west-2': 30 } };
    const bobRequest = { intent: bobIntent, reason: 'us-east-1 has the warmer caches' };
    const bobPreview = await service.preview({ request: bobRequest, requester: BOB });
    const alice = await previewAndSubmit(service, WEIGHTS_60_40);
    if (alice.result.status !== 'opened') throw new Error(`expected opened, got ${alice.result.status}`);
    await standin.mergePullRequest(alice.result.pullRequest.number, { method: 'merge', by: 'carol' });

    const result = await service.submit({ request: { ...bobRequest, base: bobPreview.base.sha }, requester: BOB, idempotencyKey: 'bob-after-merge', previewId: bobPreview.id });
    expect(result.status).toBe('rebased');
    expect(result.preview.conflicts.map(({ file, path, theirs, by, pullRequest }) => ({ file, path, theirs, by, pullRequest }))).toEqual(
      ['regions/us-east-1.ts', 'regions/us-west-2.ts'].map((file) => ({
        file,
        path: 'traffic.weight',
        theirs: file.includes('east') ? 60 : 40,
        by: '@alice',
        pullRequest: { number: alice.result.status === 'opened' ? alice.result.pullRequest.number : 0, url: alice.result.status === 'opened' ? alice.result.pullRequest.url : '', state: 'merged' },
      })),
    );
    expect(result.preview.conflicts[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The re-preview is built on the merged 60/40: Bob's diff now moves 60 → 70.
    expect(result.preview.files.find((file) => file.path === 'regions/us-east-1.ts')?.diff).toContain('-  traffic: { weight: 60,');
  });
});
