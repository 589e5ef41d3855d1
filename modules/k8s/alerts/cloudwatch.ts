/**
 * AWS signals reach each region's Prometheus through YACE (prometheus-community/yet-another-cloudwatch-exporter),
 * a cluster add-on like the blackbox exporter. Its discovery jobs, scoped by the tag `project=<global.name>`
 * that every stack applies, must export:
 *
 * | namespace             | metric                          | statistic | dimension / tag               | scraped in        |
 * |-----------------------|---------------------------------|-----------|-------------------------------|-------------------|
 * | AWS/RDS               | AuroraGlobalDBReplicationLag    | Maximum   | DBClusterIdentifier           | the region        |
 * | AWS/ElastiCache       | GlobalDatastoreReplicationLag   | Maximum   | CacheClusterId                | the region        |
 * | AWS/Kafka             | ReplicationLatency              | Maximum   | ReplicatorName, Topic         | the region        |
 * | AWS/Kafka             | MessageLag                      | Sum       | ReplicatorName, Topic         | the region        |
 * | AWS/S3                | ReplicationLatency              | Maximum   | SourceBucket (…, RuleId)      | the region        |
 * | AWS/Route53           | HealthCheckStatus               | Minimum   | tag `Name` (exportedTags)     | us-east-1         |
 * | AWS/GlobalAccelerator | UnhealthyEndpointCount          | Maximum   | EndpointGroup                 | us-west-2         |
 *
 * Route 53 and Global Accelerator publish their metrics in one region only (us-east-1 and us-west-2),
 * so every region's YACE reads those two from there. YACE keeps dimension and tag names as they are
 * (`dimension_DBClusterIdentifier`, `tag_Name`: `labelsSnakeCase` off, its default).
 */

/**
 * The series name YACE gives a CloudWatch metric: `aws_<namespace>_<metric>_<statistic>`, each part
 * snake-cased the way YACE does it (an underscore only where a capital follows a lower-case letter or
 * a digit, so `AuroraGlobalDBReplicationLag` becomes `aurora_global_dbreplication_lag`), and parts of the
 * namespace repeated at the start of the metric dropped.
 */
export function yaceMetric(namespace: string, metricName: string, statistic: string): string {
  const prefix = promString(namespace.toLowerCase()).replace(/^_/, '');
  let metric = promString(metricName);
  for (const part of prefix.split('_')) if (metric.startsWith(part)) metric = metric.slice(part.length);
  return `${prefix.startsWith('aws') ? '' : 'aws_'}${prefix}_${metric.replace(/^_/, '')}_${promString(statistic)}`;
}

function promString(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[ ,\t/\\.\-:=@<>()]/g, '_')
    .toLowerCase();
}

