import { MONITORING_NAMESPACE } from './monitoring';

/**
 * Where synth writes each region's manifests and where that region's Argo CD reads them. A folder is
 * exactly what one Argo CD Application syncs, so synth (which writes the folders) and the Applications
 * (which point at them) both take the names from here.
 */
export const KUBERNETES_DIR = 'generated/k8s';

/** The namespace Argo CD runs in on every cluster; its AppProjects and Applications are its folder. */
export const ARGOCD_NAMESPACE = 'argocd';

/**
 * Cluster-scoped objects other than the apps' Namespaces (the Kyverno ClusterPolicies). The underscore
 * cannot start a namespace name, so the folder never collides with one.
 */
export const CLUSTER_FOLDER = '_cluster';

/** The folder of the region's PrometheusRules, Probes and dashboards: their namespace. */
export const MONITORING_FOLDER = MONITORING_NAMESPACE;

/** What the layout needs to know of a manifest. */
export interface PlacedManifest {
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * A namespaced object goes to its namespace's folder, an app's Namespace to the app's folder (so deleting
 * the app's Application deletes the namespace too), any other cluster-scoped object to `_cluster`.
 */
export function manifestFolder(manifest: PlacedManifest): string {
  if (manifest.metadata.namespace) return manifest.metadata.namespace;
  return manifest.kind === 'Namespace' ? manifest.metadata.name : CLUSTER_FOLDER;
}

/** Repository-relative folder of one region, e.g. `generated/k8s/us-east-1/orders-api`. */
export function regionFolder(regionId: string, folder: string): string {
  return `${KUBERNETES_DIR}/${regionId}/${folder}`;
}

/** Repository-relative file of one manifest: `generated/k8s/<region>/<folder>/<kind>-<name>.yaml`. */
export function manifestPath(regionId: string, manifest: PlacedManifest): string {
  return `${regionFolder(regionId, manifestFolder(manifest))}/${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}
