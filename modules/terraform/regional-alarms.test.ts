import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { RegionalAlarms, type RegionalAlarmsProps } from './regional-alarms';

const KEY = 'arn:aws:kms:us-west-2:111122223333:key/region';
const base: RegionalAlarmsProps = { name: 'orders-us-west-2', awsRegion: 'us-west-2', kmsKeyArn: KEY };
const synth = (props: Partial<RegionalAlarmsProps> = {}) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  new RegionalAlarms(stack, 'alarms', { ...base, ...props });
  return synthScratch(stack);
};
const alarms = (json: TerraformJson) => resourcesOf(json, 'aws_cloudwatch_metric_alarm');
const onlyAlarm = (props: Partial<RegionalAlarmsProps>) => {
  const [alarm, ...more] = alarms(synth(props));
  expect(more).toHaveLength(0);
  return alarm!;
};
const dashboard = (json: TerraformJson) => JSON.parse(resourcesOf(json, 'aws_cloudwatch_dashboard')[0]!.dashboard_body);
const topicReference = /^\$\{aws_sns_topic\.[^}]+\.arn\}$/;

const aurora = { clusterIdentifier: 'orders-db-us-west-2', lagAlertSeconds: 30 };
const cache = { replicationGroupId: 'sessions-us-west-2', memberClusterIds: ['sessions-us-west-2-001', 'sessions-us-west-2-002'], lagAlertSeconds: 10 };
const kafka = { replicatorName: 'events-us-east-1-to-us-west-2', lagAlertSeconds: 60 };
const s3 = { sourceBucket: 'orders-documents-us-west-2', destinationBucket: 'orders-documents-us-east-1', ruleId: 'to-us-east-1', lagAlertSeconds: 900 };

describe('RegionalAlarms', () => {
  it('publishes to a topic encrypted with the region key', () => {
    expect(resourcesOf(synth(), 'aws_sns_topic')[0]).toEqual(expect.objectContaining({ name: 'orders-us-west-2-replication-alarms', kms_master_key_id: KEY }));
  });

  it('lets only this account’s CloudWatch alarms in the region publish to the topic', () => {
    const json = synth();
    const policy = resourcesOf(json, 'aws_sns_topic_policy')[0]!;
    expect(policy.arn).toMatch(topicReference);
    const name = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1]!;
    expect(json.data!.aws_iam_policy_document![name]!.statement).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        actions: ['sns:Publish'],
        resources: [expect.stringMatching(topicReference)],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/account_id\}$/)] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [expect.stringMatching(/:cloudwatch:us-west-2:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:alarm:\*$/)] },
        ],
      }),
    ]);
  });

  it('alarms on Aurora global database lag in milliseconds, treating silence as broken replication', () => {
    expect(onlyAlarm({ auroraGlobalDatabases: [aurora] })).toEqual(
      expect.objectContaining({
        alarm_name: 'orders-us-west-2-aurora-orders-db-us-west-2-replication-lag',
        threshold: 30_000,
        treat_missing_data: 'breaching',
        metric_query: [
          {
            id: 'm0',
            return_data: true,
            metric: { namespace: 'AWS/RDS', metric_name: 'AuroraGlobalDBReplicationLag', dimensions: { DBClusterIdentifier: 'orders-db-us-west-2' }, period: 60, stat: 'Maximum' },
          },
        ],
      }),
    );
  });

  it('alarms on the worst Global Datastore lag across the replication group’s cache clusters', () => {
    const alarm = onlyAlarm({ cacheReplicationGroups: [cache] });
    expect(alarm).toEqual(expect.objectContaining({ alarm_name: 'orders-us-west-2-cache-sessions-us-west-2-replication-lag', threshold: 10, treat_missing_data: 'breaching' }));
    expect(alarm.metric_query).toEqual([
      expect.objectContaining({ id: 'm0', return_data: false, metric: expect.objectContaining({ namespace: 'AWS/ElastiCache', metric_name: 'GlobalDatastoreReplicationLag', dimensions: { CacheClusterId: 'sessions-us-west-2-001' } }) }),
      expect.objectContaining({ id: 'm1', return_data: false, metric: expect.objectContaining({ dimensions: { CacheClusterId: 'sessions-us-west-2-002' } }) }),
      expect.objectContaining({ id: 'lag', expression: 'MAX([m0, m1])', return_data: true }),
    ]);
  });

  it('alarms on MSK Replicator latency in milliseconds', () => {
    expect(onlyAlarm({ kafkaReplicators: [kafka] })).toEqual(
      expect.objectContaining({
        threshold: 60_000,
        treat_missing_data: 'breaching',
        metric_query: [expect.objectContaining({ metric: expect.objectContaining({ namespace: 'AWS/Kafka', metric_name: 'ReplicationLatency', dimensions: { ReplicatorName: kafka.replicatorName } }) })],
      }),
    );
  });

  it('alarms on S3 replication latency per rule, treating a quiet bucket as healthy', () => {
    expect(onlyAlarm({ s3Replications: [s3] })).toEqual(
      expect.objectContaining({
        alarm_name: 'orders-us-west-2-s3-orders-documents-us-west-2-to-us-east-1-replication-lag',
        threshold: 900,
        treat_missing_data: 'notBreaching',
        metric_query: [
          expect.objectContaining({
            metric: expect.objectContaining({
              namespace: 'AWS/S3',
              metric_name: 'ReplicationLatency',
              dimensions: { SourceBucket: s3.sourceBucket, DestinationBucket: s3.destinationBucket, RuleId: 'to-us-east-1' },
            }),
          }),
        ],
      }),
    );
  });

  it('fires after the lag stays high for every one of the evaluation minutes, and notifies on recovery too', () => {
    const alarm = onlyAlarm({ auroraGlobalDatabases: [aurora], evaluationMinutes: 3 });
    expect(alarm).toEqual(
      expect.objectContaining({
        comparison_operator: 'GreaterThanThreshold',
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        actions_enabled: true,
        alarm_actions: [expect.stringMatching(topicReference)],
        ok_actions: [expect.stringMatching(topicReference)],
      }),
    );
    expect(onlyAlarm({ auroraGlobalDatabases: [aurora] }).evaluation_periods).toBe(5);
  });

  it('reads silence per source by default, and as healthy for every source when the alarms serve only as stop conditions', () => {
    const all = { auroraGlobalDatabases: [aurora], cacheReplicationGroups: [cache], kafkaReplicators: [kafka], s3Replications: [s3] };
    expect(alarms(synth(all)).map((alarm) => alarm.treat_missing_data)).toEqual(['breaching', 'breaching', 'breaching', 'notBreaching']);
    expect(alarms(synth({ ...all, missingData: 'notBreaching' })).map((alarm) => alarm.treat_missing_data)).toEqual(['notBreaching', 'notBreaching', 'notBreaching', 'notBreaching']);
  });

  it('creates one alarm per watched replication', () => {
    expect(alarms(synth({ auroraGlobalDatabases: [aurora], cacheReplicationGroups: [cache], kafkaReplicators: [kafka], s3Replications: [s3] }))).toHaveLength(4);
  });

  it('draws one graph per replication with its threshold, from literal names only', () => {
    const body = dashboard(synth({ auroraGlobalDatabases: [aurora], cacheReplicationGroups: [cache] }));
    expect(resourcesOf(synth(), 'aws_cloudwatch_dashboard')[0]!.dashboard_name).toBe('orders-us-west-2-replication');
    expect(body.widgets.map((widget: any) => [widget.type, widget.x, widget.y])).toEqual([
      ['text', 0, 0],
      ['metric', 0, 2],
      ['metric', 12, 2],
    ]);
    expect(body.widgets[1].properties).toEqual(
      expect.objectContaining({
        region: 'us-west-2',
        metrics: [['AWS/RDS', 'AuroraGlobalDBReplicationLag', 'DBClusterIdentifier', 'orders-db-us-west-2', { id: 'm0', visible: true }]],
        annotations: { horizontal: [{ label: 'alarm threshold', value: 30_000 }] },
      }),
    );
    expect(body.widgets[2].properties.metrics.at(-1)).toEqual([expect.objectContaining({ id: 'lag', expression: 'MAX([m0, m1])' })]);
    expect(JSON.stringify(body)).not.toContain('${');
  });

  it('renders the same dashboard body on every synth', () => {
    const props = { auroraGlobalDatabases: [aurora], s3Replications: [s3] };
    expect(resourcesOf(synth(props), 'aws_cloudwatch_dashboard')[0]!.dashboard_body).toBe(resourcesOf(synth(props), 'aws_cloudwatch_dashboard')[0]!.dashboard_body);
  });

  it('still renders a dashboard for a region with nothing to watch', () => {
    expect(dashboard(synth()).widgets).toHaveLength(1);
    expect(alarms(synth())).toHaveLength(0);
  });
});
