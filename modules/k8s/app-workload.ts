import { ApiObject } from 'cdk8s';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Construct } from 'constructs';
import { regionsOfApp, type App, type Model, type Region } from '../../schemas';
import { entryApp, workloadRoleArn } from '../names';
import { AppPodMonitor } from './app-pod-monitor';
import { AppScaling } from './app-scaling';
import { CanaryRollout } from './canary-rollout';
import { FeatureFlags } from './feature-flags';
import { addManifest } from './kubernetes-object';
import { appLabels, SYNC_WAVE } from './labels';
import { NetworkPolicies } from './network-policies';
import { SloAnalysisTemplate } from './slo-analysis-template';
import { TargetGroupBinding } from './target-group-binding';

/**
 * Argo CD applies lower waves first and waits for them to be healthy: the namespace, then what the pods
 * read or are governed by, then the workload. The Rollout shares the last wave with everything that
 * refers to it, because a Rollout paused mid-canary is not healthy and would hold a later wave back for
 * the whole release.
 */
const SYNC_WAVES: Readonly<Record<string, number>> = {
  Namespace: -1,
  ServiceAccount: 0,
  ConfigMap: 0,
  Service: 0,
  NetworkPolicy: 0,
  AnalysisTemplate: 0,
  PodMonitor: 0,
  Rollout: 1,
  HorizontalPodAutoscaler: 1,
  PodDisruptionBudget: 1,
  TargetGroupBinding: 1,
};

export interface AppWorkloadProps {
  /** The validated model: peers, data sets, the account of the IRSA role, the other apps of the region. */
  readonly model: Model;
  /** The region whose cluster runs this copy of the app; one the app runs in. */
  readonly region: Region;
  readonly app: App;
  /**
   * Image the pods run: the app's repository pinned by digest. Regions may run different digests
   * while a release moves through the promotion waves.
   */
  readonly image: string;
}

/**
 * Everything one app needs in one region's cluster, in its own namespace `<app>`: the namespace
 * (restricted pod security), the ServiceAccount `<app>` bound to the app's IRSA role, the
 * feature-flags ConfigMap, the canary Rollout `<app>` with its Services and SLO analysis, its
 * autoscaler and disruption budget, the network policies, the PodMonitor, and, for the region's entry
 * app, the binding of its pods to the public load balancer's target group.
 */
export class AppWorkload extends Construct {
  constructor(scope: Construct, id: string, props: AppWorkloadProps) {
    super(scope, id);
    const { model, region, app, image } = props;
    const { global } = model;
    const appRegions = regionsOfApp(model, app).map((where) => where.id);
    if (!appRegions.includes(region.id)) {
      throw new Error(`AppWorkload ${id}: region: expected a region ${app.name} runs in (${appRegions.join(', ')}), got ${region.id}`);
    }
    const appsInRegion = model.apps.filter((candidate) => regionsOfApp(model, candidate).some((where) => where.id === region.id));
    const isEntry = entryApp(appsInRegion, region).app.name === app.name;
    const labels = appLabels(global, region, app);

    addManifest<INamespace>(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: app.name,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          // Pods behind a TargetGroupBinding count as ready only once the load balancer sees them healthy,
          // so a release never retires old pods before the new ones take requests.
          'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
        },
      },
    });
    addManifest<IServiceAccount>(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: app.name,
        namespace: app.name,
        labels,
        annotations: {
          'eks.amazonaws.com/role-arn': workloadRoleArn(model, region, app),
          // STS in the pod's own region keeps working when another region's STS is down.
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
        },
      },
    });

    const featureFlags = new FeatureFlags(this, 'feature-flags', { global, region, app });
    const analysis = new SloAnalysisTemplate(this, 'analysis', { global, region, app });
    const rollout = new CanaryRollout(this, 'rollout', { model, region, app, image, featureFlags, analysis });
    new AppScaling(this, 'scaling', { global, region, app, rolloutName: rollout.name });
    const podMonitor = new AppPodMonitor(this, 'pod-monitor', { global, region, app });
    const loadBalancer = isEntry ? new TargetGroupBinding(this, 'target-group-binding', { global, region, app }) : undefined;
    new NetworkPolicies(this, 'network-policies', { model, region, app, metricsPort: podMonitor.port, loadBalancerPort: loadBalancer?.port });

    for (const object of this.node.findAll().filter((child): child is ApiObject => child instanceof ApiObject)) {
      const wave = SYNC_WAVES[object.kind];
      if (wave === undefined) throw new Error(`AppWorkload ${id}: ${object.kind} ${object.name}: expected a kind with a sync wave, got none`);
      object.metadata.addAnnotation(SYNC_WAVE, String(wave));
    }
  }
}
