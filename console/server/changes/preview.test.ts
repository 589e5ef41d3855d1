import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeIntent } from '../../../schemas';
import type { Forge } from '../forges/forge';
import { createChangeService } from './service';
import { ALICE, ExampleRepository } from './test-repository';
import type { ChangeService, Preview } from './types';

const run = promisify(execFile);

/**
 * Previews need of the forge only where the default branch is and where to fetch it, plus its open pull
 * requests for conflicts: a bare repository answers the first two, and it has no pull requests. Submitting
 * is specified against the GitHub stand-in and Gitea (submit.test.ts).
 */
function bareRepositoryForge(gitDir: string): Forge {
  const forge: Pick<Forge, 'kind' | 'repo' | 'fetchUrl' | 'whoami' | 'defaultBranch' | 'listPullRequests'> = {
    kind: 'gitea',
    repo: { owner: 'example-org', name: 'orders-gitops' },
    fetchUrl: gitDir,
    whoami: async () => 'console-bot',
    defaultBranch: async () => ({ name: 'main', sha: (await run('git', ['--git-dir', gitDir, 'rev-parse', 'refs/heads/main'])).stdout.trim() }),
    listPullRequests: async () => [],
  };
  return forge as Forge;
}

const NOW = new Date('2026-03-01T03:00:00Z');

let repo: ExampleRepository;
let forgeDir: string;
let service: ChangeService;

async function push(): Promise<void> {
  await repo.git('push', '--quiet', '--force', forgeDir, 'HEAD:refs/heads/main');
}

/** Runs `then` with one more commit on the forge's main, changing `file`; main is put back afterwards. */
async function withCommitOnMain(file: string, change: (text: string) => string, message: string, then: () => Promise<void>): Promise<void> {
  const before = await repo.git('rev-parse', 'HEAD');
  try {
    await repo.commit(file, change, message);
    await push();
    await then();
  } finally {
    await repo.git('reset', '--quiet', '--hard', before);
    await push();
  }
}

beforeAll(async () => {
  repo = await ExampleRepository.create();
  forgeDir = path.join(await repo.tempDir('forge-'), 'orders-gitops.git');
  await run('git', ['init', '--quiet', '--bare', forgeDir]);
  await push();
  service = createChangeService({ repoDir: repo.work, stateDir: await repo.tempDir('console-state-'), forge: bareRepositoryForge(forgeDir), health: async () => ({}), now: () => NOW });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await repo?.remove();
});

const preview = (intent: ChangeIntent, reason = 'shift load off us-east-1 before the Aurora minor upgrade') => service.preview({ request: { intent, reason }, requester: ALICE });
const paths = (result: Preview) => result.files.map((file) => file.path);
const diffOf = (result: Preview, file: string) => result.files.find((candidate) => candidate.path === file)?.diff ?? '';
/** The changed lines of a unified diff, without its headers. */
const changedLines = (diff: string) => diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line));

describe('previewing a change request on the default branch', () => {
  it('moves 50/50 to 60/40 by touching only the two region files, the global Terraform stack and the standing failover plans', async () => {
    const result = await preview({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } });
    expect(paths(result).slice(0, 2)).toEqual(['regions/us-east-1.ts', 'regions/us-west-2.ts']);
    expect(paths(result).slice(2).length).toBeGreaterThan(0);
    for (const file of paths(result).slice(2)) expect(file).toMatch(/^generated\/(terraform\/global|failover)\//);
    expect(changedLines(diffOf(result, 'regions/us-east-1.ts'))).toEqual(["-  traffic: { weight: 50, routing: 'weighted' },", "+  traffic: { weight: 60, routing: 'weighted' },"]);
    expect(result.blocking).toEqual([]);
    expect(result.submittable).toBe(true);
    expect(result.base).toEqual({ branch: 'main', sha: await repo.git('rev-parse', 'HEAD') });
    expect(result.markdown).toMatch(/^## Change plan: main \([0-9a-f]{12}\) → console\/[0-9a-f]{12}\n/);
    expect(result.markdown).toContain('| us-east-1 | primary | **50 → 60** |');
    expect(result.resilience.before?.rto.boundSeconds).toBeGreaterThan(0);
    expect(result.resilience.after.rto.byRegion['us-east-1']?.arithmetic).toBeTruthy();
    expect(result.touches).toEqual([
      { file: 'regions/us-east-1.ts', path: 'traffic.weight' },
      { file: 'regions/us-west-2.ts', path: 'traffic.weight' },
    ]);
    expect(result.reviewers).toEqual({ users: [], teams: ['platform', 'sre'] });
  });

  it('hashes the edited inputs and names the base policy bundle by the hash of its wasm', async () => {
    const result = await preview({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } });
    const wasm = await readFile(path.join(repo.work, 'policies/bundle/policy.wasm'));
    expect(result.bundleHash).toBe(createHash('sha256').update(wasm).digest('hex'));
    const edited = await Promise.all(['regions/us-east-1.ts', 'regions/us-west-2.ts'].map(async (file) => `${file}\0${(await readFile(path.join(repo.work, file), 'utf8')).replace(/weight: 50/, file.includes('east') ? 'weight: 60' : 'weight: 40')}\0`));
    expect(result.inputHash).toBe(createHash('sha256').update(edited.join('')).digest('hex'));
  });

  it('gives the same request on the same base the same id, and another reason another id', async () => {
    const intent: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 55, 'us-west-2': 45 } };
    const [first, again, otherReason] = [await preview(intent), await preview(intent), await preview(intent, 'another reason')];
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect(again.id).toBe(first.id);
    expect(otherReason.id).not.toBe(first.id);
  });

  it('sets the secondary read-only in its region file, its own manifests and the standing failover plans', async () => {
    const result = await preview({ kind: 'read-only', region: 'us-west-2', readOnly: true });
    expect(paths(result)[0]).toBe('regions/us-west-2.ts');
    expect(changedLines(diffOf(result, 'regions/us-west-2.ts'))).toEqual(['-  readOnly: false,', '+  readOnly: true,']);
    for (const file of paths(result).slice(1)) expect(file).toMatch(/^generated\/((k8s|terraform)\/us-west-2|failover)\//);
    expect(result.blocking).toEqual([]);
  });

  it('blocks weights of 60/60 with the policy id, and says why it cannot be submitted', async () => {
    const result = await preview({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 60 } });
    expect(result.blocking.map((finding) => finding.policy)).toContain('traffic.weights-sum-to-100');
    expect(result.blocking.find((finding) => finding.policy === 'traffic.weights-sum-to-100')?.message).toMatch(/sum to 120/);
    expect(result.submittable).toBe(false);
    expect(result.notSubmittableBecause).toMatch(/traffic\.weights-sum-to-100/);
  });

  it('refuses a value the source computes, naming the file and the path, and edits nothing', async () => {
    await withCommitOnMain('regions/us-west-2.ts', (text) => text.replace('weight: 50,', 'weight: 100 - 50,'), 'us-west-2 weight written as a sum', async () => {
      const result = await preview({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } });
      expect(result.files).toEqual([]);
      expect(result.blocking).toEqual([
        expect.objectContaining({
          policy: 'console.edit-refused',
          location: expect.objectContaining({ file: 'regions/us-west-2.ts', path: 'traffic.weight' }),
          message: 'expected a literal value that can be replaced (40), got a computed value (100 - 50); edit regions/us-west-2.ts by hand',
        }),
      ]);
      expect(result.submittable).toBe(false);
    });
  });

  it('keeps the comments and layout of a region file around the edited weight', async () => {
    await withCommitOnMain('regions/us-east-1.ts', (text) => text.replace("  traffic: { weight: 50, routing: 'weighted' },", "  // Weights move in steps of at most 25 points.\n  traffic: {   weight: 50 /* half */, routing: 'weighted' },"), 'us-east-1 weight commented', async () => {
      const result = await preview({ kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } });
      expect(changedLines(diffOf(result, 'regions/us-east-1.ts'))).toEqual(["-  traffic: {   weight: 50 /* half */, routing: 'weighted' },", "+  traffic: {   weight: 60 /* half */, routing: 'weighted' },"]);
      expect(diffOf(result, 'regions/us-east-1.ts')).toContain('   // Weights move in steps of at most 25 points.');
    });
  });

  it('blocks making both regions read-only outside a maintenance window', async () => {
    await withCommitOnMain('regions/us-west-2.ts', (text) => text.replace('readOnly: false', 'readOnly: true'), 'us-west-2 read-only', async () => {
      const result = await preview({ kind: 'read-only', region: 'us-east-1', readOnly: true });
      expect(result.blocking.map((finding) => finding.policy)).toContain('read-only.not-every-region-read-only');
      expect(result.submittable).toBe(false);
    });
  });

  it('guides a failover as the standing plan has it: traffic to the target, the source read-only with producers paused, a failover declared by the requester from now for four hours', async () => {
    const result = await preview({ kind: 'guided-failover', from: 'us-east-1', to: 'us-west-2' }, 'us-east-1 Aurora writer unreachable since 02:40');
    expect(paths(result).slice(0, 3)).toEqual(['regions/global.yaml', 'regions/us-east-1.ts', 'regions/us-west-2.ts']);
    expect(changedLines(diffOf(result, 'regions/us-east-1.ts'))).toEqual([
      "-  traffic: { weight: 50, routing: 'weighted' },",
      '-  readOnly: false,',
      "+  traffic: { weight: 0, routing: 'weighted' },",
      '+  readOnly: true,',
      '-  degradedMode: { pauseProducers: false, priorityWritesOnly: false, serveStaleReads: false },',
      '+  degradedMode: { pauseProducers: true, priorityWritesOnly: false, serveStaleReads: false },',
    ]);
    expect(changedLines(diffOf(result, 'regions/global.yaml'))).toEqual([
      '+declarations:',
      '+  - kind: failover',
      '+    name: failover-us-east-1-20260301-0300',
      '+    from: us-east-1',
      '+    to: us-west-2',
      '+    reason: us-east-1 Aurora writer unreachable since 02:40',
      '+    declaredBy: "@alice"',
      '+    start: 2026-03-01T03:00:00.000Z',
      '+    end: 2026-03-01T07:00:00.000Z',
    ]);
    expect(result.blocking).toEqual([]);
    expect(result.submittable).toBe(true);
  });

  it('declares an emergency only with another person as approver', async () => {
    const window = { name: 'payments-hotfix', start: '2026-03-01T03:00:00Z', end: '2026-03-01T05:00:00Z' };
    const self = await preview({ kind: 'declare', declaration: { kind: 'emergency', approvedBy: '@alice' }, ...window });
    expect(self.blocking.map((finding) => finding.policy)).toEqual(['console.emergency-self-approved']);
    const approved = await preview({ kind: 'declare', declaration: { kind: 'emergency', approvedBy: '@carol' }, ...window });
    expect(changedLines(diffOf(approved, 'regions/global.yaml'))).toContain('+    approvedBy: "@carol"');
    expect(approved.blocking).toEqual([]);
  });

  it('lists the same files under a user git configuration that drops or renames the diff prefixes', async () => {
    const config = path.join(await repo.tempDir('git-config-'), 'gitconfig');
    await writeFile(config, '[diff]\n\tnoprefix = true\n\tmnemonicPrefix = true\n');
    const previous = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = config;
    try {
      const result = await preview({ kind: 'weights', weights: { 'us-east-1': 55, 'us-west-2': 45 } }, 'under a user git config');
      expect(paths(result).slice(0, 2)).toEqual(['regions/us-east-1.ts', 'regions/us-west-2.ts']);
      for (const file of paths(result).slice(2)) expect(file).toMatch(/^generated\/(terraform\/global|failover)\//);
    } finally {
      if (previous === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = previous;
    }
  });

  it('says a change that sets every value to what it already is changes nothing', async () => {
    const result = await preview({ kind: 'weights', weights: { 'us-east-1': 50, 'us-west-2': 50 } });
    expect(result.files).toEqual([]);
    expect(result.submittable).toBe(false);
    expect(result.notSubmittableBecause).toMatch(/changes nothing/);
  });
});
