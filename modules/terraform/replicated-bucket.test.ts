import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { ReplicatedBucket, type ReplicatedBucketProps } from './replicated-bucket';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/east';
const WEST = { awsRegion: 'us-west-2', bucketName: 'orders-order-documents-us-west-2', kmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/west' };
const EU = { awsRegion: 'eu-west-1', bucketName: 'orders-order-documents-eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/eu' };
const base: ReplicatedBucketProps = {
  bucketName: 'orders-order-documents-us-east-1',
  awsRegion: 'us-east-1',
  kmsKeyArn: KEY,
  destinations: [WEST],
  replicationTimeControl: false,
};
const build = (props: Partial<ReplicatedBucketProps> = {}) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const bucket = new ReplicatedBucket(stack, 'documents', { ...base, ...props });
  return { bucket, json: synthScratch(stack) };
};
const synth = (props: Partial<ReplicatedBucketProps> = {}) => build(props).json;
const replicationRules = (json: TerraformJson) => resourcesOf(json, 'aws_s3_bucket_replication_configuration')[0]!.rule as Record<string, any>[];
const document = (json: TerraformJson, reference: string) => {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)![1]!;
  return json.data!.aws_iam_policy_document![name]!;
};
const role = (json: TerraformJson) => resourcesOf(json, 'aws_iam_role')[0]!;
const rolePolicy = (json: TerraformJson) => document(json, resourcesOf(json, 'aws_iam_role_policy')[0]!.policy);

describe('ReplicatedBucket', () => {
  it('encrypts the bucket with the region key', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_server_side_encryption_configuration')[0]!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
  });

  it('keeps noncurrent versions 90 days unless told otherwise', () => {
    const days = (json: TerraformJson) => resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration')[0]!.rule[0].noncurrent_version_expiration;
    expect(days(synth())).toEqual([{ noncurrent_days: 90 }]);
    expect(days(synth({ noncurrentVersionExpirationDays: 30 }))).toEqual([{ noncurrent_days: 30 }]);
  });

  it('replicates the whole bucket to each destination under its own rule and priority', () => {
    const rules = replicationRules(synth({ destinations: [WEST, EU] }));
    expect(rules.map(({ id, priority, status, filter }) => ({ id, priority, status, filter }))).toEqual([
      { id: 'to-us-west-2', priority: 1, status: 'Enabled', filter: {} },
      { id: 'to-eu-west-1', priority: 2, status: 'Enabled', filter: {} },
    ]);
  });

  it('replicates delete markers and KMS-encrypted objects, re-encrypting replicas with the destination key', () => {
    expect(replicationRules(synth())[0]).toEqual(
      expect.objectContaining({
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: expect.objectContaining({ sse_kms_encrypted_objects: { status: 'Enabled' } }),
        destination: {
          bucket: expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:s3:::orders-order-documents-us-west-2$/),
          storage_class: 'STANDARD',
          encryption_configuration: { replica_kms_key_id: WEST.kmsKeyArn },
        },
      }),
    );
  });

  it('adds the 15-minute replication time control and metrics with RTC', () => {
    expect(replicationRules(synth({ replicationTimeControl: true }))[0]!.destination).toEqual(
      expect.objectContaining({
        replication_time: { status: 'Enabled', time: { minutes: 15 } },
        metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
      }),
    );
  });

  it('configures replication only after versioning is enabled', () => {
    expect(resourcesOf(synth(), 'aws_s3_bucket_replication_configuration')[0]!.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  it('creates no role and no replication for a bucket without destinations', () => {
    const json = synth({ destinations: [] });
    expect(resourcesOf(json, 'aws_iam_role')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_s3_bucket_replication_configuration')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_s3_bucket')).toHaveLength(1);
  });

  it('lets only S3 acting for this account assume the replication role', () => {
    const json = synth();
    expect(role(json).name).toBe('orders-order-documents-us-east-1-replication');
    expect(document(json, role(json).assume_role_policy).statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['s3.amazonaws.com'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\.[^}]+\.account_id\}$/)] }],
      },
    ]);
  });

  it('grants named replication actions on the source bucket and the destination objects only', () => {
    const statements = rolePolicy(synth({ destinations: [WEST, EU] })).statement as Record<string, any>[];
    const s3 = statements.filter((statement) => statement.actions.some((action: string) => action.startsWith('s3:')));
    expect(s3).toEqual([
      expect.objectContaining({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [expect.stringMatching(/\.arn\}$/)] }),
      expect.objectContaining({ actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], resources: [expect.stringMatching(/\.arn\}\/\*$/)] }),
      expect.objectContaining({
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        resources: [expect.stringMatching(/:s3:::orders-order-documents-us-west-2\/\*$/), expect.stringMatching(/:s3:::orders-order-documents-eu-west-1\/\*$/)],
      }),
    ]);
    expect(statements.every((statement) => statement.effect === 'Allow' && !statement.actions.some((action: string) => action.endsWith(':*')))).toBe(true);
  });

  it('lets the role use each key only through S3 in the key’s own region', () => {
    const kms = (rolePolicy(synth({ destinations: [WEST, EU] })).statement as Record<string, any>[]).filter((statement) => statement.actions[0].startsWith('kms:'));
    const via = (region: string) => [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] }];
    expect(kms).toEqual([
      expect.objectContaining({ actions: ['kms:Decrypt'], resources: [KEY], condition: via('us-east-1') }),
      expect.objectContaining({ actions: ['kms:Encrypt'], resources: [WEST.kmsKeyArn], condition: via('us-west-2') }),
      expect.objectContaining({ actions: ['kms:Encrypt'], resources: [EU.kmsKeyArn], condition: via('eu-west-1') }),
    ]);
  });

  it('exposes the rule id of each destination region for replication alarms', () => {
    expect(build({ destinations: [WEST, EU] }).bucket.replicationRuleIds).toEqual({ 'us-west-2': 'to-us-west-2', 'eu-west-1': 'to-eu-west-1' });
  });

  it('logs access under the bucket’s own prefix in the access log bucket', () => {
    expect(resourcesOf(synth({ accessLogBucketName: 'orders-access-logs-us-east-1' }), 'aws_s3_bucket_logging')[0]).toEqual(
      expect.objectContaining({ target_bucket: 'orders-access-logs-us-east-1', target_prefix: 's3-access/orders-order-documents-us-east-1/' }),
    );
  });
});
