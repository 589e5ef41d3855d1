import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { PrivateBucket, type PrivateBucketProps } from './private-bucket';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/region';
const synth = (props: Partial<PrivateBucketProps> = {}) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new PrivateBucket(stack, 'documents', { bucketName: 'orders-documents-us-east-1', encryption: { kmsKeyArn: KEY }, noncurrentVersionExpirationDays: 90, ...props });
  return synthScratch(stack);
};
const only = (json: TerraformJson, type: string) => {
  const [resource, ...more] = resourcesOf(json, type);
  expect(more).toHaveLength(0);
  return resource!;
};
const statements = (json: TerraformJson) => Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((document) => document.statement);

describe('PrivateBucket', () => {
  it('names the bucket exactly and never force-destroys it', () => {
    const bucket = only(synth(), 'aws_s3_bucket');
    expect(bucket).toEqual(expect.objectContaining({ bucket: 'orders-documents-us-east-1' }));
    expect(bucket).not.toHaveProperty('force_destroy');
  });

  it('attaches every configuration to the bucket by reference', () => {
    const json = synth();
    const types = [
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_lifecycle_configuration',
      'aws_s3_bucket_notification',
    ];
    for (const type of types) expect(only(json, type).bucket).toMatch(/^\$\{aws_s3_bucket\.documents_bucket_[A-F0-9]+\.bucket\}$/);
  });

  it('encrypts with the given KMS key and S3 bucket keys', () => {
    expect(only(synth(), 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
  });

  it('encrypts with SSE-S3 when asked for s3-managed encryption', () => {
    expect(only(synth({ encryption: 's3-managed' }), 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('keeps every version', () => {
    expect(only(synth(), 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  it('blocks every form of public access', () => {
    expect(only(synth(), 'aws_s3_bucket_public_access_block')).toEqual(
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    );
  });

  it('disables ACLs', () => {
    expect(only(synth(), 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('refuses requests over plain HTTP or TLS older than 1.2', () => {
    expect(statements(synth())).toEqual([
      expect.objectContaining({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }),
      expect.objectContaining({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }] }),
    ]);
  });

  it('appends extra policy statements given the bucket ARN', () => {
    const json = synth({ policyStatements: (arn) => [{ sid: 'Extra', effect: 'Allow', actions: ['s3:GetObject'], resources: [`${arn}/public/*`] }] });
    expect(statements(json)[2]).toEqual(expect.objectContaining({ sid: 'Extra', resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.documents_bucket_[A-F0-9]+\.arn\}\/public\/\*$/)] }));
  });

  it('expires old versions and abandoned multipart uploads once versioning is on', () => {
    const lifecycle = only(synth(), 'aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({
        status: 'Enabled',
        filter: [{}],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    ]);
    expect(lifecycle.rule[0]).not.toHaveProperty('expiration');
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  it('expires current objects only when expirationDays is given', () => {
    expect(only(synth({ expirationDays: 30 }), 'aws_s3_bucket_lifecycle_configuration').rule[0].expiration).toEqual([{ days: 30 }]);
  });

  it('publishes object events to EventBridge', () => {
    expect(only(synth(), 'aws_s3_bucket_notification')).toEqual(expect.objectContaining({ eventbridge: true }));
  });

  it('writes date-partitioned access logs to the given bucket and prefix', () => {
    expect(only(synth({ accessLogs: { bucketName: 'orders-logs-us-east-1', prefix: 's3-access/orders-documents-us-east-1/' } }), 'aws_s3_bucket_logging')).toEqual(
      expect.objectContaining({
        target_bucket: 'orders-logs-us-east-1',
        target_prefix: 's3-access/orders-documents-us-east-1/',
        target_object_key_format: { partitioned_prefix: { partition_date_source: 'EventTime' } },
      }),
    );
  });

  it('does not log access unless told where', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_logging')).toHaveLength(0);
  });
});
