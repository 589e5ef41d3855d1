import { constants } from 'node:fs';
import { open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { types } from 'node:util';
import vm from 'node:vm';
import { build, type Plugin } from 'esbuild';
import type { z } from 'zod';
import { appSchema } from './app';
import { checkovSkipsSchema, type CheckovSkip } from './checkov-skip';
import { CLUSTER_POLICY_DIR, CLUSTER_POLICY_FILE, clusterPolicySchema, type ClusterPolicyEntry } from './cluster-policy';
import { globalSchema } from './global';
import { expectation, issueToLocated, located, type Located, type PathSegment, type Position } from './located';
import { checkModel } from './model-checks';
import { firstLineNestedTooDeep, MAX_NESTING } from './nesting-scan';
import type { Model, ModelSources } from './model';
import { regionSchema } from './region';
import { checkReleases, releasesSchema } from './release';
import { replicationRulesSchema } from './replication';
import { waiversSchema, type Waiver } from './waiver';
import { parseYaml } from './yaml-source';

export const GLOBAL_FILE = 'regions/global.yaml';
export const REPLICATION_RULES_FILE = 'regions/replication-rules.yaml';
export const WAIVERS_FILE = 'policies/waivers.yaml';
export const CHECKOV_SKIPS_FILE = 'policies/checkov/skips.yaml';
/** Promotions in flight; it sits beside the apps it pins, but is not an app. */
export const RELEASES_FILE = 'apps/releases.yaml';
const RESERVED = new Set([path.basename(GLOBAL_FILE), path.basename(REPLICATION_RULES_FILE), path.basename(RELEASES_FILE)]);
const INPUT_EXTENSIONS = ['.ts', '.yaml', '.yml'];

export type LoadResult = { model: Model; sources: ModelSources; errors?: undefined } | { errors: Located[]; model?: undefined; sources?: undefined };

interface RawInput {
  file: string;
  value?: unknown;
  errors: Located[];
  positionOf?: (path: readonly PathSegment[]) => Position | undefined;
}

/**
 * Reads every input under `root` and returns the validated model, or every error found: syntax errors,
 * schema errors and cross-object errors, each pinned to a file and a path inside it.
 */
export async function loadModel(root: string): Promise<LoadResult> {
  const [regionFiles, appFiles] = await Promise.all([listInputs(root, 'regions'), listInputs(root, 'apps')]);
  const [globalRaw, rulesRaw, regionRaws, appRaws] = await Promise.all([
    readInput(root, GLOBAL_FILE),
    readInput(root, REPLICATION_RULES_FILE),
    Promise.all(regionFiles.map((file) => readInput(root, file))),
    Promise.all(appFiles.map((file) => readInput(root, file))),
  ]);

  const errors: Located[] = [];
  const global = validate(globalRaw, globalSchema, errors);
  const replication = validate(rulesRaw, replicationRulesSchema, errors);
  const regions = regionRaws.map((raw) => [raw.file, validate(raw, regionSchema, errors)] as const);
  const apps = appRaws.map((raw) => [raw.file, validate(raw, appSchema, errors)] as const);
  if (regionFiles.length === 0) errors.push(located('regions/', '', 'at least one region file (regions/<id>.ts or .yaml)', 'none'));
  errors.push(...fileNameMismatches(regions, (region) => region.id, 'id'));
  errors.push(...fileNameMismatches(apps, (app) => app.name, 'name'));

  const validRegions = regions.flatMap(([file, region]) => (region ? [{ file, region }] : []));
  const validApps = apps.flatMap(([file, app]) => (app ? [{ file, app }] : []));
  const sources: ModelSources = {
    global: GLOBAL_FILE,
    replicationRules: REPLICATION_RULES_FILE,
    regions: Object.fromEntries(validRegions.map(({ file, region }) => [region.id, file])),
    apps: Object.fromEntries(validApps.map(({ file, app }) => [app.name, file])),
  };
  // Cross-file rules run on whatever is valid, so one broken file does not hide the rest;
  // rules over all regions wait until every region file is valid, or they would mislead.
  errors.push(
    ...checkModel(
      {
        regions: validRegions.length === regions.length ? validRegions.map(({ region }) => region) : undefined,
        apps: validApps.map(({ app }) => app),
        replication,
        global,
      },
      sources,
      validRegions.map(({ file, region }) => ({ file, id: region.id })),
    ),
  );
  const releasesRaw = await readInput(root, RELEASES_FILE);
  const releases = isMissing(releasesRaw) ? { releases: [] } : validate(releasesRaw, releasesSchema, errors);
  if (releases) {
    const regionIds = validRegions.length === regions.length ? validRegions.map(({ region }) => region.id) : undefined;
    const context = { apps: validApps.map(({ app }) => app), regionIds, waves: global?.delivery.waves };
    errors.push(...checkReleases(releases.releases, context, RELEASES_FILE, releasesRaw.positionOf));
  }
  const clusterPolicies = await loadClusterPolicies(root);
  errors.push(...clusterPolicies.errors);
  if (errors.length || !global || !replication || !releases) return { errors };

  const model: Model = {
    global,
    replication,
    regions: validRegions.map(({ region }) => region).sort((a, b) => a.id.localeCompare(b.id)),
    apps: validApps.map(({ app }) => app).sort((a, b) => a.name.localeCompare(b.name)),
    releases: [...releases.releases].sort((a, b) => a.app.localeCompare(b.app)),
    clusterPolicies: clusterPolicies.policies,
  };
  return { model, sources };
}

/** The policy waivers; a missing file means none. */
export async function loadWaivers(root: string): Promise<{ waivers: Waiver[]; errors: Located[] }> {
  const raw = await readInput(root, WAIVERS_FILE);
  if (isMissing(raw)) return { waivers: [], errors: [] };
  const errors: Located[] = [];
  const parsed = validate(raw, waiversSchema, errors);
  return { waivers: parsed?.waivers ?? [], errors };
}

/** The reviewed checkov skips; a missing file means none. */
export async function loadCheckovSkips(root: string): Promise<{ skips: CheckovSkip[]; errors: Located[] }> {
  const raw = await readInput(root, CHECKOV_SKIPS_FILE);
  if (isMissing(raw)) return { skips: [], errors: [] };
  const errors: Located[] = [];
  const parsed = validate(raw, checkovSkipsSchema, errors);
  return { skips: parsed?.skips ?? [], errors };
}

/** Every Kyverno policy, `policies/kyverno/<id>/policy.yaml`, sorted by id; a missing folder means none. */
export async function loadClusterPolicies(root: string): Promise<{ policies: ClusterPolicyEntry[]; errors: Located[] }> {
  const entries = await readdir(path.join(root, CLUSTER_POLICY_DIR), { withFileTypes: true }).catch(() => []);
  const ids = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const raws = await Promise.all(ids.map((id) => readInput(root, `${CLUSTER_POLICY_DIR}/${id}/${CLUSTER_POLICY_FILE}`)));
  const errors: Located[] = [];
  const policies = ids.flatMap((id, index) => {
    const raw = raws[index]!;
    const parsed = validate(raw, clusterPolicySchema, errors);
    if (!parsed) return [];
    if (parsed.metadata.name !== id) {
      errors.push(located(raw.file, 'metadata.name', `${JSON.stringify(id)} (the folder name)`, JSON.stringify(parsed.metadata.name), raw.positionOf?.(['metadata', 'name'])));
      return [];
    }
    return [{ id, file: raw.file, manifest: raw.value as ClusterPolicyEntry['manifest'] }];
  });
  return { policies, errors };
}

/** Optional inputs (waivers, skips, releases): a missing file means none. */
function isMissing(raw: RawInput): boolean {
  return raw.errors.length === 1 && raw.errors[0]!.found === 'no such file';
}

function validate<S extends z.ZodType>(raw: RawInput, schema: S, errors: Located[]): z.output<S> | undefined {
  if (raw.errors.length) {
    errors.push(...raw.errors);
    return undefined;
  }
  const result = schema.safeParse(raw.value, { reportInput: true, error: expectation });
  if (result.success) return result.data;
  errors.push(...result.error.issues.map((issue) => issueToLocated(raw.file, issue, raw.positionOf)));
  return undefined;
}

function fileNameMismatches<T>(entries: ReadonlyArray<readonly [string, T | undefined]>, key: (value: T) => string, field: string): Located[] {
  return entries.flatMap(([file, value]) => {
    if (value === undefined) return [];
    const stem = path.basename(file, path.extname(file));
    return key(value) === stem ? [] : [located(file, field, `${JSON.stringify(stem)} (the file name without extension)`, JSON.stringify(key(value)))];
  });
}

/** Every input file, repository-relative: the global settings, the replication rules, regions and apps. */
export async function listInputFiles(root: string): Promise<string[]> {
  const [regionFiles, appFiles] = await Promise.all([listInputs(root, 'regions'), listInputs(root, 'apps')]);
  return [GLOBAL_FILE, REPLICATION_RULES_FILE, ...regionFiles, ...appFiles];
}

async function listInputs(root: string, dir: string): Promise<string[]> {
  const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
  return names
    .filter((name) => INPUT_EXTENSIONS.includes(path.extname(name)) && !RESERVED.has(name) && !/\.(test|d)\.ts$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

async function readInput(root: string, file: string): Promise<RawInput> {
  const source = await readSource(root, file);
  if ('errors' in source) return { file, errors: source.errors };
  if (file.endsWith('.ts')) return evaluateTypeScript(source.text, path.dirname(path.join(root, file)), file);
  const parsed = parseYaml(file, source.text);
  return { file, value: parsed.value, errors: parsed.errors, positionOf: parsed.positionOf };
}

/** Real inputs are a few KB; a larger file would only cost the loader memory and time. */
const MAX_INPUT_BYTES = 1024 * 1024;
const REGULAR_FILE = 'a regular file inside the repository';

/**
 * Reads an input only if it is a regular file inside the repository: a symbolic link, a device or a FIFO is
 * refused before a byte is read, so no error can show the content of a file the link points at.
 */
async function readSource(root: string, file: string): Promise<{ text: string } | { errors: Located[] }> {
  const refuse = (found: string) => ({ errors: [located(file, '', REGULAR_FILE, found)] });
  const absolute = path.join(root, file);
  // O_NOFOLLOW refuses a link in the last component atomically; O_NONBLOCK keeps a FIFO from blocking the open.
  const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((failure: NodeJS.ErrnoException) => failure);
  if (handle instanceof Error) {
    if (handle.code === 'ENOENT' || handle.code === 'ENOTDIR') return { errors: [located(file, '', 'the file to exist', 'no such file')] };
    return refuse(handle.code === 'ELOOP' ? 'a symbolic link' : `a file that cannot be opened (${handle.code ?? 'unknown error'})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return refuse(stats.isDirectory() ? 'a directory' : 'a special file');
    if (stats.size > MAX_INPUT_BYTES) return { errors: [located(file, '', `a file of at most ${MAX_INPUT_BYTES / 1024} KiB`, `${Math.ceil(stats.size / 1024)} KiB`)] };
    // A linked folder on the way (regions/ -> /elsewhere) escapes the repository as surely as a linked file.
    const [real, realRoot] = await Promise.all([realpath(absolute), realpath(root)]);
    if (path.relative(realRoot, real).startsWith('..')) return refuse('a path through a symbolic link to outside the repository');
    return { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

/** How long one TypeScript input may take to evaluate; `MR_INPUT_TIMEOUT_MS` overrides it. */
const INPUT_TIMEOUT_MS = 5_000;
const TYPE_IMPORTS_ONLY = 'type-imports-only';
const EXPORTS = '__input';
const PLAIN_DATA = 'plain data (objects, arrays, strings, numbers, booleans, null)';
/** Far beyond any real input, and low enough that copying and validating stay cheap; depth is bounded by MAX_NESTING. */
const MAX_VALUES = 100_000;

/**
 * A TypeScript input is code, so it gets no more than data needs. It may import types from schemas/ and
 * nothing else: esbuild erases type imports, and any import left after that is refused where it stands.
 * It is evaluated from memory in a fresh `node:vm` context built on a null-prototype sandbox (no `process`,
 * `require`, `fetch`, timers, `console`, no code from strings), within a time limit that covers its promise
 * jobs and what it throws, and only plain data is copied out. Memory is not bounded, and `node:vm` is not
 * a hardened sandbox: inputs are still reviewed like any code.
 */
async function evaluateTypeScript(text: string, resolveDir: string, file: string): Promise<RawInput> {
  const deepLine = firstLineNestedTooDeep(text, '([{');
  if (deepLine !== undefined) return { file, errors: [{ ...located(file, '', `TypeScript nested at most ${MAX_NESTING} brackets deep`, 'deeper nesting'), line: deepLine, column: 1 }] };
  let code: string;
  try {
    const result = await build({
      // From the text already read, so esbuild opens no file of its own.
      stdin: { contents: text, sourcefile: file, loader: 'ts', resolveDir },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: EXPORTS,
      platform: 'neutral',
      target: 'node20',
      // The repository's tsconfig keeps `import { type X }` under verbatimModuleSyntax; here every type import goes.
      tsconfigRaw: {},
      plugins: [typeImportsOnly],
      logLevel: 'silent',
    });
    code = result.outputFiles[0]!.text;
  } catch (failure) {
    const messages = (failure as { errors?: EsbuildMessage[] }).errors ?? [];
    if (!messages.length) return { file, errors: [located(file, '', 'a TypeScript module that compiles', String(failure))] };
    return {
      file,
      errors: messages.map((message) => ({
        ...located(file, '', message.pluginName === TYPE_IMPORTS_ONLY ? 'only type imports from schemas/' : 'valid TypeScript', message.text),
        ...(message.location ? { line: message.location.line, column: message.location.column + 1 } : {}),
      })),
    };
  }
  const timeoutMs = inputTimeoutMs();
  // A null-prototype sandbox lends the context no host object: its global, `Object` and `Function` are its own,
  // so no `constructor` chain leads back to the host, and code from strings is off for good measure.
  const context = vm.createContext(Object.create(null), { microtaskMode: 'afterEvaluate', codeGeneration: { strings: false, wasm: false } });
  const objectPrototype = vm.runInContext('delete globalThis.console; Object.prototype', context) as object;
  // What the input throws is turned into a string inside the context, under the time limit: the host never
  // calls a method of a value the input made (a toString or getter that never returns).
  const wrapped = `(() => {
  const show = String;
  try {
${code}
    return { exported: ${EXPORTS}.default };
  } catch (failure) {
    try {
      return { failure: show(failure) };
    } catch {
      return { failure: 'a thrown value that cannot be shown' };
    }
  }
})();`;
  let outcome: object;
  try {
    outcome = new vm.Script(wrapped, { filename: file }).runInContext(context, { timeout: timeoutMs }) as object;
  } catch (failure) {
    // Only the host throws past the wrapper: the time limit, or a script that does not compile.
    if (ownValue(failure, 'code') === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      const limit = `${timeoutMs / 1000} s`;
      return { file, errors: [{ ...located(file, '', `a module that finishes loading within ${limit}`, 'an endless loop or too much work'), message: `did not finish loading within ${limit}` }] };
    }
    const message = ownValue(failure, 'message');
    return { file, errors: [located(file, '', 'a module that evaluates without throwing', typeof message === 'string' ? message : 'an unknown failure')] };
  }
  const failure = ownValue(outcome, 'failure');
  if (typeof failure === 'string') return { file, errors: [located(file, '', 'a module that evaluates without throwing', failure)] };
  const exported = ownValue(outcome, 'exported');
  if (exported === undefined) return { file, errors: [located(file, '', 'a default export (export default { … } satisfies …)', 'no default export')] };
  const errors: Located[] = [];
  const value = plainData(exported, [], { file, objectPrototype, errors, seen: new Set(), values: 0 });
  return errors.length ? { file, errors } : { file, value, errors };
}

/** esbuild asks this for every import that survives type erasure, so each one it sees is refused, located. */
const typeImportsOnly: Plugin = {
  name: TYPE_IMPORTS_ONLY,
  setup(build) {
    build.onResolve({ filter: /.*/ }, ({ path: specifier }) => ({ errors: [{ text: `an import of ${JSON.stringify(specifier)}` }] }));
  },
};

function inputTimeoutMs(): number {
  const configured = Number(process.env.MR_INPUT_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : INPUT_TIMEOUT_MS;
}

interface CopyState {
  file: string;
  /** The input context's `Object.prototype`, taken before the input ran. */
  objectPrototype: object;
  errors: Located[];
  /** Every object copied so far: one met twice is shared or a cycle, and sharing would let a few lines copy into billions of values. */
  seen: Set<object>;
  values: number;
}

/**
 * Copies the default export out of the input's context as plain data, refusing what the schemas would
 * otherwise see through (a function, a getter, a class instance) at its path. It reads property descriptors
 * only, so no code of the input runs outside its time limit.
 */
function plainData(value: unknown, at: PathSegment[], state: CopyState): unknown {
  const refuse = (found: string) => void state.errors.push(located(state.file, at, PLAIN_DATA, found));
  if (++state.values > MAX_VALUES) {
    if (state.values === MAX_VALUES + 1) refuse(`at most ${MAX_VALUES} values in all, got more`);
    return undefined;
  }
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return value;
  if (typeof value !== 'object') return refuse(`a ${typeof value}`);
  if (types.isProxy(value)) return refuse('a Proxy');
  if (state.seen.has(value)) return refuse('an object already used elsewhere in the input (a shared reference or a cycle)');
  if (at.length >= MAX_NESTING) return refuse(`nesting at most ${MAX_NESTING} levels deep, got deeper`);
  const prototype = Object.getPrototypeOf(value) as object | null;
  const isArray = Array.isArray(value);
  // A sparse array's length costs nothing to set and would have the schemas walk billions of holes.
  if (isArray && (value as unknown[]).length > MAX_VALUES) return refuse(`at most ${MAX_VALUES} values in all, got an array of length ${(value as unknown[]).length}`);
  if (!isArray && prototype !== state.objectPrototype && prototype !== null) return refuse(`an instance of ${constructorName(prototype)}`);
  state.seen.add(value);
  const entries: [PathSegment, unknown][] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (state.values > MAX_VALUES) break;
    if (typeof key === 'symbol') {
      refuse(`a symbol key ${String(key)}`);
      continue;
    }
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key)!;
    // An array's length and anything else not enumerable is not data, as for JSON.
    if (!descriptor.enumerable || (isArray && !/^\d+$/.test(key))) continue;
    const segment = isArray ? Number(key) : key;
    if ('value' in descriptor) entries.push([segment, plainData(descriptor.value, [...at, segment], state)]);
    else state.errors.push(located(state.file, [...at, segment], PLAIN_DATA, 'a getter'));
  }
  if (!isArray) return Object.fromEntries(entries);
  const copy: unknown[] = new Array((value as unknown[]).length);
  for (const [index, item] of entries) copy[index as number] = item;
  return copy;
}

/** A data property's value, read without running a getter or a Proxy trap. */
function ownValue(target: unknown, key: string): unknown {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null || types.isProxy(target)) return undefined;
  return Reflect.getOwnPropertyDescriptor(target, key)?.value;
}

function constructorName(prototype: object): string {
  const name = ownValue(ownValue(prototype, 'constructor'), 'name');
  return typeof name === 'string' && name ? name : 'a class';
}

interface EsbuildMessage {
  text: string;
  pluginName: string;
  location: { line: number; column: number } | null;
}

