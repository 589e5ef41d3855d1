import { tmpdir } from 'node:os';
import path from 'node:path';
import { App as Cdk8sApp } from 'cdk8s';
import { App as TerraformApp, type TerraformStack } from 'cdktn';
import { SHARED_STACKS, type Model, type Region } from '../schemas';
import { alertTests } from './k8s/alerts/promtool-tests';
import { standingPlanFiles } from './failover-plans';
import { k6Scripts } from './load-tests/k6-scripts';
import { manifestFolder, type PlacedManifest } from './k8s/layout';
import { manifestYaml } from './k8s/manifest-yaml';
import { RegionChart } from './k8s/region-chart';
import { stableJson } from '../schemas/stable-json';
import type { ReadMemo } from './read-memo';
import { CiStack } from './terraform/ci-stack';
import { GlobalStack } from './terraform/global-stack';
import { RegionStack } from './terraform/region-stack';

/** Paths relative to `generated/` mapped to file contents, in sorted order. */
export type GeneratedFiles = ReadonlyMap<string, string>;

export const [GLOBAL_STACK, CI_STACK] = SHARED_STACKS;

/**
 * Compiles the model into every file under `generated/`, in memory. Pure: no clock, no environment,
 * no absolute paths, so equal models give byte-identical output on every machine.
 *
 * With a `memo`, each part (a stack, a region's chart, …) is built only when the model answers its reads
 * differently from a part already built: callers that synthesise many variants of one model (the console's
 * previews, the standing failover plans) pay for what changed. The output is the same with or without it.
 */
export function synth(model: Model, memo?: ReadMemo): GeneratedFiles {
  const files = new Map<string, string>();
  for (const { name, build } of parts(model)) {
    for (const [file, content] of memo ? memo.run(name, model, build) : build(model)) {
      if (files.has(file)) throw new Error(`two parts of synth would write generated/${file}, the second being ${name}`);
      files.set(file, content);
    }
  }
  files.set('README.md', GENERATED_README);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The independent parts of `generated/`, each a pure function of the model giving paths relative to `generated/`,
 * named so that no two parts share a name whatever the region ids.
 */
function parts(model: Model): Array<{ name: string; build: (model: Model) => Map<string, string> }> {
  return [
    ...stacksOf(model).map(({ id, region, build }) => ({ name: region ? `region/${id}/terraform` : `stack/${id}`, build: (model: Model) => terraformFiles((app) => build(app, model)) })),
    ...model.regions.flatMap(({ id }) => [
      { name: `region/${id}/k8s`, build: (model: Model) => kubernetesFiles(model, inRegion(model, id)) },
      { name: `region/${id}/alert-tests`, build: (model: Model) => prefixed(`alert-tests/${id}/`, alertTests(model, inRegion(model, id))) },
    ]),
    { name: 'load-tests', build: (model: Model) => prefixed('load-tests/', k6Scripts(model)) },
    { name: 'failover', build: (model: Model) => new Map(standingPlanFiles(model)) },
  ];
}

/** The Terraform stacks of a model (one per region, then global and ci), each built into the app it is given. */
function stacksOf(model: Model): Array<{ id: string; region: boolean; build: (app: TerraformApp, model: Model) => TerraformStack }> {
  return [
    ...model.regions.map(({ id }) => ({ id, region: true, build: (app: TerraformApp, model: Model) => new RegionStack(app, id, { region: inRegion(model, id), model }) })),
    { id: GLOBAL_STACK, region: false, build: (app: TerraformApp, model: Model) => new GlobalStack(app, GLOBAL_STACK, { model }) },
    { id: CI_STACK, region: false, build: (app: TerraformApp, model: Model) => new CiStack(app, CI_STACK, { model, globalStackName: GLOBAL_STACK }) },
  ];
}

/** Parts look their region up by id in the model they are given, so that model's reads are the ones recorded. */
function inRegion(model: Model, id: string): Region {
  return model.regions.find((region) => region.id === id)!;
}

function prefixed(prefix: string, files: Iterable<readonly [string, string]>): Map<string, string> {
  return new Map([...files].map(([file, content]) => [`${prefix}${file}`, content]));
}

/**
 * Terraform versions the generated stacks are written for: the S3 backend's native locking (`use_lockfile`)
 * needs 1.10. Declared so CDK Terrain checks every feature we use against it, as the official CLI does
 * with cdktf.json's `targetVersions`.
 */
export const TERRAFORM_TARGET_VERSIONS = { terraform: '>=1.10.0' } as const;

/**
 * The Terraform side of the model as a CDK Terrain app: one stack per region plus the global stack.
 * `npm run synth` renders the stacks in memory; the official `cdktn synth` CLI (benchmarks) calls `app.synth()`.
 */
export function terraformApp(model: Model, outdir: string): { app: TerraformApp; stacks: TerraformStack[] } {
  const app = newTerraformApp(outdir);
  return { app, stacks: stacksOf(model).map(({ build }) => build(app, model)) };
}

function newTerraformApp(outdir: string): TerraformApp {
  // Every token records the stack trace of its creation, for error messages about misused tokens; that is
  // most of the construction time of a large model. Set CDKTN_DISABLE_CREATION_STACK=false to get them back.
  process.env.CDKTN_DISABLE_CREATION_STACK ??= 'true';
  return new TerraformApp({ outdir, skipValidation: false, context: { targetVersions: TERRAFORM_TARGET_VERSIONS } });
}

/**
 * Renders stacks to Terraform JSON after running every construct's validations, the same set
 * `App.synth()` runs (a stack's own `node.validate()` would skip its children's).
 *
 * `App.synth()` first resolves every stack once more (`prepareStack`) only to turn tokens that cross
 * stacks into remote-state lookups. Stacks here exchange values through named outputs and explicit
 * remote state (`stack-outputs.ts`) instead, so that pass is skipped: it doubled the render time, and a
 * token that crosses stacks by mistake renders as a reference to an undeclared resource, which the
 * terraform gate refuses.
 */
export function renderStacks(stacks: readonly TerraformStack[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const stack of stacks) {
    stack.runAllValidations();
    out.set(stack.node.id, stableJson(stack.toTerraform()));
  }
  return out;
}

/**
 * One stack in an app of its own. Stacks share nothing but names, so alone each renders as it does beside the
 * others. App.synth() is never called, but the App constructor still creates its outdir: it points outside the
 * checkout so synth leaves no stray folder behind.
 */
function terraformFiles(stackIn: (app: TerraformApp) => TerraformStack): Map<string, string> {
  const stack = stackIn(newTerraformApp(path.join(tmpdir(), 'multi-region-gitops-cdktf')));
  return prefixed('terraform/', [[`${stack.node.id}/cdk.tf.json`, renderStacks([stack]).get(stack.node.id)!]]);
}

function kubernetesFiles(model: Model, region: Region): Map<string, string> {
  const chart = new RegionChart(new Cdk8sApp({ outdir: 'dist' }), region.id, { model, region });
  const out = new Map<string, string>();
  for (const manifest of chart.toJson() as PlacedManifest[]) {
    const file = `k8s/${region.id}/${manifestFolder(manifest)}/${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
    if (out.has(file)) throw new Error(`two manifests would be written to generated/${file}`);
    out.set(file, `${MANIFEST_HEADER}${manifestYaml(manifest)}`);
  }
  return out;
}

const MANIFEST_HEADER = '# Generated by `npm run synth` from regions/ and apps/. Do not edit: change the inputs instead.\n';

const GENERATED_README = `# generated/

Everything here is produced by \`npm run synth\` from \`regions/\` and \`apps/\` and is consumed as is:

- \`terraform/<stack>/cdk.tf.json\`: one Terraform stack per region, \`global\` (DNS, accelerator, peering, the
  Region switch plan) and \`ci\` (the roles CI assumes); each has its own remote state. Apply \`ci\` as an
  administrator, then the primary region, the other regions, and \`global\` last: later stacks read the
  earlier ones' outputs from their state.
- \`k8s/<region>/<folder>/<kind>-<name>.yaml\`: what that region's Argo CD syncs into its cluster, one folder per
  Argo CD Application: \`argocd/\` (the projects and Applications; bootstrap with
  \`kubectl apply -f k8s/<region>/argocd/appproject-bootstrap.yaml -f k8s/<region>/argocd/application-root.yaml\`),
  \`_cluster/\` (Kyverno ClusterPolicies), \`monitoring/\` (alerts, blackbox probes, dashboard) and one folder per app.
- \`alert-tests/<region>/<rule>.test.yaml\`: promtool unit tests of the region's alerts at this model's thresholds,
  run by \`npm test\`; nothing deploys them.
- \`load-tests/<region>.js\`, \`load-tests/cross-region.js\`: k6 SLO load tests whose thresholds are the SLOs in
  \`regions/global.yaml\` (\`k6 run load-tests/cross-region.js\`).
- \`failover/<from>-to-<to>.md\` (and \`.json\`): the standing failover plan for each ordered pair of regions, its
  failback and the commands that propose it (\`npm run drill\`, the console's guided failover, the Region switch
  plan); \`npm test\` judges each as at incident time.

Never edit these files by hand. \`npm test\` fails when they differ from a fresh synth.
`;
