import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { count, describeValue, formatLocated, located, parseYaml, type PathSegment } from '../../schemas';
import { kubernetesManifests } from '../engine/input';
import { fail, pass, type Gate } from './gate';

/** Upstream CRDs of kinds no typed model covers, each vendored verbatim under a header naming its source. */
export const VENDORED_CRDS_DIR = 'policies/kubernetes/crds';
const MANIFESTS_DIR = 'generated/k8s/';
const KYVERNO_POLICIES_DIR = 'policies/kyverno';

/**
 * Typed-model packages of the non-Kubernetes API groups the clusters serve, tried in order. The
 * Kubernetes groups (core, dotless, `*.k8s.io`) are all in `kubernetes-models`. `argoproj.io` holds the
 * kinds of two projects: Rollout and AnalysisTemplate are Argo Rollouts', Application and AppProject Argo CD's.
 */
const MODEL_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'argoproj.io': ['@kubernetes-models/argo-rollouts', '@kubernetes-models/argo-cd'],
  'monitoring.coreos.com': ['@kubernetes-models/prometheus-operator'],
  'kyverno.io': ['@kubernetes-models/kyverno'],
  'policies.kyverno.io': ['@kubernetes-models/kyverno'],
};

/**
 * What the schemas describe, from the packages' generator inputs (their `go-generate` modules in the
 * kubernetes-models-ts go.mod at each release, and the OpenAPI versions of kubernetes-models').
 */
export const TARGET_VERSIONS = [
  'Kubernetes 1.36.0 (kubernetes-models 5.1.0)',
  'Argo CD v3.3.9 (@kubernetes-models/argo-cd 4.0.0)',
  'Argo Rollouts v1.9.0 (@kubernetes-models/argo-rollouts 2.0.0)',
  'prometheus-operator v0.91.0 (@kubernetes-models/prometheus-operator 6.0.0)',
  'Kyverno v1.18.0 (@kubernetes-models/kyverno 2.0.0)',
  `AWS Load Balancer Controller v3.5.0 (CRD in ${VENDORED_CRDS_DIR}/)`,
] as const;

/**
 * Every manifest the clusters receive is valid for the controller that reads it, before it is merged:
 * a wrong type, a missing required field or a misspelt enum value fails here instead of in a region's
 * Argo CD at sync time.
 */
export const kubernetesSchemaGate: Gate = {
  name: 'kubernetes-schema',
  description:
    `Every manifest under ${MANIFESTS_DIR} (and every ${KYVERNO_POLICIES_DIR}/*/policy.yaml) validates against the schema of its apiVersion and kind: ` +
    `the typed models' upstream schemas (${TARGET_VERSIONS.join(', ')}), or a vendored CRD's openAPIV3Schema in ${VENDORED_CRDS_DIR}/ for kinds without a model. ` +
    'A kind with neither fails. The Kubernetes schemas are 1.36.0 merged with the APIs older releases removed, a superset of what EKS 1.31 serves: a field or version newer than 1.31 is not caught. ' +
    "The models' schemas accept unknown fields: the typescript gate rejects those, as the constructs write every manifest against the same models' types; " +
    'the Kyverno policies, hand-written YAML shipped as they are, are not covered by it. ' +
    'Vendored CRD schemas are applied closed, as the API server drops the fields a CRD does not define.',
  async run({ root, committed }) {
    const schemas = await SchemaIndex.load(root);
    const manifests = kubernetesManifests(committed).map(({ file, text }): [string, string] => [file, text]);
    manifests.push(...(await kyvernoPolicies(root)));
    manifests.sort(([a], [b]) => (a < b ? -1 : 1));

    const problems = [...schemas.problems];
    const kinds = new Map<string, number>();
    let invalid = 0;
    const check = async (file: string, text: string) => {
      const result = await validateFile(file, text, schemas);
      if (result.problems.length) invalid++;
      problems.push(...result.problems);
      return result.kind;
    };
    // The vendored CRDs are checked too (against the CustomResourceDefinition model), but ship nowhere.
    for (const [file, text] of schemas.crdFiles) await check(file, text);
    for (const [file, text] of manifests) {
      const kind = await check(file, text);
      if (kind) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const files = manifests.length + schemas.crdFiles.size;
    if (problems.length) return fail(`${count(problems.length, 'problem')} in ${count(invalid, 'file')} of ${count(files, 'file')}`, problems);
    const perKind = [...kinds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    return pass(`${count(manifests.length, 'manifest')} valid against their schemas${perKind ? ` (${perKind})` : ''}, and ${count(schemas.crdFiles.size, 'vendored CRD')}`);
  },
};

/** What a schema finds wrong with a manifest, as ajv errors (`instancePath` a JSON pointer); none when valid. */
type Validate = (manifest: unknown) => ErrorObject[];

interface Schema {
  /** Where the schema comes from: a model's module specifier or a vendored CRD file. */
  source: string;
  validate: Validate;
}

/** Finds and caches the schema of an apiVersion and kind: a typed model, else a vendored CRD. */
class SchemaIndex {
  /** The vendored CRD files, to be validated themselves. */
  readonly crdFiles = new Map<string, string>();
  readonly problems: string[] = [];
  private readonly cache = new Map<string, Promise<Schema | undefined>>();
  private readonly crdSchemas = new Map<string, Schema>();
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  private constructor(private readonly objectMeta: Validate) {
    addFormats(this.ajv);
    // The integer formats of the Kubernetes OpenAPI; ajv-formats has none of them.
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  }

  static async load(root: string): Promise<SchemaIndex> {
    const { ObjectMeta } = await import('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta');
    const index = new SchemaIndex(modelValidator(ObjectMeta as unknown as ModelClass));
    await index.loadVendoredCrds(root);
    return index;
  }

  schemaOf(apiVersion: string, kind: string): Promise<Schema | undefined> {
    const key = `${apiVersion} ${kind}`;
    let schema = this.cache.get(key);
    if (!schema) {
      schema = this.find(apiVersion, kind);
      this.cache.set(key, schema);
    }
    return schema;
  }

  /** Packages an apiVersion's model would be in. */
  modelPackages(apiVersion: string): readonly string[] {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) return ['kubernetes-models'];
    return MODEL_PACKAGES[group] ?? [];
  }

  private async loadVendoredCrds(root: string): Promise<void> {
    const dir = path.join(root, VENDORED_CRDS_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((candidate) => /\.ya?ml$/.test(candidate)).sort()) {
      const file = `${VENDORED_CRDS_DIR}/${name}`;
      const text = await readFile(path.join(dir, name), 'utf8');
      this.crdFiles.set(file, text);
      // An unparsable or malformed CRD is reported when the file itself is validated.
      const crd = parseYaml(file, text).value as Crd | undefined;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec?.group || !crd.spec.names?.kind) continue;
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (!version.served || !schema) continue;
        const key = `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`;
        const earlier = this.crdSchemas.get(key);
        if (earlier) this.problems.push(`${file}: ${key}: expected one vendored CRD per kind, got a second one (${earlier.source} defines it too)`);
        else this.crdSchemas.set(key, { source: file, validate: this.crdValidator(schema) });
      }
    }
  }

  private async find(apiVersion: string, kind: string): Promise<Schema | undefined> {
    // Only well-formed names reach a module path.
    if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
    for (const pkg of this.modelPackages(apiVersion)) {
      const specifier = `${pkg}/${apiVersion}/${kind}`;
      const module = (await import(specifier).catch(() => undefined)) as Record<string, unknown> | undefined;
      const model = module?.[kind] as (ModelClass & { apiVersion?: string; kind?: string }) | undefined;
      // A deep path also holds nested types (`RolloutSpec`); only a top-level kind carries apiVersion and kind.
      if (typeof model === 'function' && model.apiVersion === apiVersion && model.kind === kind) return { source: specifier, validate: modelValidator(model) };
    }
    return this.crdSchemas.get(`${apiVersion} ${kind}`);
  }

  private crdValidator(openApiSchema: object): Validate {
    let compiled: ReturnType<Ajv['compile']> | undefined;
    return (manifest) => {
      compiled ??= this.ajv.compile(closed(openApiSchema) as object);
      const errors = compiled(manifest) ? [] : [...(compiled.errors ?? [])];
      // A CRD's schema leaves metadata to the API server, which checks it as it does every object's.
      const metadata = (manifest as { metadata?: unknown }).metadata;
      if (metadata === undefined) return errors;
      return [...errors, ...this.objectMeta(metadata).map((error) => ({ ...error, instancePath: `/metadata${error.instancePath}` }))];
    };
  }
}

type ModelClass = new (data: unknown) => { validate(): void };

function modelValidator(Model: ModelClass): Validate {
  return (manifest) => {
    try {
      new Model(manifest).validate();
      return [];
    } catch (error) {
      const errors = (error as { errors?: ErrorObject[] }).errors;
      if (!errors) throw error;
      return errors;
    }
  };
}

interface Crd {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema?: object } }>;
  };
}

/**
 * A CRD schema as the API server applies it: an object schema that lists its properties admits no
 * others (the server would silently drop them), unless it preserves unknown fields or embeds a resource.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, closed(sub)]));
    else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key)) out[key] = closed(value);
    else out[key] = value;
  }
  const open = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
  if (node.properties && node.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

async function kyvernoPolicies(root: string): Promise<Array<[string, string]>> {
  const dir = path.join(root, KYVERNO_POLICIES_DIR);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const policies: Array<[string, string]> = [];
  for (const entry of entries.filter((candidate) => candidate.isDirectory())) {
    const text = await readFile(path.join(dir, entry.name, 'policy.yaml'), 'utf8').catch(() => undefined);
    if (text !== undefined) policies.push([`${KYVERNO_POLICIES_DIR}/${entry.name}/policy.yaml`, text]);
  }
  return policies;
}

async function validateFile(file: string, text: string, schemas: SchemaIndex): Promise<{ kind?: string; problems: string[] }> {
  const parsed = parseYaml(file, text);
  // Counting documents parses the file a second time: only worth it when one object did not come out.
  if (parsed.errors.length || parsed.value === null) {
    const documents = parseAllDocuments(text).length;
    if (documents !== 1) return { problems: [`${file}: expected one Kubernetes object per file, got ${count(documents, 'YAML document')}`] };
  }
  if (parsed.errors.length) return { problems: parsed.errors.map(formatLocated) };
  const manifest = parsed.value as { apiVersion?: unknown; kind?: unknown } | null;
  if (!manifest || typeof manifest !== 'object' || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') {
    return { problems: [formatLocated(located(file, [], 'a Kubernetes object with apiVersion and kind', describeValue(manifest)))] };
  }
  const { apiVersion, kind } = manifest;
  const schema = await schemas.schemaOf(apiVersion, kind);
  if (!schema) {
    const packages = schemas.modelPackages(apiVersion);
    const tried = packages.length ? `no typed model (looked for ${packages.map((pkg) => `${pkg}/${apiVersion}/${kind}`).join(', ')})` : 'no typed model package for its API group';
    return {
      kind,
      problems: [
        `${file}: ${apiVersion} ${kind}: expected a schema to validate against, got none: ${tried} and no CRD in ${VENDORED_CRDS_DIR}/ serves it. ` +
          `Vendor the kind's CRD there (the upstream file verbatim, under a header naming repository, path and commit), or add its typed-model package to package.json and MODEL_PACKAGES in policies/gates/kubernetes-schema-gate.ts; a manifest is never passed unvalidated.`,
      ],
    };
  }
  const problems = explain(schema.validate(manifest), manifest).map(({ segments, expected }) => located(file, segments, expected, describeValue(valueAt(manifest, segments)), parsed.positionOf(segments)));
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { kind, problems: problems.map(formatLocated) };
}

/** ajv's errors as "expected" phrases pinned to the manifest path they concern, each once. */
function explain(errors: readonly ErrorObject[], manifest: unknown): Array<{ segments: PathSegment[]; expected: string }> {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const error of errors) byPointer.set(error.instancePath, [...(byPointer.get(error.instancePath) ?? []), error]);
  const out = new Map<string, { segments: PathSegment[]; expected: string }>();
  const add = (segments: PathSegment[], expected: string) => out.set(`${JSON.stringify(segments)} ${expected}`, { segments, expected });
  for (const [pointer, group] of byPointer) {
    const segments = pathOf(pointer, manifest);
    // A missing or unknown field is pinned to the field itself, not to the object holding it.
    const fields = group.filter((error) => error.keyword === 'required' || error.keyword === 'additionalProperties');
    const values = group.filter((error) => !fields.includes(error));
    const alternatives = values.find((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
    if (alternatives) {
      // The branches' errors at the same path name the alternatives: "an integer or a string".
      const branches = [...new Set(values.filter((error) => error !== alternatives).map(expectation))];
      add(segments, branches.length ? branches.join(' or ') : expectation(alternatives));
    } else {
      for (const error of values) add(segments, expectation(error));
    }
    for (const error of fields) {
      const params = error.params as { missingProperty?: string; additionalProperty?: string };
      if (error.keyword === 'required') add([...segments, params.missingProperty!], 'a value (the field is required)');
      else add([...segments, params.additionalProperty!], 'no such field (the CRD does not define it; the API server would drop it)');
    }
  }
  return [...out.values()];
}

function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return String(params.type)
        .split(',')
        .map((type) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`)
        .join(' or ');
    case 'enum':
      return `one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(' | ')}`;
    case 'const':
      return JSON.stringify(params.allowedValue);
    case 'format':
      return `a ${String(params.format)}`;
    case 'pattern':
      return `a string matching ${String(params.pattern)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(params.comparison)} ${String(params.limit)}`;
    default:
      return `a value that satisfies "${error.message ?? error.keyword}" (${error.keyword})`;
  }
}

/** A JSON pointer as path segments, array indexes as numbers (`spec.steps[0]`). */
function pathOf(pointer: string, manifest: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let node = manifest;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return segments;
}

function valueAt(manifest: unknown, segments: readonly PathSegment[]): unknown {
  return segments.reduce<unknown>((node, segment) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined), manifest);
}
