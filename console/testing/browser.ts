import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';

/**
 * Flags for headless Chromium on a machine with a closed network: without the background-networking ones
 * Chromium keeps trying Google's hosts and its connections are refused many at a time.
 */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
] as const;

/** Real headless Chromium (Debian's package) driven by playwright-core, with a profile of its own. */
export async function launchChromium(executablePath: string): Promise<{ browser: Browser; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(path.join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: [...CHROMIUM_FLAGS], viewport: { width: 1440, height: 900 } });
  const browser = context.browser();
  if (!browser) throw new Error('chromium: launched without a browser handle');
  return {
    browser,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface LighthouseScores {
  performance: number;
  accessibility: number;
  'best-practices': number;
  /** Audits that scored below 1, for the message when a category misses its target. */
  failing: Array<{ id: string; title: string; score: number | null }>;
  report: string;
}

/** Lighthouse in the same Chromium, desktop preset (the console is an operator's tool on a workstation). */
export async function lighthouse(url: string, executablePath: string, formFactor: 'desktop' | 'mobile' = 'desktop', extraHeaders: Record<string, string> = {}): Promise<LighthouseScores> {
  const [{ launch }, { default: run }, { default: desktopConfig }] = await Promise.all([
    import('chrome-launcher'),
    import('lighthouse'),
    import('lighthouse/core/config/desktop-config.js'),
  ]);
  const chrome = await launch({ chromePath: executablePath, chromeFlags: [...CHROMIUM_FLAGS] });
  try {
    const result = await run(
      url,
      { port: chrome.port, output: 'html', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'], extraHeaders },
      formFactor === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`lighthouse: no result for ${url}`);
    const { categories, audits } = result.lhr;
    const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
      failing: Object.values(audits)
        .filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'manual')
        .map((audit) => ({ id: audit.id, title: audit.title, score: audit.score })),
      report: Array.isArray(result.report) ? result.report.join('\n') : result.report,
    };
  } finally {
    chrome.kill();
  }
}
