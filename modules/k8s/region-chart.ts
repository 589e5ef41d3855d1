import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageOf, regionsOfApp, type Model, type Region } from '../../schemas';
import { AppWorkload } from './app-workload';
import { ClusterPolicies } from './cluster-policies';
import { FisExperimentAccess } from './fis-experiment-access';
import { Reconciliation } from './reconciliation';
import { RegionAlerts } from './region-alerts';
import { RegionArgoCd } from './region-argo-cd';
import { RegionDashboard } from './region-dashboard';
import { RegionProbes } from './region-probes';

export interface RegionChartProps {
  readonly model: Model;
  readonly region: Region;
}

/**
 * Everything one region's Argo CD syncs into its cluster: the Argo CD projects and Applications
 * themselves, the Kyverno ClusterPolicies, the region's alerts, probes and dashboard, and per app its
 * workload (Rollout, Services, flags, scaling, network policies, IRSA ServiceAccount); the
 * reconciliation Jobs an operator runs by hand after a failover or failback; and FIS's RBAC for its pod
 * experiments in the entry app's namespace.
 */
export class RegionChart extends Chart {
  constructor(scope: Construct, id: string, props: RegionChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { model, region } = props;
    const apps = model.apps.filter((app) => regionsOfApp(model, app).includes(region));
    new RegionArgoCd(this, 'argocd', { model, region, apps });
    new ClusterPolicies(this, 'cluster-policies', { policies: model.clusterPolicies, global: model.global, region });
    new RegionAlerts(this, 'alerts', { model, region });
    new RegionProbes(this, 'probes', { model, region });
    new RegionDashboard(this, 'dashboard', { model, region });
    new Reconciliation(this, 'reconciliation', { model, region });
    new FisExperimentAccess(this, 'fis-experiment-access', { model, region });
    for (const app of apps) new AppWorkload(this, app.name, { model, region, app, image: imageOf(model, app, region) });
  }
}
