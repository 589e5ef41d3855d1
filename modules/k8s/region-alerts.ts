import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Construct } from 'constructs';
import type { Model, Region } from '../../schemas';
import { alertRule } from './alerts/alert';
import { alertRuleFiles } from './alerts/rule-files';
import { addManifest } from './kubernetes-object';
import { MONITORING_NAMESPACE, monitoringLabels } from './monitoring';

export interface RegionAlertsProps {
  /** The validated model: thresholds, resource names and runbook links all come from it. */
  readonly model: Model;
  /** The region whose Prometheus evaluates the rules; one of `model.regions`. */
  readonly region: Region;
}

/**
 * A region's alerting rules, one PrometheusRule per signal family (service SLOs, replication, edge
 * health, blackbox probes) in namespace `monitoring`. Each alert carries `severity`, `region` and a
 * `runbook_url` into docs/runbooks.md; `alertTests` renders the promtool tests of the same alerts.
 */
export class RegionAlerts extends Construct {
  /** The PrometheusRule names, in the order they were added. */
  readonly ruleNames: readonly string[];

  constructor(scope: Construct, id: string, props: RegionAlertsProps) {
    super(scope, id);
    const { model, region } = props;
    if (!model.regions.some((candidate) => candidate.id === region.id)) {
      throw new Error(`RegionAlerts ${id}: region: expected one of the model's regions (${model.regions.map((candidate) => candidate.id).join(', ')}), got ${JSON.stringify(region.id)}`);
    }
    const files = alertRuleFiles(model, region);
    for (const file of files) {
      addManifest<IPrometheusRule>(this, file.name, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: file.name, namespace: MONITORING_NAMESPACE, labels: monitoringLabels(model.global, region) },
        spec: { groups: [{ name: file.group, rules: file.alerts.map((alert) => alertRule(alert, region, model.global)) }] },
      });
    }
    this.ruleNames = files.map((file) => file.name);
  }
}
