import { POSTGRESQL_PROGRAMS, resolveTool, type ToolName } from '../toolchain/resolve';
import { fail, pass, type Gate } from './gate';

/**
 * Tools the gates shell out to, and PostgreSQL for the specs that start real servers; each must be installed
 * at its pinned version by `npm run setup`.
 */
export const REQUIRED_TOOLS: readonly ToolName[] = [
  'opa',
  'kyverno',
  'promtool',
  'prometheus',
  'checkov',
  'actionlint',
  'shellcheck',
  'zizmor',
  'gitleaks',
  'semgrep',
  ...POSTGRESQL_PROGRAMS,
];

export const toolchainGate: Gate = {
  name: 'toolchain',
  description: 'Every external CLI the gates use is installed at its pinned version; a missing one fails with the command that installs it.',
  async run({ root }) {
    const resolved = REQUIRED_TOOLS.map((name) => resolveTool(root, name));
    const missing = resolved.filter((tool) => !tool.ok);
    const terraform = resolveTool(root, 'terraform');
    const terraformNote = terraform.ok ? `terraform ${terraform.version}` : 'no terraform on PATH (the terraform gate reports it)';
    if (missing.length) {
      return fail(
        `${missing.length} of ${resolved.length} required tools missing or at the wrong version`,
        missing.map((tool) => (tool.ok ? '' : `${tool.name}: ${tool.message}`)),
      );
    }
    return pass(`${resolved.map((tool) => (tool.ok ? `${tool.name} ${tool.version}` : tool.name)).join(', ')}; ${terraformNote}`);
  },
};
