import { execFile } from 'node:child_process';
import { synthOutputs } from '../../../modules/outputs';
import { loadPolicyEngine, type PolicyReport } from '../../../policies/engine/engine';
import { judgeWorkingTree } from '../../../policies/engine/judge';
import { loadModel, loadWaivers, type Located, type Model, type Waiver } from '../../../schemas';
import type { DrillRecord } from '../../../schemas/drill-record';
import { readDrillRecords } from '../drill-records';
import { mergedChanges, type MergedChange } from './merged-changes';

export const REPORT_KINDS = ['weekly', 'monthly', 'postmortem'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Days a report looks back when no `--since` is given; a postmortem always names its incident's start. */
export const DEFAULT_DAYS: Record<Exclude<ReportKind, 'postmortem'>, number> = { weekly: 7, monthly: 30 };

export interface ReportOptions {
  kind: ReportKind;
  since: Date;
  until: Date;
  /** The branch changes merge into: `origin/<delivery.targetRevision>` when it exists, else the local branch. */
  ref?: string;
  /** How many of the newest merged changes are classified (each costs a policy evaluation, and loading a revision when it touches the inputs). */
  maxChanges: number;
  /** Waivers expiring within this many days after `until` are listed as nearing expiry. */
  waiverDays: number;
}

/** Everything a report shows, gathered from the repository; nothing here is estimated. */
export interface ReportData {
  options: ReportOptions & { ref: string };
  model: Model;
  /** The working tree judged by the policies: its resilience figures and any blocking findings. */
  report: PolicyReport;
  changes: MergedChange[];
  /** Drills whose window starts inside the report's window, oldest first. */
  drills: DrillRecord[];
  /** Follow-ups of any drill that are not done, soonest due first. */
  openFollowUps: Array<DrillRecord['followUps'][number] & { drill: string }>;
  waivers: { expiring: Waiver[]; inForce: number };
  /** Failover, maintenance and emergency declarations, and change freezes, that overlap the window. */
  declarations: Model['global']['declarations'];
  freezes: Model['global']['changeFreezes'];
}

/** The repository cannot be read as a report needs it: inputs that do not load, or a branch that does not exist. */
export class ReportInputError extends Error {
  constructor(
    message: string,
    readonly errors: Located[] = [],
  ) {
    super(message);
    this.name = 'ReportInputError';
  }
}

export async function collectReport(root: string, options: ReportOptions): Promise<ReportData> {
  const [loaded, waivers] = await Promise.all([loadModel(root), loadWaivers(root)]);
  if (loaded.errors || waivers.errors.length) throw new ReportInputError("the working tree's inputs do not load", [...(loaded.errors ?? []), ...waivers.errors]);
  const model = loaded.model;
  const engine = await loadPolicyEngine(root);
  const ref = await branchToReport(root, options.ref, model.global.delivery.targetRevision);
  const [judgement, changes, records] = await Promise.all([
    judgeWorkingTree(engine, root, { model, sources: loaded.sources, files: synthOutputs(model), waivers: waivers.waivers }, { now: options.until }),
    mergedChanges(root, engine, { ref, since: options.since, until: options.until, maxClassified: options.maxChanges }),
    readDrillRecords(root),
  ]);
  const [since, until] = [options.since.toISOString(), options.until.toISOString()];
  const horizon = new Date(options.until.getTime() + options.waiverDays * 86_400_000).toISOString();
  const overlaps = (window: { start: string; end: string }) => window.start < until && window.end > since;
  return {
    options: { ...options, ref },
    model,
    report: judgement.report,
    changes,
    drills: records.filter((record) => record.window.start >= since && record.window.start < until),
    openFollowUps: records
      .flatMap((record) => record.followUps.filter((followUp) => !followUp.done).map((followUp) => ({ ...followUp, drill: record.id })))
      .sort((a, b) => a.due.localeCompare(b.due) || a.drill.localeCompare(b.drill)),
    waivers: {
      expiring: waivers.waivers.filter((waiver) => waiver.expires < horizon).sort((a, b) => a.expires.localeCompare(b.expires)),
      inForce: waivers.waivers.filter((waiver) => waiver.expires > until).length,
    },
    declarations: model.global.declarations.filter(overlaps),
    freezes: model.global.changeFreezes.filter(overlaps),
  };
}

/** `--ref` when given, else the branch Argo CD follows: `origin/<branch>` when fetched, else the local one. */
async function branchToReport(root: string, ref: string | undefined, branch: string): Promise<string> {
  const exists = (candidate: string) =>
    new Promise<boolean>((resolve) => execFile('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`], { cwd: root }, (error) => resolve(!error)));
  if (ref !== undefined) {
    if (await exists(ref)) return ref;
    throw new ReportInputError(`--ref ${ref} is not a commit or branch here (fetch it first, e.g. \`git fetch origin ${branch}\`)`);
  }
  for (const candidate of [`origin/${branch}`, branch]) if (await exists(candidate)) return candidate;
  throw new ReportInputError(`neither origin/${branch} nor ${branch} (delivery.targetRevision in regions/global.yaml) is a branch here: fetch it (\`git fetch origin ${branch}\`) or pass --ref <branch>`);
}
