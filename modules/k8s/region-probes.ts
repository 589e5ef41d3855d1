import type { IProbe } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Probe';
import { Construct } from 'constructs';
import type { Model, Region } from '../../schemas';
import { duration } from './alerts/alert';
import { addManifest } from './kubernetes-object';
import { BLACKBOX_EXPORTER, MONITORING_NAMESPACE, monitoringLabels } from './monitoring';
import { PROBE_JOB, probeTargets } from './probe-targets';

export interface RegionProbesProps {
  readonly model: Model;
  /** The region whose blackbox exporter probes; one of `model.regions`. */
  readonly region: Region;
  /**
   * The blackbox exporter module every probe uses.
   * @default 'http_2xx'
   */
  readonly module?: string;
}

/**
 * Blackbox probes from one region: one `Probe` per peer region's regional endpoint and one for the
 * global name, each over HTTPS at the health-check path and interval Route 53 uses. Their series carry
 * `source_region`, `target_region` (peers only), `endpoint` (regional or global) and `host`, so an alert
 * can say which region cannot reach which.
 */
export class RegionProbes extends Construct {
  constructor(scope: Construct, id: string, props: RegionProbesProps) {
    super(scope, id);
    const { model, region } = props;
    if (!model.regions.some((candidate) => candidate.id === region.id)) {
      throw new Error(`RegionProbes ${id}: region: expected one of the model's regions (${model.regions.map((candidate) => candidate.id).join(', ')}), got ${JSON.stringify(region.id)}`);
    }
    const module = props.module ?? 'http_2xx';
    if (!/^[A-Za-z0-9_-]+$/.test(module)) {
      throw new Error(`RegionProbes ${id}: module: expected a blackbox exporter module name (letters, digits, "_" and "-"), got ${JSON.stringify(module)}`);
    }
    for (const target of probeTargets(model, region)) {
      addManifest<IProbe>(this, target.name, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Probe',
        metadata: { name: target.name, namespace: MONITORING_NAMESPACE, labels: monitoringLabels(model.global, region) },
        spec: {
          jobName: PROBE_JOB,
          interval: duration(target.intervalSeconds),
          module,
          prober: { url: BLACKBOX_EXPORTER },
          targets: { staticConfig: { static: [target.url], labels: { ...target.labels } } },
        },
      });
    }
  }
}
