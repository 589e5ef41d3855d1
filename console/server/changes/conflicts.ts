import type { Revision } from '../../../policies/engine/change';
import { stableJson, type Model, type ModelSources } from '../../../schemas';
import type { Forge, PullRequest } from '../forges/forge';
import type { Mirror } from './git';
import { touchesOf, type Touch } from './intents';
import { branchOf, BRANCH_PREFIX, verifiedTrailer, type ConsoleIdentity } from './trust';
import type { ValueConflict } from './types';

export { BRANCH_PREFIX };
/** Commits of one file searched for the one that changed a value; older ones are attributed to the newest. */
const ATTRIBUTION_DEPTH = 20;

const key = (touch: { file: string; path: string }) => `${touch.file}: ${touch.path}`;
const same = (a: unknown, b: unknown) => stableJson(a ?? null) === stableJson(b ?? null);

/**
 * Open console pull requests, other than this preview's own, whose intent touches a value this change
 * touches. Their intents come from the trailers in their bodies (of pull requests the console opened), their
 * files from the current base.
 */
export async function openPullRequestConflicts(forge: Forge, identity: ConsoleIdentity, touches: readonly Touch[], own: { id: string; branch: string }, current: { model: Model; sources: ModelSources }): Promise<ValueConflict[]> {
  const wanted = new Set(touches.map(key));
  const conflicts: ValueConflict[] = [];
  for (const pullRequest of await forge.listPullRequests('open')) {
    if (!pullRequest.branch.startsWith(BRANCH_PREFIX) || pullRequest.branch === own.branch) continue;
    const verified = verifiedTrailer(pullRequest, identity);
    if (!('trailer' in verified) || verified.trailer.id === own.id) continue;
    const { trailer } = verified;
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
  identity: ConsoleIdentity & { committer: { name: string; email: string } },
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
    conflicts.push({ file: touch.file, path: touch.path, theirs, ...(await describeCommit(forge, identity, commit)) });
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

/**
 * Who and which pull request. A commit the console committed names its requester and change in its final
 * trailer block; any other commit (a squash, a merge) is attributed through the pull request its message
 * names, by that pull request's trailer when the console opened it, else to the commit's author.
 */
async function describeCommit(forge: Forge, identity: ConsoleIdentity & { committer: { name: string; email: string } }, commit: LoggedCommit | undefined): Promise<Pick<ValueConflict, 'by' | 'at' | 'pullRequest' | 'commit'>> {
  if (!commit) return { by: 'unknown', at: '' };
  const byConsole = commit.committer === identity.committer.name && commit.committerEmail === identity.committer.email;
  const trailers = byConsole ? finalTrailers(commit.message) : new Map<string, string>();
  const requestedBy = /^@\S+$/.exec(trailers.get('Requested-By') ?? '')?.[0];
  const changeId = /^[0-9a-f]{64}$/.exec(trailers.get('Console-Change-Request') ?? '')?.[0];
  const number = /(?:pull request #|\(#|Merge pull request '.*' \(#)(\d+)\)?/.exec(commit.message)?.[1];
  let pullRequest: PullRequest | undefined;
  if (changeId) pullRequest = await forge.findPullRequest(branchOf(changeId)).catch(() => undefined);
  if (!pullRequest && number) pullRequest = await forge.getPullRequest(Number(number)).catch(() => undefined);
  const verified = pullRequest && !requestedBy ? verifiedTrailer(pullRequest, identity) : undefined;
  return {
    by: requestedBy ?? (verified && 'trailer' in verified ? verified.trailer.requester : commit.author),
    at: new Date(commit.date).toISOString(),
    commit: commit.sha,
    ...(pullRequest ? { pullRequest: { number: pullRequest.number, url: pullRequest.url, state: pullRequest.state === 'merged' ? 'merged' : 'open' } } : {}),
  };
}

/**
 * The trailers of a commit message's last paragraph, as `git interpret-trailers --parse` reads them: only
 * when every line of it is `Key: value`. Text above it (a reason typed as `Requested-By: @someone`) is prose.
 */
export function finalTrailers(message: string): Map<string, string> {
  const paragraphs = message.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  const last = paragraphs.length > 1 ? paragraphs.at(-1)! : '';
  const trailers = new Map<string, string>();
  for (const line of last.split('\n')) {
    const match = /^([A-Za-z0-9-]+): (.+)$/.exec(line);
    if (!match) return new Map();
    trailers.set(match[1]!, match[2]!);
  }
  return trailers;
}
