import { Construct } from 'constructs';
import { regionsOfApp, type App, type Model, type Region } from '../../schemas';
import { RECONCILIATION } from '../names';
import { ArgoCdApplication } from './argo-cd-application';
import { ArgoCdProject, type ClusterResource, type ResourceKind } from './argo-cd-project';
import { appLabels, regionLabels } from './labels';
import { ARGOCD_NAMESPACE, CLUSTER_FOLDER, manifestPath, MONITORING_FOLDER, regionFolder } from './layout';
import { MONITORING_NAMESPACE } from './monitoring';

/** Project of the region's cluster policies and monitoring objects. */
export const PLATFORM_PROJECT = 'platform';
/** Project of the root Application alone: it may create only AppProjects and Applications, in `argocd`. */
export const BOOTSTRAP_PROJECT = 'bootstrap';
export const ROOT_APPLICATION = 'root';
export const MONITORING_APPLICATION = 'monitoring';
export const CLUSTER_POLICIES_APPLICATION = 'cluster-policies';

/**
 * Waves within the root Application. Projects exist before the Applications naming them; the admission
 * policies are enforcing before any workload is admitted, and the alerts watch before it starts.
 */
export const ARGOCD_WAVES = { projects: -3, clusterPolicies: -2, monitoring: -1, apps: 0 } as const;

/** The kinds in an app's folder (`<app>/`), and nothing else: the apps' project admits exactly these. */
export const APP_FOLDER_KINDS: readonly ResourceKind[] = [
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Service' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'argoproj.io', kind: 'Rollout' },
  { group: 'argoproj.io', kind: 'AnalysisTemplate' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'monitoring.coreos.com', kind: 'PodMonitor' },
  { group: 'elbv2.k8s.aws', kind: 'TargetGroupBinding' },
  // FIS's Role and its binding in the entry app's namespace (FisExperimentAccess); no ClusterRole or ClusterRoleBinding.
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/** The kinds in `monitoring/`: alerting rules, blackbox probes, Grafana dashboards. */
export const MONITORING_FOLDER_KINDS: readonly ResourceKind[] = [
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule' },
  { group: 'monitoring.coreos.com', kind: 'Probe' },
  { group: '', kind: 'ConfigMap' },
];

/** The kinds in `_cluster/`. */
export const CLUSTER_FOLDER_KINDS: readonly ClusterResource[] = [{ group: 'kyverno.io', kind: 'ClusterPolicy' }];

/** What the root Application's folder (`argocd/`) holds. */
const ARGOCD_FOLDER_KINDS: readonly ResourceKind[] = [
  { group: 'argoproj.io', kind: 'AppProject' },
  { group: 'argoproj.io', kind: 'Application' },
];

/**
 * Names an app cannot take: its name is its namespace, its Application's name and part of its IAM
 * role's, so it must not be a namespace of Kubernetes itself or of the add-ons cluster bootstrap
 * installs, nor another Application (the reconciliation Jobs', whose role it would also take).
 */
const RESERVED_APP_NAMES = [ARGOCD_NAMESPACE, 'argo-rollouts', 'kyverno', MONITORING_NAMESPACE, 'default', ROOT_APPLICATION, CLUSTER_POLICIES_APPLICATION, RECONCILIATION];
/** Argo CD projects other than the apps' (named after the deployment, `global.name`). */
const RESERVED_PROJECT_NAMES = [PLATFORM_PROJECT, BOOTSTRAP_PROJECT, RECONCILIATION, 'default'];

export interface RegionArgoCdProps {
  /** The validated model: the repository and branch (`global.delivery`), the project name (`global.name`). */
  readonly model: Model;
  /** The region whose cluster's own Argo CD these objects configure. */
  readonly region: Region;
  /** The apps that run in the region, one Application each. */
  readonly apps: readonly App[];
}

/**
 * What one region's Argo CD deploys from this repository, in `generated/k8s/<region>/argocd/`: an
 * app-of-apps `root` Application syncing that folder, which holds the AppProjects and one Application
 * per folder of the region: `cluster-policies` (`_cluster/`), `monitoring` and one per app (`<app>/`).
 * Each region's cluster runs its own Argo CD and its Applications read only that region's folders, so a
 * region deploys on its own: losing a region never loses the other's deployer, and a failed canary
 * holds back only its own Application.
 *
 * Bootstrap once per cluster with `bootstrapCommand(region)`: the root Application and its project.
 * The root's project cannot come from the root itself, since Argo CD does not sync an Application whose
 * project does not exist yet; a permissive `default` project is not used instead.
 *
 * The waves between Applications (`ARGOCD_WAVES`) make the root wait for each wave to be healthy only
 * where the cluster's `argocd-cm` restores the health check of `argoproj.io/Application`
 * (`resource.customizations.health.argoproj.io_Application`, removed from Argo CD's built-in checks in
 * 1.8; https://argo-cd.readthedocs.io/en/release-3.3/operator-manual/health/#argocd-app). Without it an
 * Application counts as healthy as soon as it exists, and the waves order only its creation. The root
 * itself has no resources finalizer: deleting it by mistake leaves the region running, where a cascade
 * would delete every Application and, through theirs, every workload.
 */
export class RegionArgoCd extends Construct {
  constructor(scope: Construct, id: string, props: RegionArgoCdProps) {
    super(scope, id);
    const { model, region, apps } = props;
    const { global } = model;
    const fail = (prop: string, expected: string, got: string) => new Error(`RegionArgoCd ${id}: ${prop}: expected ${expected}, got ${got}`);
    if (RESERVED_PROJECT_NAMES.includes(global.name)) {
      throw fail('model.global.name', `a project name other than ${RESERVED_PROJECT_NAMES.join(', ')}`, JSON.stringify(global.name));
    }
    if (!apps.length) throw fail('apps', `at least one app running in ${region.id}`, 'none');
    const elsewhere = apps.filter((app) => !regionsOfApp(model, app).some((where) => where.id === region.id));
    if (elsewhere.length) throw fail('apps', `apps that run in ${region.id}`, elsewhere.map((app) => app.name).join(', '));
    const reserved = apps.filter((app) => RESERVED_APP_NAMES.includes(app.name) || app.name.startsWith('kube-'));
    if (reserved.length) {
      throw fail('apps', `app names other than ${RESERVED_APP_NAMES.join(', ')} and kube-*, which the cluster and its Argo CD use`, reserved.map((app) => app.name).join(', '));
    }

    const labels = regionLabels(global, region);
    const delivery = global.delivery;
    const sourceRepo = delivery.repoURL;

    new ArgoCdProject(this, 'bootstrap-project', {
      name: BOOTSTRAP_PROJECT,
      description: `The root Application of ${region.id}: AppProjects and Applications from ${regionFolder(region.id, ARGOCD_NAMESPACE)}`,
      sourceRepo,
      namespaces: [ARGOCD_NAMESPACE],
      clusterResources: [],
      namespacedResources: ARGOCD_FOLDER_KINDS,
      labels,
      wave: ARGOCD_WAVES.projects,
    });
    new ArgoCdProject(this, 'platform-project', {
      name: PLATFORM_PROJECT,
      description: `Admission policies and monitoring of ${region.id}`,
      sourceRepo,
      namespaces: [MONITORING_NAMESPACE],
      clusterScopedApplications: true,
      clusterResources: CLUSTER_FOLDER_KINDS,
      namespacedResources: MONITORING_FOLDER_KINDS,
      labels,
      wave: ARGOCD_WAVES.projects,
    });
    new ArgoCdProject(this, 'apps-project', {
      name: global.name,
      description: `The ${global.name} apps running in ${region.id}, each in its own namespace`,
      sourceRepo,
      namespaces: apps.map((app) => app.name),
      // Each app's folder holds its own Namespace; the project admits those Namespaces and no other.
      clusterResources: apps.map((app) => ({ group: '', kind: 'Namespace', name: app.name })),
      namespacedResources: APP_FOLDER_KINDS,
      warnOrphans: true,
      labels,
      wave: ARGOCD_WAVES.projects,
    });

    new ArgoCdApplication(this, 'root', {
      name: ROOT_APPLICATION,
      project: BOOTSTRAP_PROJECT,
      delivery,
      path: regionFolder(region.id, ARGOCD_NAMESPACE),
      namespace: ARGOCD_NAMESPACE,
      labels,
      cascadeDelete: false,
    });
    new ArgoCdApplication(this, 'cluster-policies', {
      name: CLUSTER_POLICIES_APPLICATION,
      project: PLATFORM_PROJECT,
      delivery,
      path: regionFolder(region.id, CLUSTER_FOLDER),
      wave: ARGOCD_WAVES.clusterPolicies,
      labels,
    });
    new ArgoCdApplication(this, 'monitoring', {
      name: MONITORING_APPLICATION,
      project: PLATFORM_PROJECT,
      delivery,
      path: regionFolder(region.id, MONITORING_FOLDER),
      namespace: MONITORING_NAMESPACE,
      wave: ARGOCD_WAVES.monitoring,
      labels,
    });
    for (const app of apps) {
      new ArgoCdApplication(this, `app-${app.name}`, {
        name: app.name,
        project: global.name,
        delivery,
        path: regionFolder(region.id, app.name),
        namespace: app.name,
        wave: ARGOCD_WAVES.apps,
        labels: appLabels(global, region, app),
        // The Region switch plan raises the HPA's minimum in the region taking over; reverting it mid-switch
        // would shed the capacity the switch just added.
        ignoreDifferences: [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', jsonPointers: ['/spec/minReplicas'] }],
      });
    }
  }
}

/**
 * The one manual step per cluster, run once Argo CD is installed: creates the root Application and its
 * project; from then on the root deploys everything else, itself included, from the repository.
 */
export function bootstrapCommand(region: Pick<Region, 'id'>): string {
  const file = (kind: string, name: string) => manifestPath(region.id, { kind, metadata: { name, namespace: ARGOCD_NAMESPACE } });
  return `kubectl apply -f ${file('AppProject', BOOTSTRAP_PROJECT)} -f ${file('Application', ROOT_APPLICATION)}`;
}
