import { describe, expect, it } from 'vitest';
import { manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { ArgoCdApplication, type ArgoCdApplicationProps } from './argo-cd-application';

const props: ArgoCdApplicationProps = {
  name: 'shop',
  project: 'team',
  delivery: { repoURL: 'https://github.com/example-org/orders-gitops.git', targetRevision: 'main' },
  path: 'generated/k8s/us-east-1/shop',
  namespace: 'shop',
  wave: 0,
  labels: { owner: 'example-org.shop' },
};
const synth = (overrides: Partial<ArgoCdApplicationProps> = {}) => manifestOf(synthChart((chart) => new ArgoCdApplication(chart, 'application', { ...props, ...overrides })), 'Application', 'shop');

describe('ArgoCdApplication', () => {
  it('syncs the folder at the branch into the namespace of the cluster Argo CD runs in', () => {
    expect(synth().spec).toMatchObject({
      project: 'team',
      source: { repoURL: 'https://github.com/example-org/orders-gitops.git', targetRevision: 'main', path: 'generated/k8s/us-east-1/shop' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
    });
  });

  it('syncs automatically, pruning what left the folder and reverting changes made by hand, never an empty folder', () => {
    expect(synth().spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('applies server-side, prunes last, never takes over shared objects and never creates namespaces', () => {
    expect(synth().spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true', 'CreateNamespace=false']);
  });

  it('retries a failed sync five times with exponential backoff, on the newest revision', () => {
    expect(synth().spec.syncPolicy.retry).toEqual({ limit: 5, refresh: true, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } });
  });

  it('has no destination namespace when it syncs cluster-scoped objects only', () => {
    expect(synth({ namespace: undefined }).spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
  });

  it('syncs in its wave, and leaves the wave unset when none is given', () => {
    expect(synth({ wave: -2 }).metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-2' });
    expect(synth({ wave: undefined }).metadata.annotations).toBeUndefined();
  });

  it('deletes what it deployed when deleted, unless told not to cascade', () => {
    expect(synth().metadata).toMatchObject({ finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(synth({ cascadeDelete: false }).metadata).not.toHaveProperty('finalizers');
  });
});
