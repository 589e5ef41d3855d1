import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadModel, loadWaivers, type Located, type Model, type ModelSources, type Waiver } from '../../schemas';
import type { FileTree } from '../gates/gate';
import { generatedDocuments, type ChangeSummary, type PolicyInput, type ResourceChanges } from './input';
import { tarFiles } from './tar';

const run = promisify(execFile);

/** A revision of the repository as the policies see it: its model and its committed generated files. */
export interface Revision {
  ref: string;
  commit: string;
  model: Model;
  sources: ModelSources;
  waivers: Waiver[];
  /** `generated/…` and `CODEOWNERS` as committed at that revision. */
  files: FileTree;
}

export class RevisionError extends Error {
  constructor(
    message: string,
    readonly errors: Located[] = [],
  ) {
    super(message);
    this.name = 'RevisionError';
  }
}

/**
 * Loads a committed revision without touching the checkout: `git archive` into a scratch directory,
 * then the same loader the head goes through.
 */
export async function loadRevision(root: string, ref: string): Promise<Revision> {
  // After --end-of-options a ref spelt like an option (`--output=…`) is still read as a ref.
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => {
    throw new RevisionError(`${ref} is not a commit in ${root} (fetch it first, e.g. \`git fetch origin main\`)`);
  });
  const scratch = await mkdtemp(path.join(tmpdir(), 'revision-'));
  try {
    const archive = await gitBytes(root, ['archive', '--format=tar', commit]);
    const files = new Map<string, string>();
    for (const [file, bytes] of tarFiles(archive)) {
      await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
      await writeFile(path.join(scratch, file), bytes);
      if (file.startsWith('generated/') || file === 'CODEOWNERS') files.set(file, bytes.toString('utf8'));
    }
    const load = await loadModel(scratch);
    if (load.errors) throw new RevisionError(`the model at ${ref} (${commit.slice(0, 12)}) does not load`, load.errors);
    const waivers = await loadWaivers(scratch);
    return { ref, commit, model: load.model, sources: load.sources, waivers: waivers.waivers, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Files that differ between `commit` (as `loadRevision` resolved it, never the ref a person typed: `git diff
 * README.md` would compare the index with a file) and the working tree, untracked ones included; or, given
 * `head`, between the two commits.
 */
export async function changedFiles(root: string, commit: string, head?: string): Promise<ChangeSummary['files']> {
  const [diff, untracked] = await Promise.all([
    git(root, ['diff', '--name-status', '--no-renames', '-z', commit, ...(head ? [head] : []), '--']),
    head ? '' : git(root, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const parts = diff.split('\0').filter(Boolean);
  const files: ChangeSummary['files'] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!.startsWith('A') ? 'added' : parts[i]!.startsWith('D') ? 'deleted' : 'modified';
    files.push({ path: parts[i + 1]!, status });
  }
  for (const file of untracked.split('\0').filter(Boolean)) files.push({ path: file, status: 'added' });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The pull request's base from `--base`, else from `MR_BASE_REF`. An empty value is a mistake (an unset CI
 * variable expands to one), never "no base": judged without a base, a change passes the rules that refuse it.
 */
export function baseRefOf(option: string | undefined, environment?: string): { ref?: string; problem?: string } {
  if (option !== undefined) return option.trim() ? { ref: option } : { problem: '--base: expected a git ref such as origin/main, got an empty value' };
  if (environment === undefined) return {};
  return environment.trim() ? { ref: environment } : { problem: 'MR_BASE_REF: expected a git ref such as origin/main, got an empty value (unset it to judge without a base)' };
}

/** Resources added, changed and removed per Terraform stack and per region's manifests. */
export function summarizeChange(files: ChangeSummary['files'], base: FileTree, head: FileTree): ChangeSummary {
  const [before, after] = [generatedDocuments(base), generatedDocuments(head)];
  return {
    files,
    terraform: compareByKey(terraformResources(before.terraform), terraformResources(after.terraform)),
    manifests: compareByKey(manifestObjects(before.manifests), manifestObjects(after.manifests)),
  };
}

type Keyed = Map<string, Map<string, string>>;

function compareByKey(base: Keyed, head: Keyed): Record<string, ResourceChanges> {
  const result: Record<string, ResourceChanges> = {};
  for (const group of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const before = base.get(group) ?? new Map<string, string>();
    const after = head.get(group) ?? new Map<string, string>();
    const changed = [...after.keys()].filter((key) => before.has(key) && before.get(key) !== after.get(key)).sort();
    const changes: ResourceChanges = {
      added: [...after.keys()].filter((key) => !before.has(key)).sort(),
      changed,
      removed: [...before.keys()].filter((key) => !after.has(key)).sort(),
      attributes: Object.fromEntries(changed.map((key) => [key, differingAttributes(before.get(key)!, after.get(key)!)])),
    };
    if (changes.added.length || changes.changed.length || changes.removed.length) result[group] = changes;
  }
  return result;
}

function differingAttributes(before: string, after: string): string[] {
  const [a, b] = [JSON.parse(before) as Record<string, unknown>, JSON.parse(after) as Record<string, unknown>];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
}

/** Per stack: `aws_route53_record.<name>` → its JSON, data sources as `data.<type>.<name>`. */
function terraformResources(stacks: PolicyInput['terraform']): Keyed {
  const keyed: Keyed = new Map();
  for (const [stack, { config }] of Object.entries(stacks)) {
    const { resource, data } = config as { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };
    const resources = new Map<string, string>();
    for (const [prefix, blocks] of [['', resource], ['data.', data]] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [name, body] of Object.entries(byName)) resources.set(`${prefix}${type}.${name}`, JSON.stringify(body));
      }
    }
    keyed.set(stack, resources);
  }
  return keyed;
}

/** Per region: `<apiVersion>/<kind>/<namespace>/<name>` → its JSON. */
function manifestObjects(regions: PolicyInput['manifests']): Keyed {
  const keyed: Keyed = new Map();
  for (const [region, manifests] of Object.entries(regions)) {
    const objects = new Map<string, string>();
    for (const { object } of manifests) {
      const { apiVersion, kind, metadata } = object as { apiVersion?: string; kind?: string; metadata?: { namespace?: string; name?: string } };
      objects.set(`${apiVersion}/${kind}/${metadata?.namespace ?? '_cluster'}/${metadata?.name}`, JSON.stringify(object));
    }
    keyed.set(region, objects);
  }
  return keyed;
}

/** The one way the engine and the operator commands run git: never prompting, in the C locale, output trimmed. */
export async function git(root: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: root, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return stdout.trim();
}

function gitBytes(root: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: root });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new RevisionError(`git ${args.join(' ')} failed: ${stderr.trim()}`))));
  });
}
