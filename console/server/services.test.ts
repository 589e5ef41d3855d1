import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import type { ChangeIntent } from '../../schemas';
import { DEFAULT_BRANCH_MAX_AGE_MS, type Overview } from './metrics';
import { specConsoleForFile } from './routers/spec-console';

// The services services.ts builds, over a real Gitea and a real Prometheus per region: what the overview
// shows is what the forge's default branch holds, however the console's own checkout stands.
const consoleUnderTest = specConsoleForFile();

/** The metrics service reads its model's origin this often (its default), besides when told it moved. */
const METRICS_REFRESH_MS = 5_000;
/** Loading a commit's model (git archive, the loader) on a busy machine. */
const LOAD_MS = 5_000;

const overview = () => consoleUnderTest().services.metrics.overview();
const weights = (shown: Overview) => Object.fromEntries(shown.regions.map((region) => [region.region, region.weight.configured]));
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const forgeMain = () => git(consoleUnderTest().repoDir, 'ls-remote', consoleUnderTest().gitea.fetchUrl, 'refs/heads/main').split('\t')[0]!;

/** Polls the overview until it is at `commit`; fails with the last one seen after `withinMs`. */
function overviewAt(commit: string, withinMs: number): Promise<Overview> {
  return vi.waitFor(
    async () => {
      const shown = await overview();
      expect(shown.commit, JSON.stringify({ commit: shown.commit, modelError: shown.modelError })).toBe(commit);
      return shown;
    },
    { timeout: withinMs, interval: 200 },
  );
}

/** Alice's change through the console, merged on the forge; returns the default branch's new tip. */
async function mergedThroughConsole(intent: ChangeIntent, reason: string): Promise<string> {
  const before = forgeMain();
  const after = await consoleUnderTest().mergedChange('alice', { intent, reason });
  expect(after).not.toBe(before);
  expect(forgeMain()).toBe(after);
  return after;
}

describe('the overview of a console with a forge', () => {
  it("shows the forge's default branch at its commit", async () => {
    const shown = await overview();
    expect(shown.commit).toBe(forgeMain());
    expect(shown.modelError).toBeUndefined();
    expect(weights(shown)).toEqual({ 'us-east-1': 50, 'us-west-2': 50 });
  });

  it('follows a change request merged on the forge within one refresh, though the console’s checkout stays where it was', async () => {
    const checkout = git(consoleUnderTest().repoDir, 'rev-parse', 'HEAD');
    const merged = await mergedThroughConsole({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } }, 'Shift load off us-east-1 before the Aurora minor upgrade');
    const shown = await overviewAt(merged, DEFAULT_BRANCH_MAX_AGE_MS + METRICS_REFRESH_MS + LOAD_MS);
    expect(weights(shown)).toEqual({ 'us-east-1': 60, 'us-west-2': 40 });
    expect(shown.modelError).toBeUndefined();
    expect(git(consoleUnderTest().repoDir, 'rev-parse', 'HEAD')).toBe(checkout);
  }, 120_000);

  it('follows at once when a preview finds the default branch moved, without waiting for its own next read', async () => {
    const merged = await mergedThroughConsole({ kind: 'weights', weights: { 'us-east-1': 70, 'us-west-2': 30 } }, 'Shift more load off us-east-1 for the upgrade');
    const preview = await consoleUnderTest().callerAs('bob').changes.preview({ intent: { kind: 'read-only', region: 'us-west-2', readOnly: true }, reason: 'Drill: the secondary stops taking writes' });
    expect(preview.base.sha).toBe(merged);
    const shown = await overviewAt(merged, LOAD_MS);
    expect(weights(shown)).toEqual({ 'us-east-1': 70, 'us-west-2': 30 });
  }, 120_000);
});

describe('the release barrier of a console with a forge', () => {
  it('asks the Prometheus the overview reads (MR_CONSOLE_PROMETHEUS_URLS), not the model’s own URL', async () => {
    const digest = `sha256:${'a1'.repeat(32)}`;
    const merged = await mergedThroughConsole({ kind: 'release', app: 'orders-api', action: 'advance', digest }, 'orders-api 2.14: idempotent order retries');
    const held = await consoleUnderTest().callerAs('alice').changes.preview({ intent: { kind: 'release', app: 'orders-api', action: 'advance', digest }, reason: 'orders-api 2.14 to us-east-1' });
    expect(held.base.sha).toBe(merged);
    const west = consoleUnderTest().fleet.urls['us-west-2']!;
    // The fleet's pods still run the image the model had: the barrier holds, and says where it looked.
    expect(held.blocking).toEqual([expect.objectContaining({ policy: 'console.barrier-not-met', message: expect.stringContaining(`orders-api ${digest} is not rolled out healthily in us-west-2 (${west}): `) })]);
    expect((await overviewAt(merged, LOAD_MS)).releases).toEqual([expect.objectContaining({ app: 'orders-api', digest, regions: ['us-west-2'] })]);
  }, 120_000);
});

describe('the overview of a console whose forge stops answering', () => {
  it('keeps the last model it read, with the reason', async () => {
    const before = await overview();
    await consoleUnderTest().gitea.stop();
    const shown = await vi.waitFor(
      async () => {
        const current = await overview();
        expect(current.modelError).toBeDefined();
        return current;
      },
      { timeout: DEFAULT_BRANCH_MAX_AGE_MS + METRICS_REFRESH_MS + LOAD_MS, interval: 200 },
    );
    const { owner, name } = consoleUnderTest().gitea.repo;
    expect(shown.modelError).toMatch(new RegExp(`^the default branch of ${owner}/${name} could not be read: gitea: GET /repos/${owner}/${name} did not answer`));
    expect(shown.commit).toBe(before.commit);
    expect(weights(shown)).toEqual(weights(before));
  }, 60_000);
});
