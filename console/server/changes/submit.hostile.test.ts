import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeIntent } from '../../../schemas';
import { startGitHubStandIn, type GitHubStandIn } from '../../testing/github-standin/server';
import { ForgeError, type Forge } from '../forges/forge';
import { createGitHubForge } from '../forges/github';
import { finalTrailers } from './conflicts';
import { createChangeService } from './service';
import { ALICE, BOB, ExampleRepository } from './test-repository';
import { formatTrailer } from './trailer';
import type { ChangeService } from './types';

/**
 * The change service where the forge holds things it did not make: branches and pull requests named like the
 * console's by another collaborator, reasons written to look like trailers, retries after a timeout, keys
 * another requester chose, and records long done. Against the GitHub stand-in, which checks every exchange
 * against GitHub's OpenAPI description.
 */

const BOT_TOKEN = 'ghp_console-bot-token-0123456789';
const MALLORY_TOKEN = 'ghp_mallory-token-0123456789abc';
const DAY_MS = 24 * 3600_000;

let repo: ExampleRepository;
let base: string;

interface Setup {
  standin: GitHubStandIn;
  forge: Forge;
  mallory: Forge;
  services: ChangeService[];
}
const setups: Setup[] = [];

/** A forge holding the example on main, the console's bot and Mallory (a collaborator who can push branches) on it. */
async function setup(): Promise<Setup> {
  const standin = await startGitHubStandIn({
    owner: 'example-org',
    repo: 'orders-gitops',
    tokens: { [BOT_TOKEN]: 'console-bot', [MALLORY_TOKEN]: 'mallory' },
    collaborators: ['alice', 'bob', 'carol', 'console-bot', 'mallory'],
    teams: ['platform', 'sre', 'dba', 'orders-team', 'security'],
  });
  await standin.seedFromRepository(repo.work, base);
  const as = (token: string) => createGitHubForge({ baseUrl: standin.apiUrl, repo: { owner: standin.owner, name: standin.repo }, auth: { token }, spacing: { writeMs: 0, notifyingMs: 0 }, waitUnitMs: 5, retries: 1 });
  const created = { standin, forge: as(BOT_TOKEN), mallory: as(MALLORY_TOKEN), services: [] };
  setups.push(created);
  return created;
}

function serviceOn(on: Setup, options: { forge?: Forge; stateDir: string; now?: () => Date; health?: () => Promise<Record<string, never>> }): ChangeService {
  const service = createChangeService({ repoDir: repo.work, stateDir: options.stateDir, forge: options.forge ?? on.forge, health: options.health ?? (async () => ({})), ...(options.now ? { now: options.now } : {}) });
  on.services.push(service);
  return service;
}

beforeAll(async () => {
  repo = await ExampleRepository.create();
  base = await repo.git('rev-parse', 'HEAD');
}, 60_000);

afterEach(async () => {
  for (const { standin, services } of setups.splice(0)) {
    await Promise.all(services.map((service) => service.close()));
    const violations = standin.takeViolations();
    await standin.close();
    expect(violations).toEqual([]);
  }
});

afterAll(async () => repo?.remove());

const WEIGHTS_60_40: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } };
const WEIGHTS_70_30: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 70, 'us-west-2': 30 } };

/** Mallory's commit on the base: the policy bundle deleted. */
async function maliciousCommit(): Promise<string> {
  const tree = (await repo.git('ls-tree', base)).split('\n').filter((line) => !line.endsWith('\tpolicies')).join('\n');
  const treeSha = await new Promise<string>((resolve, reject) => {
    const child = execFile('git', ['mktree'], { cwd: repo.work }, (error, out) => (error ? reject(error) : resolve(out.trim())));
    child.stdin?.end(`${tree}\n`);
  });
  return repo.git('-c', 'user.name=Mallory', '-c', 'user.email=mallory@example.com', 'commit-tree', treeSha, '-p', base, '-m', 'routine');
}

describe('branches and pull requests the console did not make', () => {
  it('refuses to adopt a squatted console branch and pull request, naming both, and lists it as unverified without its forged requester', async () => {
    const on = await setup();
    const service = serviceOn(on, { stateDir: await repo.tempDir('console-state-') });
    const request = { intent: WEIGHTS_60_40, reason: 'drain us-east-1' };
    const preview = await service.preview({ request, requester: ALICE });
    // The preview id is visible to every viewer in the audit log: Mallory takes its branch first.
    const branch = `console/${preview.id.slice(0, 12)}`;
    const evil = await maliciousCommit();
    await on.mallory.publishCommit({ repoDir: repo.work, commit: evil, baseSha: base, branch });
    const forged = formatTrailer({ id: preview.id, intent: WEIGHTS_60_40, reason: 'routine', requester: '@carol', base, inputHash: 'a'.repeat(64), bundleHash: 'b'.repeat(64), class: 'standard', findings: { total: 0, blocking: 0 } });
    const squat = await on.mallory.openPullRequest({ branch, title: '[console] harmless', body: `looks fine\n${forged}` });

    const submitted = service.submit({ request: { ...request, base }, requester: ALICE, idempotencyKey: 'alice-squatted-1', previewId: preview.id });
    await expect(submitted).rejects.toBeInstanceOf(ForgeError);
    await expect(submitted).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`branch ${branch} on the forge, with pull request #${squat.number}`) });
    await expect(submitted).rejects.toThrow(/by mallory/);
    // Nothing of the console's was set on Mallory's pull request, and the branch still holds Mallory's commit.
    expect((await on.forge.getPullRequest(squat.number)).labels).toEqual([]);
    expect(await on.standin.readRef(`refs/heads/${branch}`)).toBe(evil);

    const [listed] = await service.list();
    expect(listed).toMatchObject({ number: squat.number, unverified: expect.stringContaining('opened by mallory, not by the console (console-bot)') });
    expect(listed).not.toHaveProperty('requester');
    expect(listed).not.toHaveProperty('change');
    expect(listed).not.toHaveProperty('class');
    expect(await service.get(squat.number)).not.toHaveProperty('requester');
  });

  it('refuses to adopt the console branch of a preview when the console did not make the pull request, even with the previewed content on it', async () => {
    const on = await setup();
    const stateDir = await repo.tempDir('console-state-');
    const request = { intent: WEIGHTS_60_40, reason: 'drain us-east-1' };
    // The first attempt publishes the branch, then the forge stops answering before the pull request.
    const failing: Forge = { ...on.forge, openPullRequest: async () => Promise.reject(new ForgeError('unavailable', 'the forge did not answer')) };
    const first = serviceOn(on, { forge: failing, stateDir });
    const preview = await first.preview({ request, requester: ALICE });
    await expect(first.submit({ request: { ...request, base }, requester: ALICE, idempotencyKey: 'alice-first-try', previewId: preview.id })).rejects.toThrow(/did not answer/);
    const branch = `console/${preview.id.slice(0, 12)}`;
    const squat = await on.mallory.openPullRequest({ branch, title: 'mine now', body: 'approve me' });

    const retry = serviceOn(on, { stateDir });
    await expect(retry.submit({ request: { ...request, base }, requester: ALICE, idempotencyKey: 'alice-second-try', previewId: preview.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(new RegExp(`branch ${branch} on the forge, with pull request #${squat.number} .* by mallory, is not this change: opened by mallory`)),
    });
  });

  it('takes no conflict from a pull request that only claims to be the console’s', async () => {
    const on = await setup();
    const service = serviceOn(on, { stateDir: await repo.tempDir('console-state-') });
    const claimed = `console/${'f'.repeat(12)}`;
    const evil = await maliciousCommit();
    await on.mallory.publishCommit({ repoDir: repo.work, commit: evil, baseSha: base, branch: claimed });
    const forged = formatTrailer({ id: 'f'.repeat(64), intent: WEIGHTS_60_40, reason: 'routine', requester: '@carol', base, inputHash: 'a'.repeat(64), bundleHash: 'b'.repeat(64), class: 'standard', findings: { total: 0, blocking: 0 } });
    await on.mallory.openPullRequest({ branch: claimed, title: '[console] weights', body: forged });
    const preview = await service.preview({ request: { intent: WEIGHTS_70_30, reason: 'warmer caches' }, requester: BOB });
    expect(preview.conflicts).toEqual([]);
  });
});

describe('who a merged change is attributed to', () => {
  it('reads Requested-By from the console commit’s final trailer block, not from a reason typed to look like one', async () => {
    const on = await setup();
    const service = serviceOn(on, { stateDir: await repo.tempDir('console-state-') });
    const bobRequest = { intent: WEIGHTS_70_30, reason: 'us-east-1 has the warmer caches' };
    const bobPreview = await service.preview({ request: bobRequest, requester: BOB });
    const aliceRequest = { intent: WEIGHTS_60_40, reason: 'Requested-By: @carol' };
    const alicePreview = await service.preview({ request: aliceRequest, requester: ALICE });
    const alice = await service.submit({ request: { ...aliceRequest, base }, requester: ALICE, idempotencyKey: 'alice-spoof-1', previewId: alicePreview.id });
    if (alice.status !== 'opened') throw new Error(`expected opened, got ${alice.status}`);
    await on.standin.mergePullRequest(alice.pullRequest.number, { method: 'merge', by: 'carol' });

    const bob = await service.submit({ request: { ...bobRequest, base: bobPreview.base.sha }, requester: BOB, idempotencyKey: 'bob-after-spoof', previewId: bobPreview.id });
    expect(bob.preview.conflicts.map((conflict) => conflict.by)).toEqual(['@alice', '@alice']);
  });

  it('parses only a last paragraph made wholly of trailers', () => {
    expect(finalTrailers('title\n\nRequested-By: @carol\n\nConsole-Change-Request: abc\nRequested-By: @alice\n')).toEqual(
      new Map([
        ['Console-Change-Request', 'abc'],
        ['Requested-By', '@alice'],
      ]),
    );
    expect(finalTrailers('title\n\nRequested-By: @carol and some prose\nnot a trailer')).toEqual(new Map());
    expect(finalTrailers('Requested-By: @carol')).toEqual(new Map());
  });
});

describe('retries', () => {
  it('finishes a guided failover retried 5 s after the pull request timed out: the same commit, the previewed declaration, the pull request opened', async () => {
    const on = await setup();
    let clock = Date.parse('2026-03-01T03:00:00Z');
    let failOnce = true;
    const flaky: Forge = {
      ...on.forge,
      openPullRequest: async (input) => {
        if (failOnce) {
          failOnce = false;
          throw new ForgeError('unavailable', 'github: open a pull request: the request timed out');
        }
        return on.forge.openPullRequest(input);
      },
    };
    const service = serviceOn(on, { forge: flaky, stateDir: await repo.tempDir('console-state-'), now: () => new Date(clock) });
    const request = { intent: { kind: 'guided-failover', from: 'us-east-1', to: 'us-west-2' } as const, reason: 'us-east-1 is failing its probes' };
    const preview = await service.preview({ request, requester: ALICE });
    clock += 2_000;
    const submit = (key: string) => service.submit({ request: { ...request, base }, requester: ALICE, idempotencyKey: key, previewId: preview.id });
    await expect(submit('failover-1')).rejects.toThrow(/timed out/);
    const branch = `console/${preview.id.slice(0, 12)}`;
    const published = await on.standin.readRef(`refs/heads/${branch}`);
    expect(published).toBeDefined();

    clock += 5_000;
    const retried = await submit('failover-1');
    if (retried.status !== 'opened') throw new Error(`expected opened, got ${retried.status}`);
    expect(retried.replayed).toBe(false);
    expect(retried.pullRequest.headSha).toBe(published);

    // What was committed is what was previewed: every file's blob on the branch is the one the preview's diff showed.
    const blobs = (diff: string) => /^index \S+\.\.(\S+)/m.exec(diff)?.[1];
    for (const file of preview.files) {
      const committed = await repo.git('-C', on.standin.gitDir, 'rev-parse', `${published}:${file.path}`).catch(() => undefined);
      expect(committed?.startsWith(blobs(file.diff) ?? 'none'), file.path).toBe(true);
    }
    expect(preview.files.some((file) => file.path === 'regions/global.yaml')).toBe(true);

    // Another key for the same preview later still lands on that pull request.
    clock += 60_000;
    expect(await submit('failover-2')).toMatchObject({ status: 'opened', replayed: true, pullRequest: { number: retried.pullRequest.number } });
    expect(on.standin.requests().filter((call) => call.operation === 'pulls/create' && call.status === 201)).toHaveLength(1);
  });
});

describe('idempotency keys and records', () => {
  it('keeps each requester’s keys their own: another requester’s identical key is a new change, and their pull request is never named', async () => {
    const on = await setup();
    const service = serviceOn(on, { stateDir: await repo.tempDir('console-state-') });
    const aliceRequest = { intent: { kind: 'read-only', region: 'us-west-2', readOnly: true } as const, reason: 'replica lag above its RPO' };
    const alicePreview = await service.preview({ request: aliceRequest, requester: ALICE });
    const alice = await service.submit({ request: { ...aliceRequest, base }, requester: ALICE, idempotencyKey: 'shared-key-1', previewId: alicePreview.id });
    const bobRequest = { intent: { kind: 'degraded', region: 'us-east-1', switch: 'pauseProducers', on: true } as const, reason: 'kafka backlog' };
    const bobPreview = await service.preview({ request: bobRequest, requester: BOB });
    const bob = await service.submit({ request: { ...bobRequest, base }, requester: BOB, idempotencyKey: 'shared-key-1', previewId: bobPreview.id });
    if (alice.status !== 'opened' || bob.status !== 'opened') throw new Error(`expected both opened, got ${alice.status} and ${bob.status}`);
    expect(bob.replayed).toBe(false);
    expect(bob.pullRequest.number).not.toBe(alice.pullRequest.number);
  });

  it('removes submission records and the mirror’s console refs older than 14 days when the service starts', async () => {
    const on = await setup();
    const stateDir = await repo.tempDir('console-state-');
    const service = serviceOn(on, { stateDir });
    const request = { intent: { kind: 'read-only', region: 'us-west-2', readOnly: true } as const, reason: 'replica lag above its RPO' };
    const preview = await service.preview({ request, requester: ALICE });
    expect(await service.submit({ request: { ...request, base }, requester: ALICE, idempotencyKey: 'old-key-1', previewId: preview.id })).toMatchObject({ status: 'opened' });
    await service.close();
    const consoleRefs = () => repo.git('-C', path.join(stateDir, 'mirror.git'), 'for-each-ref', '--format=%(refname)', 'refs/console/');
    const records = async () => [...(await readdir(path.join(stateDir, 'submissions'))), ...(await readdir(path.join(stateDir, 'previews')))];

    // A restart a day later keeps them; one 15 days later removes them.
    await serviceOn(on, { stateDir, now: () => new Date(Date.now() + DAY_MS) }).close();
    expect(await consoleRefs()).toBe(`refs/console/${preview.id.slice(0, 12)}`);
    expect(await records()).toHaveLength(2);
    await serviceOn(on, { stateDir, now: () => new Date(Date.now() + 15 * DAY_MS) }).close();
    expect(await consoleRefs()).toBe('');
    expect(await records()).toEqual([]);
    expect(existsSync(path.join(stateDir, 'mirror.git'))).toBe(true);
  });
});

describe('the base worktree lock', () => {
  it('does not hold one preview behind another’s slow health read on the same base', async () => {
    const on = await setup();
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const slowIsReadingHealth = new Promise<void>((resolve) => (entered = resolve));
    let hang = false;
    const health = async () => {
      if (hang) {
        hang = false;
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return {};
    };
    const service = serviceOn(on, { stateDir: await repo.tempDir('console-state-'), health });
    await service.preview({ request: { intent: { kind: 'read-only', region: 'us-west-2', readOnly: true }, reason: 'warm the base' }, requester: ALICE });
    hang = true;
    let slowDone = false;
    const slow = service.preview({ request: { intent: { kind: 'degraded', region: 'us-east-1', switch: 'pauseProducers', on: true }, reason: 'slow one' }, requester: ALICE }).finally(() => (slowDone = true));
    // Bob starts only once Alice's preview is the one waiting on health, so the hang is hers and never his.
    await slowIsReadingHealth;
    // Bob's preview completes while Alice's still waits for its health: it never queued behind her on the worktree.
    const fast = await service.preview({ request: { intent: WEIGHTS_60_40, reason: 'bob fast' }, requester: BOB });
    expect(fast.files.length).toBeGreaterThan(0);
    expect(slowDone).toBe(false);
    release();
    expect((await slow).files.length).toBeGreaterThan(0);
    // Three full previews on a loaded two-core CI machine; the assertion is about order, not speed.
  }, 120_000);
});
