import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTool } from '../../policies/toolchain/ensure';
import { launchChromium } from './browser';
import { cleanConsoleBuild } from './console-build';
import { startConsoleStack, type ConsoleStack } from './console-stack';

export interface ConsoleFigures {
  /** `next build console` from a clean `.next`, wall time. */
  buildMs: number;
  /** The overview read (`regions.overview` over HTTP) by `clients` concurrent clients for `seconds`. */
  overview: { clients: number; seconds: number; requests: number; p50: number; p95: number; errors: number };
  /** JavaScript the browser downloads to show the overview, as transferred (compressed) and decoded. */
  firstLoadJs: { transferredKiB: number; decodedKiB: number; files: number };
}

/**
 * The console's figures for `npm run bench`: a clean production build, then the demo stack (real Prometheus per
 * region, real Gitea) to read the overview under concurrent load and to count what a browser loads for it.
 */
export async function consoleFigures(root: string, log: (line: string) => void): Promise<ConsoleFigures> {
  const buildMs = await cleanConsoleBuild(root, () => undefined);
  const stateDir = await mkdtemp(path.join(tmpdir(), 'console-bench-state-'));
  let stack: ConsoleStack | undefined;
  try {
    stack = await startConsoleStack({ root, stateDir, log });
    const cookie = await signIn(stack.url, 'carol');
    const overview = await readUnderLoad(`${stack.url}/api/trpc/regions.overview`, cookie, 20, 10);
    const firstLoadJs = await javascriptOfOverview(root, stack.url, cookie);
    return { buildMs, overview, firstLoadJs };
  } finally {
    await stack?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** A local demo session's cookie header. */
async function signIn(url: string, login: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/local`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ user: login, next: '/' }),
  });
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!);
  if (!cookies.length) throw new Error(`signing in as ${login} set no cookie (HTTP ${response.status})`);
  return cookies.join('; ');
}

async function readUnderLoad(url: string, cookie: string, clients: number, seconds: number): Promise<ConsoleFigures['overview']> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const response = await fetch(url, { headers: { cookie } }).catch(() => undefined);
        if (!response?.ok) errors += 1;
        await response?.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    }),
  );
  const sorted = latencies.sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
  return { clients, seconds, requests: sorted.length, p50: at(0.5), p95: at(0.95), errors };
}

async function javascriptOfOverview(root: string, url: string, cookie: string): Promise<ConsoleFigures['firstLoadJs']> {
  const chromium = await launchChromium(await ensureTool(root, 'chromium'));
  try {
    const context = await chromium.browser.newContext();
    await context.addCookies(cookie.split('; ').map((pair) => ({ name: pair.split('=')[0]!, value: pair.slice(pair.indexOf('=') + 1), url })));
    const page = await context.newPage();
    const scripts: Array<Promise<{ transferred: number; decoded: number }>> = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() !== 'script') return;
      scripts.push(
        request.sizes().then(async (sizes) => ({ transferred: sizes.responseBodySize, decoded: (await (await request.response())?.body())?.length ?? 0 })),
      );
    });
    await page.goto(`${url}/`, { waitUntil: 'networkidle' });
    const sizes = await Promise.all(scripts);
    await context.close();
    const kib = (bytes: number) => Math.round(bytes / 1024);
    return { transferredKiB: kib(sizes.reduce((sum, size) => sum + size.transferred, 0)), decodedKiB: kib(sizes.reduce((sum, size) => sum + size.decoded, 0)), files: sizes.length };
  } finally {
    await chromium.close();
  }
}
