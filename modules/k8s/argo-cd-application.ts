import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Construct } from 'constructs';
import type { Delivery } from '../../schemas';
import { IN_CLUSTER, RESOURCES_FINALIZER } from './argo-cd-project';
import { addManifest } from './kubernetes-object';
import { SYNC_WAVE } from './labels';
import { ARGOCD_NAMESPACE, KUBERNETES_DIR } from './layout';

export interface ArgoCdApplicationProps {
  /** Application name, unique in the region's Argo CD. */
  readonly name: string;
  /** The AppProject bounding what the Application may deploy. */
  readonly project: string;
  /** Repository and branch every region's Argo CD follows (`global.delivery`). */
  readonly delivery: Pick<Delivery, 'repoURL' | 'targetRevision'>;
  /** The repository folder the Application syncs: one of a region's folders under `generated/k8s/`. */
  readonly path: string;
  /** Namespace of the objects that name none; omitted for an Application of cluster-scoped objects only. */
  readonly namespace?: string;
  /**
   * Wave within the root Application: the root applies lower waves first and waits for them to be healthy.
   * @default no annotation (Argo CD's wave 0)
   */
  readonly wave?: number;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Deleting the Application deletes what it deployed, so an app removed from the repository disappears
   * from the cluster with it.
   * @default true
   */
  readonly cascadeDelete?: boolean;
  /**
   * Fields another controller owns on purpose; self-heal leaves them alone and syncs do not overwrite them.
   * @default none
   */
  readonly ignoreDifferences?: ReadonlyArray<{ group: string; kind: string; jsonPointers: string[] }>;
}

/**
 * An Argo CD Application syncing one generated folder into the cluster its Argo CD runs in, automatically:
 * every merged change is applied, objects removed from the folder are pruned, and changes made by hand
 * are reverted. `allowEmpty` stays off, so a folder emptied by mistake never prunes everything in it.
 */
export class ArgoCdApplication extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const { name, path, namespace } = props;
    const fail = (prop: string, expected: string, got: string) => new Error(`ArgoCdApplication ${id}: ${prop}: expected ${expected}, got ${got}`);
    if (!path.startsWith(`${KUBERNETES_DIR}/`) || path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      throw fail('path', `a folder under ${KUBERNETES_DIR}/ without empty, . or .. segments`, JSON.stringify(path));
    }
    if (props.wave !== undefined && !Number.isInteger(props.wave)) throw fail('wave', 'an integer', String(props.wave));
    this.name = name;

    addManifest<IApplication>(this, 'application', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { ...props.labels },
        ...(props.wave === undefined ? {} : { annotations: { [SYNC_WAVE]: String(props.wave) } }),
        ...(props.cascadeDelete === false ? {} : { finalizers: [RESOURCES_FINALIZER] }),
      },
      spec: {
        project: props.project,
        source: { repoURL: props.delivery.repoURL, targetRevision: props.delivery.targetRevision, path },
        destination: { server: IN_CLUSTER, ...(namespace === undefined ? {} : { namespace }) },
        ...(props.ignoreDifferences?.length ? { ignoreDifferences: props.ignoreDifferences.map((entry) => ({ ...entry, jsonPointers: [...entry.jsonPointers] })) } : {}),
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: [
            // Field ownership instead of the last-applied annotation, which large objects (dashboards, rule
            // groups) would overflow.
            'ServerSideApply=true',
            // Deletions wait until everything else is applied and healthy.
            'PruneLast=true',
            // Never take over an object another Application manages.
            'FailOnSharedResource=true',
            // Namespaces are declared in the app folders (with their pod-security labels), never made up by Argo CD.
            'CreateNamespace=false',
            ...(props.ignoreDifferences?.length ? ['RespectIgnoreDifferences=true'] : []),
          ],
          retry: {
            limit: 5,
            // A failed sync is retried with the newest revision, so a fix merged meanwhile is what is applied.
            refresh: true,
            backoff: { duration: '10s', factor: 2, maxDuration: '5m' },
          },
        },
      },
    });
  }
}
