import type { Model, Region } from '../../../schemas';
import type { AlertDefinition } from './alert';
import { edgeAlerts } from './edge-alerts';
import { probeAlerts } from './probe-alerts';
import { replicationAlerts } from './replication-alerts';
import { serviceAlerts } from './service-alerts';

/** One PrometheusRule: a family of signals, one rule group, and one promtool test file named after it. */
export interface AlertRuleFile {
  /** PrometheusRule name; the promtool gate writes its spec to `<name>.rules.yaml`, its tests are `<name>.test.yaml`. */
  readonly name: string;
  readonly group: string;
  readonly alerts: readonly AlertDefinition[];
}

/** The alerts a region's Prometheus evaluates, by signal family; families without an alert in the region are left out. */
export function alertRuleFiles(model: Model, region: Region): AlertRuleFile[] {
  const families: Array<[string, AlertDefinition[]]> = [
    ['service-alerts', serviceAlerts(model, region)],
    ['replication-alerts', replicationAlerts(model, region)],
    ['edge-alerts', edgeAlerts(model)],
    ['probe-alerts', probeAlerts(model, region)],
  ];
  return families.filter(([, alerts]) => alerts.length > 0).map(([name, alerts]) => ({ name, group: `${model.global.name}-${name}`, alerts }));
}
