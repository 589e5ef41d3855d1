import { changedFiles, git, loadRevision, RevisionError, summarizeChange, type Revision } from '../../../policies/engine/change';
import { blocking, type PolicyEngine } from '../../../policies/engine/engine';
import { policyInput, type ChangeSummary } from '../../../policies/engine/input';
import type { RISK_CLASSES } from '../../../schemas/drill-record';


/** A change merged on the default branch: a first-parent commit, judged against its first parent. */
export interface MergedChange {
  commit: string;
  /** Committer date, UTC: when the change reached the default branch. */
  date: string;
  author: string;
  subject: string;
  pullRequest?: number;
  /** The class the policy engine gives the change, as `plan-change` would have given it at merge time. */
  classification?: { class: (typeof RISK_CLASSES)[number]; rule: string; blockingFindings: number };
  /** Why a change has no class: past the bound on how many are classified, or a side that does not load. */
  unclassified?: string;
}

/**
 * Files a revision is made of, as `loadRevision` reads them: the inputs and the committed output. A commit
 * that touches none of them has its parent's model, output and waivers, so it is not loaded again.
 */
const REVISION_CONTENT = /^(regions\/|apps\/|generated\/|CODEOWNERS$|policies\/waivers\.yaml$)/;

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * The changes merged on `ref` in [since, until), newest first. The newest `maxClassified` are classified with
 * the same engine and input as `plan-change`, evaluated at their merge time; each loaded revision is reused by
 * the next change, so the cost is one load per change that touches the inputs or the output, plus the oldest base.
 */
export async function mergedChanges(root: string, engine: PolicyEngine, options: { ref: string; since: Date; until: Date; maxClassified: number }): Promise<MergedChange[]> {
  const stdout = await git(root, ['log', '--first-parent', `--format=%H${FIELD}%P${FIELD}%cI${FIELD}%an${FIELD}%s${RECORD}`, `--since=${options.since.toISOString()}`, `--until=${options.until.toISOString()}`, '--end-of-options', options.ref, '--']);
  const commits = stdout
    .split(RECORD)
    .map((entry) => entry.replace(/^\n/, ''))
    .filter(Boolean)
    .map((entry) => {
      const [commit = '', parents = '', date = '', author = '', subject = ''] = entry.split(FIELD);
      return { commit, parent: parents.split(' ').filter(Boolean)[0], date: new Date(date).toISOString(), author, subject };
    })
    // git's --since and --until allow some slop around clock skew; the report's window is exact.
    .filter(({ date }) => date >= options.since.toISOString() && date < options.until.toISOString());

  const revisions = new Map<string, Promise<Revision>>();
  const revisionAt = (commit: string): Promise<Revision> => {
    let revision = revisions.get(commit);
    if (!revision) revisions.set(commit, (revision = loadRevision(root, commit)));
    return revision;
  };
  const changes: MergedChange[] = [];
  // Oldest first, so that each change's revision is the next one's base.
  const classified = new Set(commits.slice(0, options.maxClassified).map(({ commit }) => commit));
  for (const entry of [...commits].reverse()) {
    const pullRequest = pullRequestOf(entry.subject);
    const change: MergedChange = { commit: entry.commit, date: entry.date, author: entry.author, subject: entry.subject, ...(pullRequest ? { pullRequest } : {}) };
    if (!classified.has(entry.commit)) change.unclassified = `older than the newest ${options.maxClassified} changes (raise --max-changes to classify it)`;
    else if (!entry.parent) change.unclassified = 'the first commit: there is no base to compare it with';
    else {
      try {
        change.classification = await classify(root, engine, entry.parent, entry.commit, new Date(entry.date), revisionAt);
      } catch (error) {
        if (!(error instanceof RevisionError)) throw error;
        change.unclassified = error.message;
      }
    }
    changes.push(change);
  }
  return changes.reverse();
}

async function classify(root: string, engine: PolicyEngine, parent: string, commit: string, mergedAt: Date, revisionAt: (commit: string) => Promise<Revision>): Promise<NonNullable<MergedChange['classification']>> {
  const files = await changedFiles(root, parent, commit);
  const base = await revisionAt(parent);
  const head = files.some((file) => REVISION_CONTENT.test(file.path)) ? await revisionAt(commit) : base;
  const report = engine.evaluate(
    policyInput({
      model: head.model,
      sources: head.sources,
      files: head.files,
      waivers: head.waivers,
      repositoryPaths: await trackedPaths(root, commit),
      now: mergedAt,
      base: { model: base.model, sources: base.sources },
      change: summarizeChange(files, base.files, head.files),
    }),
  );
  return { class: report.classification.class, rule: report.classification.rule, blockingFindings: blocking(report).length };
}

async function trackedPaths(root: string, commit: string): Promise<string[]> {
  return (await git(root, ['ls-tree', '-r', '--name-only', '-z', commit])).split('\0').filter(Boolean);
}

/** The pull request a merge or squash commit names: GitHub's "Merge pull request #12 …" or "… (#12)". */
export function pullRequestOf(subject: string): number | undefined {
  const number = /^Merge pull request #(\d{1,9})\b/.exec(subject)?.[1] ?? /\(#(\d{1,9})\)\s*$/.exec(subject)?.[1];
  return number ? Number(number) : undefined;
}
