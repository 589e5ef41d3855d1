import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { AccessLogBucket } from './access-log-bucket';

describe('AccessLogBucket rejects', () => {
  it('a retention below one day', () => {
    expect(() => new AccessLogBucket(scratchStack(), 'logs', { bucketName: 'orders-access-logs-us-east-1', awsRegion: 'us-east-1', retentionDays: 0 })).toThrow(
      'AccessLogBucket logs: retentionDays: expected a whole number of days of at least 1, got 0',
    );
  });

  it('a load balancer log prefix that ends in a slash', () => {
    expect(() => new AccessLogBucket(scratchStack(), 'logs', { bucketName: 'orders-access-logs-us-east-1', awsRegion: 'us-east-1', loadBalancerLogPrefix: 'alb/' })).toThrow(
      'AccessLogBucket logs: loadBalancerLogPrefix: expected a key prefix without leading or trailing "/" and without "AWSLogs", got "alb/"',
    );
  });
});
