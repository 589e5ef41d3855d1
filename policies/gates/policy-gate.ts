import { count, formatLocated, loadWaivers, WAIVERS_FILE } from '../../schemas';
import { RevisionError } from '../engine/change';
import { blocking, loadPolicyEngine, PolicyBundleError } from '../engine/engine';
import { judgeWorkingTree } from '../engine/judge';
import { repositoryPaths } from '../engine/repository';
import { formatFinding } from '../engine/report-format';
import { formatVerdict, judgeStandingPlans } from '../engine/standing-plans';
import { fail, pass, type Gate } from './gate';

const SHOWN = 30;

/**
 * The committed OPA bundle judges the model, the Terraform stacks and the manifests: no unwaived finding may remain.
 * Each standing failover plan (generated/failover/) is judged too, as proposed now, so an incident never finds it blocked.
 */
export const policyGate: Gate = {
  name: 'policy',
  description:
    'The OPA policies (evaluated from the committed wasm bundle) report no finding that an unexpired waiver does not cover, and every standing failover plan, judged as a change proposed now, is neither blocked nor over the RTO or RPO SLO.',
  async run({ root, load, synthesized, synthOutputs, committed, baseRef, now }) {
    if (load.errors) return fail('not run: the model did not load (see the model gate)');
    const waivers = await loadWaivers(root);
    if (waivers.errors.length) return fail(`${WAIVERS_FILE} is invalid`, waivers.errors.map(formatLocated));
    let engine;
    try {
      engine = await loadPolicyEngine(root);
    } catch (error) {
      if (error instanceof PolicyBundleError) return fail('policy bundle unusable', [error.message]);
      throw error;
    }
    let report;
    try {
      const head = { model: load.model, sources: load.sources, files: synthesized ?? committed, waivers: waivers.waivers };
      ({ report } = await judgeWorkingTree(engine, root, head, { ...(baseRef ? { base: baseRef } : {}), ...(now ? { now } : {}) }));
    } catch (error) {
      if (error instanceof PolicyBundleError) return fail('policy bundle unusable', [error.message]);
      if (error instanceof RevisionError) return fail(`cannot load the base ${baseRef}`, [error.message, ...error.errors.map(formatLocated)]);
      throw error;
    }
    const failing = blocking(report);
    const waived = report.findings.length - failing.length;
    const { rto } = report.resilience;
    const judged = baseRef ? `as a change from ${baseRef} (${report.classification.class})` : 'without a base (change-aware rules see no change; set MR_BASE_REF in pull-request CI)';
    // The standing plans start from a fresh synth of this model; without one (the drift gate says why) there is nothing to judge them against.
    if (synthesized && !synthOutputs) return fail('standing failover plans not judged: the gate context has no compile stage (create it with createGateContext)');
    const verdicts =
      synthesized && synthOutputs
        ? judgeStandingPlans(engine, { model: load.model, sources: load.sources, files: synthesized, waivers: waivers.waivers, repositoryPaths: await repositoryPaths(root, synthesized.keys()), synthOutputs }, now ?? new Date())
        : [];
    const refused = verdicts.filter((verdict) => !verdict.ok);
    const plans = synthesized ? `; ${count(verdicts.length - refused.length, 'standing failover plan')} of ${verdicts.length} pass` : '; standing failover plans not judged (synth failed)';
    const summary = `${count(engine.policies.length, 'policy', 'policies')} ${judged}: ${count(failing.length, 'finding')}${waived ? ` (+${waived} waived)` : ''}; RTO bound ${rto.boundSeconds} s of ${rto.sloSeconds} s${plans}`;
    if (!failing.length && !refused.length) return pass(summary);
    return fail(summary, [
      ...failing.slice(0, SHOWN).map(formatFinding),
      ...(failing.length > SHOWN ? [`… and ${failing.length - SHOWN} more (\`npm run plan-change -- --format text\` lists all)`] : []),
      ...refused.flatMap((verdict) => [
        `generated/failover/${verdict.from}-to-${verdict.to}.md: ${formatVerdict(verdict)}`,
        ...verdict.blocking.slice(0, SHOWN).map((finding) => `  ${formatFinding(finding)}`),
        `  (\`npm run drill -- --from ${verdict.from} --to ${verdict.to} --dry-run\` judges the plan the same way and prints the arithmetic)`,
      ]),
    ]);
  },
};
