import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeOutputs } from '../modules/generated-dir';
import { memoizedSynthOutputs } from '../modules/outputs';
import { loadPolicyEngine, PolicyBundleError } from '../policies/engine/engine';
import { repositoryPaths } from '../policies/engine/repository';
import { formatVerdict, judgeStandingPlans } from '../policies/engine/standing-plans';
import { count, formatLocated, loadModel, loadWaivers } from '../schemas';

const { values } = parseArgs({ options: { root: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const started = performance.now();

const loaded = await loadModel(root);
if (loaded.errors) {
  console.error(`synth: ${count(loaded.errors.length, 'error')} in the inputs; generated/ left unchanged\n`);
  for (const error of loaded.errors) console.error(`  ${formatLocated(error)}`);
  process.exit(1);
}

// The standing plans below synthesise the model after each failover: only what a failover changes is rebuilt.
const synthOutputs = memoizedSynthOutputs();
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

// Each standing failover plan's verdict, as the policy gate judges it: an incident should never be the first to learn one is blocked.
if (!values.quiet) {
  try {
    const engine = await loadPolicyEngine(root);
    const { waivers } = await loadWaivers(root);
    const base = { model: loaded.model, sources: loaded.sources, files, waivers, repositoryPaths: await repositoryPaths(root, files.keys()), synthOutputs };
    for (const verdict of judgeStandingPlans(engine, base, new Date())) console.log(`  ${formatVerdict(verdict)}`);
  } catch (error) {
    if (!(error instanceof PolicyBundleError)) throw error;
    console.log(`  standing failover plans not judged: ${error.message}`);
  }
}
