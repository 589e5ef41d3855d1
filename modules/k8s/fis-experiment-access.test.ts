import { beforeAll, describe, expect, it } from 'vitest';
import type { Model, Region } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { FIS_KUBERNETES_USER, FIS_SERVICE_ACCOUNT } from '../names';
import { FisExperimentAccess } from './fis-experiment-access';

let model: Model;
let east: Region;
let manifests: Manifest[];

beforeAll(async () => {
  model = await exampleModel();
  east = model.regions.find((region) => region.id === 'us-east-1')!;
  manifests = synthChart((chart) => new FisExperimentAccess(chart, 'fis-experiment-access', { model, region: east }));
});

describe('FisExperimentAccess', () => {
  it('makes the ServiceAccount, Role and RoleBinding FIS needs, in the namespace of the app behind the load balancer and nowhere else', () => {
    expect(manifests.map((manifest) => `${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}`)).toEqual([
      'ServiceAccount orders-api/fis-experiment',
      'Role orders-api/fis-experiment',
      'RoleBinding orders-api/fis-experiment',
    ]);
  });

  it('allows exactly the verbs and resources of the Role in the FIS user guide: no wildcard, no secrets, no other API group', () => {
    expect(manifestOf(manifests, 'Role', FIS_SERVICE_ACCOUNT).rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ]);
  });

  it('binds the Role to the ServiceAccount the FIS Pod runs as and to the user the experiment role is mapped to, and to no one else', () => {
    const binding = manifestOf(manifests, 'RoleBinding', FIS_SERVICE_ACCOUNT);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FIS_SERVICE_ACCOUNT });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: FIS_SERVICE_ACCOUNT, namespace: 'orders-api' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: FIS_KUBERNETES_USER },
    ]);
  });

  it('labels each object with its region and the platform team, and syncs it with the app’s ServiceAccount', () => {
    for (const manifest of manifests) {
      expect(manifest.metadata.labels).toMatchObject({ 'topology.example.com/region': 'us-east-1', owner: 'example-org.platform' });
      expect(manifest.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
    }
  });
});
