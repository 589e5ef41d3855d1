import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { kafkaMirrorsInto } from '../kafka-mirrors';
import { RegionAlerts } from './region-alerts';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..'))).model!;
});

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function synth(of: Model, regionId: string): Array<{ kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: { groups: Array<{ name: string; rules: Rule[] }> } }> {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new RegionAlerts(chart, 'alerts', { model: of, region: of.regions.find((region) => region.id === regionId)! });
  return chart.toJson();
}

const rules = (of: Model, regionId: string): Rule[] => synth(of, regionId).flatMap((manifest) => manifest.spec.groups.flatMap((group) => group.rules));
const named = (of: Model, regionId: string, alert: string) => rules(of, regionId).filter((rule) => rule.alert === alert);
const variant = (change: (copy: Model) => void): Model => {
  const copy = structuredClone(model);
  change(copy);
  return copy;
};

describe('RegionAlerts', () => {
  it("emits one PrometheusRule per signal family in the monitoring namespace, selected by the deployment's Prometheus", () => {
    const manifests = synth(model, 'us-west-2');
    expect(manifests.map((manifest) => manifest.metadata.name)).toEqual(['service-alerts', 'replication-alerts', 'edge-alerts', 'probe-alerts']);
    for (const manifest of manifests) {
      expect(manifest).toMatchObject({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { namespace: 'monitoring', labels: { 'topology.example.com/region': 'us-west-2', owner: 'example-org.platform', prometheus: 'orders' } },
        spec: { groups: [{ name: `orders-${manifest.metadata.name}` }] },
      });
    }
  });

  it('labels every alert with its severity and region and links its runbook section on the delivery branch', () => {
    for (const rule of rules(model, 'us-east-1')) {
      expect(rule.labels).toMatchObject({ severity: expect.stringMatching(/^(critical|warning)$/), region: 'us-east-1' });
      expect(rule.annotations).toMatchObject({
        summary: expect.any(String),
        description: expect.any(String),
        runbook_url: `https://github.com/example-org/orders-gitops/blob/main/docs/runbooks.md#${rule.alert.toLowerCase()}`,
      });
    }
  });

  it("alerts on replication lag into a secondary at each data set's lagAlertSeconds, held for lagAlertForSeconds", () => {
    const slower = variant((copy) => (copy.global.resilience.lagAlertForSeconds = 120));
    expect(named(slower, 'us-west-2', 'ReplicationLagHigh')).toEqual([
      expect.objectContaining({ expr: 'max(aws_s3_replication_latency_maximum{dimension_SourceBucket="orders-order-documents-us-west-2"}) > 120', for: '2m', labels: expect.objectContaining({ data_set: 'order-documents', store: 's3' }) }),
      expect.objectContaining({
        expr: 'max(aws_kafka_replication_latency_maximum{dimension_ReplicatorName=~"orders-us-east-1-to-us-west-2",dimension_Topic=~"orders\\\\.created|orders\\\\.updated|payments\\\\.settled"}) / 1000 > 30',
        for: '2m',
        labels: expect.objectContaining({ data_set: 'order-events', store: 'kafka' }),
      }),
      expect.objectContaining({ expr: 'max(aws_rds_aurora_global_dbreplication_lag_maximum{dimension_DBClusterIdentifier="orders-orders-db-us-west-2"}) / 1000 > 30', for: '2m', labels: expect.objectContaining({ data_set: 'orders-db', store: 'aurora' }) }),
    ]);
    expect(named(slower, 'us-west-2', 'RedisGlobalDatastoreStale')).toEqual([
      expect.objectContaining({ expr: 'max(aws_elasticache_global_datastore_replication_lag_maximum{dimension_CacheClusterId=~"orders-sessions-us-west-2-.+"}) > 20', for: '2m', labels: expect.objectContaining({ data_set: 'sessions', severity: 'critical' }) }),
    ]);
  });

  it('watches the Kafka lag of exactly the MSK Replicators the region stacks create into the region, in either mode', () => {
    const replicatorsWatched = (of: Model, regionId: string) =>
      named(of, regionId, 'ReplicationLagHigh')
        .filter((rule) => rule.labels.store === 'kafka')
        .map((rule) => /dimension_ReplicatorName=~"([^"]+)"/.exec(rule.expr)![1]!.replaceAll('\\', ''));
    const created = (of: Model, regionId: string) => kafkaMirrorsInto(of, of.regions.find((region) => region.id === regionId)!).map((mirror) => mirror.name);
    const activeActive = variant((copy) => (copy.replication.dataSets.find((dataSet) => dataSet.store === 'kafka')!.mode = 'active-active'));
    for (const [of, regionId, expected] of [
      [model, 'us-west-2', ['orders-us-east-1-to-us-west-2']],
      [model, 'us-east-1', []],
      [activeActive, 'us-west-2', ['orders-us-east-1-to-us-west-2']],
      [activeActive, 'us-east-1', ['orders-us-west-2-to-us-east-1']],
    ] as const) {
      expect(created(of, regionId), regionId).toEqual(expected);
      expect(replicatorsWatched(of, regionId), regionId).toEqual(expected.length ? [expected.join('|')] : []);
    }
  });

  it('watches only S3 replication from the primary, where AWS publishes no other lag', () => {
    expect(named(model, 'us-east-1', 'ReplicationLagHigh').map((rule) => rule.labels.data_set)).toEqual(['order-documents']);
    expect(named(model, 'us-east-1', 'RedisGlobalDatastoreStale')).toEqual([]);
    expect(named(model, 'us-east-1', 'KafkaMirrorLagHigh')).toEqual([]);
  });

  it("fires the regional error rate alert at twice the app's error-rate SLO", () => {
    const stricter = variant((copy) => (copy.apps[0]!.slo.errorRatePercent = 0.5));
    expect(named(stricter, 'us-east-1', 'RegionalErrorRateHigh')).toEqual([
      expect.objectContaining({
        expr: 'sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~"5..",namespace="orders-api"}[5m])) / sum(rate(http_server_request_duration_seconds_count{namespace="orders-api"}[5m])) > 0.01',
        for: '5m',
        labels: { app: 'orders-api', severity: 'critical', region: 'us-east-1' },
      }),
    ]);
  });

  it("pages when the app burns its availability budget 14.4 times too fast over an hour and 5 minutes", () => {
    expect(named(model, 'us-east-1', 'ErrorBudgetBurnFast')).toEqual([
      expect.objectContaining({ expr: expect.stringMatching(/^\(sum\(.*\[1h\]\)\) > 0\.0072\) and \(sum\(.*\[5m\]\)\) > 0\.0072\)$/), for: '2m' }),
    ]);
  });

  it("alerts on the Kafka mirror backlog at the data set's lagAlertMessages, 5000 by default", () => {
    expect(named(model, 'us-west-2', 'KafkaMirrorLagHigh')).toEqual([expect.objectContaining({ expr: expect.stringMatching(/^sum\(aws_kafka_message_lag_sum\{.*\}\) > 5000$/), labels: expect.objectContaining({ severity: 'warning' }) })]);
    const tighter = variant((copy) => (copy.replication.dataSets.find((dataSet) => dataSet.store === 'kafka')!.lagAlertMessages = 1200));
    expect(named(tighter, 'us-west-2', 'KafkaMirrorLagHigh')).toEqual([expect.objectContaining({ expr: expect.stringMatching(/ > 1200$/) })]);
  });

  it('watches Global Accelerator health only when the model has an accelerator, and Route 53 health of every region', () => {
    expect(named(model, 'us-east-1', 'GlobalAcceleratorEndpointUnhealthy').map((rule) => rule.labels.target_region)).toEqual(['us-east-1', 'us-west-2']);
    const withoutAccelerator = variant((copy) => (copy.global.infrastructure.globalAccelerator = false));
    expect(named(withoutAccelerator, 'us-east-1', 'GlobalAcceleratorEndpointUnhealthy')).toEqual([]);
    expect(named(withoutAccelerator, 'us-east-1', 'Route53HealthCheckFailing')).toEqual([
      expect.objectContaining({ expr: 'min(aws_route53_health_check_status_minimum{tag_Name="api.example.com us-east-1"}) < 1', labels: expect.objectContaining({ target_region: 'us-east-1' }) }),
      expect.objectContaining({ expr: 'min(aws_route53_health_check_status_minimum{tag_Name="api.example.com us-west-2"}) < 1', labels: expect.objectContaining({ target_region: 'us-west-2' }) }),
    ]);
  });

  it('says which peer region the blackbox probes cannot reach, after as long as Route 53 would take', () => {
    expect(named(model, 'us-west-2', 'PeerRegionUnreachable')).toEqual([
      expect.objectContaining({
        expr: 'max(probe_success{host="api-use1.example.com",job="region-endpoints"}) < 1',
        for: '30s',
        labels: { target_region: 'us-east-1', severity: 'critical', region: 'us-west-2' },
        annotations: expect.objectContaining({ summary: 'us-west-2 cannot reach us-east-1' }),
      }),
    ]);
  });

  it('warns when a probed certificate has fewer than 15 days left', () => {
    expect(named(model, 'us-west-2', 'CertificateExpiringSoon')).toEqual([
      expect.objectContaining({ expr: 'min(probe_ssl_earliest_cert_expiry{host="api-use1.example.com",job="region-endpoints"}) - time() < 1296000', labels: expect.objectContaining({ host: 'api-use1.example.com', severity: 'warning' }) }),
      expect.objectContaining({ expr: 'min(probe_ssl_earliest_cert_expiry{host="api.example.com",job="region-endpoints"}) - time() < 1296000', labels: expect.objectContaining({ host: 'api.example.com' }) }),
    ]);
  });

  it('has a runbook section for every alert it raises', async () => {
    const runbooks = await readFile(path.resolve(import.meta.dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');
    const headings = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map((match) => match[1]!.toLowerCase()));
    const alerts = new Set(model.regions.flatMap((region) => rules(model, region.id).map((rule) => rule.alert)));
    expect([...alerts].filter((alert) => !headings.has(alert.toLowerCase()))).toEqual([]);
  });
});
