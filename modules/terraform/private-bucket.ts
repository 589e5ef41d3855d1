import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktn/provider-aws/lib/s3-bucket-logging';
import { S3BucketNotification } from '@cdktn/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktn/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktn/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktn/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/**
 * How objects are encrypted by default. `s3-managed` (SSE-S3, AES256) exists only for targets of AWS
 * log delivery, which cannot write to a bucket whose default encryption is SSE-KMS.
 */
export type BucketEncryption = { readonly kmsKeyArn: string } | 's3-managed';

export interface PrivateBucketProps {
  /** Globally unique bucket name; deterministic so other stacks can name it without a lookup. */
  readonly bucketName: string;
  readonly encryption: BucketEncryption;
  /** Days a version stays after it stops being current. */
  readonly noncurrentVersionExpirationDays: number;
  /**
   * Days after which current objects expire (a delete marker is written; the version then ages out
   * as noncurrent).
   * @default never
   */
  readonly expirationDays?: number;
  /**
   * Where S3 server access logs of this bucket go.
   * @default not logged
   */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
  /**
   * Allow statements added to the bucket policy, after the statements that refuse insecure transport;
   * given the bucket's ARN.
   * @default none
   */
  readonly policyStatements?: (bucketArn: string) => readonly DataAwsIamPolicyDocumentStatement[];
}

const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;

/**
 * The bucket every S3 resource here is built on: versioned, encrypted by default, never public,
 * ACLs disabled, reachable only over TLS 1.2 or later, with old versions and abandoned uploads
 * cleaned up and object events published to EventBridge.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    if (!S3_BUCKET_NAME.test(props.bucketName)) {
      throw new Error(`PrivateBucket ${id}: bucketName: expected 3-63 lowercase letters, digits, dots and hyphens, got ${JSON.stringify(props.bucketName)}`);
    }
    positiveDays(id, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays);
    if (props.expirationDays !== undefined) positiveDays(id, 'expirationDays', props.expirationDays);

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, tags: { Name: props.bucketName } });
    const bucket = this.bucket.bucket;
    this.versioning = new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        props.encryption === 's3-managed'
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryption.kmsKeyArn }, bucketKeyEnabled: true },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });

    const everything = [this.bucket.arn, `${this.bucket.arn}/*`];
    const anyone = [{ type: '*', identifiers: ['*'] }];
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: anyone,
          actions: ['s3:*'],
          resources: everything,
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyTlsBelow12',
          effect: 'Deny',
          principals: anyone,
          actions: ['s3:*'],
          resources: everything,
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        },
        ...(props.policyStatements?.(this.bucket.arn) ?? []),
      ],
    });
    // Both write the bucket's policy state; S3 rejects concurrent changes with a conflict.
    new S3BucketPolicy(this, 'bucket-policy', { bucket, policy: policy.json, dependsOn: [publicAccessBlock] });

    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-old-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS }],
          ...(props.expirationDays === undefined ? {} : { expiration: [{ days: props.expirationDays }] }),
        },
      ],
      // Lifecycle rules on noncurrent versions are rejected until versioning is on.
      dependsOn: [this.versioning],
    });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logs', {
        bucket,
        targetBucket: props.accessLogs.bucketName,
        targetPrefix: props.accessLogs.prefix,
        // Date-partitioned keys let Athena prune by day instead of listing every log object.
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      });
    }
    // EventBridge delivery costs nothing until a rule matches and needs no per-consumer wiring here.
    new S3BucketNotification(this, 'events', { bucket, eventbridge: true });
  }
}

function positiveDays(id: string, prop: string, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`PrivateBucket ${id}: ${prop}: expected a whole number of days of at least 1, got ${days}`);
  }
}
