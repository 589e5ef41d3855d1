import { Token } from 'cdktn';
import { ElasticacheUser } from '@cdktn/provider-aws/lib/elasticache-user';
import { Construct } from 'constructs';
import { RECONCILIATION, RECONCILIATION_DATA_USER } from '../names';
import { kafkaResourceArn } from './kafka-cluster';
import { WorkloadRole, type WorkloadPermission } from './workload-role';

/** One region's copy of an Aurora data set. */
export interface ReconciledDatabase {
  /** AWS region of the cluster, e.g. `us-west-2`. */
  readonly awsRegion: string;
  /** The cluster's identifier, e.g. `orders-orders-db-us-west-2`. */
  readonly clusterIdentifier: string;
  /**
   * The cluster's resource id (`cluster-…`), which IAM database authentication names. Required for a
   * cluster in the role's own region.
   * @default any cluster of the region and account, as the peer stack's cluster gets its id from AWS when
   * it is created, and the primary's stack is applied before any peer's exists
   */
  readonly clusterResourceId?: string;
}

/** One region's MSK cluster, with the topics the Jobs compare. */
export interface ReconciledKafkaCluster {
  readonly awsRegion: string;
  /** The cluster's name, e.g. `orders-us-west-2`; the Jobs find the cluster by it. */
  readonly clusterName: string;
  /**
   * The cluster's ARN. Required for the cluster in the role's own region.
   * @default the cluster of that name in the region and account, whatever its generated uuid
   */
  readonly clusterArn?: string;
  /** Topics whose partitions the Jobs list; at least one. */
  readonly topics: readonly string[];
}

/** What the role needs of a cache in its own region: a way to let the Jobs' user in. */
export interface CacheUserGroup {
  /** Adds the user (its `userId` attribute) to the cache's user group. */
  addUser(userId: string): void;
}

/** One region's ElastiCache replication group of a Redis data set. */
export interface ReconciledCache {
  readonly awsRegion: string;
  /** The replication group's id, e.g. `orders-sessions-us-west-2`. */
  readonly replicationGroupId: string;
  /**
   * The cache's user group, for a cache in the role's own region (required there): the construct's
   * ElastiCache user joins it. A peer's cache gets the same user from the peer's own stack.
   */
  readonly userGroup?: CacheUserGroup;
}

export interface ReconciliationRoleProps {
  /** IAM role name (`reconciliationRoleName` in modules/names.ts), e.g. `orders-us-east-1-reconciliation`. */
  readonly name: string;
  /** ARN of the region's cluster IAM OIDC provider (`EksCluster.oidcProviderArn`). */
  readonly oidcProviderArn: string;
  /** The issuer without scheme (`EksCluster.oidcIssuer`). */
  readonly oidcIssuer: string;
  /**
   * Namespace and name of the one ServiceAccount allowed to assume the role.
   * @default `reconciliation`, both ({@link RECONCILIATION})
   */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
  /** AWS region of the stack: its caches get the ElastiCache user, and its resources must be named exactly. */
  readonly awsRegion: string;
  /** AWS partition and account of every resource compared; Terraform references are fine. */
  readonly partition: string;
  readonly accountId: string;
  /**
   * The database user (IAM authentication, `rds-db:connect`) and the ElastiCache user the Jobs connect as.
   * @default `reconciliation` ({@link RECONCILIATION_DATA_USER})
   */
  readonly dataUser?: string;
  /**
   * Aurora clusters compared, in every region.
   * @default none
   */
  readonly databases?: readonly ReconciledDatabase[];
  /**
   * Names of the S3 buckets whose object inventories are compared, in every region.
   * @default none
   */
  readonly buckets?: readonly string[];
  /**
   * MSK clusters whose topics' partitions are compared, in every region.
   * @default none
   */
  readonly kafkaClusters?: readonly ReconciledKafkaCluster[];
  /**
   * ElastiCache replication groups whose key counts are compared, in every region.
   * @default none
   */
  readonly caches?: readonly ReconciledCache[];
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;
// Lower-case letters, digits and single hyphens: RDS cluster identifiers and ElastiCache replication group ids.
const RESOURCE_ID = /^[a-z](?:[a-z0-9]|-(?!-)){0,62}(?<!-)$/;
const MSK_CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Both a PostgreSQL role needing no quotes and an ElastiCache user id, which IAM authentication requires to equal the user name.
const DATA_USER = /^[a-z][a-z0-9]{0,39}$/;
/** What the comparison sends (redis.sh): DBSIZE, INFO, and CLUSTER NODES to find the shards' primaries. */
const CACHE_ACCESS_STRING = 'on -@all +dbsize +info +cluster';

/**
 * The IAM role of the reconciliation Jobs (modules/k8s/reconciliation.ts) in one region: assumable only
 * with a token of the region's cluster for their one ServiceAccount (IRSA, through {@link WorkloadRole}),
 * and allowed exactly the read-only calls their scripts make, on the copies of the data sets in this
 * region and in the peers, each resource named:
 *
 * - Aurora: `rds:DescribeDBClusters` on the clusters, `rds-db:connect` as the data user only;
 * - S3: `s3:ListBucket` on the buckets (inventories; no object is read);
 * - MSK: `kafka:ListClustersV2` (no resource; see below), `kafka:GetBootstrapBrokers` and
 *   `kafka-cluster:Connect` on the clusters, `kafka-cluster:DescribeTopic` on the compared topics only,
 *   `cloudwatch:GetMetricStatistics` (no resource) for the MSK Replicators' lag metrics;
 * - ElastiCache: `elasticache:DescribeReplicationGroups` on the groups, `elasticache:Connect` on the
 *   groups and the data user.
 *
 * Where the stack's own region has caches, the construct creates the ElastiCache user the Jobs connect as
 * (IAM-authenticated; only DBSIZE, INFO and CLUSTER, of which ElastiCache itself refuses the writing
 * subcommands) and adds it to each cache's user group. The database user is made in the database, not by
 * Terraform (`CREATE ROLE reconciliation LOGIN; GRANT rds_iam, pg_read_all_data TO reconciliation;`).
 */
export class ReconciliationRole extends Construct {
  readonly role: WorkloadRole;
  /** The ElastiCache user, when the stack's region has caches. */
  readonly cacheUser?: ElasticacheUser;

  constructor(scope: Construct, id: string, props: ReconciliationRoleProps) {
    super(scope, id);
    const dataUser = props.dataUser ?? RECONCILIATION_DATA_USER;
    const serviceAccount = props.serviceAccount ?? { namespace: RECONCILIATION, name: RECONCILIATION };
    const databases = props.databases ?? [];
    const buckets = props.buckets ?? [];
    const kafkaClusters = props.kafkaClusters ?? [];
    const caches = props.caches ?? [];
    validate(id, props, dataUser);

    const arn = (service: string, awsRegion: string, resource: string) => `arn:${props.partition}:${service}:${awsRegion}:${props.accountId}:${resource}`;
    const kafkaArn = (cluster: ReconciledKafkaCluster) => cluster.clusterArn ?? arn('kafka', cluster.awsRegion, `cluster/${cluster.clusterName}/*`);
    const kafkaTopicArn = (cluster: ReconciledKafkaCluster, topic: string) =>
      cluster.clusterArn ? kafkaResourceArn(cluster.clusterArn, 'topic', topic) : arn('kafka', cluster.awsRegion, `topic/${cluster.clusterName}/*/${topic}`);
    const cacheUsers = [...new Set(caches.map((cache) => cache.awsRegion))].map((awsRegion) => arn('elasticache', awsRegion, `user:${dataUser}`));
    const statements: WorkloadPermission[] = [
      ...(databases.length
        ? [
            { sid: 'FindDatabaseClusters', actions: ['rds:DescribeDBClusters'], resources: databases.map((db) => arn('rds', db.awsRegion, `cluster:${db.clusterIdentifier}`)) },
            {
              sid: 'ConnectAsDataUser',
              actions: ['rds-db:connect'],
              resources: databases.map((db) => arn('rds-db', db.awsRegion, `dbuser:${db.clusterResourceId ?? 'cluster-*'}/${dataUser}`)),
            },
          ]
        : []),
      ...(buckets.length ? [{ sid: 'ListBuckets', actions: ['s3:ListBucket'], resources: buckets.map((bucket) => `arn:${props.partition}:s3:::${bucket}`) }] : []),
      ...(kafkaClusters.length
        ? [
            // ListClustersV2 has no resource type in the Service Authorization Reference (Amazon MSK): IAM
            // accepts only "*" for it. It returns cluster names and ARNs, no data; the script needs it to
            // find each cluster's ARN by name.
            { sid: 'FindKafkaClusters', actions: ['kafka:ListClustersV2'], resources: ['*'] },
            // GetMetricStatistics has no resource type either, and no condition key narrows it to a namespace:
            // the script reads the MSK Replicators' lag and failure metrics with it (kafka.sh).
            { sid: 'ReadReplicatorMetrics', actions: ['cloudwatch:GetMetricStatistics'], resources: ['*'] },
            { sid: 'ConnectKafkaClusters', actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect'], resources: kafkaClusters.map(kafkaArn) },
            {
              sid: 'DescribeComparedTopics',
              actions: ['kafka-cluster:DescribeTopic'],
              resources: kafkaClusters.flatMap((cluster) => cluster.topics.map((topic) => kafkaTopicArn(cluster, topic))),
            },
          ]
        : []),
      ...(caches.length
        ? [
            { sid: 'FindCaches', actions: ['elasticache:DescribeReplicationGroups'], resources: caches.map((cache) => arn('elasticache', cache.awsRegion, `replicationgroup:${cache.replicationGroupId}`)) },
            {
              sid: 'ConnectCachesAsDataUser',
              actions: ['elasticache:Connect'],
              resources: [...caches.map((cache) => arn('elasticache', cache.awsRegion, `replicationgroup:${cache.replicationGroupId}`)), ...cacheUsers],
            },
          ]
        : []),
    ];
    this.role = new WorkloadRole(this, 'role', {
      name: props.name,
      oidcProviderArn: props.oidcProviderArn,
      oidcIssuer: props.oidcIssuer,
      namespace: serviceAccount.namespace,
      serviceAccount: serviceAccount.name,
      statements,
    });

    const ownCaches = caches.filter((cache) => cache.awsRegion === props.awsRegion);
    if (ownCaches.length) {
      // IAM authentication requires the user id and the user name to be the same.
      this.cacheUser = new ElasticacheUser(this, 'cache-user', {
        userId: dataUser,
        userName: dataUser,
        engine: 'redis',
        accessString: CACHE_ACCESS_STRING,
        authenticationMode: { type: 'iam' },
      });
      for (const cache of ownCaches) cache.userGroup!.addUser(this.cacheUser.userId);
    }
  }

  get roleArn(): string {
    return this.role.roleArn;
  }
}

function validate(id: string, props: ReconciliationRoleProps, dataUser: string): void {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`ReconciliationRole ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  const known = (value: string) => !Token.isUnresolved(value);
  const check = (path: string, value: string, pattern: RegExp, expected: string) => {
    if (known(value) && !pattern.test(value)) fail(path, expected, value);
  };
  const region = (path: string, value: string) => check(path, value, AWS_REGION, 'an AWS region like "us-east-1"');
  region('awsRegion', props.awsRegion);
  check('accountId', props.accountId, ACCOUNT_ID, 'a 12-digit AWS account id');
  check('dataUser', dataUser, DATA_USER, 'a user name of at most 40 lower-case letters and digits, starting with a letter (a PostgreSQL role and an ElastiCache user id)');
  const own = (entry: { awsRegion: string }) => entry.awsRegion === props.awsRegion;
  const unique = (path: string, keys: readonly string[]) => {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key)) fail(`${path}[${index}]`, 'each resource once', key);
      seen.add(key);
    });
  };

  const databases = props.databases ?? [];
  databases.forEach((database, index) => {
    const path = `databases[${index}]`;
    region(`${path}.awsRegion`, database.awsRegion);
    check(`${path}.clusterIdentifier`, database.clusterIdentifier, RESOURCE_ID, 'a lower-case RDS cluster identifier');
    if (own(database) && database.clusterResourceId === undefined) {
      fail(`${path}.clusterResourceId`, `the resource id of a cluster in the role's own region ${props.awsRegion} (its stack knows it)`, null);
    }
  });
  unique('databases', databases.map((database) => `${database.awsRegion}/${database.clusterIdentifier}`));

  (props.buckets ?? []).forEach((bucket, index) => check(`buckets[${index}]`, bucket, BUCKET_NAME, 'an S3 bucket name'));
  unique('buckets', props.buckets ?? []);

  const kafkaClusters = props.kafkaClusters ?? [];
  kafkaClusters.forEach((cluster, index) => {
    const path = `kafkaClusters[${index}]`;
    region(`${path}.awsRegion`, cluster.awsRegion);
    check(`${path}.clusterName`, cluster.clusterName, MSK_CLUSTER_NAME, 'an MSK cluster name (letters, digits and hyphens, at most 64)');
    if (own(cluster) && cluster.clusterArn === undefined) fail(`${path}.clusterArn`, `the ARN of the cluster in the role's own region ${props.awsRegion} (its stack knows it)`, null);
    if (!cluster.topics.length) fail(`${path}.topics`, 'at least one topic', []);
    cluster.topics.forEach((topic, topicIndex) => check(`${path}.topics[${topicIndex}]`, topic, KAFKA_TOPIC, 'a Kafka topic name (letters, digits, ".", "_" and "-")'));
  });
  unique('kafkaClusters', kafkaClusters.map((cluster) => `${cluster.awsRegion}/${cluster.clusterName}`));

  const caches = props.caches ?? [];
  caches.forEach((cache, index) => {
    const path = `caches[${index}]`;
    region(`${path}.awsRegion`, cache.awsRegion);
    check(`${path}.replicationGroupId`, cache.replicationGroupId, RESOURCE_ID, 'a lower-case replication group id');
    if (own(cache) && !cache.userGroup) fail(`${path}.userGroup`, `the user group of a cache in the role's own region ${props.awsRegion}, for the Jobs' user to join`, null);
    if (!own(cache) && cache.userGroup) {
      fail(`${path}.userGroup`, `none for a cache outside ${props.awsRegion} (its own stack adds the user there)`, cache.awsRegion);
    }
  });
  unique('caches', caches.map((cache) => `${cache.awsRegion}/${cache.replicationGroupId}`));
}
