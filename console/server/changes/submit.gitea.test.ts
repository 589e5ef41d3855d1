import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeIntent } from '../../../schemas';
import { startGitea, type RunningGitea } from '../../testing/gitea';
import type { Forge } from '../forges/forge';
import { createGiteaForge } from '../forges/gitea';
import { createChangeService } from './service';
import { ALICE, ExampleRepository } from './test-repository';
import { parseTrailer } from './trailer';
import type { ChangeService } from './types';

const run = promisify(execFile);

/**
 * The console's forge of the demo and the browser tests: a real Gitea, seeded with the example, one team per
 * owner, the console's bot, and main protected. The weight change of the acceptance list, end to end.
 */

let repo: ExampleRepository;
let gitea: RunningGitea;
let forge: Forge;
let service: ChangeService;
let base: string;

beforeAll(async () => {
  repo = await ExampleRepository.create();
  base = await repo.git('rev-parse', 'HEAD');
  gitea = await startGitea({ repoDir: repo.work, log: (line) => (/^(install|building|installing)/.test(line) ? process.stderr.write(`${line}\n`) : undefined) });
  forge = createGiteaForge({ url: gitea.url, repo: gitea.repo, token: gitea.tokens['console-bot']! });
  service = createChangeService({ repoDir: repo.work, stateDir: await repo.tempDir('console-state-'), forge, health: async () => ({}) });
}, 900_000);

afterAll(async () => {
  await service?.close();
  await gitea?.stop();
  await repo?.remove();
});

const remoteBranches = async () => (await run('git', ['ls-remote', '--heads', forge.fetchUrl])).stdout;

describe('change requests on a real Gitea', () => {
  it('turns 50/50 → 60/40 into one pull request: the two region files, the global stack and the standing failover plans, the plan as body, the class as label, the owners as reviewers; a double submit opens nothing more', async () => {
    const intent: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } };
    const request = { intent, reason: 'shift load off us-east-1 before the Aurora minor upgrade' };
    const preview = await service.preview({ request, requester: ALICE });
    const submit = () => service.submit({ request: { ...request, base: preview.base.sha }, requester: ALICE, idempotencyKey: 'gitea-weights-60-40', previewId: preview.id });
    const [first, second] = await Promise.all([submit(), submit()]);
    if (first.status !== 'opened' || second.status !== 'opened') throw new Error(`expected both submits to answer with the pull request, got ${first.status} and ${second.status}`);
    expect([first.replayed, second.replayed]).toEqual([false, true]);
    expect(second.pullRequest.number).toBe(first.pullRequest.number);
    expect((await forge.listPullRequests('all')).filter((pull) => pull.branch === first.pullRequest.branch)).toHaveLength(1);

    const number = first.pullRequest.number;
    const files = (await forge.pullRequestFiles(number)).sort();
    expect(files.filter((file) => !/^generated\/(terraform\/global|failover)\//.test(file))).toEqual(['regions/us-east-1.ts', 'regions/us-west-2.ts']);
    expect(files).toEqual(preview.files.map((file) => file.path).sort());
    const pull = await forge.getPullRequest(number);
    expect(pull.baseSha).toBe(base);
    expect(pull.body).toContain('**Risk class: Normal**');
    expect(pull.body).toContain('### Policy results');
    expect(parseTrailer(pull.body)).toMatchObject({ id: preview.id, requester: '@alice', base, class: 'normal' });
    expect(pull.labels.sort()).toEqual(['change:normal', 'console']);
    expect((await forge.reviews(number)).requestedTeams.sort()).toEqual(['platform', 'sre']);
    expect((await run('git', ['ls-remote', forge.fetchUrl, 'refs/heads/main'])).stdout.split('\t')[0]).toBe(base);
  });

  it('creates no branch for weights of 60/60', async () => {
    const intent: ChangeIntent = { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 60 } };
    const request = { intent, reason: 'both at 60' };
    const preview = await service.preview({ request, requester: ALICE });
    const before = await remoteBranches();
    const result = await service.submit({ request: { ...request, base: preview.base.sha }, requester: ALICE, idempotencyKey: 'gitea-weights-60-60', previewId: preview.id });
    expect(result.status).toBe('blocked');
    expect(result.preview.blocking.map((finding) => finding.policy)).toContain('traffic.weights-sum-to-100');
    expect(await remoteBranches()).toBe(before);
  });
});
