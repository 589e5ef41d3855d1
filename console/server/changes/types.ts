import type { ChangeIntent, ChangeRequest } from '../../../schemas';
import type { Revision } from '../../../policies/engine/change';
import type { Finding, PolicyReport } from '../../../policies/engine/engine';
import type { Role } from '../auth/roles';
import type { CheckState, PullRequest, ReviewState } from '../forges/forge';

export interface Requester {
  login: string;
  name: string;
  email: string;
  role: Role;
  /** `@login`, as declarations record who declared them. */
  handle: string;
}

/** Another change to a value this one changes: an open console pull request, or a commit merged since the base. */
export interface ValueConflict {
  file: string;
  path: string;
  /** The value that change gives it. */
  theirs: unknown;
  /** A handle (`@login`) when known, else the commit author's name. */
  by: string;
  /** ISO date-time the other change was opened or committed. */
  at: string;
  pullRequest?: { number: number; url: string; state: 'open' | 'merged' };
  commit?: string;
}

export interface PreviewFile {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** `git diff` of this file against the base. */
  diff: string;
}

export interface Preview {
  /** sha-256 of base sha + intent + reason + requester login: the same request on the same base is the same preview. */
  id: string;
  base: { branch: string; sha: string };
  intent: ChangeIntent;
  reason: string;
  requester: Requester;
  /** Inputs first, then generated/. */
  files: PreviewFile[];
  /** The policies' findings, then the console's own refusals (policy ids `console.*`). */
  findings: Finding[];
  blocking: Finding[];
  classification: PolicyReport['classification'];
  resilience: { before?: PolicyReport['resilience']; after: PolicyReport['resilience'] };
  /** The plan-change markdown, exactly what the pull request's body starts with. */
  markdown: string;
  /** sha-256 over the edited input files' paths and contents. */
  inputHash: string;
  /** sha-256 of the base's policies/bundle/policy.wasm. */
  bundleHash: string;
  conflicts: ValueConflict[];
  /** Reviewers CODEOWNERS asks for on the changed files, as the forge takes them; never the requester. */
  reviewers: { users: string[]; teams: string[] };
  /** The values this change sets, `file: path`, which conflicts are looked up by. */
  touches: Array<{ file: string; path: string }>;
  submittable: boolean;
  notSubmittableBecause?: string;
  durationMs: number;
}

export type SubmitResult =
  | { status: 'opened'; pullRequest: PullRequest; preview: Preview; replayed: boolean }
  | { status: 'rebased'; preview: Preview }
  | { status: 'conflict'; preview: Preview }
  | { status: 'blocked'; preview: Preview };

/** What the console wrote into a pull request's body, read back from the forge. */
export interface ChangeTrailer {
  id: string;
  intent: ChangeIntent;
  reason: string;
  requester: string;
  base: string;
  inputHash: string;
  bundleHash: string;
  class: PolicyReport['classification']['class'];
  findings: { total: number; blocking: number };
}

export interface ChangeRequestSummary {
  number: number;
  url: string;
  title: string;
  state: PullRequest['state'];
  branch: string;
  createdAt: string;
  mergedAt?: string;
  labels: string[];
  /** From the body's trailer; undefined when the body no longer carries a readable one, or the console did not open the pull request. */
  change?: ChangeTrailer;
  /** Why the pull request's trailer is not taken as the console's (opened by someone else, from a fork, …); its requester and reason are then unknown. */
  unverified?: string;
  /** `change:<class>` label, else the trailer's class; only for pull requests the console opened. */
  class?: ChangeTrailer['class'];
  requester?: string;
  reason?: string;
  findings?: ChangeTrailer['findings'];
  checks: CheckState;
  reviews: ReviewState;
}

export interface ChangeRequestDetail extends ChangeRequestSummary {
  /** The body as on the forge: the plan-change markdown, the hashes and the trailer. */
  body: string;
  files: string[];
  headSha: string;
  baseSha: string;
  author: string;
}

/** The forge's default branch and its tip. */
export interface DefaultBranch {
  name: string;
  sha: string;
}

export interface ChangeService {
  preview(input: { request: ChangeRequest; requester: Requester }): Promise<Preview>;
  submit(input: { request: ChangeRequest; requester: Requester; idempotencyKey: string; previewId: string; acknowledgeConflicts?: boolean }): Promise<SubmitResult>;
  /** Console-made pull requests (branch prefix `console/`), newest first. */
  list(): Promise<ChangeRequestSummary[]>;
  get(number: number): Promise<ChangeRequestDetail>;
  /**
   * The forge's default branch, its tip fetched into the console's mirror. Asked of the forge again only when
   * the last answer (a preview's included) is older than `maxAgeMs`; by default, always.
   */
  defaultBranch(maxAgeMs?: number): Promise<DefaultBranch>;
  /** The model and committed outputs at a commit of the mirror, loaded once and shared with the previews on it. */
  revision(sha: string): Promise<Revision>;
  /** Calls `listener` whenever the service learns that the default branch moved (a preview's read included); returns the unsubscribe function. */
  onDefaultBranchMoved(listener: (tip: DefaultBranch) => void): () => void;
  /** Removes scratch worktrees; the service is unusable afterwards. */
  close(): Promise<void>;
}
