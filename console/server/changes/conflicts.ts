import type { Revision } from '../../../policies/engine/change';
import { stableJson, type Model, type ModelSources } from '../../../schemas';
import type { Forge, PullRequest } from '../forges/forge';
import type { Mirror } from './git';
import { touchesOf, type Touch } from './intents';
import { parseTrailer } from './trailer';
import type { ValueConflict } from './types';

export const BRANCH_PREFIX = 'console/';
/** Commits of one file searched for the one that changed a value; older ones are attributed to the newest. */
const ATTRIBUTION_DEPTH = 20;

const key = (touch: { file: string; path: string }) => `${touch.file}: ${touch.path}`;
const same = (a: unknown, b: unknown) => stableJson(a ?? null) === stableJson(b ?? null);

/**
 * Open console pull requests, other than this preview's own, whose intent touches a value this change
 * touches. Their intents come from the trailers in their bodies, their files from the current base.
 */
export async function openPullRequestConflicts(forge: Forge, touches: readonly Touch[], own: { id: string; branch: string }, current: { model: Model; sources: ModelSources }): Promise<ValueConflict[]> {
  const wanted = new Set(touches.map(key));
  const conflicts: ValueConflict[] = [];
  for (const pullRequest of await forge.listPullRequests('open')) {
    if (!pullRequest.branch.startsWith(BRANCH_PREFIX) || pullRequest.branch === own.branch) continue;
    const trailer = parseTrailer(pullRequest.body);
    if (!trailer || trailer.id === own.id) continue;
    for (const theirs of touchesOf(trailer.intent, current.model, current.sources)) {
      if (!wanted.has(key(theirs))) continue;
      conflicts.push({
        file: theirs.file,
        path: theirs.path,
        theirs: theirs.value,
        by: trailer.requester,
        at: pullRequest.createdAt,
        pullRequest: { number: pullRequest.number, url: pullRequest.url, state: 'open' },
        commit: pullRequest.headSha,
      });
    }
  }
  return conflicts;
}

/**
 * Values this change touches that commits merged between `since` (the base the operator previewed on) and
 * `head` changed: each is attributed to the newest commit that changed it, with its author, date and pull request.
 */
export async function mergedConflicts(
  forge: Forge,
  mirror: Mirror,
  revision: (sha: string) => Promise<Revision>,
  touches: readonly Touch[],
  since: string,
  head: Revision,
): Promise<ValueConflict[]> {
  if (since === head.commit || !(await mirror.hasCommit(since)) || !(await mirror.isAncestor(since, head.commit))) return [];
  const before = (await revision(since)).model;
  const conflicts: ValueConflict[] = [];
  for (const touch of touches) {
    const theirs = touch.read(head.model);
    if (same(touch.read(before), theirs)) continue;
    const commit = await attribute(mirror, revision, touch, since, head.commit);
    conflicts.push({ file: touch.file, path: touch.path, theirs, ...(await describeCommit(forge, commit)) });
  }
  return conflicts;
}

type LoggedCommit = Awaited<ReturnType<Mirror['log']>>[number];

async function attribute(mirror: Mirror, revision: (sha: string) => Promise<Revision>, touch: Touch, since: string, head: string): Promise<LoggedCommit | undefined> {
  const commits = await mirror.log(since, head, touch.file);
  for (const commit of commits.slice(0, ATTRIBUTION_DEPTH)) {
    const [after, parent] = await Promise.all([revision(commit.sha), revision(`${commit.sha}^`)]);
    if (!same(touch.read(after.model), touch.read(parent.model))) return commit;
  }
  return commits[0];
}

/** Who and which pull request: the console's trailers when the commit carries them, else the merge message's `#n`. */
async function describeCommit(forge: Forge, commit: LoggedCommit | undefined): Promise<Pick<ValueConflict, 'by' | 'at' | 'pullRequest' | 'commit'>> {
  if (!commit) return { by: 'unknown', at: '' };
  const requestedBy = /^Requested-By: (@\S+)$/m.exec(commit.message)?.[1];
  const changeId = /^Console-Change-Request: ([0-9a-f]{64})$/m.exec(commit.message)?.[1];
  const number = /(?:pull request #|\(#|Merge pull request '.*' \(#)(\d+)\)?/.exec(commit.message)?.[1];
  let pullRequest: PullRequest | undefined;
  if (changeId) pullRequest = await forge.findPullRequest(`${BRANCH_PREFIX}${changeId.slice(0, 12)}`).catch(() => undefined);
  if (!pullRequest && number) pullRequest = await forge.getPullRequest(Number(number)).catch(() => undefined);
  return {
    by: requestedBy ?? commit.author,
    at: new Date(commit.date).toISOString(),
    commit: commit.sha,
    ...(pullRequest ? { pullRequest: { number: pullRequest.number, url: pullRequest.url, state: pullRequest.state === 'merged' ? 'merged' : 'open' } } : {}),
  };
}
