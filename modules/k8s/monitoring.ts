import type { Global, Region } from '../../schemas';
import { regionLabels } from './labels';

/** Where the cluster's prometheus-operator, blackbox exporter and Grafana run (cluster bootstrap installs them). */
export const MONITORING_NAMESPACE = 'monitoring';

/** The in-cluster blackbox exporter every Probe goes through. */
export const BLACKBOX_EXPORTER = 'blackbox-exporter.monitoring.svc:9115';

/**
 * The label the bootstrap's Prometheus selects PrometheusRules and Probes by
 * (`ruleSelector` and `probeSelector`: `matchLabels: { prometheus: <global.name> }`), so objects of
 * another deployment of this repository in the same cluster are never evaluated here.
 */
export const PROMETHEUS_SELECTOR_LABEL = 'prometheus';

/** Labels of the region's monitoring objects: the region's own, plus what the Prometheus selects on. */
export function monitoringLabels(global: Global, region: Region): Record<string, string> {
  return { ...regionLabels(global, region), [PROMETHEUS_SELECTOR_LABEL]: global.name };
}
