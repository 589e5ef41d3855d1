import { describe, expect, it } from 'vitest';
import type { App } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { manifestPath } from './layout';
import { bootstrapCommand, RegionArgoCd } from './region-argo-cd';

const model = await exampleModel();
const [east, west] = model.regions as [(typeof model.regions)[0], (typeof model.regions)[0]];
const app = model.apps[0]!;
// A second app, pinned to one region, so that per-app and per-region behaviour is visible.
const payments: App = { ...app, name: 'payments', regions: [east.id] };

const synth = (region = east, apps: readonly App[] = [app, payments]) => synthChart((chart) => new RegionArgoCd(chart, 'argocd', { model: { ...model, apps: [app, payments] }, region, apps }));
const applications = (manifests: Manifest[]) => manifests.filter((manifest) => manifest.kind === 'Application');
const wave = (manifest: Manifest) => Number(manifest.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
const { repoURL, targetRevision } = model.global.delivery;

describe('RegionArgoCd', () => {
  it('puts every AppProject and Application in the argocd namespace', () => {
    const manifests = synth();
    expect(new Set(manifests.map((manifest) => manifest.metadata.namespace))).toEqual(new Set(['argocd']));
    expect(manifests.map((manifest) => `${manifest.kind} ${manifest.metadata.name}`).sort()).toEqual([
      'AppProject bootstrap',
      `AppProject ${model.global.name}`,
      'AppProject platform',
      'Application cluster-policies',
      'Application monitoring',
      `Application ${app.name}`,
      'Application payments',
      'Application root',
    ]);
  });

  it("gives each app an Application syncing the app's folder of this region into the app's namespace", () => {
    for (const name of [app.name, 'payments']) {
      expect(manifestOf(synth(), 'Application', name).spec).toMatchObject({
        project: model.global.name,
        source: { repoURL, targetRevision, path: `generated/k8s/${east.id}/${name}` },
        destination: { server: 'https://kubernetes.default.svc', namespace: name },
      });
    }
  });

  it("leaves the HPA minimum the Region switch plan raises to the plan, in the apps' Applications only", () => {
    const manifests = synth();
    expect(manifestOf(manifests, 'Application', app.name).spec).toMatchObject({
      ignoreDifferences: [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', jsonPointers: ['/spec/minReplicas'] }],
      syncPolicy: { syncOptions: expect.arrayContaining(['RespectIgnoreDifferences=true']) },
    });
    expect(manifestOf(manifests, 'Application', 'monitoring').spec.ignoreDifferences).toBeUndefined();
  });

  it("reads only the region's own folders", () => {
    const paths = applications(synth(west, [app])).map((application) => application.spec.source.path);
    expect(paths.sort()).toEqual([`generated/k8s/${west.id}/_cluster`, `generated/k8s/${west.id}/argocd`, `generated/k8s/${west.id}/monitoring`, `generated/k8s/${west.id}/${app.name}`]);
  });

  it('syncs the cluster policies from _cluster and the monitoring objects from monitoring, in the platform project', () => {
    const manifests = synth();
    expect(manifestOf(manifests, 'Application', 'cluster-policies').spec).toEqual(
      expect.objectContaining({ project: 'platform', source: expect.objectContaining({ path: `generated/k8s/${east.id}/_cluster` }), destination: { server: 'https://kubernetes.default.svc' } }),
    );
    expect(manifestOf(manifests, 'Application', 'monitoring').spec).toMatchObject({
      project: 'platform',
      source: { path: `generated/k8s/${east.id}/monitoring` },
      destination: { namespace: 'monitoring' },
    });
  });

  it('syncs every Application automatically, pruning and self-healing, retrying with backoff', () => {
    for (const application of applications(synth())) {
      expect(application.spec.syncPolicy).toMatchObject({
        automated: { prune: true, selfHeal: true },
        syncOptions: expect.arrayContaining(['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true', 'CreateNamespace=false']),
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      });
    }
  });

  it('applies the projects first, then the cluster policies, then monitoring, then the apps', () => {
    const manifests = synth();
    const project = wave(manifestOf(manifests, 'AppProject', model.global.name));
    const policies = wave(manifestOf(manifests, 'Application', 'cluster-policies'));
    const monitoring = wave(manifestOf(manifests, 'Application', 'monitoring'));
    const apps = [app.name, 'payments'].map((name) => wave(manifestOf(manifests, 'Application', name)));
    expect([project, policies, monitoring, ...apps]).toEqual([-3, -2, -1, 0, 0]);
    expect(manifests.filter((manifest) => manifest.kind === 'AppProject').map(wave)).toEqual([-3, -3, -3]);
  });

  it("restricts the apps' project to the repository, the region's app namespaces, their Namespaces and the kinds of an app folder", () => {
    expect(manifestOf(synth(west, [app]), 'AppProject', model.global.name).spec).toEqual({
      description: expect.any(String),
      sourceRepos: [repoURL],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: app.name }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: app.name }],
      namespaceResourceWhitelist: [
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
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
      ],
      orphanedResources: { warn: true },
    });
  });

  it('restricts the platform project to the monitoring namespace, cluster-scoped Applications and ClusterPolicies', () => {
    expect(manifestOf(synth(), 'AppProject', 'platform').spec).toEqual({
      description: expect.any(String),
      sourceRepos: [repoURL],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'monitoring' }, { server: 'https://kubernetes.default.svc' }],
      clusterResourceWhitelist: [{ group: 'kyverno.io', kind: 'ClusterPolicy' }],
      namespaceResourceWhitelist: [
        { group: 'monitoring.coreos.com', kind: 'PrometheusRule' },
        { group: 'monitoring.coreos.com', kind: 'Probe' },
        { group: '', kind: 'ConfigMap' },
      ],
    });
  });

  it('lets the root Application create only AppProjects and Applications, in argocd', () => {
    expect(manifestOf(synth(), 'AppProject', 'bootstrap').spec).toEqual({
      description: expect.any(String),
      sourceRepos: [repoURL],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'Application' },
      ],
    });
  });

  it("points the root Application at the region's argocd folder, itself included", () => {
    expect(manifestOf(synth(), 'Application', 'root')).toMatchObject({
      spec: { project: 'bootstrap', source: { repoURL, targetRevision, path: `generated/k8s/${east.id}/argocd` }, destination: { namespace: 'argocd' } },
    });
  });

  it('cascades the deletion of every Application but the root', () => {
    const finalizers = Object.fromEntries(applications(synth()).map((application) => [application.metadata.name, (application.metadata as { finalizers?: string[] }).finalizers]));
    expect(finalizers).toEqual({
      root: undefined,
      'cluster-policies': ['resources-finalizer.argocd.argoproj.io'],
      monitoring: ['resources-finalizer.argocd.argoproj.io'],
      [app.name]: ['resources-finalizer.argocd.argoproj.io'],
      payments: ['resources-finalizer.argocd.argoproj.io'],
    });
  });

  it("labels the apps' Applications with their owner and the others with the platform team", () => {
    const manifests = synth();
    expect(manifestOf(manifests, 'Application', 'payments').metadata.labels).toMatchObject({ 'topology.example.com/region': east.id, owner: 'example-org.orders-team', 'app.kubernetes.io/name': 'payments' });
    expect(manifestOf(manifests, 'Application', 'monitoring').metadata.labels).toMatchObject({ 'topology.example.com/region': east.id, owner: 'example-org.platform' });
  });

  it('bootstraps with the files synth writes for the root Application and its project', () => {
    const manifests = synth();
    const files = [manifestOf(manifests, 'AppProject', 'bootstrap'), manifestOf(manifests, 'Application', 'root')].map((manifest) => manifestPath(east.id, manifest));
    expect(files).toEqual([`generated/k8s/${east.id}/argocd/appproject-bootstrap.yaml`, `generated/k8s/${east.id}/argocd/application-root.yaml`]);
    expect(bootstrapCommand(east)).toBe(`kubectl apply -f ${files[0]} -f ${files[1]}`);
  });
});
