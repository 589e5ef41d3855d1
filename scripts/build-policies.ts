import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeGenerated } from '../modules/generated-dir';
import { BUNDLE_DIR, buildPolicyBundle } from '../policies/engine/bundle';
import { resolveTool } from '../policies/toolchain/resolve';

// `npm run policies:build`: compiles policies/opa/ with the pinned OPA CLI into policies/bundle/ (swapped in whole).
const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const started = performance.now();

const opa = resolveTool(root, 'opa');
if (!opa.ok) {
  console.error(`policies:build: the OPA CLI is required: ${opa.message}`);
  process.exit(1);
}
let files;
try {
  files = await buildPolicyBundle(root, opa.path);
} catch (error) {
  console.error(`policies:build: ${(error as Error).message}\n${BUNDLE_DIR}/ left unchanged`);
  process.exit(1);
}
const result = await writeGenerated(root, files, BUNDLE_DIR);
const policies = (JSON.parse(files.get('metadata.json') as string) as unknown[]).length;
console.log(`policies:build: ${policies} policies -> ${BUNDLE_DIR}/ (${result.written ? [...result.added, ...result.changed].join(', ') + ' written' : 'no changes'}) in ${Math.round(performance.now() - started)} ms`);
