import type { DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsElbServiceAccount } from '@cdktn/provider-aws/lib/data-aws-elb-service-account';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { BucketReplication } from './bucket-replication';
import { PrivateBucket } from './private-bucket';
import { callerIdentity } from './aws-context';

/** Key prefix under which S3 server access logs land; each source bucket logs below `<prefix><its name>/`. */
export const S3_ACCESS_LOG_PREFIX = 's3-access/';
/** Elastic Load Balancing appends `/AWSLogs/<account>/…` itself and rejects prefixes containing it. */
const LOAD_BALANCER_PREFIX = /^(?!.*AWSLogs)[^/](.*[^/])?$/;

export interface AccessLogBucketProps {
  /** Globally unique bucket name, e.g. `orders-access-logs-us-east-1`. */
  readonly bucketName: string;
  /**
   * Days a log object is kept.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * The `access_logs.prefix` of load balancers in this region that log here; Elastic Load Balancing
   * may then write below `<prefix>/AWSLogs/<account>/`. ALB log delivery, too, accepts only SSE-S3.
   * @default no load balancer logs here
   */
  readonly loadBalancerLogPrefix?: string;
  /** The region the bucket lives in. */
  readonly awsRegion: string;
  /**
   * The access log buckets of the peer regions, which receive a copy of every log object, so the
   * record of what happened in a region outlives the region.
   * @default not replicated
   */
  readonly replicateTo?: readonly { readonly awsRegion: string; readonly bucketName: string }[];
}

/**
 * The per-region target of S3 server access logs and, optionally, load balancer access logs. Neither
 * log delivery can write to a bucket whose default encryption is SSE-KMS, so this one bucket uses
 * SSE-S3 (AES256); everything else about it is as locked down as the data buckets. It does not log
 * its own access, which would loop.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`AccessLogBucket ${id}: retentionDays: expected a whole number of days of at least 1, got ${retentionDays}`);
    }
    const prefix = props.loadBalancerLogPrefix;
    if (prefix !== undefined && !LOAD_BALANCER_PREFIX.test(prefix)) {
      throw new Error(`AccessLogBucket ${id}: loadBalancerLogPrefix: expected a key prefix without leading or trailing "/" and without "AWSLogs", got ${JSON.stringify(prefix)}`);
    }
    const account = callerIdentity(this);
    const serverAccessLogs = (bucketArn: string): DataAwsIamPolicyDocumentStatement => ({
      sid: 'S3ServerAccessLogDelivery',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [`${bucketArn}/${S3_ACCESS_LOG_PREFIX}*`],
      // Only this account's buckets may deliver here, not any bucket whose owner names this one.
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
    });
    // Regions launched before August 2022 deliver ALB logs as a per-region ELB account, not a service principal.
    const elbAccount = prefix === undefined ? undefined : new DataAwsElbServiceAccount(this, 'elb-account');
    const loadBalancerLogs = (bucketArn: string): DataAwsIamPolicyDocumentStatement[] =>
      elbAccount
        ? [
            {
              sid: 'LoadBalancerLogDelivery',
              effect: 'Allow',
              principals: [{ type: 'AWS', identifiers: [elbAccount.arn] }],
              actions: ['s3:PutObject'],
              resources: [`${bucketArn}/${prefix}/AWSLogs/${account.accountId}/*`],
            },
          ]
        : [];
    const logs = new PrivateBucket(this, 'logs', {
      bucketName: props.bucketName,
      encryption: 's3-managed',
      expirationDays: retentionDays,
      // A log object is never rewritten, so noncurrent versions only come from deletes; keep them briefly.
      noncurrentVersionExpirationDays: 7,
      policyStatements: (bucketArn) => [serverAccessLogs(bucketArn), ...loadBalancerLogs(bucketArn)],
    });
    this.bucket = logs.bucket;
    this.bucketArn = logs.bucket.arn;
    if (props.replicateTo?.length) {
      new BucketReplication(this, 'replication', {
        bucket: logs.bucket,
        versioning: logs.versioning,
        awsRegion: props.awsRegion,
        destinations: props.replicateTo,
        roleName: `${props.bucketName}-replication`,
      });
    }
  }
}
