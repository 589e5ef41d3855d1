/**
 * Extracts the slice of GitHub's official OpenAPI description that the console's GitHub forge uses:
 * the operations in `console/testing/github-standin/operations.ts` and every component they reference,
 * directly or through other components. The GitHub API stand-in validates each request and response
 * against the result, `console/testing/github-standin/openapi-slice.json`, which is committed.
 *
 * The description comes from npm `@octokit/openapi`, pinned below. The package unpacks to about 385 MB, so
 * it is never a dependency; fetch it into a scratch directory when the slice needs refreshing:
 *
 *   mkdir -p /tmp/octokit-openapi && cd /tmp/octokit-openapi
 *   npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
 *   cd - && node scripts/run.mjs extract-github-openapi /tmp/octokit-openapi/package/generated/api.github.com.json
 *
 * The output is deterministic: paths and component names sorted, everything else in the description's order.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SLICE_OPERATIONS } from '../console/testing/github-standin/operations';
import { replaceFile } from '../modules/generated-dir';

/** The `@octokit/openapi` release the slice is cut from; its description carries the same `info.version`. */
export const OCTOKIT_OPENAPI_VERSION = '23.0.2';
const SLICE_FILE = 'console/testing/github-standin/openapi-slice.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function extractSlice(description: JsonObject, operationIds: readonly string[]): JsonObject {
  const version = isObject(description.info) ? description.info.version : undefined;
  if (version !== OCTOKIT_OPENAPI_VERSION) {
    throw new Error(`expected the description of @octokit/openapi@${OCTOKIT_OPENAPI_VERSION}, found info.version ${JSON.stringify(version)}`);
  }
  const sourcePaths = description.paths;
  const sourceComponents = description.components;
  if (!isObject(sourcePaths) || !isObject(sourceComponents)) throw new Error('not an OpenAPI description: no paths or components');

  const wanted = new Set(operationIds);
  const paths: JsonObject = {};
  const tags = new Set<string>();
  for (const route of Object.keys(sourcePaths).sort()) {
    const item = sourcePaths[route];
    if (!isObject(item)) continue;
    const kept: JsonObject = {};
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation) || typeof operation.operationId !== 'string' || !wanted.has(operation.operationId)) continue;
      kept[method] = operation;
      wanted.delete(operation.operationId);
      for (const tag of Array.isArray(operation.tags) ? operation.tags : []) if (typeof tag === 'string') tags.add(tag);
    }
    if (Object.keys(kept).length === 0) continue;
    if (item.parameters !== undefined) kept.parameters = item.parameters;
    paths[route] = kept;
  }
  if (wanted.size > 0) throw new Error(`operations not in the description: ${[...wanted].join(', ')}`);

  const components = collectComponents(paths, sourceComponents);
  return {
    openapi: description.openapi ?? null,
    info: description.info ?? null,
    'x-extracted-from': `npm @octokit/openapi@${OCTOKIT_OPENAPI_VERSION} generated/api.github.com.json`,
    servers: description.servers ?? null,
    externalDocs: description.externalDocs ?? null,
    tags: (Array.isArray(description.tags) ? description.tags : []).filter((tag) => isObject(tag) && typeof tag.name === 'string' && tags.has(tag.name)),
    paths,
    components,
  };
}

/** Every `#/components/<kind>/<name>` reachable from `root`, grouped by kind, names sorted. */
function collectComponents(root: Json, source: JsonObject): JsonObject {
  const found = new Map<string, Map<string, Json>>();
  const pending: Json[] = [root];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (Array.isArray(value)) {
      pending.push(...value);
      continue;
    }
    if (!isObject(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      if (key !== '$ref' || typeof child !== 'string') {
        pending.push(child);
        continue;
      }
      const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(child);
      if (!match) throw new Error(`unsupported $ref ${child}: only #/components/<kind>/<name> is followed`);
      const [, kind, name] = match as unknown as [string, string, string];
      const group = found.get(kind) ?? new Map<string, Json>();
      found.set(kind, group);
      if (group.has(name)) continue;
      const kindComponents = source[kind];
      const component = isObject(kindComponents) ? kindComponents[name] : undefined;
      if (component === undefined) throw new Error(`dangling $ref ${child}`);
      group.set(name, component);
      pending.push(component);
    }
  }
  const components: JsonObject = {};
  for (const kind of [...found.keys()].sort()) {
    const group = found.get(kind)!;
    components[kind] = Object.fromEntries([...group.keys()].sort().map((name) => [name, group.get(name)!]));
  }
  return components;
}

async function main(): Promise<void> {
  const [input] = process.argv.slice(2).filter((argument) => argument !== '--');
  if (!input) {
    console.error(
      `usage: node scripts/run.mjs extract-github-openapi <api.github.com.json of @octokit/openapi@${OCTOKIT_OPENAPI_VERSION}>\n` +
        `fetch it with: npm pack @octokit/openapi@${OCTOKIT_OPENAPI_VERSION} && tar xzf octokit-openapi-${OCTOKIT_OPENAPI_VERSION}.tgz (the file is package/generated/api.github.com.json)`,
    );
    process.exit(2);
  }
  const description = JSON.parse(await readFile(input, 'utf8')) as Json;
  if (!isObject(description)) throw new Error(`${input} is not a JSON object`);
  const slice = extractSlice(description, SLICE_OPERATIONS);
  const root = process.env.MR_REPO_ROOT ?? process.cwd();
  const text = `${JSON.stringify(slice, null, 2)}\n`;
  await replaceFile(path.join(root, SLICE_FILE), text);
  const counts = Object.entries(slice.components as JsonObject).map(([kind, group]) => `${Object.keys(group as JsonObject).length} ${kind}`);
  console.log(`${SLICE_FILE}: ${SLICE_OPERATIONS.length} operations, ${counts.join(', ')}, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`);
}

await main();
