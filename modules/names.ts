import type { App, DataSet, Global, Model, Region } from '../schemas';
import type { ScenarioId } from '../schemas/scenarios';

/**
 * Names both sides of the compile stage must agree on: Terraform creates these AWS resources and the
 * Kubernetes manifests refer to them by name, because Argo CD cannot read Terraform state.
 */

/** Prefix of a region's named AWS resources: cluster, load balancer, its target group. */
export function regionResourceName(global: Pick<Global, 'name'>, region: Pick<Region, 'id'>): string {
  return `${global.name}-${region.id}`;
}

/** The IRSA role of an app in a region; trusted only for the ServiceAccount `<app>` in namespace `<app>`. */
export function workloadRoleName(global: Global, region: Region, app: App): string {
  return `${global.name}-${region.id}-${app.name}`;
}

export function workloadRoleArn(model: Model, region: Region, app: App): string {
  return regionRoleArn(model, region, workloadRoleName(model.global, region, app));
}

/**
 * Namespace of the reconciliation Jobs, and the name of their ServiceAccount, Argo CD project and
 * Application: the one service account their IAM role trusts. No app may take it (its namespace and
 * workload role would be the Jobs').
 */
export const RECONCILIATION = 'reconciliation';

/** The database user and ElastiCache user the reconciliation Jobs connect as, with IAM authentication, in every region. */
export const RECONCILIATION_DATA_USER = 'reconciliation';

/** The IRSA role of the reconciliation ServiceAccount in a region; its region stack creates it. */
export function reconciliationRoleName(global: Pick<Global, 'name'>, region: Pick<Region, 'id'>): string {
  return `${global.name}-${region.id}-${RECONCILIATION}`;
}

export function reconciliationRoleArn(model: Model, region: Region): string {
  return regionRoleArn(model, region, reconciliationRoleName(model.global, region));
}

/**
 * The data sets the reconciliation Jobs compare, and so the only ones their role reaches: all but the
 * active-active Kafka data sets, whose mirrors carry the source cluster's prefix, so no topic of the
 * same name exists on both sides to compare.
 */
export function reconciledDataSets(model: Pick<Model, 'replication'>): DataSet[] {
  return model.replication.dataSets.filter((dataSet) => !(dataSet.store === 'kafka' && dataSet.mode === 'active-active'));
}

/** A role a region stack creates, under the stack's role path: what a ServiceAccount's IRSA annotation names. */
function regionRoleArn(model: Model, region: Region, name: string): string {
  return `arn:aws:iam::${model.global.infrastructure.accountId}:role${stackRolePath(model.global, region.id)}${name}`;
}

/** IAM path of the CI roles and of the permissions boundary; never the prefix of a stack's role path. */
export const CI_IAM_PATH = '/ci/';

/**
 * IAM path of every role a stack (a region id or the global stack) creates. A stack's apply role may
 * write `role/<name>/<stack>/*` only: IAM's `*` spans `/`, so the closing `/` keeps one stack's
 * pattern off another stack whose id starts with this one's.
 */
export function stackRolePath(global: Pick<Global, 'name'>, stack: string): string {
  return `/${global.name}/${stack}/`;
}

/** The managed policy (under {@link CI_IAM_PATH}) every role a stack creates carries as its permissions boundary. */
export function stackRoleBoundaryName(global: Pick<Global, 'name'>): string {
  return `${global.name}-stack-role-boundary`;
}

/** The EKS access policy the Region switch plan's role holds in each cluster; the global stack's apply role may associate no other. */
export const REGION_SWITCH_SCALING_POLICY = 'AmazonARCRegionSwitchScalingPolicy';

/** ARN of {@link stackRoleBoundaryName}; partition and account may be Terraform references. */
export function stackRoleBoundaryArn(global: Pick<Global, 'name'>, partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:policy${CI_IAM_PATH}${stackRoleBoundaryName(global)}`;
}

/** The app the public load balancer forwards to: the first (by name) with an HTTP port that runs in the region. */
export function entryApp(apps: readonly App[], region: Region): { app: App; port: number } {
  for (const app of apps) {
    const port = app.ports.find((candidate) => candidate.protocol === 'http');
    if (port) return { app, port: port.port };
  }
  throw new Error(`region ${region.id}: apps: expected at least one app with an http port running in ${region.id}, got ${apps.length ? apps.map((app) => app.name).join(', ') : 'none'}`);
}

/** A data set's database, cache or bucket in one region. */
export function dataSetResourceName(global: Global, dataSet: DataSet, region: Region): string {
  return `${global.name}-${dataSet.name}-${region.id}`;
}

/** The ARC Region switch plan that activates a region: approval, EKS scale-up, Aurora writer move, traffic shift. */
export function regionSwitchPlanName(global: Pick<Global, 'name'>): string {
  return `${global.name}-global-failover`;
}

/** The Aurora global database of an `aurora` data set, spanning its regional clusters. */
export function auroraGlobalClusterId(global: Pick<Global, 'name'>, dataSet: Pick<DataSet, 'name'>): string {
  return `${global.name}-${dataSet.name}`;
}

/** The MSK Replicator that mirrors topics from `source` into `target`. */
export function kafkaReplicatorName(global: Global, source: Region, target: Region): string {
  return `${global.name}-${source.id}-to-${target.id}`;
}

/** Tag `Name` of an endpoint's Route 53 health check on a routed record; alerts find the check's metrics by it. */
export function routedHealthCheckName(record: string, zone: string, endpointId: string): string {
  return `${record}.${zone} ${endpointId}`;
}

/** Tag `Name` of a region's health check on the global record. */
export function healthCheckName(global: Global, region: Region): string {
  return routedHealthCheckName(global.dns.record, global.dns.zone, region.id);
}

/**
 * The service account FIS runs its fault pod as in the app's namespace (`kubernetesServiceAccount` of the
 * `aws:eks:pod-*` actions). A Role and RoleBinding in that namespace must let it create pods and
 * ephemeral containers, and bind the Kubernetes user the FIS experiment role is mapped to.
 */
export const FIS_SERVICE_ACCOUNT = 'fis-experiment';

/**
 * The Kubernetes user a region's FIS experiment role is in its cluster: its EKS access entry maps the role
 * to this name (and no group), and the RoleBinding in the target namespace binds it, as the FIS guide does.
 */
export const FIS_KUBERNETES_USER = 'fis-experiment';

/** The role a region's FIS experiments run as, under the region stack's role path; the one principal its access entry maps. */
export function fisExperimentRoleName(global: Pick<Global, 'name'>, region: Pick<Region, 'id'>): string {
  return `${global.name}-${region.id}-fis`;
}

/**
 * The `Name` tag of the FIS experiment template that injects a scenario's faults in a region: what the
 * runbooks and failover steps tell the operator to start. `regionPrefix` is {@link regionResourceName}.
 */
export function fisExperimentTemplateName(regionPrefix: string, scenario: ScenarioId): string {
  return `${regionPrefix}-${scenario}`;
}
