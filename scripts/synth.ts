import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeOutputs } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { count, formatLocated, loadModel } from '../schemas';

const { values } = parseArgs({ options: { root: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const started = performance.now();

const loaded = await loadModel(root);
if (loaded.errors) {
  console.error(`synth: ${count(loaded.errors.length, 'error')} in the inputs; generated/ left unchanged\n`);
  for (const error of loaded.errors) console.error(`  ${formatLocated(error)}`);
  process.exit(1);
}

const files = synthOutputs(loaded.model);
const result = await writeOutputs(root, files);

if (!values.quiet) {
  const stacks = [...files.keys()].filter((file) => file.startsWith('generated/terraform/')).length;
  const manifests = [...files.keys()].filter((file) => file.startsWith('generated/k8s/')).length;
  const change = result.written
    ? `${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed`
    : 'no changes';
  const { regions, apps } = loaded.model;
  console.log(
    `synth: ${count(regions.length, 'region')}, ${count(apps.length, 'app')} -> ${count(stacks, 'Terraform stack')}, ${count(manifests, 'manifest')} in generated/ (${change}) in ${Math.round(performance.now() - started)} ms`,
  );
  for (const file of [...result.added.map((f) => `+ ${f}`), ...result.changed.map((f) => `~ ${f}`), ...result.removed.map((f) => `- ${f}`)]) {
    console.log(`  ${file}`);
  }
}
