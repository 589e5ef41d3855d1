import type { Model } from '../../schemas';
import type { PolicyEngine } from './engine';
import type { Judgement } from './judge';
import type { ChangePlan } from './report-format';

/**
 * The plan a judgement renders as: `plan-change` and the console's pull requests show the same report.
 * `headLabel` names what is judged against the base (the working tree, a console branch).
 */
export function changePlan(engine: PolicyEngine, head: Model, { report, base, change }: Judgement, headLabel: string): ChangePlan {
  return {
    title: base ? `Change plan: ${base.revision.ref} (${base.revision.commit.slice(0, 12)}) → ${headLabel}` : `Policy report: ${headLabel}`,
    head: { model: head, report },
    ...(base?.report ? { base: { model: base.revision.model, report: base.report, label: base.revision.ref } } : {}),
    ...(change ? { change } : {}),
    policies: engine.policies,
  };
}
