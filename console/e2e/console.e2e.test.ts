import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTool } from '../../policies/toolchain/ensure';
import { commitAll, exampleRepo, REPO_ROOT, removeScratchRepos } from '../../tests/helpers/example-repo';
import { TEST_IDS } from '../components/test-ids';
import { createGiteaForge } from '../server/forges/gitea';
import type { Forge, PullRequest } from '../server/forges/forge';
import { launchChromium, lighthouse } from '../testing/browser';
import { startConsoleStack, type ConsoleStack } from '../testing/console-stack';
import { GATE_CONTEXT } from '../testing/gitea';

// The console as an on-call engineer meets it: its production build in real headless Chromium, a real
// Prometheus per region and a real Gitea. The tests run in order and share the forge: each pull request
// one of them opens is part of the next one's world, as on a real repository.

// Each step waits on real servers: a preview judges the change, a submit talks to Gitea.
vi.setConfig({ testTimeout: 180_000 });

export const SCREENSHOTS = path.join(REPO_ROOT, 'console', 'e2e', 'screenshots');
const progress = (line: string) => process.stderr.write(`console e2e: ${line}\n`);

let stack: ConsoleStack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let chromiumPath: string;
let forge: Forge;
let stateDir: string;
const contexts = new Map<string, BrowserContext>();

beforeAll(async () => {
  chromiumPath = await ensureTool(REPO_ROOT, 'chromium', { log: progress });
  const repoDir = await exampleRepo();
  commitAll(repoDir);
  stateDir = await mkdtemp(path.join(tmpdir(), 'console-e2e-state-'));
  stack = await startConsoleStack({ root: REPO_ROOT, repoDir, stateDir, log: progress });
  forge = createGiteaForge({ url: stack.gitea.url, repo: stack.gitea.repo, token: stack.gitea.admin.token });
  chromium = await launchChromium(chromiumPath);
  await mkdir(SCREENSHOTS, { recursive: true });
}, 1_200_000);

afterAll(async () => {
  for (const context of contexts.values()) await context.close().catch(() => undefined);
  await chromium?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  await removeScratchRepos();
});

/** A browser context signed in as a demo user, one per user, kept for the file. */
async function signedIn(login: string): Promise<BrowserContext> {
  const existing = contexts.get(login);
  if (existing) return existing;
  const context = await (chromium.browser as Browser).newContext({ baseURL: stack.url, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByTestId(TEST_IDS.signInAs(login)).click();
  await page.getByTestId(TEST_IDS.signedInUser).waitFor();
  await page.close();
  contexts.set(login, context);
  return context;
}

async function pageAs(login: string, url: string): Promise<Page> {
  const page = await (await signedIn(login)).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { uncaughtErrors?: string[] }).uncaughtErrors = errors;
  await page.goto(url);
  return page;
}

function uncaughtErrors(page: Page): string[] {
  return (page as Page & { uncaughtErrors?: string[] }).uncaughtErrors ?? [];
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Fills the weights form and the reason, and waits for the preview of exactly these values. */
async function previewWeights(page: Page, weights: Record<string, number>, reason: string): Promise<void> {
  await page.getByTestId(TEST_IDS.intentTab('weights')).click();
  for (const [region, weight] of Object.entries(weights)) await page.getByTestId(TEST_IDS.weightInput(region)).locator('input').fill(String(weight));
  await page.getByTestId(TEST_IDS.reason).locator('input, textarea').first().fill(reason);
  await previewReady(page);
}

async function previewReady(page: Page): Promise<void> {
  const panel = page.getByTestId(TEST_IDS.previewPanel);
  await expect.poll(async () => panel.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
}

async function submitAndWait(page: Page, expected: string): Promise<void> {
  await page.getByTestId(TEST_IDS.submit).click();
  await expect.poll(async () => page.getByTestId(TEST_IDS.submitResult).getAttribute('data-status').catch(() => null), { timeout: 90_000 }).toBe(expected);
}

async function branches(): Promise<string[]> {
  const response = await fetch(`${stack.gitea.url}/api/v1/repos/${stack.gitea.repo.owner}/${stack.gitea.repo.name}/branches?limit=50`, {
    headers: { Authorization: `token ${stack.gitea.admin.token}` },
  });
  return ((await response.json()) as Array<{ name: string }>).map((branch) => branch.name).sort();
}

async function consolePullRequests(): Promise<PullRequest[]> {
  return (await forge.listPullRequests('all')).filter((pull) => pull.branch.startsWith('console/'));
}

/** Merges a pull request the way the forge's rules demand: the CAB member approves and the gate reports success. */
async function approveAndMerge(pull: PullRequest): Promise<void> {
  const { url, repo, users, admin } = stack.gitea;
  const call = async (route: string, token: string, body: unknown) => {
    const response = await fetch(`${url}/api/v1/repos/${repo.owner}/${repo.name}${route}`, {
      method: 'POST',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  };
  await call(`/pulls/${pull.number}/reviews`, users.carol!.token, { event: 'APPROVED', body: 'CAB approves' });
  await call(`/statuses/${pull.headSha}`, admin.token, { state: 'success', context: GATE_CONTEXT });
  await call(`/pulls/${pull.number}/merge`, users.carol!.token, { Do: 'merge' });
}

describe('the overview', () => {
  it('shows every region side by side with health, latency, weights and replication lag, in local demo mode', async () => {
    const page = await pageAs('alice', '/');
    await expect.poll(() => page.getByTestId(TEST_IDS.liveStatus).getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await expect(page.getByTestId(TEST_IDS.demoBanner).textContent()).resolves.toMatch(/LOCAL DEMO MODE/);
    await expect(page.getByTestId(TEST_IDS.signedInUser).textContent()).resolves.toMatch(/alice.*operator/);
    for (const region of ['us-east-1', 'us-west-2']) {
      await expect(page.getByTestId(TEST_IDS.regionCard(region)).getAttribute('data-health')).resolves.toBe('healthy');
      await expect(page.getByTestId(TEST_IDS.regionFreshness(region)).getAttribute('data-fresh')).resolves.toBe('true');
      await expect(page.getByTestId(TEST_IDS.regionLatency(region)).textContent()).resolves.toMatch(/\d+\s*ms/);
      await expect(page.getByTestId(TEST_IDS.regionWeight(region)).textContent()).resolves.toMatch(/50/);
    }
    // The fleet's lag spike: something on the page for the on-call engineer to look at.
    const spike = stack.fleet.lagSpike!;
    await expect(page.getByTestId(TEST_IDS.replication(spike.region, spike.dataSet)).getAttribute('data-state')).resolves.toMatch(/warning|breach/);
    await shot(page, 'overview');
    expect(uncaughtErrors(page)).toEqual([]);
    await page.close();
  });

  it('fits a 375 px wide phone without horizontal scrolling', async () => {
    for (const url of ['/', '/changes/new?kind=weights']) {
      const page = await pageAs('alice', url);
      await page.setViewportSize({ width: 375, height: 800 });
      await page.getByTestId(url === '/' ? TEST_IDS.overview : TEST_IDS.previewPanel).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${url} scrolls ${overflow} px sideways at 375 px`).toBeLessThanOrEqual(0);
      await shot(page, `narrow-${url === '/' ? 'overview' : 'new-change'}`);
      await page.close();
    }
  });
});

describe('a viewer', () => {
  it('sees submit disabled with the reason, and the procedure itself answers FORBIDDEN', async () => {
    const page = await pageAs('vera', '/changes/new?kind=weights');
    await page.getByTestId(TEST_IDS.previewPanel).waitFor();
    await expect(page.getByTestId(TEST_IDS.submit).isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId(TEST_IDS.submitDisabledReason).textContent()).resolves.toMatch(/viewer/i);
    const response = await page.request.post('/api/trpc/changes.submit', {
      headers: { origin: stack.url },
      data: { request: { intent: { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } }, reason: 'viewer tries anyway' }, idempotencyKey: 'viewer-attempt-1', previewId: '0'.repeat(64) },
    });
    expect(response.status()).toBe(403);
    expect(await response.text()).toMatch(/FORBIDDEN/);
    await page.close();
  });
});

describe('a blocked change', () => {
  it('weights of 60 and 60 are blocked in the UI with the policy id, and no branch is created', async () => {
    const before = await branches();
    const page = await pageAs('alice', '/changes/new?kind=weights');
    await previewWeights(page, { 'us-east-1': 60, 'us-west-2': 60 }, 'Weights that do not sum to 100');
    await expect(page.getByTestId(TEST_IDS.previewVerdict).getAttribute('data-verdict')).resolves.toBe('blocked');
    const policies = await page.getByTestId(TEST_IDS.blockingFinding).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-policy')));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(policy).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+/);
    await expect(page.getByTestId(TEST_IDS.submit).isDisabled()).resolves.toBe(true);
    await shot(page, 'blocked-change');
    expect(await branches()).toEqual(before);
    await page.close();
  });
});

let weightChange: PullRequest;

describe('a weight change 50/50 → 60/40', () => {
  it('ends as one pull request touching only the two region files, generated/terraform/global/ and the standing failover plans, with class, policy results and CODEOWNERS reviewers', async () => {
    const page = await pageAs('alice', '/changes/new?kind=weights');
    await previewWeights(page, { 'us-east-1': 60, 'us-west-2': 40 }, 'Shift load off us-west-2 during the lag investigation');
    await expect(page.getByTestId(TEST_IDS.previewVerdict).getAttribute('data-verdict')).resolves.toBe('pass');
    await expect(page.getByTestId(TEST_IDS.previewClass).textContent()).resolves.toMatch(/standard|normal|cab|emergency/i);
    await expect(page.getByTestId(TEST_IDS.previewResilience).textContent()).resolves.toMatch(/RTO/);
    await shot(page, 'change-preview');
    // A double click: the second press must not open a second pull request.
    await page.getByTestId(TEST_IDS.submit).dblclick();
    await expect.poll(async () => page.getByTestId(TEST_IDS.submitResult).getAttribute('data-status').catch(() => null), { timeout: 90_000 }).toBe('opened');
    const link = await page.getByTestId(TEST_IDS.pullRequestLink).getAttribute('href');
    await shot(page, 'change-opened');

    const opened = await consolePullRequests();
    expect(opened).toHaveLength(1);
    weightChange = opened[0]!;
    expect(link).toBe(weightChange.url);
    const files = await forge.pullRequestFiles(weightChange.number);
    expect(files.filter((file) => !/^generated\/(terraform\/global|failover)\//.test(file)).sort()).toEqual(['regions/us-east-1.ts', 'regions/us-west-2.ts']);
    expect(files.some((file) => file.startsWith('generated/terraform/global/'))).toBe(true);
    expect(weightChange.body).toMatch(/Risk class: /);
    expect(weightChange.body).toContain(weightChange.baseSha);
    expect(weightChange.labels).toContain('console');
    // regions/ belongs to platform and sre, generated/ (the * rule) to platform.
    const reviews = await forge.reviews(weightChange.number);
    expect(reviews.requestedTeams.sort()).toEqual(['platform', 'sre']);
    await page.close();
  });

  it('two submits of the same preview with one idempotency key, at once over HTTP, return that one pull request', async () => {
    const context = await signedIn('alice');
    const request = { intent: { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } }, reason: 'Shift load off us-west-2 during the lag investigation' };
    const call = async (procedure: string, input: unknown) => {
      // As the console's own page sends it: JSON from the console's origin.
      const response = await context.request.post(`/api/trpc/${procedure}`, { data: input, headers: { origin: stack.url } });
      expect(response.status(), await response.text()).toBe(200);
      return ((await response.json()) as { result: { data: Record<string, unknown> } }).result.data;
    };
    const preview = await call('changes.preview', request);
    const submit = { request, previewId: preview.id, idempotencyKey: 'e2e-retry-after-timeout' };
    const results = await Promise.all([call('changes.submit', submit), call('changes.submit', submit)]);
    for (const result of results) {
      expect(result.status).toBe('opened');
      expect((result.pullRequest as PullRequest).number).toBe(weightChange.number);
    }
    expect(await consolePullRequests()).toHaveLength(1);
  });
});

let readOnlyChange: PullRequest;

describe('read-only on the secondary', () => {
  it('ends as a pull request with exactly the files the README promises: the region file, its feature-flags ConfigMap, the Rollout and the standing failover plans', async () => {
    const page = await pageAs('bob', '/changes/new?kind=read-only&region=us-west-2');
    await page.getByTestId(TEST_IDS.reason).locator('input, textarea').first().fill('us-west-2 replication is lagging: stop writes there');
    await previewReady(page);
    await expect(page.getByTestId(TEST_IDS.previewVerdict).getAttribute('data-verdict')).resolves.toBe('pass');
    await submitAndWait(page, 'opened');
    const pulls = await consolePullRequests();
    readOnlyChange = pulls.find((pull) => pull.number !== weightChange.number)!;
    const files = await forge.pullRequestFiles(readOnlyChange.number);
    const generated = files.filter((file) => file !== 'regions/us-west-2.ts');
    expect(files).toContain('regions/us-west-2.ts');
    expect(generated.length).toBeGreaterThan(0);
    for (const file of generated) expect(file).toMatch(/^generated\/(k8s\/us-west-2\/.*(feature-flags|rollout)|failover\/)/i);
    await page.close();
  });
});

describe('two operators from one base', () => {
  it('both changes end in pull requests: the second operator sees the re-preview on the moved default branch', async () => {
    const bob = await pageAs('bob', '/changes/new?kind=degraded&region=us-east-1');
    await bob.getByTestId(TEST_IDS.reason).locator('input, textarea').first().fill('Protect us-east-1 capacity while us-west-2 is read-only');
    await previewReady(bob);
    // Meanwhile the read-only change is approved and merged: the default branch moves under bob's preview.
    await approveAndMerge(readOnlyChange);
    await submitAndWait(bob, 'rebased');
    await bob.getByTestId(TEST_IDS.rebasedNotice).waitFor();
    await shot(bob, 'rebased-preview');
    await previewReady(bob);
    await submitAndWait(bob, 'opened');
    const pulls = await consolePullRequests();
    const states = Object.fromEntries(pulls.map((pull) => [pull.number, pull.state]));
    expect(states[weightChange.number]).toBe('open');
    expect(states[readOnlyChange.number]).toBe('merged');
    const third = pulls.find((pull) => ![weightChange.number, readOnlyChange.number].includes(pull.number))!;
    expect(third.state).toBe('open');
    // Built on the moved branch: the merged read-only change is in its base, not undone by it.
    const main = await forge.defaultBranch();
    expect(third.baseSha).toBe(main.sha);
    expect(await forge.pullRequestFiles(third.number)).not.toContain('regions/us-west-2.ts');
    await bob.close();
  });
});

describe('both regions read-only outside maintenance', () => {
  it('is blocked with the policy id, and no branch is created', async () => {
    const before = await branches();
    const page = await pageAs('alice', '/changes/new?kind=read-only&region=us-east-1');
    await page.getByTestId(TEST_IDS.reason).locator('input, textarea').first().fill('Both regions read-only without a maintenance window');
    await previewReady(page);
    await expect(page.getByTestId(TEST_IDS.previewVerdict).getAttribute('data-verdict')).resolves.toBe('blocked');
    const policies = await page.getByTestId(TEST_IDS.blockingFinding).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-policy')));
    expect(policies.some((policy) => /read-only|readonly/i.test(policy ?? ''))).toBe(true);
    await expect(page.getByTestId(TEST_IDS.submit).isDisabled()).resolves.toBe(true);
    expect(await branches()).toEqual(before);
    await page.close();
  });
});

describe('a Prometheus that stops mid-session', () => {
  it('leaves its region stale with the time of its last data while the other keeps updating, and nothing crashes', async () => {
    const page = await pageAs('carol', '/');
    await expect.poll(() => page.getByTestId(TEST_IDS.liveStatus).getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await stack.fleet.stop('us-west-2');
    const stale = page.getByTestId(TEST_IDS.regionFreshness('us-west-2'));
    await expect.poll(() => stale.getAttribute('data-fresh'), { timeout: 30_000 }).toBe('false');
    await expect(stale.textContent()).resolves.toMatch(/no data since \d{2}:\d{2}:\d{2}/);
    const generatedAt = await page.getByTestId(TEST_IDS.overview).getAttribute('data-generated-at');
    await expect.poll(() => page.getByTestId(TEST_IDS.overview).getAttribute('data-generated-at'), { timeout: 30_000 }).not.toBe(generatedAt);
    await expect(page.getByTestId(TEST_IDS.regionFreshness('us-east-1')).getAttribute('data-fresh')).resolves.toBe('true');
    await shot(page, 'prometheus-down');
    expect(uncaughtErrors(page)).toEqual([]);
    await page.close();
  });
});

describe('the audit log', () => {
  it('records who asked for what, with the outcome: opened, blocked and the viewer’s forbidden attempt', async () => {
    const page = await pageAs('carol', '/audit');
    await page.getByTestId(TEST_IDS.auditTable).waitFor();
    const outcomes = await page.getByTestId(TEST_IDS.auditRow).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    expect(outcomes).toEqual(expect.arrayContaining(['opened', 'blocked', 'forbidden', 'rebased']));
    await shot(page, 'audit');
    await page.close();
  });
});

describe('a console/ pull request the console did not make', () => {
  it('is listed as not made by the console, without the requester its description claims', async () => {
    const { url, repo, users } = stack.gitea;
    const bob = users.bob!;
    const call = async (route: string, body: unknown) => {
      const response = await fetch(`${url}/api/v1/repos/${repo.owner}/${repo.name}${route}`, {
        method: 'POST',
        headers: { Authorization: `token ${bob.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { number: number };
    };
    await call('/contents/NOTES.md', { content: Buffer.from('hand-made\n').toString('base64'), message: 'hand-made', branch: 'main', new_branch: 'console/0123456789ab' });
    const forged = { id: '0123456789ab'.padEnd(64, '0'), intent: { kind: 'read-only', region: 'us-east-1', readOnly: true }, reason: 'CAB approved', requester: '@carol' };
    const pull = await call('/pulls', { head: 'console/0123456789ab', base: 'main', title: 'Looks like the console', body: `<!-- console-change ${JSON.stringify(forged)} -->` });
    const page = await pageAs('carol', '/changes');
    const row = page.getByTestId(TEST_IDS.changeRow(pull.number));
    await expect(row.getByTestId(TEST_IDS.changeUnverified).textContent()).resolves.toMatch(/Not made by the console/);
    await expect(row.textContent()).resolves.not.toContain('@carol');
    // The merged read-only change: approved, and no longer waiting for anyone.
    const merged = page.getByTestId(TEST_IDS.changeRow(readOnlyChange.number));
    await expect(merged.textContent()).resolves.toMatch(/approved by @carol/);
    await expect(merged.textContent()).resolves.not.toMatch(/waiting for/);
    await shot(page, 'changes-with-unverified');
    await page.close();
  });
});

describe('Lighthouse on the overview', () => {
  it('scores at least 95 for performance, accessibility and best practices', async () => {
    const cookies = await (await signedIn('carol')).cookies(stack.url);
    const scores = await lighthouse(`${stack.url}/`, chromiumPath, 'desktop', { Cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') });
    await writeFile(path.join(SCREENSHOTS, 'lighthouse-overview.html'), scores.report);
    const summary = `performance ${scores.performance}, accessibility ${scores.accessibility}, best practices ${scores['best-practices']}; below 1: ${scores.failing.map((audit) => audit.id).join(', ')}`;
    progress(`Lighthouse: ${summary}`);
    expect(scores.performance, summary).toBeGreaterThanOrEqual(95);
    expect(scores.accessibility, summary).toBeGreaterThanOrEqual(95);
    expect(scores['best-practices'], summary).toBeGreaterThanOrEqual(95);
  });
});
