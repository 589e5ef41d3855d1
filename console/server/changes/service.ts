import { memoizedSynthOutputs } from '../../../modules/outputs';
import type { RegionHealth } from '../../../policies/engine/input';
import { checkBarrier } from '../../../policies/promotion/rollout-barrier';
import { changeRequestSchema, owner, stableJson, type ChangeRequest } from '../../../schemas';
import { ForgeError, type Forge, type PullRequest } from '../forges/forge';
import { mergedConflicts, openPullRequestConflicts } from './conflicts';
import { git } from './git';
import { planIntent, touchesOf } from './intents';
import { KeyedLock } from './keyed-lock';
import { reviewersFor } from './owners';
import { build } from './pipeline';
import { RECORD_RETENTION_MS, Records } from './submissions';
import { formatTrailer } from './trailer';
import { branchOf, BRANCH_PREFIX, verifiedTrailer, type ConsoleIdentity } from './trust';
import type { ChangeRequestDetail, ChangeRequestSummary, ChangeService, Preview, Requester, SubmitResult } from './types';
import { sha256, Workspace } from './workspace';

export interface ChangeServiceOptions {
  /** A local clone of the same repository, used only to seed the mirror's objects (optional). */
  repoDir?: string;
  /** The console's own state: `mirror.git`, `worktrees/`, `submissions/`. */
  stateDir: string;
  forge: Forge;
  /** Region health for the policies (the metrics service's `health()`). */
  health: () => Promise<Record<string, RegionHealth>>;
  now?: () => Date;
  barrier?: typeof checkBarrier;
  /** Region id → Prometheus URL, overriding the model's `observability.prometheusUrl` for the release barrier (as MR_CONSOLE_PROMETHEUS_URLS does for the metrics). */
  prometheusUrls?: Record<string, string>;
  /** Who commits on the requester's behalf. */
  committer?: { name: string; email: string };
}

/** A request the service refuses outright (a reused idempotency key, a malformed requester): the caller's mistake. */
/** Marks a ChangeRequestError made by any copy of this module (see ForgeError). */
const CHANGE_REQUEST_ERROR = Symbol.for('multi-region-gitops.console.change-request-error');

export class ChangeRequestError extends Error {
  readonly [CHANGE_REQUEST_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [CHANGE_REQUEST_ERROR]?: unknown })[CHANGE_REQUEST_ERROR] === true;
  }

  constructor(message: string) {
    super(message);
    this.name = 'ChangeRequestError';
  }
}

/** Pull requests read for the list, newest first; each costs a checks and a reviews call. */
const LIST_LIMIT = 50;
const LIST_CONCURRENCY = 4;
/** GitHub refuses titles past 256 characters and bodies past 65536. */
const TITLE_MAX = 256;
const BODY_MAX = 65_000;
const DEFAULT_COMMITTER = { name: 'Operator console', email: 'console@localhost' };
/** How long a preview's clock holds for its id before a new preview of the same request plans with a new one; a submitted one holds for good. */
const CLOCK_KEPT_MS = 3600_000;

/**
 * Change requests as pull requests: previews built and judged in a scratch worktree of the forge's default
 * branch, submitted as one commit on exactly that base, on a branch named after the preview.
 */
export function createChangeService(options: ChangeServiceOptions): ChangeService {
  const { forge } = options;
  const workspace = new Workspace(options.stateDir, forge, options.repoDir);
  const records = new Records(options.stateDir);
  const submitLock = new KeyedLock();
  const now = options.now ?? (() => new Date());
  const checkRollouts = options.barrier ?? checkBarrier;
  const overrides = options.prometheusUrls ?? {};
  const barrier: typeof checkBarrier = (model, app, digest, regions) =>
    checkRollouts({ ...model, regions: model.regions.map((region) => (overrides[region.id] ? { ...region, observability: { ...region.observability, prometheusUrl: overrides[region.id]! } } : region)) }, app, digest, regions);
  const committer = options.committer ?? DEFAULT_COMMITTER;
  // Previews are variants of the default branch's model: each rebuilds only the parts of generated/ its change reads differently.
  const synthOutputs = memoizedSynthOutputs();
  // Records and refs of changes long done go when the service starts; requests wait for it, and a failure only leaves them for the next start.
  const cutoff = new Date(now().getTime() - RECORD_RETENTION_MS);
  const maintained = Promise.all([records.prune(cutoff), workspace.pruneRefs(cutoff)]).then(
    () => undefined,
    (error: unknown) => console.warn(`console changes: could not prune records older than ${cutoff.toISOString()}: ${(error as Error).message}`),
  );

  /** The clock a preview's intent is planned with, fixed per preview id for as long as a submit may follow it. */
  const clocks = new KeyedLock();
  function clockOf(id: string): Promise<Date> {
    return clocks.run(id, async () => {
      const fresh = now();
      const recorded = await records.readPreview(id);
      if (recorded && (recorded.commit || fresh.getTime() - Date.parse(recorded.at) < CLOCK_KEPT_MS)) return new Date(recorded.at);
      await records.writePreview({ id, at: fresh.toISOString() });
      return fresh;
    });
  }

  /** The console as its forge knows it, asked once. */
  const identity = async (): Promise<ConsoleIdentity> => ({ bot: await forge.whoami(), repo: forge.repo });

  /**
   * Builds the preview of `request` on the default branch's current tip. Everything that waits on the network
   * (health, the release barrier, the forge's pull requests) happens before the base's worktree is taken;
   * the worktree is held only to edit, synth, judge, diff and, through `stage`, commit what was judged.
   */
  async function previewOnTip<T>(request: ChangeRequest, requester: Requester, stage: (preview: Preview, worktree: string) => Promise<T>): Promise<{ preview: Preview; staged: T }> {
    const started = performance.now();
    await maintained;
    const tip = await workspace.defaultBranch();
    const id = previewIdOf(tip.sha, request, requester);
    const branch = branchOf(id);
    const [base, at] = await Promise.all([workspace.load(tip.name, tip.sha), clockOf(id)]);
    const current = { model: base.revision.model, sources: base.revision.sources };
    const touches = touchesOf(request.intent, current.model, current.sources);
    const [health, plan, conflicts] = await Promise.all([
      options.health(),
      planIntent(request.intent, { model: current.model, sources: current.sources, requester, reason: request.reason, now: at, barrier }),
      identity().then((known) =>
        Promise.all([
          openPullRequestConflicts(forge, known, touches, { id, branch }, current),
          request.base ? mergedConflicts(forge, { ...known, committer }, workspace.mirror, (sha) => workspace.revision(sha), touches, request.base, base.revision) : [],
        ]).then((lists) => lists.flat()),
      ),
    ]);
    return workspace.withBase(tip.name, tip.sha, async (base, worktree) => {
      // Policies judge the change as of now (a freeze that began since the preview counts); the intent keeps the preview's clock.
      const built = await build(base, worktree, plan, { headLabel: branch, now: now(), health, synthOutputs });
      const { report } = built.judgement;
      const changed = built.files.map((file) => file.path);
      const preview: Preview = {
        id,
        base: { branch: tip.name, sha: tip.sha },
        intent: request.intent,
        reason: request.reason,
        requester,
        files: built.files,
        findings: built.findings,
        blocking: built.blocking,
        classification: report.classification,
        resilience: { ...(built.judgement.base?.report ? { before: built.judgement.base.report.resilience } : {}), after: report.resilience },
        markdown: built.markdown,
        inputHash: built.inputHash,
        bundleHash: base.bundleHash,
        conflicts,
        reviewers: reviewersFor(current.model.global.owners, changed, { organisation: forge.repo.owner, requester: requester.login }),
        touches: touches.map(({ file, path }) => ({ file, path })),
        submittable: false,
        durationMs: 0,
      };
      const because = notSubmittableBecause(preview);
      preview.submittable = because === undefined;
      if (because) preview.notSubmittableBecause = because;
      preview.durationMs = Math.round(performance.now() - started);
      return { preview, staged: await stage(preview, worktree) };
    });
  }

  /**
   * The commit of `preview`: the one recorded for its id by an earlier attempt (a retry publishes exactly what
   * the first attempt built), else the staged worktree committed now and recorded before anything is published.
   */
  async function commitOf(preview: Preview, worktree: string, title: string): Promise<string> {
    const recorded = await records.readPreview(preview.id);
    if (recorded?.commit && (await workspace.mirror.hasCommit(recorded.commit))) return recorded.commit;
    const { requester } = preview;
    const message = `${title}\n\n${preview.reason}\n\nConsole-Change-Request: ${preview.id}\nRequested-By: ${requester.handle}\n`;
    const person = oneLine(requester.name) || requester.login;
    await git(['commit', '--quiet', '--no-verify', '--allow-empty-message', '-F', '-'], {
      cwd: worktree,
      input: message,
      env: { GIT_AUTHOR_NAME: person, GIT_AUTHOR_EMAIL: oneLine(requester.email) || committer.email, GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email },
    });
    const commit = (await git(['rev-parse', 'HEAD'], { cwd: worktree })).trim();
    const parents = (await git(['rev-list', '--parents', '-n', '1', commit], { cwd: worktree })).trim().split(' ').slice(1);
    if (parents.length !== 1 || parents[0] !== preview.base.sha) throw new Error(`the commit for ${branchOf(preview.id)} has parents ${parents.join(', ')}, expected exactly ${preview.base.sha}`);
    // A ref keeps the commit from git's garbage collection until the forge has it.
    await git(['update-ref', `refs/console/${preview.id.slice(0, 12)}`, commit], { cwd: workspace.mirror.gitDir });
    await records.writePreview({ id: preview.id, at: recorded?.at ?? now().toISOString(), commit });
    return commit;
  }

  /**
   * Publishes `commit` as the preview's branch and opens its pull request, or answers with the one already
   * open for it. A branch or pull request of that name the console did not make, or holding another change,
   * is never taken for this one: it is a conflict naming both.
   */
  async function publish(preview: Preview, commit: string, title: string): Promise<{ pullRequest: PullRequest; replayed: boolean }> {
    const branch = branchOf(preview.id);
    let published: { sha: string };
    try {
      published = await forge.publishCommit({ repoDir: workspace.mirror.gitDir, commit, baseSha: preview.base.sha, branch });
    } catch (error) {
      if (!(error instanceof ForgeError && error.code === 'conflict')) throw error;
      const squatter = await forge.findPullRequest(branch).catch(() => undefined);
      throw squatted(branch, squatter, `the branch holds another change than this preview (${error.message})`);
    }
    const existing = await forge.findPullRequest(branch);
    if (existing?.state === 'open') {
      // The same preview submitted under another key (a second tab, a retry): that pull request is the answer, if the console opened it for exactly this commit.
      const verified = verifiedTrailer(existing, await identity());
      if (!('trailer' in verified)) throw squatted(branch, existing, verified.unverified);
      if (verified.trailer.id !== preview.id || existing.headSha !== published.sha) throw squatted(branch, existing, `it is for change ${verified.trailer.id.slice(0, 12)} at ${existing.headSha}, not this preview's commit ${published.sha}`);
      // Its labels and reviewers are set again in case the first submit stopped short of them.
      await decorate(existing.number, preview);
      return { pullRequest: existing, replayed: true };
    }
    const pullRequest = await forge.openPullRequest({ branch, title, body: bodyOf(preview) });
    await decorate(pullRequest.number, preview);
    return { pullRequest, replayed: false };
  }

  async function decorate(number: number, preview: Preview): Promise<void> {
    await forge.addLabels(number, [`change:${preview.classification.class}`, 'console']);
    if (preview.reviewers.users.length || preview.reviewers.teams.length) await forge.requestReviewers(number, preview.reviewers);
  }

  async function summaryOf(pullRequest: PullRequest, known: ConsoleIdentity): Promise<ChangeRequestSummary> {
    const verified = verifiedTrailer(pullRequest, known);
    const change = 'trailer' in verified ? verified.trailer : undefined;
    const [checks, reviews] = await Promise.all([forge.checks(pullRequest.headSha), forge.reviews(pullRequest.number)]);
    const labelled = change && pullRequest.labels.find((label) => label.startsWith('change:'))?.slice('change:'.length);
    const classes = ['standard', 'normal', 'cab-required', 'emergency'] as const;
    const cls = change && (classes.find((candidate) => candidate === labelled) ?? change.class);
    return {
      number: pullRequest.number,
      url: pullRequest.url,
      title: pullRequest.title,
      state: pullRequest.state,
      branch: pullRequest.branch,
      createdAt: pullRequest.createdAt,
      ...(pullRequest.mergedAt ? { mergedAt: pullRequest.mergedAt } : {}),
      labels: pullRequest.labels,
      ...(change ? { change, requester: change.requester, reason: change.reason, findings: change.findings } : {}),
      ...('unverified' in verified ? { unverified: verified.unverified } : {}),
      ...(cls ? { class: cls } : {}),
      checks,
      reviews,
    };
  }

  return {
    async preview({ request, requester }) {
      const parsed = checked(request, requester);
      return (await previewOnTip(parsed, requester, async () => undefined)).preview;
    },

    submit(input) {
      const request = checked(input.request, input.requester);
      const { login } = input.requester;
      return submitLock.run(`${login.toLowerCase()}\0${input.idempotencyKey}`, async (): Promise<SubmitResult> => {
        await maintained;
        const recorded = await records.readSubmission(login, input.idempotencyKey);
        if (recorded) {
          if (recorded.previewId !== input.previewId) throw new ChangeRequestError(`idempotency key ${input.idempotencyKey} was already used for another change (${recorded.pullRequest.url}); use a new key for a new change`);
          return { status: 'opened', pullRequest: await forge.getPullRequest(recorded.pullRequest.number), preview: recorded.preview, replayed: true };
        }
        const { preview, staged: commit } = await previewOnTip(request, input.requester, async (preview, worktree) => {
          // The id covers the base: a moved default branch (or a request other than the one previewed) shows the new preview instead.
          if (preview.id !== input.previewId || !preview.submittable || (preview.conflicts.length && !input.acknowledgeConflicts)) return undefined;
          return commitOf(preview, worktree, titleOf(preview));
        });
        if (preview.id !== input.previewId) return { status: 'rebased', preview };
        if (!preview.submittable) return { status: 'blocked', preview };
        if (!commit) return { status: 'conflict', preview };
        const { pullRequest, replayed } = await publish(preview, commit, titleOf(preview));
        await records.writeSubmission({ login, idempotencyKey: input.idempotencyKey, previewId: preview.id, branch: branchOf(preview.id), pullRequest: { number: pullRequest.number, url: pullRequest.url }, at: now().toISOString(), preview });
        return { status: 'opened', pullRequest, preview, replayed };
      });
    },

    async list() {
      const [pullRequests, known] = await Promise.all([forge.listPullRequests('all'), identity()]);
      const listed = pullRequests
        .filter((pullRequest) => pullRequest.branch.startsWith(BRANCH_PREFIX))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.number - a.number))
        .slice(0, LIST_LIMIT);
      return mapLimited(listed, LIST_CONCURRENCY, (pullRequest) => summaryOf(pullRequest, known));
    },

    async get(number) {
      const [pullRequest, known] = await Promise.all([forge.getPullRequest(number), identity()]);
      if (!pullRequest.branch.startsWith(BRANCH_PREFIX)) throw new ForgeError('not-found', `pull request #${number} was not opened by the console (its branch is ${pullRequest.branch})`);
      const [summary, files] = await Promise.all([summaryOf(pullRequest, known), forge.pullRequestFiles(number)]);
      const detail: ChangeRequestDetail = { ...summary, body: pullRequest.body, files, headSha: pullRequest.headSha, baseSha: pullRequest.baseSha, author: pullRequest.author };
      return detail;
    },

    defaultBranch: (maxAgeMs) => workspace.defaultBranch(maxAgeMs),
    revision: (sha) => workspace.revision(sha),
    onDefaultBranchMoved: (listener) => workspace.onDefaultBranchMoved(listener),

    close: async () => {
      await maintained;
      await workspace.close();
    },
  };
}

/** The request as the schema admits it, from a requester with a handle declarations can record: both end up in commits and inputs. */
function checked(request: ChangeRequest, requester: Requester): ChangeRequest {
  const parsed = changeRequestSchema.safeParse(request);
  if (!parsed.success) throw new ChangeRequestError(`the change request is not valid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  if (!owner.safeParse(requester.handle).success) throw new ChangeRequestError(`the requester's handle must be a GitHub-style handle like @${requester.login}, got ${JSON.stringify(requester.handle)}`);
  return parsed.data;
}

export function previewIdOf(baseSha: string, request: ChangeRequest, requester: Pick<Requester, 'login'>): string {
  return sha256(stableJson({ base: baseSha, intent: request.intent, reason: request.reason, requester: requester.login.toLowerCase() }));
}

export { branchOf };

/** A branch or pull request named for a preview that the console did not make for it. */
function squatted(branch: string, pullRequest: PullRequest | undefined, why: string): ForgeError {
  const which = pullRequest ? `pull request #${pullRequest.number} (${pullRequest.url}) by ${pullRequest.author || 'an unknown account'}` : 'no pull request';
  return new ForgeError('conflict', `branch ${branch} on the forge, with ${which}, is not this change: ${why}. Nothing was submitted; close that pull request and delete the branch, then submit again.`);
}

function notSubmittableBecause(preview: Preview): string | undefined {
  if (preview.blocking.length) {
    const ids = [...new Set(preview.blocking.map((finding) => finding.policy))];
    return `${preview.blocking.length === 1 ? '1 blocking finding' : `${preview.blocking.length} blocking findings`}: ${ids.join(', ')}`;
  }
  if (!preview.files.length) return 'the change changes nothing: every value it sets already has that value';
  return undefined;
}

/** `[console] us-east-1 60 / us-west-2 40: drain use1 for the Aurora upgrade` */
function titleOf(preview: Preview): string {
  const title = `[console] ${summaryOfIntent(preview)}: ${preview.reason}`;
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}

function summaryOfIntent(preview: Preview): string {
  const { intent } = preview;
  switch (intent.kind) {
    case 'weights':
      return Object.entries(intent.weights)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, weight]) => `${id} ${weight}`)
        .join(' / ');
    case 'read-only':
      return `${intent.region} ${intent.readOnly ? 'read-only' : 'writable'}`;
    case 'degraded':
      return `${intent.region} ${intent.switch} ${intent.on ? 'on' : 'off'}`;
    case 'declare':
      return `declare ${intent.declaration.kind} ${intent.name}`;
    case 'guided-failover':
      return `failover ${intent.from} → ${intent.to}`;
    case 'release':
      return `${intent.app} ${intent.action}`;
  }
}

/** The plan-change markdown, what it was judged on, and the trailer the console reads back. */
function bodyOf(preview: Preview): string {
  const trailer = formatTrailer({
    id: preview.id,
    intent: preview.intent,
    reason: preview.reason,
    requester: preview.requester.handle,
    base: preview.base.sha,
    inputHash: preview.inputHash,
    bundleHash: preview.bundleHash,
    class: preview.classification.class,
    findings: { total: preview.findings.length, blocking: preview.blocking.length },
  });
  const facts = [
    '---',
    '',
    `**Requested by** ${preview.requester.handle}: ${escapeMarkdown(preview.reason)}`,
    '',
    '| | |',
    '|---|---|',
    `| Base | \`${preview.base.branch}\` at \`${preview.base.sha}\` |`,
    `| Input hash | \`sha256:${preview.inputHash}\` |`,
    `| Policy bundle | \`sha256:${preview.bundleHash}\` |`,
    '',
    'Opened by the operator console; the branch holds one commit on exactly this base.',
    '',
    trailer,
    '',
  ].join('\n');
  const room = BODY_MAX - facts.length - 200;
  const markdown = preview.markdown.length > room ? `${preview.markdown.slice(0, room)}\n\n… (the plan is longer than a pull request body allows; run \`npm run plan-change\` on the branch for all of it)\n` : preview.markdown;
  return `${markdown}\n${facts}`;
}

/** A reason is prose, not markup: links, images and HTML in it are shown as typed. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}<>]+/gu, ' ').trim();
}

async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
