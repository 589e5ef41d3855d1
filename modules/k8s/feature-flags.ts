import { createHash } from 'node:crypto';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Construct } from 'constructs';
import { FEATURE_FLAG_KEY_PREFIX, stableJson, type App, type Global, type Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { appLabels } from './labels';

/** Name of the ConfigMap in every app namespace. */
export const FEATURE_FLAGS_CONFIG_MAP = 'feature-flags';
/** Where pods see the flags, one file per key. */
export const FEATURE_FLAGS_DIR = '/etc/feature-flags';
/** Rollout metadata annotation holding {@link FeatureFlags.checksum}. */
export const FEATURE_FLAGS_CHECKSUM_ANNOTATION = 'feature-flags.example.com/checksum';

export interface FeatureFlagsProps {
  readonly global: Global;
  /** The region whose switches (read-only, read preference, role, degraded mode) the pods read. */
  readonly region: Region;
  /** The app whose namespace holds the ConfigMap and whose own flags it carries as `flag.<name>`. */
  readonly app: App;
}

/**
 * The ConfigMap `feature-flags` of an app in a region: the region's switches and the app's own flags,
 * one key each, values `"true"`/`"false"` or the enum's value.
 *
 * Pods mount it as a volume without `subPath`: kubelet swaps the files in place within its sync
 * period and the service re-reads them, so toggling read-only or a degraded-mode switch reaches every
 * pod in about a minute without restarting any. As environment variables the flags would need new
 * pods, that is a canary: the switch would reach 5 % of the pods first, and the analysis could abort
 * it during the very outage it answers.
 *
 * {@link checksum} goes on the Rollout's own metadata, never on its pod template: there it records
 * which flags the pods should be reading (Argo CD shows the toggle as a change of the workload) while a
 * pod-template annotation would start a new ReplicaSet, the canary the volume exists to avoid. A toggle
 * therefore changes exactly two objects, this ConfigMap and that annotation.
 */
export class FeatureFlags extends Construct {
  readonly name = FEATURE_FLAGS_CONFIG_MAP;
  /** SHA-256 (hex) of the data with sorted keys; changes exactly when a value does. */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: FeatureFlagsProps) {
    super(scope, id);
    const { global, region, app } = props;
    const data: Record<string, string> = {
      'read-only': String(region.readOnly),
      'read-preference': region.readPreference,
      'region-role': region.role,
      'pause-producers': String(region.degradedMode.pauseProducers),
      'priority-writes-only': String(region.degradedMode.priorityWritesOnly),
      'serve-stale-reads': String(region.degradedMode.serveStaleReads),
      ...Object.fromEntries(
        Object.keys(app.featureFlags)
          .sort()
          .map((flag) => [`${FEATURE_FLAG_KEY_PREFIX}${flag}`, String(app.featureFlags[flag])]),
      ),
    };
    this.checksum = createHash('sha256').update(stableJson(data)).digest('hex');
    addManifest<IConfigMap>(this, 'config-map', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: this.name, namespace: app.name, labels: appLabels(global, region, app) },
      data,
    });
  }
}
