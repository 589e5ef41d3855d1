import { existsSync } from 'node:fs';
import path from 'node:path';
import { count } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type Gate } from './gate';
import { formatFinding, oneLine, parseSarif, publishSarif, rebaseSarif, runTool, sarifFindings } from './sarif';

const GITHUB_DIR = '.github';

/**
 * zizmor's offline audits over every workflow, composite action and Dependabot file in .github/: template
 * injection, dangerous triggers, unpinned or impostor-prone `uses:`, credentials persisted by checkout,
 * excessive permissions and the rest of its regular persona. Any finding fails; a file zizmor cannot parse
 * fails too (--strict-collection), rather than being skipped with a warning.
 */
export const zizmorGate: Gate = {
  name: 'zizmor',
  description: 'zizmor --offline finds nothing in .github/ (workflows, composite actions, Dependabot); its SARIF goes to $MR_SARIF_DIR/zizmor.sarif.',
  async run({ root }) {
    if (!existsSync(path.join(root, GITHUB_DIR))) return fail(`no ${GITHUB_DIR}/ to audit`, [`the CI workflows live in ${GITHUB_DIR}/workflows/ (docs/ci.md); restore them`]);
    const zizmor = resolveTool(root, 'zizmor');
    if (!zizmor.ok) return fail('zizmor unavailable', [zizmor.message]);
    const run = await runTool(zizmor.path, ['--offline', '--no-progress', '--strict-collection', '--color=never', '--format', 'sarif', GITHUB_DIR], { cwd: root });
    if (!run.stdout.trim()) return fail(`zizmor exited with ${run.code ?? 'a signal'} and wrote no report`, [oneLine(run.stderr)]);
    // zizmor names files relative to the folder it was given; code scanning needs them from the repository root.
    const log = rebaseSarif(parseSarif(run.stdout, 'zizmor'), GITHUB_DIR);
    await publishSarif('zizmor', log);
    const findings = sarifFindings(log);
    if (findings.length) return fail(count(findings.length, 'finding'), [...findings.map(formatFinding), '`.tools/bin/zizmor --offline .github` explains each finding and its remedy']);
    if (run.code !== 0) return fail(`zizmor exited with ${run.code ?? 'a signal'}`, [oneLine(run.stderr)]);
    return pass(`${GITHUB_DIR}/ clean under every offline audit`);
  },
};
