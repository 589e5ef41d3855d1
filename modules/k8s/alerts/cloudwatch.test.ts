import { describe, expect, it } from 'vitest';
import { yaceMetric } from './cloudwatch';

describe('YACE series names', () => {
  it('snake-cases CloudWatch names the way YACE does, keeping acronyms together', () => {
    expect(yaceMetric('AWS/ElastiCache', 'CPUUtilization', 'Average')).toBe('aws_elasticache_cpuutilization_average');
    expect(yaceMetric('AWS/ElastiCache', 'FreeableMemory', 'Average')).toBe('aws_elasticache_freeable_memory_average');
    expect(yaceMetric('AWS/RDS', 'AuroraGlobalDBReplicationLag', 'Maximum')).toBe('aws_rds_aurora_global_dbreplication_lag_maximum');
    expect(yaceMetric('AWS/Route53', 'HealthCheckStatus', 'Minimum')).toBe('aws_route53_health_check_status_minimum');
  });

  it('drops parts of the namespace the metric name repeats', () => {
    expect(yaceMetric('Glue', 'glue.driver.aggregate.bytesRead', 'Average')).toBe('aws_glue_driver_aggregate_bytes_read_average');
  });
});
