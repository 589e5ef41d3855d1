import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { App, Model } from '../../schemas';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { RegionArgoCd } from './region-argo-cd';

const model = await exampleModel();
const [east, west] = model.regions as [(typeof model.regions)[0], (typeof model.regions)[0]];
const app = model.apps[0]!;

const build = (apps: readonly App[], of: Model = model, region = east) => () => new RegionArgoCd(new Chart(Testing.app(), 'test'), 'argocd', { model: of, region, apps });

describe('RegionArgoCd rejects', () => {
  it('an app that does not run in the region', () => {
    const eastOnly = { ...app, regions: [east.id] };
    expect(build([eastOnly], { ...model, apps: [eastOnly] }, west)).toThrow(`RegionArgoCd argocd: apps: expected apps that run in ${west.id}, got ${app.name}`);
  });

  it('an app named like a namespace or Application the cluster reserves', () => {
    const apps = ['argocd', 'kube-proxy'].map((name) => ({ ...app, name }));
    expect(build(apps, { ...model, apps })).toThrow(
      'RegionArgoCd argocd: apps: expected app names other than argocd, argo-rollouts, kyverno, monitoring, default, root, cluster-policies, reconciliation and kube-*, which the cluster and its Argo CD use, got argocd, kube-proxy',
    );
  });

  it('an app named reconciliation, whose namespace, Application and IAM role the reconciliation Jobs hold', () => {
    const apps = [{ ...app, name: 'reconciliation' }];
    expect(build(apps, { ...model, apps })).toThrow(/^RegionArgoCd argocd: apps: expected app names other than .*, reconciliation and kube-\*, .*, got reconciliation$/);
  });

  it("a deployment name that would replace another project, Argo CD's default included", () => {
    expect(build([app], { ...model, global: { ...model.global, name: 'default' } })).toThrow(
      'RegionArgoCd argocd: model.global.name: expected a project name other than platform, bootstrap, reconciliation, default, got "default"',
    );
  });

  it('a deployment named reconciliation, whose apps’ project would be the reconciliation Jobs’', () => {
    expect(build([app], { ...model, global: { ...model.global, name: 'reconciliation' } })).toThrow(
      'RegionArgoCd argocd: model.global.name: expected a project name other than platform, bootstrap, reconciliation, default, got "reconciliation"',
    );
  });

  it('a region without apps', () => {
    expect(build([])).toThrow(`RegionArgoCd argocd: apps: expected at least one app running in ${east.id}, got none`);
  });
});
