import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { applyInputEdits } from '../../../modules/edits/apply-edits';
import { EditRefused } from '../../../modules/edits/edit-refused';
import { GENERATED_DIR, replaceFile } from '../../../modules/generated-dir';
import type { RepoFiles } from '../../../modules/outputs';
import { changePlan } from '../../../policies/engine/change-plan';
import { blocking, type Finding } from '../../../policies/engine/engine';
import type { RegionHealth } from '../../../policies/engine/input';
import { judgeWorkingTree, type Judgement, type WorkingTree } from '../../../policies/engine/judge';
import { render } from '../../../policies/engine/report-format';
import { loadModel, loadWaivers, type Model } from '../../../schemas';
import { git } from './git';
import { consoleFinding, type IntentPlan } from './intents';
import type { PreviewFile } from './types';
import { sha256, type Base } from './workspace';

export interface Built {
  files: PreviewFile[];
  findings: Finding[];
  blocking: Finding[];
  judgement: Judgement;
  /** The model the change leads to; the base's when the change was refused before it could load. */
  model: Model;
  markdown: string;
  inputHash: string;
}

/**
 * One change, built in the base's clean worktree: edit the inputs → load → synth → write the outputs → judge
 * against the base → stage everything and diff it. Leaves the change staged, so a submit commits exactly
 * what was judged. A change refused before the policies can judge it (an edit the console cannot make,
 * inputs that no longer load) is shown with the base judged as it stands, and its refusals block it.
 */
export async function build(
  base: Base,
  worktree: string,
  plan: IntentPlan,
  options: { headLabel: string; now: Date; health: Record<string, RegionHealth>; /** The service's memoised synth (modules/outputs). */ synthOutputs: (model: Model) => RepoFiles },
): Promise<Built> {
  const refusals = [...plan.refusals];
  let edited = new Map<string, string>();
  if (!refusals.length) {
    try {
      edited = await applyInputEdits(worktree, plan.edits);
    } catch (error) {
      if (!(error instanceof EditRefused)) throw error;
      const { problem } = error;
      refusals.push(consoleFinding('console.edit-refused', problem.message, problem.file, problem.path, `Edit ${problem.file} by hand in a pull request; the console only replaces literal values.`, problem));
    }
  }
  const inputHash = hashInputs(edited);
  let head: WorkingTree | undefined;
  if (!refusals.length) {
    const [loaded, waivers] = await Promise.all([loadModel(worktree), loadWaivers(worktree)]);
    const errors = [...(loaded.errors ?? []), ...waivers.errors];
    for (const error of errors) refusals.push(consoleFinding('console.input-invalid', error.message, error.file, error.path, 'Change the request so the inputs stay valid; the loader error says what it expects.', error));
    if (loaded.model && !errors.length) head = { model: loaded.model, sources: loaded.sources, files: options.synthOutputs(loaded.model), waivers: waivers.waivers };
  }
  if (head) await writeChangedOutputs(worktree, head.files, base);

  // What the operator asked for stays visible in the diff even when it does not load.
  const files = await stagedDiff(worktree);
  const judged = head ?? (await unchanged(base, worktree));
  const judgement = await judgeWorkingTree(base.engine, worktree, judged, {
    base: base.sha,
    baseRevision: base.revision,
    now: options.now,
    health: options.health,
    evaluateBase: true,
    // With everything staged, the staged diff lists what git would list as changed and untracked; a refused
    // change was reset to the base after its diff was taken, so git is asked instead.
    ...(head ? { changedFiles: files.map(({ path, status }) => ({ path, status })).sort((a, b) => a.path.localeCompare(b.path)) } : {}),
    // Only the base's resilience is shown (before → after), and it depends on the base model alone.
    ...(base.report ? { baseReport: base.report } : {}),
  });
  base.report ??= judgement.base?.report;
  const markdown = render(changePlan(base.engine, judged.model, judgement, options.headLabel), 'markdown');
  return {
    files,
    findings: [...judgement.report.findings, ...refusals],
    blocking: [...blocking(judgement.report), ...refusals],
    judgement,
    model: judged.model,
    markdown,
    inputHash,
  };
}

/** The base as committed, for judging when the change itself cannot be: the worktree is reset to it first. */
async function unchanged(base: Base, worktree: string): Promise<WorkingTree> {
  await git(['checkout', '--quiet', '--force', '--detach', base.sha], { cwd: worktree });
  await git(['clean', '-q', '-f', '-d', '-x'], { cwd: worktree });
  const { model, sources, waivers, files } = base.revision;
  return { model, sources, waivers, files };
}

/**
 * Writes only the outputs that differ from the base's, each atomically. The worktree starts as the base's
 * clean checkout, so the rest are already right; leaving them untouched keeps git's stat cache valid, and
 * staging and resetting then look at the few files a change makes instead of the whole generated tree.
 */
async function writeChangedOutputs(worktree: string, outputs: RepoFiles, base: Base): Promise<void> {
  const committed = base.revision.files;
  for (const [file, content] of outputs) {
    if (committed.has(file) ? committed.get(file) === content : await sameOnDisk(worktree, file, content)) continue;
    await mkdir(path.dirname(path.join(worktree, file)), { recursive: true });
    await replaceFile(path.join(worktree, file), content);
  }
  for (const file of committed.keys()) if (file.startsWith(`${GENERATED_DIR}/`) && !outputs.has(file)) await rm(path.join(worktree, file), { force: true });
}

/** Outputs outside generated/ and CODEOWNERS (the JSON Schemas) are not in a revision's files: compare with the checkout. */
async function sameOnDisk(worktree: string, file: string, content: string): Promise<boolean> {
  return (await readFile(path.join(worktree, file), 'utf8').catch(() => undefined)) === content;
}

/** sha-256 over each edited input's path and content, in path order. */
function hashInputs(edited: ReadonlyMap<string, string>): string {
  return sha256([...edited].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, content]) => `${file}\0${content}\0`).join(''));
}

/** Stages the worktree and returns each changed file's diff against the base, inputs first, then generated/. */
async function stagedDiff(worktree: string): Promise<PreviewFile[]> {
  await git(['add', '--all'], { cwd: worktree });
  // Prefixes spelled out: a user's diff.noprefix or diff.mnemonicPrefix would otherwise change the headers parsed below.
  const patch = await git(['-c', 'core.quotePath=false', 'diff', '--cached', '--no-renames', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/'], { cwd: worktree });
  const files = patch
    .split(/^(?=diff --git )/m)
    .filter((chunk) => chunk.startsWith('diff --git '))
    .map((diff): PreviewFile => {
      const header = diff.slice(0, diff.indexOf('\n'));
      // Without renames both sides name the same path: `diff --git a/<path> b/<path>`.
      const file = header.slice('diff --git a/'.length, 'diff --git a/'.length + (header.length - 'diff --git a/ b/'.length) / 2);
      const status = /^new file mode /m.test(diff) ? 'added' : /^deleted file mode /m.test(diff) ? 'deleted' : 'modified';
      return { path: file, status, diff };
    });
  const generated = (file: PreviewFile) => (file.path.startsWith('generated/') ? 1 : 0);
  return files.sort((a, b) => generated(a) - generated(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
