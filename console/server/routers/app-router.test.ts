import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { describe, expect, it, vi } from 'vitest';
import { rejection } from '../../../tests/helpers/thrown';
import type { AuditRecord } from '../audit/audit-log';
import { specConsoleForFile, type SpecConsole } from './spec-console';

// One real Gitea (the forge) and one real Prometheus per region for the whole file: the procedures run
// through createCaller over the services services.ts builds, with the real change and metrics services.
const consoleUnderTest = specConsoleForFile();

const as = (login: Parameters<SpecConsole['callerAs']>[0], options?: Parameters<SpecConsole['callerAs']>[1]) => consoleUnderTest().callerAs(login, options);

const refusal = (promise: Promise<unknown>) => rejection(TRPCError, promise);

/** The forge's branches, as git sees them. */
function forgeBranches(): string[] {
  return execFileSync('git', ['ls-remote', '--heads', consoleUnderTest().gitea.fetchUrl], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[1]!)
    .sort();
}

async function auditRecords(): Promise<AuditRecord[]> {
  return (await as('carol').audit.list({ limit: 200 })).records;
}

/** Audit records appended while `action` ran, oldest first. */
async function auditedDuring(action: () => Promise<unknown>): Promise<AuditRecord[]> {
  const before = (await auditRecords()).length;
  await action();
  const after = await auditRecords();
  return after.slice(0, after.length - before).reverse();
}

const readOnlySecondary = { intent: { kind: 'read-only' as const, region: 'us-west-2', readOnly: true }, reason: 'Drill: the secondary stops taking writes' };

describe('session.me', () => {
  it('tells a signed-out browser where to sign in, and that the console runs in local demo mode', async () => {
    expect(await as(undefined).session.me()).toEqual({
      mode: 'local',
      demo: true,
      user: null,
      expiresAt: null,
      signInUrl: '/sign-in',
      signOutUrl: '/api/auth/sign-out',
      canSubmit: false,
      cannotSubmitBecause: 'Sign in to submit change requests.',
      grafanaUrl: null,
    });
  });

  it('names the user, their handle and role, and why a viewer cannot submit', async () => {
    const vera = await as('vera').session.me();
    expect(vera).toMatchObject({ user: { login: 'vera', handle: '@vera', role: 'viewer', email: 'vera@example.com' }, canSubmit: false });
    expect(vera.cannotSubmitBecause).toBe('This needs the operator role (preview and submit change requests); vera is signed in as viewer.');
    expect(await as('alice').session.me()).toMatchObject({ user: { login: 'alice', role: 'operator' }, canSubmit: true, cannotSubmitBecause: null });
    expect(await as('carol').session.me()).toMatchObject({ user: { role: 'approver' }, canSubmit: true });
  });
});

describe('roles', () => {
  it('refuses every procedure but session.me without a session, and audits nothing for it', async () => {
    const anonymous = as(undefined);
    const records = await auditedDuring(async () => {
      for (const call of [
        () => anonymous.regions.overview(),
        () => anonymous.changes.list(),
        () => anonymous.releases.list(),
        () => anonymous.audit.list({}),
        () => anonymous.changes.preview(readOnlySecondary),
        () => anonymous.changes.submit({ request: readOnlySecondary, idempotencyKey: randomUUID(), previewId: 'a'.repeat(64) }),
      ]) {
        const error = await refusal(call());
        expect(error.code).toBe('UNAUTHORIZED');
        expect(error.message).toBe('Sign in to use the console.');
      }
    });
    expect(records).toEqual([]);
  });

  it('answers a viewer calling changes.submit directly with FORBIDDEN naming the operator role, audits it, and creates nothing on the forge', async () => {
    const { changes } = consoleUnderTest().services;
    const before = await changes.list();
    const branchesBefore = forgeBranches();
    const key = randomUUID();
    const records = await auditedDuring(async () => {
      const error = await refusal(as('vera').changes.submit({ request: readOnlySecondary, idempotencyKey: key, previewId: 'c'.repeat(64) }));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toBe('This needs the operator role (preview and submit change requests); vera is signed in as viewer.');
    });
    expect(records).toEqual([
      expect.objectContaining({
        who: 'vera',
        role: 'viewer',
        action: 'submit',
        intent: readOnlySecondary.intent,
        reason: readOnlySecondary.reason,
        previewId: 'c'.repeat(64),
        idempotencyKey: key,
        outcome: 'forbidden',
        detail: 'This needs the operator role (preview and submit change requests); vera is signed in as viewer.',
      }),
    ]);
    expect(await changes.list()).toEqual(before);
    expect(forgeBranches()).toEqual(branchesBefore);
  });

  it("audits a viewer's forbidden preview, and keeps none of a malformed attempt's free text", async () => {
    const records = await auditedDuring(async () => {
      expect((await refusal(as('vera').changes.preview(readOnlySecondary))).code).toBe('FORBIDDEN');
      const malformed = { intent: { kind: 'read-only' as const, region: 'us-west-2', readOnly: true }, reason: 'ok\n<script>alert(1)</script>' };
      expect((await refusal(as('vera').changes.preview(malformed))).code).toBe('FORBIDDEN');
    });
    expect(records.map((record) => [record.action, record.outcome, record.intent, record.reason])).toEqual([
      ['preview', 'forbidden', readOnlySecondary.intent, readOnlySecondary.reason],
      ['preview', 'forbidden', null, null],
    ]);
  });

  it('lets a viewer read the overview, the change requests, the releases and the audit log', async () => {
    const vera = as('vera');
    expect((await vera.regions.overview()).regions.map((region) => region.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(Array.isArray(await vera.changes.list())).toBe(true);
    expect(await vera.releases.list()).toEqual([]);
    expect((await vera.audit.list({ limit: 1 })).records).toHaveLength(1);
  });
});

describe('changes', () => {
  it('previews, submits once and records both attempts; a repeated submit returns the same pull request as a replay', async () => {
    const alice = as('alice');
    const records = await auditedDuring(async () => {
      const preview = await alice.changes.preview(readOnlySecondary);
      expect(preview.submittable).toBe(true);
      expect(preview.blocking).toEqual([]);
      expect(preview.files.map((file) => file.path)).toContain('regions/us-west-2.ts');
      expect(preview.requester).toEqual({ login: 'alice', name: 'Alice Okafor', email: 'alice@example.com', role: 'operator', handle: '@alice' });

      const key = randomUUID();
      const submitted = await alice.changes.submit({ request: { ...readOnlySecondary, base: preview.base.sha }, idempotencyKey: key, previewId: preview.id });
      expect(submitted).toMatchObject({ status: 'opened', replayed: false });
      if (submitted.status !== 'opened') throw new Error('unreachable');
      expect(submitted.pullRequest.url.startsWith(consoleUnderTest().gitea.url)).toBe(true);
      expect(submitted.pullRequest.branch).toMatch(/^console\//);

      const again = await alice.changes.submit({ request: { ...readOnlySecondary, base: preview.base.sha }, idempotencyKey: key, previewId: preview.id });
      expect(again).toMatchObject({ status: 'opened', replayed: true, pullRequest: { number: submitted.pullRequest.number, url: submitted.pullRequest.url } });

      const listed = await as('vera').changes.list();
      expect(listed.filter((change) => change.branch === submitted.pullRequest.branch)).toHaveLength(1);
      const detail = await as('vera').changes.get({ number: submitted.pullRequest.number });
      expect(detail).toMatchObject({ number: submitted.pullRequest.number, reason: readOnlySecondary.reason, requester: '@alice' });
      expect(detail.files).toContain('regions/us-west-2.ts');
    });
    const [previewed, opened, replayed] = records;
    expect(records).toHaveLength(3);
    expect(previewed).toMatchObject({ who: 'alice', role: 'operator', action: 'preview', outcome: 'previewed', intent: readOnlySecondary.intent, reason: readOnlySecondary.reason, idempotencyKey: null });
    expect(previewed!.baseSha).toMatch(/^[0-9a-f]{40}$/);
    expect(opened).toMatchObject({ action: 'submit', outcome: 'opened', baseSha: previewed!.baseSha, previewId: previewed!.previewId, pullRequestUrl: expect.stringContaining(consoleUnderTest().gitea.url) });
    expect(replayed).toMatchObject({ action: 'submit', outcome: 'replayed', pullRequestUrl: opened!.pullRequestUrl, idempotencyKey: opened!.idempotencyKey });
  }, 300_000);

  it('returns a change with blocking findings as a blocked result listing each policy, never as an error, and audits it', async () => {
    const alice = as('alice');
    const request = { intent: { kind: 'weights' as const, weights: { 'us-east-1': 60, 'us-west-2': 60 } }, reason: 'Weights that do not add up' };
    const branchesBefore = forgeBranches();
    let policies = '';
    const records = await auditedDuring(async () => {
      const preview = await alice.changes.preview(request);
      expect(preview.submittable).toBe(false);
      expect(preview.blocking.map((finding) => finding.policy)).toContain('traffic.weights-sum-to-100');
      policies = [...new Set(preview.blocking.map((finding) => finding.policy))].join(', ');
      const result = await alice.changes.submit({ request: { ...request, base: preview.base.sha }, idempotencyKey: randomUUID(), previewId: preview.id });
      expect(result.status).toBe('blocked');
      expect(result.preview.blocking.map((finding) => finding.policy)).toEqual(preview.blocking.map((finding) => finding.policy));
    });
    expect(records.map((record) => [record.action, record.outcome, record.detail])).toEqual([
      ['preview', 'blocked', `blocked by ${policies}`],
      ['submit', 'blocked', `blocked by ${policies}; nothing submitted`],
    ]);
    expect(forgeBranches()).toEqual(branchesBefore);
  }, 300_000);

  it('shows a change to a value an open pull request already changes as a conflict naming it, and opens it once acknowledged', async () => {
    const bob = as('bob');
    const request = { ...readOnlySecondary, reason: 'Second operator, same switch' };
    const [alicePull] = (await bob.changes.list()).filter((change) => change.requester === '@alice' && change.state === 'open');
    const records = await auditedDuring(async () => {
      const preview = await bob.changes.preview(request);
      expect(preview.conflicts).toEqual([expect.objectContaining({ file: 'regions/us-west-2.ts', by: '@alice', pullRequest: expect.objectContaining({ number: alicePull!.number, state: 'open' }) })]);
      const submit = { request: { ...request, base: preview.base.sha }, previewId: preview.id };
      const unacknowledged = await bob.changes.submit({ ...submit, idempotencyKey: randomUUID() });
      expect(unacknowledged.status).toBe('conflict');
      const acknowledged = await bob.changes.submit({ ...submit, idempotencyKey: randomUUID(), acknowledgeConflicts: true });
      expect(acknowledged.status).toBe('opened');
    });
    const conflict = `1 conflicting change: regions/us-west-2.ts readOnly by @alice in #${alicePull!.number}`;
    expect(records.map((record) => [record.who, record.action, record.outcome, record.detail?.replace(/^#\d+ .*/, '#n')])).toEqual([
      ['bob', 'preview', 'previewed', `class normal; ${conflict}`],
      ['bob', 'submit', 'conflict', `${conflict}; nothing submitted`],
      ['bob', 'submit', 'opened', '#n'],
    ]);
  }, 300_000);

  it('rebuilds a change whose base moved before it was submitted, shows the re-preview and submits nothing until asked again', async () => {
    const bob = as('bob');
    const request = { intent: { kind: 'degraded' as const, region: 'us-east-1', switch: 'serveStaleReads' as const, on: true }, reason: 'Serve stale reads while the cache warms' };
    const before = await bob.changes.preview(request);
    const [alicePull] = (await bob.changes.list()).filter((change) => change.requester === '@alice' && change.state === 'open');
    await consoleUnderTest().mergeAsCab(alicePull!.number);
    const records = await auditedDuring(async () => {
      const rebased = await bob.changes.submit({ request: { ...request, base: before.base.sha }, idempotencyKey: randomUUID(), previewId: before.id });
      expect(rebased.status).toBe('rebased');
      expect(rebased.preview.base.sha).not.toBe(before.base.sha);
      expect(rebased.preview.files.map((file) => file.path)).toContain('regions/us-east-1.ts');
      const opened = await bob.changes.submit({ request: { ...request, base: rebased.preview.base.sha }, idempotencyKey: randomUUID(), previewId: rebased.preview.id });
      expect(opened).toMatchObject({ status: 'opened', preview: { base: { sha: rebased.preview.base.sha } } });
    });
    const moved = records[1]!.baseSha!;
    expect(records.map((record) => [record.action, record.outcome, record.baseSha, record.detail?.replace(/^#\d+ .*/, '#n')])).toEqual([
      ['submit', 'rebased', before.base.sha, `the default branch moved from ${before.base.sha} to ${moved}; re-previewed there, nothing submitted`],
      ['submit', 'opened', moved, '#n'],
    ]);
  }, 300_000);

  it("refuses input the schema refuses with the schema's own message, audited without its free text", async () => {
    const records = await auditedDuring(async () => {
      const error = await refusal(as('alice').changes.preview({ intent: readOnlySecondary.intent, reason: 'two\nlines' }));
      expect(error.code).toBe('BAD_REQUEST');
      const shaped = await refusal(as('alice').changes.submit({ request: readOnlySecondary, idempotencyKey: 'no spaces allowed', previewId: 'x' } as never));
      expect(shaped.code).toBe('BAD_REQUEST');
    });
    expect(records).toEqual([
      expect.objectContaining({ who: 'alice', action: 'preview', outcome: 'error', intent: null, reason: null, detail: 'input refused by the schema (1 issue)' }),
      expect.objectContaining({ who: 'alice', action: 'submit', outcome: 'error', intent: null, reason: null, idempotencyKey: null, detail: 'input refused by the schema (2 issues)' }),
    ]);
  });

  it('reports a pull request the forge does not have as NOT_FOUND', async () => {
    expect((await refusal(as('vera').changes.get({ number: 999_999 }))).code).toBe('NOT_FOUND');
  });
});

describe('audit.list', () => {
  it('pages newest first through every attempt, a page at a time', async () => {
    const all = await auditRecords();
    const carol = as('carol');
    const paged: AuditRecord[] = [];
    let cursor: number | undefined;
    do {
      const page = await carol.audit.list({ limit: 2, cursor });
      paged.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(paged).toEqual(all);
    expect([...all].sort((a, b) => b.at.localeCompare(a.at))).toEqual(all);
  });
});

describe('regions', () => {
  it('reads every region from its own Prometheus', async () => {
    const overview = await as('vera').regions.overview();
    for (const region of overview.regions) expect(region.source.url).toBe(consoleUnderTest().fleet.urls[region.region]);
    expect(overview.regions.map((region) => region.weight.configured)).toEqual([50, 50]);
  });

  it("returns a region's history, and NOT_FOUND for a region the model does not have", async () => {
    const history = await as('vera').regions.history({ region: 'us-west-2', range: { minutes: 60, stepSeconds: 60 } });
    expect(history.series.map((series) => series.signal)).toContain('latency');
    const missing = await refusal(as('vera').regions.history({ region: 'eu-west-1', range: { minutes: 60, stepSeconds: 60 } }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('No region eu-west-1; the model has us-east-1, us-west-2.');
    const tooFine = await refusal(as('vera').regions.history({ region: 'us-west-2', range: { minutes: 7 * 24 * 60, stepSeconds: 5 } }));
    expect(tooFine.code).toBe('BAD_REQUEST');
  });

  it('streams the overview now and again after each refresh, until the client goes away', async () => {
    const controller = new AbortController();
    const live = await as('vera', { signal: controller.signal }).regions.live();
    const iterator = live[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    const second = await iterator.next();
    expect(second.done).toBe(false);
    expect(second.value!.generatedAt >= first.value!.generatedAt).toBe(true);
    const pending = iterator.next();
    controller.abort();
    expect((await pending).done).toBe(true);
  }, 60_000);
});

describe('releases.list', () => {
  it('lists each release in flight on the default branch, with its waves and the step advancing it would take', async () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const merged = await consoleUnderTest().mergedChange('alice', { intent: { kind: 'release', app: 'orders-api', action: 'advance', digest }, reason: 'orders-api 2.14: idempotent order retries' });
    // The console's model follows the merge within one read of the forge.
    await vi.waitFor(async () => expect((await as('vera').regions.overview()).commit).toBe(merged), { timeout: 30_000, interval: 250 });
    expect(await as('vera').releases.list()).toEqual([
      {
        app: 'orders-api',
        digest,
        regions: ['us-west-2'],
        startedBy: '@alice',
        waves: [['us-west-2'], ['us-east-1']],
        barriers: [],
        next: { kind: 'advance', wave: 2, regions: ['us-east-1'], barrier: ['us-west-2'] },
      },
    ]);
  }, 120_000);
});
