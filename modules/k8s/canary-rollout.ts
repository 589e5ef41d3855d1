import type { ICanaryStep } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep';
import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { Construct } from 'constructs';
import type { App, Model, Region } from '../../schemas';
import { FEATURE_FLAGS_CHECKSUM_ANNOTATION, FEATURE_FLAGS_DIR, type FeatureFlags } from './feature-flags';
import { addManifest } from './kubernetes-object';
import { appLabels, appSelector } from './labels';
import { CANARY_HASH_ARG, type SloAnalysisTemplate } from './slo-analysis-template';

/** The non-root user and group of distroless images; any fixed non-zero id satisfies the restricted standard. */
const NON_ROOT_ID = 65532;
// Endpoint removal reaches the load balancer controller and kube-proxy a few seconds after the pod is
// told to stop; until then requests keep arriving, so the container stops only after this pause.
const PRE_STOP_SECONDS = 10;
const TERMINATION_GRACE_SECONDS = 60;
// Up to 150 s (5 s × 30) to start, e.g. warming caches, before the liveness probe may restart the container.
const STARTUP_PERIOD_SECONDS = 5;
const STARTUP_FAILURES = 30;
const TMP_SIZE_LIMIT = '256Mi';

export interface CanaryRolloutProps {
  /** The whole model: the pods name the other regions (`PEER_REGIONS`) as failover targets. */
  readonly model: Model;
  readonly region: Region;
  readonly app: App;
  /**
   * Image the pods run: the app's repository pinned by digest, e.g.
   * `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@sha256:<64 hex>`. Which digest a region
   * runs is the caller's decision (releases reach regions in waves).
   */
  readonly image: string;
  /** Mounted into every pod; its checksum annotates the Rollout. */
  readonly featureFlags: FeatureFlags;
  /** Run in the background of every canary; a failed analysis aborts the release. */
  readonly analysis: SloAnalysisTemplate;
}

/**
 * The Argo Rollouts `Rollout` `<app>` and its Services. `<app>` selects every pod of the app: the
 * load balancer's TargetGroupBinding and in-cluster clients use it, so during a canary traffic splits
 * by pod count, which is what the steps' weights set (basic canary, no traffic router; with few pods
 * the share is coarse, 5 % of three pods being one). Argo Rollouts narrows `<app>-stable` and
 * `<app>-canary` to one ReplicaSet each, for looking at either side alone.
 *
 * The replica count belongs to the HorizontalPodAutoscaler `<app>` (and, during a region switch, to the
 * Region switch plan that raises it), so the Rollout never sets one that Argo CD would then restore.
 */
export class CanaryRollout extends Construct {
  /** Name of the Rollout, the target of the autoscaler. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    const { model, region, app, image, featureFlags, analysis } = props;
    const http = app.ports.find((port) => port.protocol === 'http');
    if (!http) {
      throw new Error(`CanaryRollout ${id}: app.ports: expected an http port to probe ${app.probes.readiness} and ${app.probes.liveness} on, got ${describePorts(app)}`);
    }
    const repository = app.image.slice(0, app.image.lastIndexOf('@'));
    const [imageRepository, digest = ''] = image.split('@sha256:');
    if (imageRepository !== repository || !/^[a-f0-9]{64}$/.test(digest)) {
      throw new Error(`CanaryRollout ${id}: image: expected ${repository}@sha256:<64 hex digits> (the app's repository, pinned by digest), got ${JSON.stringify(image)}`);
    }
    this.name = app.name;
    const namespace = app.name;
    const labels = appLabels(model.global, region, app);
    const peers = model.regions
      .filter((other) => other.id !== region.id)
      .map((other) => other.id)
      .sort();

    const service = (name: string) =>
      addManifest<IService>(this, name, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels },
        spec: {
          selector: appSelector(app),
          ports: app.ports.map((port) => ({ name: port.name, port: port.port, targetPort: port.name, protocol: 'TCP' })),
          // Zone-local endpoints first: cross-zone hops cost latency and inter-AZ transfer.
          trafficDistribution: 'PreferClose',
        },
      });
    const stableService = `${app.name}-stable`;
    const canaryService = `${app.name}-canary`;
    for (const name of [app.name, stableService, canaryService]) service(name);

    const probe = (path: string, periodSeconds: number, failureThreshold: number): IProbe => ({
      httpGet: { path, port: http.name },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 2,
    });
    const spreadAcross = (topologyKey: string) => ({
      topologyKey,
      maxSkew: 1,
      // A preference, not a rule: when a zone runs out of capacity (as during a region switch, when
      // every pod is wanted at once) pods still start in the others.
      whenUnsatisfiable: 'ScheduleAnyway' as const,
      labelSelector: { matchLabels: appSelector(app) },
      // Stable and canary ReplicaSets spread each on their own, so a canary never lands in one zone.
      matchLabelKeys: ['rollouts-pod-template-hash'],
    });

    addManifest<IRollout>(this, 'rollout', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: this.name, namespace, labels, annotations: { [FEATURE_FLAGS_CHECKSUM_ANNOTATION]: featureFlags.checksum } },
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: appSelector(app) },
        strategy: {
          canary: {
            stableService,
            canaryService,
            // New pods come on top of the serving ones; capacity never drops during a release.
            maxSurge: '25%',
            maxUnavailable: 0,
            steps: app.canary.steps.map(canaryStep),
            analysis: {
              templates: [{ templateName: analysis.name }],
              args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }],
              startingStep: 0,
            },
          },
        },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: app.name,
            // The pods never call the Kubernetes API; IRSA's webhook mounts its own projected STS token.
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: NON_ROOT_ID,
              runAsGroup: NON_ROOT_ID,
              // Group-owns the projected IRSA token, so the non-root user can read it.
              fsGroup: NON_ROOT_ID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            topologySpreadConstraints: [spreadAcross('topology.kubernetes.io/zone'), spreadAcross('kubernetes.io/hostname')],
            containers: [
              {
                name: app.name,
                image,
                ports: app.ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })),
                env: [
                  { name: 'REGION_ID', value: region.id },
                  { name: 'AWS_REGION', value: region.awsRegion },
                  { name: 'PEER_REGIONS', value: peers.join(',') },
                  { name: 'FEATURE_FLAGS_DIR', value: FEATURE_FLAGS_DIR },
                  { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `service.name=${app.name},cloud.region=${region.awsRegion}` },
                ],
                // Memory limit = request: a pod never counts on memory the node promised to another, so
                // it is not OOM-killed for the neighbours' growth. No CPU limit: CFS throttling would add
                // latency to bursts while idle cores sit unused; the request already guarantees the share.
                resources: {
                  requests: { cpu: app.resources.cpu, memory: app.resources.memory },
                  limits: { memory: app.resources.memory },
                },
                startupProbe: probe(app.probes.liveness, STARTUP_PERIOD_SECONDS, STARTUP_FAILURES),
                readinessProbe: probe(app.probes.readiness, 5, 3),
                livenessProbe: probe(app.probes.liveness, 10, 3),
                lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'feature-flags', mountPath: FEATURE_FLAGS_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'feature-flags', configMap: { name: featureFlags.name } },
              // The root filesystem is read-only; scratch space is bounded so a runaway writer is evicted, not the node's disk filled.
              { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
            ],
          },
        },
      },
    });
  }
}

function canaryStep(step: App['canary']['steps'][number]): ICanaryStep {
  if ('setWeight' in step) return { setWeight: step.setWeight };
  return step.pause === 'until-promoted' ? { pause: {} } : { pause: { duration: step.pause } };
}

function describePorts(app: App): string {
  return app.ports.map((port) => `${port.name} (${port.protocol} ${port.port})`).join(', ');
}
