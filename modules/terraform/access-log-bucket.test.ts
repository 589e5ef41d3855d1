import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { AccessLogBucket, S3_ACCESS_LOG_PREFIX, type AccessLogBucketProps } from './access-log-bucket';

const synth = (props: Partial<AccessLogBucketProps> = {}) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new AccessLogBucket(stack, 'logs', { bucketName: 'orders-access-logs-us-east-1', awsRegion: 'us-east-1', ...props });
  return synthScratch(stack);
};
const statements = (json: TerraformJson) => Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((document) => document.statement);
const lifecycleRule = (json: TerraformJson) => resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration')[0]!.rule[0];

describe('AccessLogBucket', () => {
  it('encrypts with SSE-S3, the only default encryption S3 log delivery can write to', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_server_side_encryption_configuration')[0]!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('lets only S3 server access logging from this account write, and only under its prefix', () => {
    expect(statements(synth())).toContainEqual({
      sid: 'S3ServerAccessLogDelivery',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [expect.stringMatching(new RegExp(`\\.arn\\}/${S3_ACCESS_LOG_PREFIX}\\*$`))],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\./)] }],
    });
  });

  it('lets the region’s Elastic Load Balancing account write load balancer logs under the given prefix', () => {
    expect(statements(synth({ loadBalancerLogPrefix: 'orders-us-east-1' }))).toContainEqual({
      sid: 'LoadBalancerLogDelivery',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [expect.stringMatching(/^\$\{data\.aws_elb_service_account\.[^}]+\.arn\}$/)] }],
      actions: ['s3:PutObject'],
      resources: [expect.stringMatching(/\.arn\}\/orders-us-east-1\/AWSLogs\/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}\/\*$/)],
    });
  });

  it('grants load balancers nothing unless given their prefix', () => {
    expect(statements(synth()).map((statement) => statement.sid)).not.toContain('LoadBalancerLogDelivery');
  });

  it('still refuses plain HTTP', () => {
    expect(statements(synth())).toContainEqual(expect.objectContaining({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }));
  });

  it('keeps logs a year unless told otherwise', () => {
    expect(lifecycleRule(synth()).expiration).toEqual([{ days: 365 }]);
    expect(lifecycleRule(synth({ retentionDays: 90 })).expiration).toEqual([{ days: 90 }]);
  });

  it('does not log its own access', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_logging')).toHaveLength(0);
  });

  it('copies every log object to the peer regions\' log buckets, without keys to decrypt or re-encrypt', () => {
    const json = synth({ replicateTo: [{ awsRegion: 'us-west-2', bucketName: 'orders-access-logs-us-west-2' }] });
    const [replication] = resourcesOf(json, 'aws_s3_bucket_replication_configuration');
    expect(replication!.rule).toEqual([
      expect.objectContaining({ id: 'to-us-west-2', destination: { bucket: expect.stringMatching(/:s3:::orders-access-logs-us-west-2$/), storage_class: 'STANDARD' } }),
    ]);
    expect(statements(json).flatMap((statement) => statement.actions ?? []).filter((action: string) => action.startsWith('kms:'))).toEqual([]);
  });

  it('replicates nothing without peers', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_replication_configuration')).toHaveLength(0);
  });
});
