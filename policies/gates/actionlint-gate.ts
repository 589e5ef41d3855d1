import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { count } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type Gate } from './gate';
import { oneLine, runTool } from './sarif';

export const WORKFLOWS_DIR = '.github/workflows';

const actionlintErrors = z.array(
  z.object({ message: z.string(), filepath: z.string(), line: z.number(), column: z.number(), kind: z.string() }),
);

/** The repository's workflow files, repository-relative and sorted; none when the folder is absent. */
export async function workflowFiles(root: string): Promise<string[]> {
  const names = await readdir(path.join(root, WORKFLOWS_DIR)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => `${WORKFLOWS_DIR}/${name}`);
}

/**
 * actionlint over every workflow: expressions, contexts, `needs`, action inputs and, through shellcheck, the
 * shell of every `run:` step. shellcheck is required, not optional: without it actionlint skips those checks
 * and says nothing. pyflakes is switched off so the outcome never depends on what else is on PATH.
 */
export const actionlintGate: Gate = {
  name: 'actionlint',
  description: 'actionlint, with shellcheck on every run: script, reports nothing in .github/workflows/.',
  async run({ root }) {
    const workflows = await workflowFiles(root);
    if (!workflows.length) return fail(`no workflow under ${WORKFLOWS_DIR}/`, [`the CI workflows live in ${WORKFLOWS_DIR}/ (docs/ci.md); restore them`]);
    const actionlint = resolveTool(root, 'actionlint');
    const shellcheck = resolveTool(root, 'shellcheck');
    const missing = [actionlint, shellcheck].flatMap((tool) => (tool.ok ? [] : [`${tool.name}: ${tool.message}`]));
    if (!actionlint.ok || !shellcheck.ok) return fail('actionlint or shellcheck unavailable', missing);

    const run = await runTool(actionlint.path, ['-no-color', '-shellcheck', shellcheck.path, '-pyflakes=', '-format', '{{json .}}', ...workflows], { cwd: root });
    // 0: nothing found; 1: problems found, listed on stdout; anything else: actionlint itself failed.
    if (run.code !== 0 && run.code !== 1) return fail(`actionlint exited with ${run.code ?? 'a signal'}`, [oneLine(`${run.stderr} ${run.stdout}`)]);
    const parsed = actionlintErrors.safeParse(JSON.parse(run.stdout || '[]'));
    if (!parsed.success) return fail('actionlint wrote output this gate cannot read', [oneLine(run.stdout).slice(0, 500)]);
    const problems = parsed.data.map((error) => `${error.filepath}:${error.line}:${error.column}: ${error.message} [${error.kind}]`);
    if (run.code === 1 && !problems.length) return fail('actionlint reported a failure but listed no problem', [oneLine(run.stderr)]);
    if (problems.length) return fail(count(problems.length, 'problem'), problems);
    return pass(`${count(workflows.length, 'workflow')} clean; run: scripts checked by shellcheck`);
  },
};
