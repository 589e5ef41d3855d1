import type { ForgeRepo, PullRequest } from '../forges/forge';
import { parseTrailer } from './trailer';
import type { ChangeTrailer } from './types';

export const BRANCH_PREFIX = 'console/';

/** `console/<first 12 hex digits of the preview id>`. */
export function branchOf(previewId: string): string {
  return `${BRANCH_PREFIX}${previewId.slice(0, 12)}`;
}

/** Who the console is on its forge: only pull requests it opened, from its own repository, speak for it. */
export interface ConsoleIdentity {
  bot: string;
  repo: ForgeRepo;
}

/**
 * The trailer of a pull request the console opened, or why the pull request is not one. Anyone who can push a
 * branch can name it `console/…` and write a trailer, so its requester, reason and intent count only when the
 * console's bot opened it from the repository itself, and the trailer's id is the one its branch is named after.
 */
export function verifiedTrailer(pullRequest: PullRequest, identity: ConsoleIdentity): { trailer: ChangeTrailer } | { unverified: string } {
  if (!pullRequest.branch.startsWith(BRANCH_PREFIX)) return { unverified: `its branch ${pullRequest.branch} is not one the console names` };
  if (pullRequest.author.toLowerCase() !== identity.bot.toLowerCase()) return { unverified: `opened by ${pullRequest.author || 'an unknown account'}, not by the console (${identity.bot})` };
  const here = `${identity.repo.owner}/${identity.repo.name}`.toLowerCase();
  if (pullRequest.headRepo?.toLowerCase() !== here) return { unverified: `its branch lives in ${pullRequest.headRepo ?? 'a deleted repository'}, not in ${identity.repo.owner}/${identity.repo.name}` };
  const trailer = parseTrailer(pullRequest.body);
  if (!trailer) return { unverified: 'its body no longer carries a readable console trailer' };
  if (branchOf(trailer.id) !== pullRequest.branch) return { unverified: `its trailer names change ${trailer.id.slice(0, 12)}, not its branch ${pullRequest.branch}` };
  return { trailer };
}
