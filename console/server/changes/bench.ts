import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGitea } from '../../testing/gitea';
import { createGiteaForge } from '../forges/gitea';
import { createChangeService } from './service';
import type { Requester } from './types';

const OPERATOR: Requester = { login: 'alice', name: 'Alice Okafor', email: 'alice@example.com', role: 'operator', handle: '@alice' };

export interface PreviewTimes {
  samples: number[];
  median: number;
  p95: number;
}

/**
 * How fast the console re-validates a weight change as an operator drags the slider: previews of 51/49,
 * 52/48, … on the example's two regions (each within the weight-shift limit), each timed around the
 * service call, forge calls to a real Gitea included, after `warmUp` previews that load the base, the policy
 * engine and the worktree.
 */
export async function timeWarmPreviews(root: string, count = 20, warmUp = 3): Promise<PreviewTimes> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'console-bench-'));
  // The repository's own HEAD (its two-region example) becomes main of a real, seeded Gitea.
  const gitea = await startGitea({ repoDir: root, root });
  const forge = createGiteaForge({ url: gitea.url, repo: gitea.repo, token: gitea.tokens['console-bot']! });
  const service = createChangeService({ repoDir: root, stateDir, forge, health: async () => ({}) });
  try {
    const samples: number[] = [];
    for (let i = 0; i < warmUp + count; i++) {
      const east = 51 + (i % 24);
      const started = performance.now();
      const preview = await service.preview({ request: { intent: { kind: 'weights', weights: { 'us-east-1': east, 'us-west-2': 100 - east } }, reason: 'bench: shift traffic' }, requester: OPERATOR });
      const elapsed = performance.now() - started;
      if (!preview.files.length || preview.blocking.length) throw new Error(`the bench's weight change did not preview as a clean change: ${preview.notSubmittableBecause}`);
      if (i >= warmUp) samples.push(elapsed);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { samples, median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.ceil(0.95 * sorted.length) - 1]! };
  } finally {
    await service.close();
    await gitea.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
