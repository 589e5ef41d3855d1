import { Chart, Testing } from 'cdk8s';
import type { Model } from '../../schemas';
import { modelAt, REPO_ROOT } from './example-repo';

/** A manifest as `chart.toJson()` renders it, loosely typed for partial assertions. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** The repository's own inputs, validated: a realistic model for Kubernetes construct specifications. */
export function exampleModel(): Promise<Model> {
  return modelAt(REPO_ROOT);
}

/** A chart as the region charts make it (no name hashes), filled by `build`, rendered. */
export function synthChart(build: (chart: Chart) => void): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  build(chart);
  return chart.toJson() as Manifest[];
}

/** The one manifest of `kind` named `name`; fails when there is none or several. */
export function manifestOf(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length} among ${manifests.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')}`);
  return found[0]!;
}
