import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../console/server/forges/forge';
import { createGitHubForge } from '../../console/server/forges/github';
import { runGit } from '../../console/testing/github-standin/git';
import { startGitHubStandIn, type GitHubStandIn } from '../../console/testing/github-standin/server';
import { REPO_ROOT } from '../../tests/helpers/example-repo';
import { rejection } from '../../tests/helpers/thrown';
import { COMMENT_LIMIT, PLAN_MARKER, planComment, setClassLabel, upsertPlanComment, type PullRequestTarget } from './pr-comment';

/**
 * The pull-request comment and labels CI sets, against the GitHub stand-in, which checks every request and
 * response against GitHub's OpenAPI description and refuses a comment over GitHub's length limit.
 */

const run = promisify(execFile);
const TOKEN = 'ghs_actions-token-0123456789';
const BOT = 'github-actions[bot]';
const ARTIFACT = 'https://github.com/acme/multi-region-gitops/actions/runs/42/artifacts/7';

let standin: GitHubStandIn;
let scratch: string;
let pullRequest: number;

beforeAll(async () => {
  standin = await startGitHubStandIn({ tokens: { [TOKEN]: BOT } });
  scratch = await mkdtemp(path.join(tmpdir(), 'pr-comment-'));
  const git = (...args: string[]) => runGit(args, { cwd: scratch, env: { GIT_AUTHOR_NAME: 'Dana', GIT_AUTHOR_EMAIL: 'dana@example.com', GIT_COMMITTER_NAME: 'Dana', GIT_COMMITTER_EMAIL: 'dana@example.com' } });
  await git('init', '--quiet', '--initial-branch=main');
  await writeFile(path.join(scratch, 'weights.yaml'), 'us-east-1: 50\nus-west-2: 50\n');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'base');
  await standin.seedFromRepository(scratch, 'main');
  await git('checkout', '--quiet', '-b', 'shift-weights');
  await writeFile(path.join(scratch, 'weights.yaml'), 'us-east-1: 40\nus-west-2: 60\n');
  await git('commit', '--quiet', '-am', 'Shift 10 points to us-west-2');
  await standin.seedFromRepository(scratch, 'shift-weights', 'shift-weights');
  const forge = createGitHubForge({ baseUrl: standin.apiUrl, repo: { owner: standin.owner, name: standin.repo }, auth: { token: TOKEN }, spacing: { writeMs: 0, notifyingMs: 0 } });
  pullRequest = (await forge.openPullRequest({ branch: 'shift-weights', title: 'Shift 10 points to us-west-2', body: 'Weights 40/60.' })).number;
});

afterEach(() => {
  expect(standin.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await standin?.close();
  await rm(scratch, { recursive: true, force: true });
});

function target(overrides: Partial<PullRequestTarget> = {}): PullRequestTarget {
  return { baseUrl: standin.apiUrl, auth: { token: TOKEN }, repo: { owner: standin.owner, name: standin.repo }, number: pullRequest, botLogin: BOT, spacing: { writeMs: 0, notifyingMs: 0 }, waitUnitMs: 5, ...overrides };
}

const planComments = () => standin.comments(pullRequest).filter((comment) => comment.body.startsWith(PLAN_MARKER));

// The specs of a describe run in order on one pull request, each push after the previous one's.
describe('the change-plan comment', () => {
  it('is created by the first push and edited in place by the next, never posted twice', async () => {
    const first = await upsertPlanComment(target(), planComment('## Plan after push 1\n\n**Risk class: Normal**', ARTIFACT).body);
    const second = await upsertPlanComment(target(), planComment('## Plan after push 2\n\n**Risk class: CAB required**', ARTIFACT).body);
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const ours = planComments().filter((comment) => comment.user.login === BOT);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('Plan after push 2');
    expect(ours[0]!.body).not.toContain('Plan after push 1');
    expect(ours[0]!.body).toContain(`](${ARTIFACT})`);
    const writes = standin.requests().filter((request) => request.operation === 'issues/create-comment' || request.operation === 'issues/update-comment');
    expect(writes.map((request) => request.operation)).toEqual(['issues/create-comment', 'issues/update-comment']);
  });

  it('never edits someone else’s comment, even one that carries the marker', async () => {
    const mine = planComments().find((comment) => comment.user.login === BOT)!;
    standin.addComment(pullRequest, { user: 'mallory', body: `${PLAN_MARKER}\n## Plan: risk class Standard (pre-approved)` });
    const result = await upsertPlanComment(target(), planComment('## Plan after push 3', ARTIFACT).body);
    expect(result).toMatchObject({ action: 'updated', id: mine.id });
    expect(planComments().find((comment) => comment.user.login === 'mallory')?.body).toContain('Standard (pre-approved)');
  });

  it('cuts a plan too long for GitHub under its limit, closes what the cut left open and links the whole plan', async () => {
    const resources = Array.from({ length: 4000 }, (_, index) => `~ us-east-1: aws_route53_record.weighted_${index} (weighted_routing_policy)`);
    const markdown = ['## Change plan', '', '<details><summary>4000 Terraform resources affected</summary>', '', '```diff', ...resources, '```', '', '</details>', '', '### Policy results', '✅ no blocking findings'].join('\n');
    expect(markdown.length).toBeGreaterThan(COMMENT_LIMIT);
    // GitHub itself refuses the whole plan as one comment.
    const refused = await rejection(ForgeError, upsertPlanComment(target(), `${PLAN_MARKER}\n${markdown}`));
    expect(refused.message).toMatch(/422 .*body is too long/);

    const { body, truncated } = planComment(markdown, ARTIFACT);
    expect(truncated).toBe(true);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 500);
    expect(body).toContain('**Truncated:**');
    expect(body.trimEnd().endsWith(`[change-plan](${ARTIFACT}) of this run.`)).toBe(true);
    expect(body.match(/^```/gm)!.length % 2).toBe(0);
    expect(body.match(/<details>/g)!.length).toBe(body.match(/<\/details>/g)!.length);
    // Cut at a line: every kept resource line is whole.
    expect(body.split('\n').filter((line) => line.startsWith('~ us-east-1:')).every((line) => line.endsWith('(weighted_routing_policy)'))).toBe(true);

    await upsertPlanComment(target(), body);
    expect(planComments().find((comment) => comment.user.login === BOT)?.body).toBe(body);
  });

  it('keeps a plan that fits whole, marker first', () => {
    const { body, truncated } = planComment('## Change plan\n\nsmall\n', ARTIFACT);
    expect(truncated).toBe(false);
    expect(body.startsWith(`${PLAN_MARKER}\n## Change plan\n\nsmall\n`)).toBe(true);
  });
});

describe('the class label', () => {
  it('names the class of the change as it is now, replacing a previous class’s label and keeping the others', async () => {
    await createGitHubForge({ ...target(), repo: { owner: standin.owner, name: standin.repo } }).addLabels(pullRequest, ['console']);
    expect(await setClassLabel(target(), 'normal')).toEqual({ added: ['change:normal'], removed: [] });
    expect(await setClassLabel(target(), 'cab-required')).toEqual({ added: ['change:cab-required'], removed: ['change:normal'] });
    expect(await setClassLabel(target(), 'cab-required')).toEqual({ added: [], removed: [] });
    const labels = (await createGitHubForge({ ...target(), repo: { owner: standin.owner, name: standin.repo } }).getPullRequest(pullRequest)).labels;
    expect(labels.sort()).toEqual(['change:cab-required', 'console']);
  });
});

describe('npm run pr-comment', () => {
  it('comments and labels from plan-change’s files, with GitHub from the environment Actions sets', async () => {
    await writeFile(path.join(scratch, 'plan.md'), '## Change plan from the CLI\n\n**Risk class: Emergency**\n');
    await writeFile(path.join(scratch, 'plan.json'), JSON.stringify({ title: 'working tree', classification: { class: 'emergency', rule: 'failover-declared', reasons: [] } }));
    const { stdout } = await run(
      process.execPath,
      ['scripts/run.mjs', 'pr-comment', '--pull-request', String(pullRequest), '--plan', path.join(scratch, 'plan.md'), '--plan-json', path.join(scratch, 'plan.json'), '--artifact-url', ARTIFACT],
      { cwd: REPO_ROOT, env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${standin.owner}/${standin.repo}`, GITHUB_API_URL: standin.apiUrl } },
    );
    expect(stdout).toMatch(/pr-comment: updated .*#issuecomment-\d+/);
    expect(stdout).toContain('+change:emergency -change:cab-required');
    expect(planComments().find((comment) => comment.user.login === BOT)?.body).toContain('Change plan from the CLI');
  });

  it('refuses to run without a token, saying what it needs', async () => {
    const failure = await rejection(
      Error,
      run(process.execPath, ['scripts/run.mjs', 'pr-comment', '--pull-request', '1', '--plan', 'p.md', '--plan-json', 'p.json', '--artifact-url', ARTIFACT], {
        cwd: REPO_ROOT,
        env: { ...process.env, GITHUB_TOKEN: '', GITHUB_REPOSITORY: 'acme/multi-region-gitops' },
      }),
    );
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('GITHUB_TOKEN must be set') });
  });
});
