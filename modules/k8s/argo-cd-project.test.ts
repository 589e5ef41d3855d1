import { describe, expect, it } from 'vitest';
import { manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { ArgoCdProject, type ArgoCdProjectProps } from './argo-cd-project';

const props: ArgoCdProjectProps = {
  name: 'team',
  description: 'A team',
  sourceRepo: 'https://github.com/example-org/orders-gitops.git',
  namespaces: ['team-a', 'team-b'],
  clusterResources: [],
  namespacedResources: [{ group: '', kind: 'ConfigMap' }],
  labels: { owner: 'example-org.platform' },
  wave: -3,
};
const synth = (overrides: Partial<ArgoCdProjectProps> = {}) => manifestOf(synthChart((chart) => new ArgoCdProject(chart, 'project', { ...props, ...overrides })), 'AppProject', 'team');

describe('ArgoCdProject', () => {
  it('allows one repository and only the listed namespaces of the cluster Argo CD runs in', () => {
    expect(synth().spec).toMatchObject({
      sourceRepos: ['https://github.com/example-org/orders-gitops.git'],
      destinations: [
        { server: 'https://kubernetes.default.svc', namespace: 'team-a' },
        { server: 'https://kubernetes.default.svc', namespace: 'team-b' },
      ],
    });
  });

  it('admits Applications without a destination namespace only when asked', () => {
    expect(synth({ namespaces: [], clusterScopedApplications: true }).spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc' }]);
  });

  it('writes both whitelists even when empty, as a missing namespaced whitelist admits every kind', () => {
    expect(synth({ namespacedResources: [] }).spec).toMatchObject({ clusterResourceWhitelist: [], namespaceResourceWhitelist: [] });
  });

  it('restricts a cluster-scoped kind to one name when given', () => {
    expect(synth({ clusterResources: [{ group: '', kind: 'Namespace', name: 'team-a' }, { group: 'kyverno.io', kind: 'ClusterPolicy' }] }).spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'team-a' },
      { group: 'kyverno.io', kind: 'ClusterPolicy' },
    ]);
  });

  it('warns about unmanaged objects only when asked', () => {
    expect(synth().spec.orphanedResources).toBeUndefined();
    expect(synth({ warnOrphans: true }).spec.orphanedResources).toEqual({ warn: true });
  });

  it('is not deleted while an Application refers to it, and syncs in its wave', () => {
    expect(synth().metadata).toMatchObject({
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      annotations: { 'argocd.argoproj.io/sync-wave': '-3' },
      labels: { owner: 'example-org.platform' },
    });
  });
});
