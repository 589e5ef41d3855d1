import { CloudwatchDashboard } from '@cdktn/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktn/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';

/** An Aurora global database's secondary cluster in this region. */
export interface AuroraLagSignal {
  readonly clusterIdentifier: string;
  readonly lagAlertSeconds: number;
}

/** An ElastiCache Global Datastore's secondary replication group in this region. */
export interface CacheLagSignal {
  readonly replicationGroupId: string;
  /**
   * The group's member cache clusters (e.g. `sessions-001`, `sessions-002`). ElastiCache publishes the
   * lag per node, dimensioned by CacheClusterId, from whichever node is the group's primary, which can
   * change; the alarm watches the maximum over all of them. At most 10 (CloudWatch's limit per alarm).
   */
  readonly memberClusterIds: readonly string[];
  readonly lagAlertSeconds: number;
}

/** An MSK Replicator writing into this region's cluster (its metrics are published in the target region). */
export interface KafkaLagSignal {
  readonly replicatorName: string;
  readonly lagAlertSeconds: number;
}

/** A replication rule of a bucket in this region (S3 publishes its metrics in the source region). */
export interface S3LagSignal {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  /** The rule's id, e.g. from ReplicatedBucket.replicationRuleIds. */
  readonly ruleId: string;
  readonly lagAlertSeconds: number;
}

export interface RegionalAlarmsProps {
  /** Prefix of the topic, alarm and dashboard names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** The region whose metrics the dashboard shows. */
  readonly awsRegion: string;
  /** The region's customer-managed key; encrypts the alarm topic. */
  readonly kmsKeyArn: string;
  /**
   * Aurora global database secondaries; primaries publish no replication lag.
   * @default none
   */
  readonly auroraGlobalDatabases?: readonly AuroraLagSignal[];
  /** @default none */
  readonly cacheReplicationGroups?: readonly CacheLagSignal[];
  /** @default none */
  readonly kafkaReplicators?: readonly KafkaLagSignal[];
  /**
   * Only rules with replication metrics on (ReplicatedBucket with replicationTimeControl) publish latency.
   * @default none
   */
  readonly s3Replications?: readonly S3LagSignal[];
  /**
   * Consecutive minutes the lag must stay above its threshold before the alarm fires, so one slow
   * minute does not page anyone.
   * @default 5
   */
  readonly evaluationMinutes?: number;
  /**
   * How the alarms read a minute without data. `bySource` pages on silence where the source publishes
   * every minute for as long as its replication is attached (see collectSignals). `notBreaching` is for
   * alarms used only as FIS stop conditions: the outage scenario's Aurora failover promotes the
   * surviving cluster, which then publishes no lag, and that silence is the experiment's own doing,
   * not a reason to stop it; the paging alarms still catch a replication that really went away.
   * @default 'bySource'
   */
  readonly missingData?: 'bySource' | 'notBreaching';
}

type MissingData = 'breaching' | 'notBreaching';

/** One watched replication and the metric that measures its lag. */
interface Signal {
  /** Where the props name it, for error messages. */
  readonly path: string;
  /** Unique within the construct; part of the alarm name. */
  readonly key: string;
  readonly title: string;
  readonly namespace: string;
  readonly metricName: string;
  /** More than one set means "the maximum over these series". */
  readonly dimensionSets: readonly Readonly<Record<string, string>>[];
  readonly unit: 'Milliseconds' | 'Seconds';
  readonly lagAlertSeconds: number;
  readonly missingData: MissingData;
}

const PERIOD_SECONDS = 60;
const MAX_METRICS_PER_ALARM = 10;
const NAME = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Replication-lag alarms for one region, published to a KMS-encrypted SNS topic that the on-call
 * integration subscribes to outside Terraform, and a dashboard with one graph per watched replication.
 */
export class RegionalAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    const evaluationMinutes = props.evaluationMinutes ?? 5;
    if (!NAME.test(props.name)) {
      throw new Error(`RegionalAlarms ${id}: name: expected 1-200 letters, digits, hyphens and underscores, got ${JSON.stringify(props.name)}`);
    }
    if (!Number.isInteger(evaluationMinutes) || evaluationMinutes < 1 || evaluationMinutes > 1440) {
      throw new Error(`RegionalAlarms ${id}: evaluationMinutes: expected a whole number of minutes from 1 to 1440, got ${evaluationMinutes}`);
    }
    const signals = collectSignals(id, props);

    const account = callerIdentity(this);
    const partition = partitionOf(this);
    const topicName = `${props.name}-replication-alarms`;
    this.topic = new SnsTopic(this, 'topic', { name: topicName, kmsMasterKeyId: props.kmsKeyArn, tags: { Name: topicName } });
    this.topicArn = this.topic.arn;
    const topicPolicy = new DataAwsIamPolicyDocument(this, 'topic-policy', {
      statement: [
        {
          sid: 'CloudWatchAlarmsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:${partition.partition}:cloudwatch:${props.awsRegion}:${account.accountId}:alarm:*`] },
          ],
        },
      ],
    });
    new SnsTopicPolicy(this, 'topic-access', { arn: this.topic.arn, policy: topicPolicy.json });

    this.alarms = signals.map(
      (signal) =>
        new CloudwatchMetricAlarm(this, `alarm-${signal.key}`, {
          alarmName: `${props.name}-${signal.key}-replication-lag`,
          alarmDescription: `${signal.title}: above ${signal.lagAlertSeconds} seconds for ${evaluationMinutes} minutes`,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: threshold(signal),
          evaluationPeriods: evaluationMinutes,
          datapointsToAlarm: evaluationMinutes,
          treatMissingData: props.missingData === 'notBreaching' ? 'notBreaching' : signal.missingData,
          metricQuery: alarmQueries(signal),
          actionsEnabled: true,
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          tags: { Name: `${props.name}-${signal.key}-replication-lag` },
        }),
    );

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${props.name}-replication`,
      dashboardBody: JSON.stringify(dashboardBody(props.name, props.awsRegion, topicName, signals)),
    });
  }
}

/**
 * Every replication the props name, as signals. Missing data means different things per source:
 * Aurora and ElastiCache publish lag every minute for as long as the secondary is attached, so
 * silence means it was detached or stopped, which is a replication outage. MSK Replicator reports
 * latency for every partition it replicates (AWS reads a drop to 0 under load as an authorisation
 * failure), so silence means the replicator itself is gone. S3 publishes latency only for objects
 * replicated in that minute, so a quiet bucket is silent and that is fine.
 */
function collectSignals(id: string, props: RegionalAlarmsProps): Signal[] {
  const signals: Signal[] = [
    ...(props.auroraGlobalDatabases ?? []).map(
      (db, index): Signal => ({
        path: `auroraGlobalDatabases[${index}]`,
        key: `aurora-${db.clusterIdentifier}`,
        title: `Aurora global database lag into ${db.clusterIdentifier}`,
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensionSets: [{ DBClusterIdentifier: db.clusterIdentifier }],
        unit: 'Milliseconds',
        lagAlertSeconds: db.lagAlertSeconds,
        missingData: 'breaching',
      }),
    ),
    ...(props.cacheReplicationGroups ?? []).map(
      (group, index): Signal => ({
        path: `cacheReplicationGroups[${index}]`,
        key: `cache-${group.replicationGroupId}`,
        title: `ElastiCache Global Datastore lag into ${group.replicationGroupId}`,
        namespace: 'AWS/ElastiCache',
        metricName: 'GlobalDatastoreReplicationLag',
        dimensionSets: group.memberClusterIds.map((cacheClusterId) => ({ CacheClusterId: cacheClusterId })),
        unit: 'Seconds',
        lagAlertSeconds: group.lagAlertSeconds,
        missingData: 'breaching',
      }),
    ),
    ...(props.kafkaReplicators ?? []).map(
      (replicator, index): Signal => ({
        path: `kafkaReplicators[${index}]`,
        key: `kafka-${replicator.replicatorName}`,
        title: `MSK Replicator ${replicator.replicatorName} latency`,
        namespace: 'AWS/Kafka',
        metricName: 'ReplicationLatency',
        dimensionSets: [{ ReplicatorName: replicator.replicatorName }],
        unit: 'Milliseconds',
        lagAlertSeconds: replicator.lagAlertSeconds,
        missingData: 'breaching',
      }),
    ),
    ...(props.s3Replications ?? []).map(
      (replication, index): Signal => ({
        path: `s3Replications[${index}]`,
        key: `s3-${replication.sourceBucket}-${replication.ruleId}`,
        title: `S3 replication ${replication.sourceBucket} to ${replication.destinationBucket}`,
        namespace: 'AWS/S3',
        metricName: 'ReplicationLatency',
        dimensionSets: [{ SourceBucket: replication.sourceBucket, DestinationBucket: replication.destinationBucket, RuleId: replication.ruleId }],
        unit: 'Seconds',
        lagAlertSeconds: replication.lagAlertSeconds,
        missingData: 'notBreaching',
      }),
    ),
  ];
  const keys = signals.map((signal) => signal.key);
  signals.forEach((signal, index) => {
    if (!Number.isFinite(signal.lagAlertSeconds) || signal.lagAlertSeconds <= 0) {
      throw new Error(`RegionalAlarms ${id}: ${signal.path}.lagAlertSeconds: expected a positive number of seconds, got ${signal.lagAlertSeconds}`);
    }
    const series = signal.dimensionSets.length;
    // Only a cache replication group watches several series.
    if (series < 1 || series > MAX_METRICS_PER_ALARM) {
      throw new Error(`RegionalAlarms ${id}: ${signal.path}.memberClusterIds: expected 1 to ${MAX_METRICS_PER_ALARM} cache cluster ids, got ${series}`);
    }
    if (keys.indexOf(signal.key) !== index) throw new Error(`RegionalAlarms ${id}: ${signal.path}: expected each replication once, got ${signal.key} again`);
  });
  return signals;
}

/** The alarm threshold in the metric's own unit. */
const threshold = (signal: Signal) => signal.lagAlertSeconds * (signal.unit === 'Milliseconds' ? 1000 : 1);

const metricId = (index: number) => `m${index}`;
/** The metric math that folds a signal's series into one: the series itself, or the maximum of several. */
const lagExpression = (signal: Signal) => `MAX([${signal.dimensionSets.map((_, index) => metricId(index)).join(', ')}])`;

function alarmQueries(signal: Signal): CloudwatchMetricAlarmMetricQuery[] {
  const single = signal.dimensionSets.length === 1;
  const series = signal.dimensionSets.map(
    (dimensions, index): CloudwatchMetricAlarmMetricQuery => ({
      id: metricId(index),
      returnData: single,
      metric: { namespace: signal.namespace, metricName: signal.metricName, dimensions: { ...dimensions }, period: PERIOD_SECONDS, stat: 'Maximum' },
    }),
  );
  return single ? series : [...series, { id: 'lag', expression: lagExpression(signal), label: signal.title, returnData: true }];
}

/** Widgets in a fixed order with literal names only, so the body is byte-for-byte stable. */
function dashboardBody(name: string, awsRegion: string, topicName: string, signals: readonly Signal[]) {
  const width = 12;
  const height = 6;
  const headerHeight = 2;
  return {
    widgets: [
      {
        type: 'text',
        x: 0,
        y: 0,
        width: 2 * width,
        height: headerHeight,
        properties: { markdown: `# Replication health: ${name} (${awsRegion})\nAlarms notify the SNS topic \`${topicName}\`.` },
      },
      ...signals.map((signal, index) => ({
        type: 'metric',
        x: (index % 2) * width,
        y: headerHeight + Math.floor(index / 2) * height,
        width,
        height,
        properties: {
          title: signal.title,
          region: awsRegion,
          view: 'timeSeries',
          stacked: false,
          period: PERIOD_SECONDS,
          stat: 'Maximum',
          metrics: dashboardMetrics(signal),
          annotations: { horizontal: [{ label: 'alarm threshold', value: threshold(signal) }] },
          yAxis: { left: { label: signal.unit, min: 0, showUnits: false } },
        },
      })),
    ],
  };
}

function dashboardMetrics(signal: Signal): unknown[][] {
  const single = signal.dimensionSets.length === 1;
  const series = signal.dimensionSets.map((dimensions, index) => [
    signal.namespace,
    signal.metricName,
    ...Object.entries(dimensions).flat(),
    { id: metricId(index), visible: single },
  ]);
  return single ? series : [...series, [{ id: 'lag', expression: lagExpression(signal), label: signal.title }]];
}
