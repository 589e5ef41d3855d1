import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { S3_ACCESS_LOG_PREFIX } from './access-log-bucket';
import { BucketReplication, type ReplicationDestination } from './bucket-replication';
import { PrivateBucket } from './private-bucket';

/** The same data set's bucket in a peer region; replicas are re-encrypted with the peer region's key. */
export interface DataSetReplicationDestination extends ReplicationDestination {
  readonly kmsKeyArn: string;
}

export interface ReplicatedBucketProps {
  /** Globally unique, deterministic bucket name, e.g. `orders-order-documents-us-east-1`. */
  readonly bucketName: string;
  /** The region this bucket lives in; replication may decrypt its objects only through S3 there. */
  readonly awsRegion: string;
  /** The region's customer-managed key; default encryption of the bucket. */
  readonly kmsKeyArn: string;
  /**
   * Peer buckets to replicate every object, delete marker and tag change to; empty for a bucket that
   * only receives replicas.
   */
  readonly destinations: readonly DataSetReplicationDestination[];
  /**
   * S3 Replication Time Control: a 15-minute replication SLA with latency and backlog metrics in
   * CloudWatch. Meant for data sets whose RPO is 900 seconds or less; without it S3 publishes no
   * replication metrics, so there is nothing for a lag alarm to watch.
   */
  readonly replicationTimeControl: boolean;
  /**
   * Days an overwritten or deleted version is kept before it expires.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * The region's AccessLogBucket name; S3 server access logs go below `s3-access/<bucketName>/`.
   * @default not logged
   */
  readonly accessLogBucketName?: string;
}

const IAM_ROLE_NAME_MAX = 64;
const ROLE_SUFFIX = '-replication';

/**
 * One region's bucket of a replicated S3 data set, replicating the whole bucket to the data set's
 * bucket in each peer region with a least-privilege role. Replicas are re-encrypted with the peer
 * region's key, so losing either region's key leaves the other copy readable.
 */
export class ReplicatedBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketArn: string;
  /** Replication rule id per destination region, the `RuleId` dimension of S3 replication metrics. */
  readonly replicationRuleIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    const roleName = `${props.bucketName}${ROLE_SUFFIX}`;
    if (props.destinations.length && roleName.length > IAM_ROLE_NAME_MAX) {
      const most = IAM_ROLE_NAME_MAX - ROLE_SUFFIX.length;
      throw new Error(`ReplicatedBucket ${id}: bucketName: expected at most ${most} characters to name the replication role <bucketName>${ROLE_SUFFIX}, got ${props.bucketName.length}`);
    }
    const data = new PrivateBucket(this, 'data', {
      bucketName: props.bucketName,
      encryption: { kmsKeyArn: props.kmsKeyArn },
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 90,
      ...(props.accessLogBucketName === undefined ? {} : { accessLogs: { bucketName: props.accessLogBucketName, prefix: `${S3_ACCESS_LOG_PREFIX}${props.bucketName}/` } }),
    });
    this.bucket = data.bucket;
    this.bucketArn = data.bucket.arn;
    this.replicationRuleIds = props.destinations.length
      ? new BucketReplication(this, 'replication', {
          bucket: data.bucket,
          versioning: data.versioning,
          awsRegion: props.awsRegion,
          kmsKeyArn: props.kmsKeyArn,
          destinations: props.destinations,
          replicationTimeControl: props.replicationTimeControl,
          roleName,
        }).ruleIds
      : {};
  }
}
