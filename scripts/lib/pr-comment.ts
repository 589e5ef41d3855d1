import { createGitHubClient, createGitHubForge, type GitHubClientOptions } from '../../console/server/forges/github';
import { ForgeError, type ForgeRepo } from '../../console/server/forges/forge';
import type { PolicyReport } from '../../policies/engine/engine';

/** Opens the change-plan comment; only a comment that starts with it, by the CI's own login, is ever updated. */
export const PLAN_MARKER = '<!-- multi-region-gitops:plan-change -->';
/** GitHub refuses an issue or pull-request comment longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
/** The label every change carries for its class; the console sets the same on the pull requests it opens. */
export const CLASS_LABEL_PREFIX = 'change:';

export type ChangeClass = PolicyReport['classification']['class'];

/**
 * The comment for a change plan: the marker, the plan, and a link to the run's artifact with the whole plan.
 * A plan too long for one comment is cut at a line boundary, with any code block or `<details>` it was cut
 * inside closed again, and says so above the link.
 */
export function planComment(markdown: string, artifactUrl: string): { body: string; truncated: boolean } {
  const footer = `\n\n---\nThe full change plan is the artifact [change-plan](${artifactUrl}) of this run.\n`;
  const whole = `${PLAN_MARKER}\n${markdown.trimEnd()}${footer}`;
  if (whole.length <= COMMENT_LIMIT) return { body: whole, truncated: false };
  const notice = `\n\n> **Truncated:** this plan is longer than the ${COMMENT_LIMIT.toLocaleString('en-US')} characters a comment may hold; the rest is in the artifact below.`;
  // Room for the closers a cut may need: one code fence and every <details> the plan opens.
  const closersRoom = '\n```'.length + (markdown.match(/<details>/g)?.length ?? 0) * '\n</details>'.length;
  const room = COMMENT_LIMIT - PLAN_MARKER.length - 1 - notice.length - footer.length - closersRoom;
  const cut = markdown.slice(0, room);
  let kept = cut.slice(0, Math.max(cut.lastIndexOf('\n'), 0));
  if ((kept.match(/^```/gm)?.length ?? 0) % 2 === 1) kept += '\n```';
  const unclosed = (kept.match(/<details>/g)?.length ?? 0) - (kept.match(/<\/details>/g)?.length ?? 0);
  kept += '\n</details>'.repeat(Math.max(unclosed, 0));
  return { body: `${PLAN_MARKER}\n${kept}${notice}${footer}`, truncated: true };
}

export interface PullRequestTarget extends GitHubClientOptions {
  repo: ForgeRepo;
  number: number;
  /** The login the CI's token acts as (`github-actions[bot]` for GITHUB_TOKEN): only its marked comment is ours. */
  botLogin: string;
}

/**
 * Puts the plan on the pull request as one comment: the CI's earlier marked comment is edited in place, so a
 * push never adds a comment; the first push creates it. Another author's comment is never touched, whatever it holds.
 */
export async function upsertPlanComment(target: PullRequestTarget, body: string): Promise<{ action: 'created' | 'updated'; id: number; url: string }> {
  const { octokit, api } = createGitHubClient(target);
  const issue = { owner: target.repo.owner, repo: target.repo.name, issue_number: target.number };
  const comments = await api(`list the comments of #${target.number}`, () => octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 }));
  const ours = comments.find((comment) => comment.user?.login === target.botLogin && comment.body?.startsWith(PLAN_MARKER));
  if (ours) {
    const { data } = await api(`update comment ${ours.id} on #${target.number}`, () =>
      octokit.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: ours.id, body }),
    );
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await api(`comment on #${target.number}`, () => octokit.rest.issues.createComment({ ...issue, body }));
  return { action: 'created', id: data.id, url: data.html_url };
}

/**
 * Labels the pull request `change:<class>` and removes any other `change:` label a previous push left, so the
 * label always names the class of the change as it is now. Other labels stay.
 */
export async function setClassLabel(target: PullRequestTarget, changeClass: ChangeClass): Promise<{ added: string[]; removed: string[] }> {
  const forge = createGitHubForge(target);
  const { octokit, api } = createGitHubClient(target);
  const wanted = `${CLASS_LABEL_PREFIX}${changeClass}`;
  const { labels } = await forge.getPullRequest(target.number);
  const stale = labels.filter((label) => label.startsWith(CLASS_LABEL_PREFIX) && label !== wanted);
  for (const name of stale) {
    try {
      await api(`remove label ${name} from #${target.number}`, () => octokit.rest.issues.removeLabel({ owner: target.repo.owner, repo: target.repo.name, issue_number: target.number, name }));
    } catch (error) {
      // Removed meanwhile (a second run, a person): gone is what was wanted.
      if (!(error instanceof ForgeError && error.code === 'not-found')) throw error;
    }
  }
  const added = labels.includes(wanted) ? [] : [wanted];
  if (added.length) await forge.addLabels(target.number, added);
  return { added, removed: stale };
}
