import { count, formatLocated, loadWaivers, WAIVERS_FILE } from '../../schemas';
import { RevisionError } from '../engine/change';
import { blocking, loadPolicyEngine, PolicyBundleError } from '../engine/engine';
import { judgeWorkingTree } from '../engine/judge';
import { formatFinding } from '../engine/report-format';
import { fail, pass, type Gate } from './gate';

const SHOWN = 30;

/** The committed OPA bundle judges the model, the Terraform stacks and the manifests: no unwaived finding may remain. */
export const policyGate: Gate = {
  name: 'policy',
  description: 'The OPA policies (evaluated from the committed wasm bundle) report no finding that an unexpired waiver does not cover.',
  async run({ root, load, synthesized, committed, baseRef, now }) {
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
    const summary = `${count(engine.policies.length, 'policy', 'policies')} ${judged}: ${count(failing.length, 'finding')}${waived ? ` (+${waived} waived)` : ''}; RTO bound ${rto.boundSeconds} s of ${rto.sloSeconds} s`;
    if (!failing.length) return pass(summary);
    return fail(summary, [...failing.slice(0, SHOWN).map(formatFinding), ...(failing.length > SHOWN ? [`… and ${failing.length - SHOWN} more (\`npm run plan-change -- --format text\` lists all)`] : [])]);
  },
};
