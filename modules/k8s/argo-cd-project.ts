import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Construct } from 'constructs';
import { addManifest } from './kubernetes-object';
import { SYNC_WAVE } from './labels';
import { ARGOCD_NAMESPACE } from './layout';

/** The cluster a region's Argo CD runs in: the only destination any of its projects allows. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * On an Application: deleting it deletes what it deployed. On an AppProject: it is not deleted while an
 * Application still refers to it.
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** An API group (`''` for the core group) and kind, as Argo CD's resource whitelists name them. */
export interface ResourceKind {
  readonly group: string;
  readonly kind: string;
}

/** A cluster-scoped kind, optionally only the objects of one name. */
export interface ClusterResource extends ResourceKind {
  /** @default every object of the kind */
  readonly name?: string;
}

export interface ArgoCdProjectProps {
  /** Project name, which its Applications give as `spec.project`. */
  readonly name: string;
  /** Shown in Argo CD beside the name: what the project deploys. */
  readonly description: string;
  /** The one repository the project's Applications may read (`global.delivery.repoURL`). */
  readonly sourceRepo: string;
  /** In-cluster namespaces the project's Applications may deploy namespaced objects into. */
  readonly namespaces: readonly string[];
  /**
   * Applications with no destination namespace, which sync only cluster-scoped objects, may use the project.
   * @default false
   */
  readonly clusterScopedApplications?: boolean;
  /** Cluster-scoped kinds the Applications may create; none when empty. */
  readonly clusterResources: readonly ClusterResource[];
  /** Namespaced kinds the Applications may create; none when empty. */
  readonly namespacedResources: readonly ResourceKind[];
  /**
   * Argo CD warns about objects in the project's namespaces that no Application manages. Only worth it
   * where the project owns its namespaces outright; in a namespace shared with the cluster add-ons every
   * add-on object would be reported.
   * @default false
   */
  readonly warnOrphans?: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Wave within the root Application; must be lower than every wave of the project's Applications. */
  readonly wave: number;
}

/**
 * An Argo CD AppProject in the region's own Argo CD that lets its Applications read one repository,
 * deploy only into the cluster they run in, only into the listed namespaces, and only the listed kinds.
 * Both whitelists are always written: Argo CD reads a missing namespaced whitelist as "every kind".
 *
 * No project roles: people reach Argo CD through the RBAC of its installation, and what is deployed
 * changes only through a reviewed merge (self-heal reverts anything else). No sync windows: change
 * freezes are enforced where changes enter, at merge time (policy `freeze-needs-emergency` admits only
 * CAB-approved emergencies). A deny window would also hold back that approved fix, and the read-only or
 * failover switch an operator merges during an outage, exactly when it must reach the cluster; and a
 * window is a cron schedule, which has no year, so a one-off freeze would come back every year.
 */
export class ArgoCdProject extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const { name, sourceRepo, namespaces, clusterResources, namespacedResources } = props;
    const fail = (prop: string, expected: string, got: string) => new Error(`ArgoCdProject ${id}: ${prop}: expected ${expected}, got ${got}`);
    if (!DNS_LABEL.test(name)) throw fail('name', 'a DNS label (lower-case letters, digits, -)', JSON.stringify(name));
    if (WILDCARD.test(sourceRepo)) throw fail('sourceRepo', 'one repository URL without wildcards', JSON.stringify(sourceRepo));
    const wildNamespace = namespaces.find((namespace) => !DNS_LABEL.test(namespace));
    if (wildNamespace !== undefined) throw fail('namespaces', 'namespace names without wildcards', JSON.stringify(wildNamespace));
    if (!namespaces.length && !props.clusterScopedApplications) throw fail('namespaces', 'at least one namespace, or clusterScopedApplications', 'neither');
    const wildKind = [...clusterResources, ...namespacedResources].find((resource) => WILDCARD.test(resource.group) || !KIND.test(resource.kind));
    if (wildKind) throw fail('clusterResources/namespacedResources', 'exact groups and kinds', `${JSON.stringify(wildKind.group)}/${JSON.stringify(wildKind.kind)}`);
    if (!Number.isInteger(props.wave)) throw fail('wave', 'an integer', String(props.wave));
    this.name = name;

    addManifest<IAppProject>(this, 'project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { ...props.labels },
        annotations: { [SYNC_WAVE]: String(props.wave) },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        description: props.description,
        sourceRepos: [sourceRepo],
        destinations: [
          ...namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
          // Argo CD matches an Application's missing destination namespace against a missing one here.
          ...(props.clusterScopedApplications ? [{ server: IN_CLUSTER }] : []),
        ],
        clusterResourceWhitelist: clusterResources.map(({ group, kind, name: only }) => ({ group, kind, ...(only ? { name: only } : {}) })),
        namespaceResourceWhitelist: namespacedResources.map(({ group, kind }) => ({ group, kind })),
        ...(props.warnOrphans ? { orphanedResources: { warn: true } } : {}),
      },
    });
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
/** Argo CD reads `*`, `?`, `[…]` and a leading `!` in these fields as glob patterns. */
const WILDCARD = /[*?[\]]|^!/;
