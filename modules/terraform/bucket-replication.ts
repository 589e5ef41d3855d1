import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import {
  S3BucketReplicationConfigurationA,
  type S3BucketReplicationConfigurationRuleDestination,
} from '@cdktn/provider-aws/lib/s3-bucket-replication-configuration';
import type { S3BucketVersioningA } from '@cdktn/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

/** The same bucket's counterpart in a peer region. */
export interface ReplicationDestination {
  readonly awsRegion: string;
  readonly bucketName: string;
  /**
   * The peer region's key; replicas are re-encrypted with it.
   * @default the destination bucket's default encryption (for SSE-S3 buckets)
   */
  readonly kmsKeyArn?: string;
}

export interface BucketReplicationProps {
  readonly bucket: S3Bucket;
  /** S3 refuses a replication configuration before versioning is enabled, so the rules wait for it. */
  readonly versioning: S3BucketVersioningA;
  /** The bucket's region; replication may decrypt its objects only through S3 there. */
  readonly awsRegion: string;
  /**
   * The key the bucket's objects are encrypted with.
   * @default none: the bucket uses SSE-S3
   */
  readonly kmsKeyArn?: string;
  readonly destinations: readonly ReplicationDestination[];
  /**
   * S3 Replication Time Control: a 15-minute replication SLA with latency and backlog metrics in
   * CloudWatch. Without it S3 publishes no replication metrics, so there is nothing for a lag alarm to watch.
   * @default false
   */
  readonly replicationTimeControl?: boolean;
  /** Name of the role S3 assumes to replicate. */
  readonly roleName: string;
}

/** Minutes S3 RTC commits to; the only value S3 accepts for both the SLA and the metrics threshold. */
const RTC_MINUTES = 15;
const IAM_ROLE_NAME_MAX = 64;
export const replicationRuleId = (region: string) => `to-${region}`;

/**
 * Replicates a whole bucket, delete markers and tag changes included, to its counterpart in each
 * peer region, through a role that may read only this bucket and write only replicas there.
 */
export class BucketReplication extends Construct {
  /** Replication rule id per destination region, the `RuleId` dimension of S3 replication metrics. */
  readonly ruleIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const regions = props.destinations.map((destination) => destination.awsRegion);
    const repeated = regions.filter((region, index) => regions.indexOf(region) !== index);
    if (repeated.length) {
      throw new Error(`BucketReplication ${id}: destinations[].awsRegion: expected one destination per region, got ${[...new Set(repeated)].join(', ')} more than once`);
    }
    if (regions.includes(props.awsRegion)) {
      throw new Error(`BucketReplication ${id}: destinations[].awsRegion: expected peer regions only, got the bucket's own region ${props.awsRegion}`);
    }
    if (!regions.length) throw new Error(`BucketReplication ${id}: destinations: expected at least one peer region, got none`);
    if (props.roleName.length > IAM_ROLE_NAME_MAX) {
      throw new Error(`BucketReplication ${id}: roleName: expected at most ${IAM_ROLE_NAME_MAX} characters, got ${props.roleName.length} (${props.roleName})`);
    }
    this.ruleIds = Object.fromEntries(regions.map((region) => [region, replicationRuleId(region)]));

    const account = callerIdentity(this);
    const partition = partitionOf(this);
    const bucketArn = (name: string) => `arn:${partition.partition}:s3:::${name}`;
    const source = props.bucket.arn;
    const viaS3 = (region: string) => [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] }];
    const keyStatements: DataAwsIamPolicyDocumentStatement[] = [
      ...(props.kmsKeyArn ? [{ sid: 'DecryptSourceThroughS3', effect: 'Allow', actions: ['kms:Decrypt'], resources: [props.kmsKeyArn], condition: viaS3(props.awsRegion) }] : []),
      ...props.destinations.flatMap((destination, index) =>
        destination.kmsKeyArn
          ? [{ sid: `EncryptReplicas${index}`, effect: 'Allow', actions: ['kms:Encrypt'], resources: [destination.kmsKeyArn], condition: viaS3(destination.awsRegion) }]
          : [],
      ),
    ];
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['s3.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        { sid: 'ReadReplicationConfiguration', effect: 'Allow', actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [source] },
        {
          sid: 'ReadSourceVersions',
          effect: 'Allow',
          actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          resources: [`${source}/*`],
        },
        {
          sid: 'WriteReplicas',
          effect: 'Allow',
          actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
          resources: props.destinations.map((destination) => `${bucketArn(destination.bucketName)}/*`),
        },
        ...keyStatements,
      ],
    });
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `S3 replicates ${props.bucket.bucket} to its peer regions`,
      assumeRolePolicy: trust.json,
      tags: { Name: props.roleName },
      ...stackRoleConfig(this),
    });
    new IamRolePolicy(this, 'policy', { name: 'replicate', role: role.id, policy: permissions.json });

    new S3BucketReplicationConfigurationA(this, 'configuration', {
      bucket: props.bucket.bucket,
      role: role.arn,
      rule: props.destinations.map((destination, index) => ({
        id: replicationRuleId(destination.awsRegion),
        priority: index + 1,
        status: 'Enabled',
        filter: {},
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: {
          ...(props.kmsKeyArn ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : {}),
          // Two-way replication: metadata changes made on a replica flow back as well.
          replicaModifications: { status: 'Enabled' },
        },
        destination: replicaDestination(bucketArn(destination.bucketName), destination.kmsKeyArn, props.replicationTimeControl ?? false),
      })),
      dependsOn: [props.versioning],
    });
  }
}

function replicaDestination(bucketArn: string, kmsKeyArn: string | undefined, replicationTimeControl: boolean): S3BucketReplicationConfigurationRuleDestination {
  return {
    bucket: bucketArn,
    storageClass: 'STANDARD',
    ...(kmsKeyArn ? { encryptionConfiguration: { replicaKmsKeyId: kmsKeyArn } } : {}),
    ...(replicationTimeControl && {
      replicationTime: { status: 'Enabled', time: { minutes: RTC_MINUTES } },
      metrics: { status: 'Enabled', eventThreshold: { minutes: RTC_MINUTES } },
    }),
  };
}
