import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, exampleRepo, removeScratchRepos } from '../../tests/helpers/example-repo';
import { startGitHubStandIn, type GitHubStandIn } from '../testing/github-standin/server';
import { DEMO_USERS, type AuthSettings } from './auth';
import { sealSession, SESSION_COOKIE } from './auth/session';
import type { Services } from './context';
import { createServices } from './services';
import { handleTrpcRequest, MAX_BATCH_SIZE } from './trpc-http';

// The procedures over HTTP as the route handler serves them, with the change service on the GitHub API
// stand-in (which checks every request and response against GitHub's OpenAPI description) and every region's
// Prometheus gone: what the console answers when the forge or the metrics fail.
const TOKEN = 'ghp_console-http-spec-token';
const auth: AuthSettings = { mode: 'local', secret: 'an-http-spec-secret-of-more-than-32-characters' };
let standin: GitHubStandIn;
let services: Services;
let stateDir: string;

/** A loopback port nothing listens on: a Prometheus that is down refuses connections there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const repoDir = await exampleRepo();
  commitAll(repoDir);
  standin = await startGitHubStandIn({ owner: 'example-org', repo: 'orders-gitops', tokens: { [TOKEN]: 'console-bot' }, collaborators: ['console-bot'] });
  await standin.seedFromRepository(repoDir, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir, encoding: 'utf8' }).trim());
  stateDir = await mkdtemp(path.join(tmpdir(), 'console-http-'));
  const dead = `http://127.0.0.1:${await closedPort()}`;
  services = createServices(
    {
      repoDir,
      stateDir,
      auth: { mode: 'local' },
      forge: { kind: 'github', url: standin.apiUrl, repo: { owner: 'example-org', name: 'orders-gitops' }, auth: { token: TOKEN } },
      prometheusUrls: { 'us-east-1': dead, 'us-west-2': dead },
    },
    'local',
  );
}, 300_000);

afterAll(async () => {
  services?.metrics.close();
  await services?.changes.close();
  await standin?.close();
  await rm(stateDir, { recursive: true, force: true });
  await removeScratchRepos();
});

afterEach(() => {
  expect(standin.takeViolations()).toEqual([]);
});

function cookieOf(login: (typeof DEMO_USERS)[number]['login']): string {
  const user = DEMO_USERS.find((candidate) => candidate.login === login)!;
  return `${SESSION_COOKIE}=${sealSession(user, 'local', auth.secret, new Date()).value}`;
}

function call(
  procedure: string,
  options: { login?: (typeof DEMO_USERS)[number]['login']; input?: unknown; signal?: AbortSignal; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const mutation = ['changes.preview', 'changes.submit'].includes(procedure);
  const url = new URL(`http://console.test/api/trpc/${procedure}`);
  if (!mutation && options.input !== undefined) url.searchParams.set('input', JSON.stringify(options.input));
  const cookie = options.cookie ?? (options.login ? cookieOf(options.login) : undefined);
  const request = new Request(url, {
    method: mutation ? 'POST' : 'GET',
    headers: { ...(cookie ? { cookie } : {}), ...(mutation ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(mutation ? { body: JSON.stringify(options.input) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return handleTrpcRequest(request, () => ({ services, auth }));
}

async function errorOf(response: Response): Promise<{ message: string; data: { code: string; httpStatus: number; retryAfterSeconds?: number } }> {
  return ((await response.json()) as { error: { message: string; data: { code: string; httpStatus: number; retryAfterSeconds?: number } } }).error;
}

const readOnlySecondary = { intent: { kind: 'read-only', region: 'us-west-2', readOnly: true }, reason: 'Drill: the secondary stops taking writes' };

describe('the console over HTTP', () => {
  it('answers without a session, or with a forged one, 401 and never caches', async () => {
    const anonymous = await call('changes.list');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    expect(await errorOf(anonymous)).toMatchObject({ message: 'Sign in to use the console.', data: { code: 'UNAUTHORIZED' } });
    const user = DEMO_USERS.find((candidate) => candidate.login === 'carol')!;
    const forged = `${SESSION_COOKIE}=${sealSession(user, 'local', 'another-secret-of-more-than-32-characters', new Date()).value}`;
    expect((await call('changes.list', { cookie: forged })).status).toBe(401);
  });

  it('answers a viewer posting changes.submit 403, naming the operator role', async () => {
    const response = await call('changes.submit', { login: 'vera', input: { request: readOnlySecondary, idempotencyKey: randomUUID(), previewId: 'd'.repeat(64) } });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ message: 'This needs the operator role (preview and submit change requests); vera is signed in as viewer.', data: { code: 'FORBIDDEN' } });
  });

  it('answers input the schema refuses 400 with the schema messages by path', async () => {
    const response = await call('changes.preview', { login: 'alice', input: { intent: { kind: 'weights', weights: { 'us-east-1': 140 } }, reason: '' } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.message).toBe('intent.weights.us-east-1: an integer in 0..100; reason: a reason');
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: 'intent.weights.us-east-1', message: 'an integer in 0..100' }, { path: 'reason', message: 'a reason' }] });
  });

  it('refuses form data posted from a sibling site with the session cookie before any procedure runs, so nothing is audited as the victim', async () => {
    const before = (await services.audit.list({ limit: 100 })).records;
    for (const login of ['alice', 'vera'] as const) {
      const form = new FormData();
      form.set('intent', 'read-only');
      // Another port of the same host is the same site: SameSite=Lax sends the cookie along.
      const response = await handleTrpcRequest(
        new Request('http://localhost:3000/api/trpc/changes.submit', { method: 'POST', body: form, headers: { cookie: cookieOf(login), origin: 'http://localhost:8080', 'sec-fetch-site': 'same-site' } }),
        () => ({ services, auth }),
      );
      expect(response.status).toBe(403);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await errorOf(response)).toMatchObject({ message: "Refused: a request posted from another site. Make changes from the console's own pages.", data: { code: 'FORBIDDEN' } });
    }
    // A browser that sends neither Sec-Fetch-Site nor Origin can still post a form; the content type gives it away.
    const text = await call('changes.preview', { login: 'alice', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(403);
    expect((await errorOf(text)).message).toBe('Refused: the console takes posted requests as application/json only, not text/plain.');
    expect((await services.audit.list({ limit: 100 })).records).toEqual(before);
  });

  it('refuses JSON posted from another site, told by Sec-Fetch-Site or, without it, by an Origin that is not the console', async () => {
    const before = (await services.audit.list({ limit: 100 })).records;
    const input = { request: readOnlySecondary, idempotencyKey: randomUUID(), previewId: 'd'.repeat(64) };
    const elsewhere: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://console.test' },
      { origin: 'https://ops.console.test' },
      { origin: 'http://console.test:8080' },
    ];
    for (const headers of elsewhere) {
      const response = await call('changes.submit', { login: 'alice', input, headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await errorOf(response)).message).toMatch(/^Refused: a request posted from another site/);
    }
    expect((await services.audit.list({ limit: 100 })).records).toEqual(before);
  });

  it("previews JSON posted from the console's own page, told by Sec-Fetch-Site or by its own Origin", async () => {
    // The browser client's batch link: JSON, same origin, and Origin "null" under the no-referrer policy.
    const fromPage = await call('changes.preview', { login: 'alice', input: readOnlySecondary, headers: { 'sec-fetch-site': 'same-origin', origin: 'null', 'content-type': 'application/json; charset=utf-8' } });
    expect(fromPage.status, await fromPage.clone().text()).toBe(200);
    const preview = ((await fromPage.json()) as { result: { data: { id: string; intent: unknown } } }).result.data;
    expect(preview.intent).toEqual(readOnlySecondary.intent);
    const [record] = (await services.audit.list({ limit: 1 })).records;
    expect(record).toMatchObject({ who: 'alice', action: 'preview', previewId: preview.id });
    const byOrigin = await call('changes.preview', { login: 'alice', input: readOnlySecondary, headers: { origin: 'http://console.test' } });
    expect(byOrigin.status).toBe(200);
  }, 120_000);

  it('refuses a body larger than any change request before parsing it, declared or streamed, signed in or not', async () => {
    const huge = JSON.stringify({ ...readOnlySecondary, reason: 'x'.repeat(200_000) });
    const declared = await handleTrpcRequest(
      new Request('http://console.test/api/trpc/changes.preview', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(huge.length) }, body: huge }),
      () => ({ services, auth }),
    );
    expect(declared.status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(4096)));
        controller.close();
      },
    });
    const chunked = await handleTrpcRequest(
      new Request('http://console.test/api/trpc/changes.preview', { method: 'POST', headers: { 'content-type': 'application/json', cookie: cookieOf('alice') }, body: streamed, duplex: 'half' } as RequestInit),
      () => ({ services, auth }),
    );
    expect(chunked.status).toBe(400);
    expect((await errorOf(chunked)).message).toBe('request body past 65536 bytes');
  });

  it('refuses a batch of more procedures than the browser sends at once', async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'session.me').join(',');
    const response = await handleTrpcRequest(new Request(`http://console.test/api/trpc/${paths}?batch=1&input={}`), () => ({ services, auth }));
    expect(response.status).toBe(400);
    const within = Array.from({ length: MAX_BATCH_SIZE }, () => 'session.me').join(',');
    expect((await handleTrpcRequest(new Request(`http://console.test/api/trpc/${within}?batch=1&input={}`), () => ({ services, auth }))).status).toBe(200);
  });

  it('passes on a forge rate limit as 429 with Retry-After and the seconds to wait', async () => {
    standin.rateLimit({ responses: 1, kind: 'primary', status: 403, retryAfterSeconds: 3600 });
    const response = await call('changes.list', { login: 'vera' });
    expect(response.status).toBe(429);
    const error = await errorOf(response);
    expect(error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(error.data.retryAfterSeconds).toBeGreaterThan(30);
    expect(response.headers.get('retry-after')).toBe(String(error.data.retryAfterSeconds));
    expect(error.message).toMatch(/^The forge is rate-limiting the console; try again in \d+ s \(/);
    expect((await call('changes.list', { login: 'vera' })).status).toBe(200);
  });

  it('answers 503 naming the break-glass path when the forge does not answer, and audits the attempt', async () => {
    standin.failNext({ operation: 'repos/get', status: 503, times: 3 });
    const response = await call('changes.preview', { login: 'bob', input: readOnlySecondary });
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/^The forge is unavailable \(github: read example-org\/orders-gitops: 503 .+\)\. Try again: .+ If it stays down, follow the break-glass path in docs\/runbooks\.md/);
    const [record] = (await services.audit.list({ limit: 1 })).records;
    expect(record).toMatchObject({ who: 'bob', action: 'preview', outcome: 'error', intent: readOnlySecondary.intent, reason: readOnlySecondary.reason, detail: error.message });
  }, 120_000);

  it('streams the overview as Server-Sent Events while every Prometheus is down, each region marked as not answering', async () => {
    const controller = new AbortController();
    const response = await call('regions.live', { login: 'vera', signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!/^data: \{.*"regions"/m.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before an overview: ${text}`);
      text += value;
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const overview = JSON.parse(/^data: (\{.*"regions".*)$/m.exec(text)![1]!) as { regions: Array<{ region: string; source: { ok: boolean; error?: string } }> };
    expect(overview.regions.map((region) => [region.region, region.source.ok])).toEqual([
      ['us-east-1', false],
      ['us-west-2', false],
    ]);
    expect(overview.regions.every((region) => typeof region.source.error === 'string')).toBe(true);
  }, 60_000);
});
