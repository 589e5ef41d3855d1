import { parse as parseYaml } from 'yaml';
import type { Model, ModelSources, Waiver } from '../../schemas';
import type { FileTree } from '../gates/gate';

export type RegionHealth = 'healthy' | 'failing';

export interface ResourceChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** For each changed resource or manifest, the top-level attributes whose values differ. */
  attributes: Record<string, string[]>;
}

/** What a pull request changes, as the change-aware policies and the classification see it. */
export interface ChangeSummary {
  files: Array<{ path: string; status: 'added' | 'modified' | 'deleted' }>;
  terraform: Record<string, ResourceChanges>;
  manifests: Record<string, ResourceChanges>;
}

/** The document every policy reads; see policies/opa/README.md. */
export interface PolicyInput {
  now: string;
  model: Model;
  sources: ModelSources;
  base: { model: Model; sources: ModelSources } | null;
  health: Record<string, RegionHealth>;
  terraform: Record<string, { file: string; config: unknown }>;
  manifests: Record<string, Array<{ file: string; object: unknown }>>;
  codeowners: { file: string; rules: Array<{ pattern: string; owners: string[] }> };
  repository: { paths: string[] };
  waivers: Waiver[];
  change: ChangeSummary | null;
}

export interface PolicyInputParts {
  model: Model;
  sources: ModelSources;
  /** The synthesized (or committed) repository files: generated/ and CODEOWNERS. */
  files: FileTree;
  waivers: Waiver[];
  /** Every tracked file, for the CODEOWNERS coverage policy. */
  repositoryPaths: string[];
  now?: Date;
  base?: { model: Model; sources: ModelSources };
  health?: Record<string, RegionHealth>;
  change?: ChangeSummary;
}

const TERRAFORM_STACK = /^generated\/terraform\/([^/]+)\/cdk\.tf\.json$/;
/** `generated/k8s/<region>/<folder>/<file>.yaml`: every manifest a region's Argo CD syncs. */
const MANIFEST = /^generated\/k8s\/([^/]+)\/.+\.ya?ml$/;

/** The Terraform stacks in a generated tree, parsed, in tree order. */
export function terraformStacks(files: FileTree): Array<{ name: string; file: string; config: Record<string, any> }> {
  return [...files].flatMap(([file, content]) => {
    const name = TERRAFORM_STACK.exec(file)?.[1];
    return name ? [{ name, file, config: parseStack(file, content) }] : [];
  });
}

/** A stack that is not JSON names its file, so that the gates reading it fail with a located error. */
function parseStack(file: string, content: string): Record<string, any> {
  try {
    return JSON.parse(content) as Record<string, any>;
  } catch (error) {
    throw new Error(`${file}: expected Terraform JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The Kubernetes manifests in a generated tree, unparsed, sorted by file, each with the region whose Argo CD syncs it. */
export function kubernetesManifests(files: FileTree): Array<{ region: string; file: string; text: string }> {
  return [...files]
    .flatMap(([file, text]) => {
      const region = MANIFEST.exec(file)?.[1];
      return region ? [{ region, file, text }] : [];
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Parsed trees by identity: a judgement parses the head's tree for the change summary and for the input, and
 * a base revision kept across judgements is parsed once. A FileTree is never modified once built.
 */
const parsedTrees = new WeakMap<FileTree, Pick<PolicyInput, 'terraform' | 'manifests'>>();

/** The generated tree parsed: Terraform JSON per stack, manifests per region. */
export function generatedDocuments(files: FileTree): Pick<PolicyInput, 'terraform' | 'manifests'> {
  const known = parsedTrees.get(files);
  if (known) return known;
  const terraform: PolicyInput['terraform'] = {};
  for (const [file, content] of files) {
    const name = TERRAFORM_STACK.exec(file)?.[1];
    if (name) terraform[name] = { file, config: parsedOnce(file, content, (text) => parseStack(file, text)) };
  }
  const manifests: PolicyInput['manifests'] = {};
  for (const { region, file, text } of kubernetesManifests(files)) (manifests[region] ??= []).push({ file, object: parsedOnce(file, text, parseYaml) });
  const parsed = { terraform, manifests };
  parsedTrees.set(files, parsed);
  return parsed;
}

/**
 * The last parse of each generated file: a change leaves most files as its base has them, and a process that
 * judges many changes (the console) parses those once. Parsed documents are only read, never modified.
 */
const lastParse = new Map<string, { text: string; value: unknown }>();

function parsedOnce<T>(file: string, text: string, parse: (text: string) => T): T {
  const last = lastParse.get(file);
  if (last?.text === text) return last.value as T;
  const value = parse(text);
  lastParse.set(file, { text, value });
  return value;
}

export function policyInput(parts: PolicyInputParts): PolicyInput {
  const { terraform, manifests } = generatedDocuments(parts.files);
  return {
    now: (parts.now ?? new Date()).toISOString(),
    model: parts.model,
    sources: parts.sources,
    base: parts.base ?? null,
    health: parts.health ?? {},
    terraform,
    manifests,
    codeowners: { file: 'CODEOWNERS', rules: parseCodeowners(parts.files.get('CODEOWNERS') ?? '') },
    repository: { paths: parts.repositoryPaths },
    waivers: parts.waivers,
    change: parts.change ?? null,
  };
}

function parseCodeowners(text: string): PolicyInput['codeowners']['rules'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { pattern: pattern!, owners };
    });
}
