import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { count, formatLocated, listInputFiles, loadWaivers, WAIVERS_FILE } from '../../schemas';
import { blocking, loadPolicyEngine, PolicyBundleError, type Finding } from '../engine/engine';
import { policyInput } from '../engine/input';
import { fail, pass, type Gate } from './gate';

const run = promisify(execFile);
const SHOWN = 30;

/** The committed OPA bundle judges the model, the Terraform stacks and the manifests: no unwaived finding may remain. */
export const policyGate: Gate = {
  name: 'policy',
  description: 'The OPA policies (evaluated from the committed wasm bundle) report no finding that an unexpired waiver does not cover.',
  async run({ root, load, synthesized, committed }) {
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
    const files = synthesized ?? committed;
    const report = engine.evaluate(
      policyInput({ model: load.model, sources: load.sources, files, waivers: waivers.waivers, repositoryPaths: await repositoryPaths(root, files.keys()) }),
    );
    const failing = blocking(report);
    const waived = report.findings.length - failing.length;
    const { rto } = report.resilience;
    const summary = `${count(engine.policies.length, 'policy', 'policies')}, ${count(failing.length, 'finding')}${waived ? ` (+${waived} waived)` : ''}; RTO bound ${rto.boundSeconds} s of ${rto.sloSeconds} s`;
    if (!failing.length) return pass(summary);
    return fail(summary, [...failing.slice(0, SHOWN).map(formatFinding), ...(failing.length > SHOWN ? [`… and ${failing.length - SHOWN} more (npm run policies -- --format text)`] : [])]);
  },
};

/** `HIGH traffic.weights-sum-to-100 regions/us-west-2.ts: traffic.weight: …` */
export function formatFinding(finding: Finding): string {
  const path = finding.location.path ? ` ${finding.location.path}:` : '';
  return `${finding.severity.toUpperCase()} ${finding.policy} ${finding.location.file}:${path} ${finding.message}`;
}

/** Tracked files, or, outside a git checkout, every file the pipeline knows about. */
export async function repositoryPaths(root: string, files: Iterable<string>): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const tracked = stdout.split('\0').filter(Boolean);
    if (tracked.length) return tracked;
  } catch {
    // not a git checkout: fall through
  }
  return [...new Set([...(await listInputFiles(root)), ...files])].sort();
}
