import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadModel, type Model } from '../../../schemas';
import { alertTests } from './promtool-tests';

let model: Model;
beforeAll(async () => {
  model = (await loadModel(path.resolve(import.meta.dirname, '..', '..', '..'))).model!;
});

interface TestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: Array<{ name: string; input_series: Array<{ series: string; values: string }>; alert_rule_test: Array<{ eval_time: string; alertname: string; exp_alerts: unknown[] }> }>;
}

const testFile = (of: Model, regionId: string, file: string) => parse(alertTests(of, of.regions.find((region) => region.id === regionId)!).get(file)!) as TestFile;
const group = (of: Model, name: string) => testFile(of, 'us-west-2', 'replication-alerts.test.yaml').tests.find((candidate) => candidate.name === name)!;
const AURORA = 'ReplicationLagHigh{data_set="orders-db",store="aurora"}';

describe('alertTests', () => {
  it('writes one test file per PrometheusRule, loading the rule file the gate writes beside it', () => {
    const files = alertTests(model, model.regions[0]!);
    expect([...files.keys()]).toEqual(['service-alerts.test.yaml', 'replication-alerts.test.yaml', 'edge-alerts.test.yaml', 'probe-alerts.test.yaml']);
    expect(testFile(model, 'us-east-1', 'edge-alerts.test.yaml')).toMatchObject({ rule_files: ['edge-alerts.rules.yaml'], evaluation_interval: '1m' });
  });

  it('shows a lag alert quiet under its threshold, still quiet within `for`, then firing with its exact labels and annotations', () => {
    expect(group(model, AURORA)).toEqual({
      name: AURORA,
      interval: '1m',
      input_series: [{ series: 'aws_rds_aurora_global_dbreplication_lag_maximum{dimension_DBClusterIdentifier="orders-orders-db-us-west-2"}', values: '27000+0x2 33000+0x2' }],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'ReplicationLagHigh', exp_alerts: [] },
        { eval_time: '3m', alertname: 'ReplicationLagHigh', exp_alerts: [] },
        {
          eval_time: '5m',
          alertname: 'ReplicationLagHigh',
          exp_alerts: [
            {
              exp_labels: { data_set: 'orders-db', store: 'aurora', severity: 'critical', region: 'us-west-2' },
              exp_annotations: {
                summary: 'orders-db (aurora) replication into us-west-2 lags more than 30s',
                description: expect.stringContaining('above 30s for 1m'),
                runbook_url: 'https://github.com/example-org/orders-gitops/blob/main/docs/runbooks.md#replicationlaghigh',
              },
            },
          ],
        },
      ],
    });
  });

  it("moves the test series with the data set's threshold", () => {
    const looser = structuredClone(model);
    looser.replication.dataSets.find((dataSet) => dataSet.name === 'orders-db')!.lagAlertSeconds = 45;
    expect(group(looser, AURORA).input_series[0]!.values).toBe('40500+0x2 49500+0x2');
  });

  it('waits for the window of a rate to fill before expecting the alert to fire', () => {
    const errors = testFile(model, 'us-east-1', 'service-alerts.test.yaml').tests.find((candidate) => candidate.name === 'RegionalErrorRateHigh{app="orders-api"}')!;
    expect(errors.input_series.map((series) => series.values)).toEqual(['0+9820x11 117800+9780x11', '0+180x11 2200+220x11']);
    expect(errors.alert_rule_test.map((evaluation) => [evaluation.eval_time, evaluation.exp_alerts.length])).toEqual([
      ['11m', 0],
      ['16m', 0],
      ['23m', 1],
    ]);
  });

  it('has no within-`for` evaluation for an alert that fires at once', () => {
    const immediate = structuredClone(model);
    immediate.global.resilience.lagAlertForSeconds = 0;
    expect(group(immediate, AURORA).alert_rule_test.map((evaluation) => [evaluation.eval_time, evaluation.exp_alerts.length])).toEqual([
      ['1m', 0],
      ['3m', 1],
    ]);
  });
});
