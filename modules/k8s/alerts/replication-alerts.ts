import { lagAlertMessages, type DataSet, type Model, type Region } from '../../../schemas';
import { selector } from '../service-metrics';
import { aroundThreshold, duration, literalPattern, type AlertDefinition } from './alert';
import { yaceMetric } from './cloudwatch';
import { kafkaMirrorsOf } from '../../kafka-mirrors';
import { dataSetResourceName } from '../../names';

/** A CloudWatch series measuring one data set's replication into or out of a region. */
interface CloudWatchSignal {
  readonly metric: string;
  /** Label matchers selecting the data set's series (`~` marks a regular expression). */
  readonly matchers: Readonly<Record<string, string>>;
  /** Labels of one real series the matchers select, for the promtool tests. */
  readonly example: Readonly<Record<string, string>>;
}

/** How far one data set's copy in a region lags behind, in seconds, where AWS publishes it. */
export interface LagSignal extends CloudWatchSignal {
  readonly dataSet: DataSet;
  /** Units of the metric per second (Aurora and MSK report milliseconds). */
  readonly unitsPerSecond: number;
}

/** PromQL for a lag signal in seconds: the worst series, no labels. */
export function lagSeconds(signal: LagSignal): string {
  const worst = `max(${signal.metric}${selector(signal.matchers)})`;
  return signal.unitsPerSecond === 1 ? worst : `${worst} / ${signal.unitsPerSecond}`;
}

/**
 * The lag signals a region's Prometheus can see: AWS publishes each in the region that receives the
 * copy (Aurora and ElastiCache secondaries, the MSK cluster a replicator writes into), except S3, whose
 * replication metrics live with the source bucket. Sorted by data set.
 */
export function lagSignals(model: Model, region: Region): LagSignal[] {
  const { global } = model;
  const peers = model.regions.filter((peer) => peer.id !== region.id);
  const secondary = region.role === 'secondary';
  const signal = (dataSet: DataSet): LagSignal[] => {
    switch (dataSet.store) {
      case 'aurora': {
        if (!secondary) return [];
        const cluster = dataSetResourceName(global, dataSet, region);
        return [{ dataSet, metric: yaceMetric('AWS/RDS', 'AuroraGlobalDBReplicationLag', 'Maximum'), matchers: { dimension_DBClusterIdentifier: cluster }, example: { dimension_DBClusterIdentifier: cluster }, unitsPerSecond: 1000 }];
      }
      case 'redis': {
        if (!secondary) return [];
        const group = dataSetResourceName(global, dataSet, region);
        // Lag is published per member cluster of the replication group (`<group>-0001-001`, …); the worst one counts.
        return [{ dataSet, metric: yaceMetric('AWS/ElastiCache', 'GlobalDatastoreReplicationLag', 'Maximum'), matchers: { dimension_CacheClusterId: `~${literalPattern(group)}-.+` }, example: { dimension_CacheClusterId: `${group}-0001-001` }, unitsPerSecond: 1 }];
      }
      case 'kafka': {
        const mirror = kafkaMirror(model, dataSet, region);
        return mirror ? [{ dataSet, metric: yaceMetric('AWS/Kafka', 'ReplicationLatency', 'Maximum'), ...mirror, unitsPerSecond: 1000 }] : [];
      }
      case 's3': {
        const [peer] = peers;
        if (!peer) return [];
        const bucket = dataSetResourceName(global, dataSet, region);
        return [
          {
            dataSet,
            metric: yaceMetric('AWS/S3', 'ReplicationLatency', 'Maximum'),
            matchers: { dimension_SourceBucket: bucket },
            example: { dimension_SourceBucket: bucket, dimension_DestinationBucket: dataSetResourceName(global, dataSet, peer), dimension_RuleId: `to-${peer.awsRegion}` },
            unitsPerSecond: 1,
          },
        ];
      }
    }
  };
  return [...model.replication.dataSets].sort((a, b) => a.name.localeCompare(b.name)).flatMap(signal);
}

/** The MSK Replicators writing a kafka data set's topics into `region` (kafka-mirrors.ts), and its topics. */
function kafkaMirror(model: Model, dataSet: DataSet, region: Region): Pick<CloudWatchSignal, 'matchers' | 'example'> | undefined {
  const names = kafkaMirrorsOf(model, dataSet, region).map((mirror) => mirror.name);
  const topics = dataSet.topics ?? [];
  const [name] = names;
  if (!name || !topics.length) return undefined;
  const anyOf = (values: readonly string[]) => `~${values.map(literalPattern).join('|')}`;
  return {
    matchers: { dimension_ReplicatorName: anyOf(names), dimension_Topic: anyOf(topics) },
    example: { dimension_ReplicatorName: name, dimension_Topic: topics[0]! },
  };
}

/**
 * Replication alerts of a region: lag in seconds against each data set's `lagAlertSeconds` (Redis under
 * its own name, a stale global datastore), and the Kafka mirror's backlog in messages. All hold for
 * `resilience.lagAlertForSeconds`, the delay the resilience policies add to the threshold when they check it
 * against the data set's RPO.
 */
export function replicationAlerts(model: Model, region: Region): AlertDefinition[] {
  const forSeconds = model.global.resilience.lagAlertForSeconds;
  const sloSeconds = model.global.slo.replicationLagSeconds;
  return lagSignals(model, region).flatMap((signal): AlertDefinition[] => {
    const { dataSet } = signal;
    const threshold = dataSet.lagAlertSeconds;
    const lagTest = { series: [{ series: `${signal.metric}${selector(signal.example)}`, kind: 'gauge' as const, ...aroundThreshold(threshold * signal.unitsPerSecond) }], windowSeconds: 0 };
    const context = `The data set's RPO is ${dataSet.rpoSeconds}s; the global replication-lag SLO is ${sloSeconds}s.`;
    const lag: AlertDefinition =
      dataSet.store === 'redis'
        ? {
            name: 'RedisGlobalDatastoreStale',
            severity: 'critical',
            expr: `${lagSeconds(signal)} > ${threshold}`,
            forSeconds,
            summary: `${dataSet.name} in ${region.id} is more than ${threshold}s behind its global datastore primary`,
            description: `${measured(dataSet, region)} has been above ${threshold}s for ${duration(forSeconds)}: reads of ${dataSet.name} here may be stale. ${context}`,
            labels: { data_set: dataSet.name },
            test: lagTest,
          }
        : {
            name: 'ReplicationLagHigh',
            severity: 'critical',
            expr: `${lagSeconds(signal)} > ${threshold}`,
            forSeconds,
            summary: `${dataSet.name} (${dataSet.store}) replication ${dataSet.store === 's3' ? `from ${region.id}` : `into ${region.id}`} lags more than ${threshold}s`,
            description: `${measured(dataSet, region)} has been above ${threshold}s for ${duration(forSeconds)}. ${context}`,
            labels: { data_set: dataSet.name, store: dataSet.store },
            test: lagTest,
          };
    if (dataSet.store !== 'kafka') return [lag];
    const messages = lagAlertMessages(dataSet);
    const backlogMetric = yaceMetric('AWS/Kafka', 'MessageLag', 'Sum');
    const backlog: AlertDefinition = {
      name: 'KafkaMirrorLagHigh',
      severity: 'warning',
      expr: `sum(${backlogMetric}${selector(signal.matchers)}) > ${messages}`,
      forSeconds,
      summary: `The MSK Replicator mirroring ${dataSet.name} into ${region.id} is more than ${messages} messages behind`,
      description: `MSK Replicator has not yet consumed more than ${messages} messages of ${dataSet.name}'s topics (${(dataSet.topics ?? []).join(', ')}) from the source cluster for ${duration(forSeconds)}. ${context}`,
      labels: { data_set: dataSet.name },
      test: { series: [{ series: `${backlogMetric}${selector(signal.example)}`, kind: 'gauge', ...aroundThreshold(messages) }], windowSeconds: 0 },
    };
    return [lag, backlog];
  });
}

/** What the lag signal of a data set measures, for the alert's description. */
function measured(dataSet: DataSet, region: Region): string {
  const of: Record<DataSet['store'], string> = {
    aurora: `The lag of ${dataSet.name}'s Aurora global database secondary in ${region.id} (AuroraGlobalDBReplicationLag)`,
    kafka: `The MSK Replicator latency of ${dataSet.name}'s topics into ${region.id} (ReplicationLatency)`,
    redis: `The lag of ${dataSet.name}'s ElastiCache global datastore member in ${region.id} behind the primary (GlobalDatastoreReplicationLag)`,
    s3: `The S3 replication latency of ${dataSet.name} objects from ${region.id} to its peers (ReplicationLatency)`,
  };
  return of[dataSet.store];
}
