import { editsFor, modelAfter, propose, standingPlans, type StandingPlan } from '../../modules/failover';
import type { Model, ModelSources, Waiver } from '../../schemas';
import type { FileTree } from '../gates/gate';
import { summarizeChange } from './change';
import { blocking, type Finding, type PolicyEngine } from './engine';
import { policyInput, type ChangeSummary } from './input';

/** How long the judged declaration runs: the console's and the drill's default window. */
const DECLARATION_HOURS = 4;

export interface StandingVerdict {
  from: string;
  to: string;
  /** Findings no waiver accepts on the model after the failover. */
  blocking: Finding[];
  /** The recovery time of losing `from`, as the policy engine adds it up. */
  rto: { seconds: number; sloSeconds: number; arithmetic: string };
  /** The data set whose loss bound is closest to its target. */
  worstRpo: { dataSet: string; boundSeconds: number; targetSeconds: number; sloSeconds: number; arithmetic: string } | null;
  /** Each SLO or target the plan would break, in words. */
  breaches: string[];
  ok: boolean;
}

export interface StandingBase {
  model: Model;
  sources: ModelSources;
  /** synthOutputs of `model`: what the plans are compared against. */
  files: FileTree;
  waivers: Waiver[];
  repositoryPaths: string[];
  /** The compile stage (modules/outputs synthOutputs), handed in so that judging never imports compiling. */
  synthOutputs(model: Model): FileTree;
}

/**
 * Judges every standing failover plan as if proposed now: the failover declared for the next hours by the team
 * that owns regions/ (with an emergency approved by another of its owners when a change freeze is in force), the
 * model after it synthesised, and the whole judged as a change from `base` by the same policies as a pull request.
 */
export function judgeStandingPlans(engine: PolicyEngine, base: StandingBase, now: Date): StandingVerdict[] {
  return standingPlans(base.model).map((plan) => judgePlan(engine, base, plan, now));
}

function judgePlan(engine: PolicyEngine, base: StandingBase, plan: StandingPlan, now: Date): StandingVerdict {
  const start = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const [declaredBy, approver] = regionOwners(base.model);
  const proposed = propose(base.model, plan.failover, {
    reason: `standing plan ${plan.from} → ${plan.to}, judged as at incident time`,
    declaredBy,
    start: start.toISOString(),
    end: new Date(start.getTime() + DECLARATION_HOURS * 3_600_000).toISOString(),
    ...(approver ? { emergencyApprovedBy: approver } : {}),
  });
  const after = modelAfter(base.model, proposed);
  const files = base.synthOutputs(after);
  const inputs = [...editsFor(proposed, base.sources).keys()];
  const change = summarizeChange(changedPaths(inputs, base.files, files), base.files, files);
  const report = engine.evaluate(
    policyInput({ model: after, sources: base.sources, files, waivers: base.waivers, repositoryPaths: base.repositoryPaths, now, base: { model: base.model, sources: base.sources }, change }),
  );
  const { rto, rpo } = report.resilience;
  const lost = rto.byRegion[plan.from];
  if (!lost) throw new Error(`the policy engine gave no RTO figure for ${plan.from}`);
  const dataSets = Object.entries(rpo.byDataSet).map(([dataSet, figure]) => ({ dataSet, ...figure, sloSeconds: rpo.sloSeconds }));
  const worstRpo = dataSets.sort((a, b) => b.boundSeconds / Math.max(b.targetSeconds, 1) - a.boundSeconds / Math.max(a.targetSeconds, 1))[0] ?? null;
  const breaches = [
    ...(lost.seconds > rto.sloSeconds ? [`RTO ${lost.seconds} s exceeds the SLO of ${rto.sloSeconds} s`] : []),
    ...dataSets.filter((figure) => figure.boundSeconds > Math.min(figure.targetSeconds, figure.sloSeconds)).map((figure) => `RPO ${figure.arithmetic} exceeds ${figure.boundSeconds > figure.targetSeconds ? `its target of ${figure.targetSeconds} s` : `the SLO of ${figure.sloSeconds} s`}`),
  ];
  const stopping = blocking(report);
  return { from: plan.from, to: plan.to, blocking: stopping, rto: { seconds: lost.seconds, sloSeconds: rto.sloSeconds, arithmetic: lost.arithmetic }, worstRpo, breaches, ok: !stopping.length && !breaches.length };
}

/** One line per plan: `failover us-east-1 → us-west-2: passes; RTO 570 s of 900 s (…); worst RPO …`. */
export function formatVerdict(verdict: StandingVerdict): string {
  const figures = `RTO ${verdict.rto.seconds} s of ${verdict.rto.sloSeconds} s (${verdict.rto.arithmetic})${verdict.worstRpo ? `; worst RPO ${verdict.worstRpo.dataSet} ${verdict.worstRpo.boundSeconds} s of ${verdict.worstRpo.targetSeconds} s` : ''}`;
  const problems = [...(verdict.blocking.length ? [`blocked by ${[...new Set(verdict.blocking.map((finding) => finding.policy))].join(', ')}`] : []), ...verdict.breaches];
  return `failover ${verdict.from} → ${verdict.to}: ${problems.length ? problems.join('; ') : 'passes'}; ${figures}`;
}

/**
 * Who the judgement declares as: the first owner of the CODEOWNERS rule for regions/ (the team that answers for
 * region changes), and another owner of it to approve an emergency. Falls back on the first rule's owners.
 */
function regionOwners(model: Model): [string, string | undefined] {
  const rule = model.global.owners.find((candidate) => candidate.path.replace(/^\//, '').replace(/\/?\*?$/, '') === 'regions') ?? model.global.owners[0]!;
  const [first, ...others] = rule.owners;
  return [first!, others.find((owner) => owner.toLowerCase() !== first!.toLowerCase())];
}

/** The edited inputs plus every output that differs: the change's files, as `git diff` against the base would list them. */
function changedPaths(inputs: string[], base: FileTree, head: FileTree): ChangeSummary['files'] {
  const files: ChangeSummary['files'] = inputs.map((file) => ({ path: file, status: 'modified' }));
  for (const [file, text] of head) if (base.get(file) !== text) files.push({ path: file, status: base.has(file) ? 'modified' : 'added' });
  for (const file of base.keys()) if (!head.has(file)) files.push({ path: file, status: 'deleted' });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
