import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Construct } from 'constructs';
import type { App, Global, Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { appLabels, appSelector } from './labels';

// Pods go only after five minutes of lower load: a dip between two bursts would otherwise shrink the
// fleet just before the second one arrives.
const SCALE_DOWN_STABILIZATION_SECONDS = 300;

export interface AppScalingProps {
  readonly global: Global;
  readonly region: Region;
  /** The app whose `replicas` bounds and CPU target apply. */
  readonly app: App;
  /** Name of the Argo Rollouts `Rollout` the autoscaler scales, in the app's namespace. */
  readonly rolloutName: string;
}

/**
 * How many pods an app runs and how many it may lose at once: the HorizontalPodAutoscaler `<app>`
 * scales the Rollout between the app's `replicas.min` and `max` on CPU (the Region switch plan raises
 * its minimum when the region takes over a peer's load), and the PodDisruptionBudget `<app>` lets node
 * drains and upgrades take one pod at a time.
 */
export class AppScaling extends Construct {
  constructor(scope: Construct, id: string, props: AppScalingProps) {
    super(scope, id);
    const { global, region, app, rolloutName } = props;
    const metadata = { name: app.name, namespace: app.name, labels: appLabels(global, region, app) };
    addManifest<IHorizontalPodAutoscaler>(this, 'autoscaler', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rolloutName },
        minReplicas: app.replicas.min,
        maxReplicas: app.replicas.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: app.replicas.targetCpuPercent } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS } },
      },
    });
    addManifest<IPodDisruptionBudget>(this, 'disruption-budget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: {
        selector: { matchLabels: appSelector(app) },
        // One at a time rather than a minimum count: with `replicas.min: 1` a minimum would block every drain.
        maxUnavailable: 1,
        // A crash-looping pod serves nothing; it must not hold a node drain hostage.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
