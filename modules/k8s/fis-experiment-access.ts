import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Construct } from 'constructs';
import { regionsOfApp, type Model, type Region } from '../../schemas';
import { entryApp, FIS_KUBERNETES_USER, FIS_SERVICE_ACCOUNT } from '../names';
import { addManifest } from './kubernetes-object';
import { regionLabels, SYNC_WAVE } from './labels';

/**
 * What the `aws:eks:pod-*` actions do in the target namespace, verb for verb as the FIS user guide's Role
 * lists them (https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html#configure-service-account):
 * the FIS Pod and its ConfigMap, the ephemeral container it adds to each target pod, exec into it, and
 * reading the Deployment a `deploymentName` selector names.
 */
export const FIS_POD_ACTION_RULES: NonNullable<IRole['rules']> = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
  { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
];

/** Applied with the app's ServiceAccount, before its workload; nothing waits on them until an experiment runs. */
const WAVE = '0';

export interface FisExperimentAccessProps {
  /** The validated model: the apps of the region, the labels' owner. */
  readonly model: Model;
  readonly region: Region;
}

/**
 * The Kubernetes side of the region's FIS pod experiments, in the namespace of the app behind the load
 * balancer (the one the Terraform side's `aws:eks:pod` targets select): the ServiceAccount the FIS Pod runs
 * as (`kubernetesServiceAccount`), a Role with the FIS guide's rules and nothing more, and a RoleBinding
 * giving it to that ServiceAccount and to the user the region's FIS experiment role is mapped to by its
 * EKS access entry. Nothing here is cluster-wide, and no other namespace is reachable.
 *
 * This grants FIS the API calls; whether the pods admit its ephemeral container is another matter
 * (docs/kubernetes.md, "FIS pod actions").
 */
export class FisExperimentAccess extends Construct {
  /** The namespace FIS may act in: the entry app's. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: FisExperimentAccessProps) {
    super(scope, id);
    const { model, region } = props;
    const apps = model.apps.filter((app) => regionsOfApp(model, app).includes(region));
    const { app } = entryApp(apps, region);
    if (app.name === FIS_SERVICE_ACCOUNT) {
      throw new Error(`FisExperimentAccess ${id}: the app behind the load balancer in ${region.id}: expected a name other than ${FIS_SERVICE_ACCOUNT}, whose own ServiceAccount would be the one FIS runs as, got ${app.name}`);
    }
    this.namespace = app.name;
    const metadata = (name: string) => ({ name, namespace: app.name, labels: regionLabels(model.global, region), annotations: { [SYNC_WAVE]: WAVE } });

    addManifest<IServiceAccount>(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(FIS_SERVICE_ACCOUNT),
    });
    addManifest<IRole>(this, 'role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(FIS_SERVICE_ACCOUNT),
      rules: FIS_POD_ACTION_RULES,
    });
    addManifest<IRoleBinding>(this, 'role-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(FIS_SERVICE_ACCOUNT),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FIS_SERVICE_ACCOUNT },
      subjects: [
        { kind: 'ServiceAccount', name: FIS_SERVICE_ACCOUNT, namespace: app.name },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: FIS_KUBERNETES_USER },
      ],
    });
  }
}
