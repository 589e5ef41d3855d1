import { Token } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheGlobalReplicationGroup } from '@cdktn/provider-aws/lib/elasticache-global-replication-group';
import { ElasticacheReplicationGroup, type ElasticacheReplicationGroupConfig } from '@cdktn/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktn/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktn/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktn/provider-aws/lib/elasticache-user-group';
import type { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import { clientSecurityGroup, validateClientCidrs } from './client-security-group';

export interface CacheGlobalDatastoreProps {
  /** Replication group id and prefix of every resource name, e.g. `orders-cache-us-east-1`. */
  readonly name: string;
  /** The primary region creates the global datastore and takes writes; a secondary joins it read-only. */
  readonly role: 'primary' | 'secondary';
  /**
   * Node type, e.g. `cache.r6g.large`. Only the primary sends it: a secondary inherits the global
   * datastore's, which must be the same.
   */
  readonly nodeType: string;
  /** Shards (node groups). Only the primary sends it: a secondary inherits the global datastore's. */
  readonly shards: number;
  /** Read replicas per shard in this region; with none the region has no Multi-AZ failover. */
  readonly replicasPerShard: number;
  /**
   * Redis OSS version, `major.minor`. Only the primary sends it: a secondary inherits it.
   * @default '7.1'
   */
  readonly engineVersion?: string;
  /** Customer-managed key of this region for data at rest and the slow log. */
  readonly kmsKeyArn: string;
  readonly vpcId: string;
  /** Subnets the cache nodes live in, at least two availability zones. */
  readonly subnetIds: readonly string[];
  /** Networks allowed to connect on 6379; never the internet. */
  readonly clientCidrs: readonly string[];
  /**
   * Name of the global datastore, for the primary only; AWS prefixes it with a region-specific code.
   */
  readonly globalReplicationGroupIdSuffix?: string;
  /** Full id of the global datastore (the primary's `globalReplicationGroupId`), for a secondary only. */
  readonly globalReplicationGroupId?: string;
  /**
   * Days of daily snapshots to keep.
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
}

const ENGINE = 'redis';
const PORT = 6379;
// Replication group ids: a letter, then lower-case letters, digits and single hyphens, no trailing hyphen, at most 40.
const REPLICATION_GROUP_ID = /^[a-z](?:[a-z0-9]|-(?!-)){0,39}(?<!-)$/;
// Derived ids append up to `-default` (8 characters) to the name; ElastiCache user ids stop at 40.
const MAX_NAME_LENGTH = 32;

/**
 * One region's member of an ElastiCache (Redis OSS) global datastore, cluster mode enabled, encrypted
 * at rest and in transit. Clients authenticate as an IAM-authenticated RBAC user, so no password
 * exists anywhere; the built-in passwordless `default` user is replaced by a disabled one.
 */
export class CacheGlobalDatastore extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  readonly securityGroup: SecurityGroup;
  /** The user applications connect as, with an IAM token instead of a password. */
  readonly userName: string;
  /** Users an application role needs `elasticache:Connect` on, with the replication group. */
  readonly userArns: readonly string[];
  /** The global datastore's id; on the primary a reference to the one it creates. */
  readonly globalReplicationGroupId: string;
  /**
   * The group's nodes as ElastiCache names them in cluster mode, `<group>-<shard 0001…>-<node 001…>`.
   * Replication lag is published per node, so alarms need them before the group exists.
   */
  readonly memberClusterIds: readonly string[];
  private readonly userGroup: ElasticacheUserGroup;
  private readonly userIds: string[];

  constructor(scope: Construct, id: string, props: CacheGlobalDatastoreProps) {
    super(scope, id);
    const owner = `CacheGlobalDatastore ${id}`;
    const engineVersion = props.engineVersion ?? '7.1';
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 7;
    const primary = props.role === 'primary';
    if (!REPLICATION_GROUP_ID.test(props.name) || props.name.length > MAX_NAME_LENGTH) {
      throw new Error(`${owner}: name: expected a lower-case replication group id of at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(props.name)}`);
    }
    const major = /^(\d+)\.\d+$/.exec(engineVersion)?.[1];
    // IAM authentication needs Redis OSS 7.0 or later.
    if (!major || Number(major) < 7) throw new Error(`${owner}: engineVersion: expected a Redis OSS version 7.0 or later like "7.1", got ${JSON.stringify(engineVersion)}`);
    if (!Number.isInteger(props.shards) || props.shards < 1 || props.shards > 500) {
      throw new Error(`${owner}: shards: expected an integer in 1..500, got ${props.shards}`);
    }
    if (!Number.isInteger(props.replicasPerShard) || props.replicasPerShard < 0 || props.replicasPerShard > 5) {
      throw new Error(`${owner}: replicasPerShard: expected an integer in 0..5, got ${props.replicasPerShard}`);
    }
    if (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < 1 || snapshotRetentionDays > 35) {
      throw new Error(`${owner}: snapshotRetentionDays: expected an integer in 1..35, got ${snapshotRetentionDays}`);
    }
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      throw new Error(`${owner}: subnetIds: expected at least 2 subnets (two availability zones), got ${props.subnetIds.length}`);
    }
    if (primary && props.globalReplicationGroupId !== undefined) {
      throw new Error(`${owner}: globalReplicationGroupId: expected none on the primary (it creates the global datastore), got ${JSON.stringify(props.globalReplicationGroupId)}`);
    }
    if (primary && !props.globalReplicationGroupIdSuffix) {
      throw new Error(`${owner}: globalReplicationGroupIdSuffix: expected the global datastore's name on the primary, got none`);
    }
    if (!primary && !props.globalReplicationGroupId) {
      throw new Error(`${owner}: globalReplicationGroupId: expected the global datastore's id on a secondary, got none`);
    }
    if (!primary && props.globalReplicationGroupIdSuffix !== undefined) {
      throw new Error(`${owner}: globalReplicationGroupIdSuffix: expected none on a secondary (the primary names the global datastore), got ${JSON.stringify(props.globalReplicationGroupIdSuffix)}`);
    }
    validateClientCidrs(owner, props.clientCidrs);

    const subnetGroup = new ElasticacheSubnetGroup(this, 'subnet-group', {
      name: props.name,
      description: `Cache subnets of ${props.name}`,
      subnetIds: [...props.subnetIds],
    });
    this.securityGroup = clientSecurityGroup(this, 'security-group', {
      name: `${props.name}-cache`,
      description: `ElastiCache ${props.name}: clients on ${PORT}`,
      vpcId: props.vpcId,
      port: PORT,
      clientCidrs: props.clientCidrs,
    });
    const slowLog = new CloudwatchLogGroup(this, 'slow-log', {
      name: `/aws/elasticache/${props.name}/slow-log`,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: 365,
    });

    // Every user group must hold a user named `default`; the built-in one needs no password, so it is swapped for one that is off.
    const disabledDefault = new ElasticacheUser(this, 'default-user', {
      userId: `${props.name}-default`,
      userName: 'default',
      engine: ENGINE,
      accessString: 'off -@all',
      authenticationMode: { type: 'no-password-required' },
    });
    // IAM authentication requires the user id and user name to be identical.
    const user = new ElasticacheUser(this, 'app-user', {
      userId: `${props.name}-app`,
      userName: `${props.name}-app`,
      engine: ENGINE,
      accessString: 'on ~* &* +@all -@dangerous',
      authenticationMode: { type: 'iam' },
    });
    this.userIds = [disabledDefault.userId, user.userId];
    this.userGroup = new ElasticacheUserGroup(this, 'user-group', {
      userGroupId: props.name,
      engine: ENGINE,
      userIds: [...this.userIds],
    });
    this.userName = user.userName;
    this.userArns = [user.arn];
    this.memberClusterIds = Array.from({ length: props.shards }, (_, shard) =>
      Array.from({ length: props.replicasPerShard + 1 }, (_, node) => `${props.name}-${String(shard + 1).padStart(4, '0')}-${String(node + 1).padStart(3, '0')}`),
    ).flat();

    const common: ElasticacheReplicationGroupConfig = {
      replicationGroupId: props.name,
      description: `${props.role} member of the ${props.globalReplicationGroupIdSuffix ?? props.globalReplicationGroupId} global datastore`,
      replicasPerNodeGroup: props.replicasPerShard,
      automaticFailoverEnabled: true,
      multiAzEnabled: props.replicasPerShard > 0,
      kmsKeyId: props.kmsKeyArn,
      userGroupIds: [this.userGroup.userGroupId],
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      autoMinorVersionUpgrade: 'true',
      maintenanceWindow: 'sun:05:00-sun:06:00',
      snapshotWindow: '03:00-04:00',
      snapshotRetentionLimit: snapshotRetentionDays,
      finalSnapshotIdentifier: `${props.name}-final`,
      logDeliveryConfiguration: [{ destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' }],
      tags: { Name: props.name },
    };
    if (primary) {
      this.replicationGroup = new ElasticacheReplicationGroup(this, 'replication-group', {
        ...common,
        engine: ENGINE,
        engineVersion,
        nodeType: props.nodeType,
        port: PORT,
        clusterMode: 'enabled',
        parameterGroupName: `default.redis${major}.cluster.on`,
        numNodeGroups: props.shards,
        atRestEncryptionEnabled: 'true',
        transitEncryptionEnabled: true,
        transitEncryptionMode: 'required',
      });
      const global = new ElasticacheGlobalReplicationGroup(this, 'global-datastore', {
        globalReplicationGroupIdSuffix: props.globalReplicationGroupIdSuffix!,
        globalReplicationGroupDescription: `${props.globalReplicationGroupIdSuffix} (primary ${props.name})`,
        primaryReplicationGroupId: this.replicationGroup.id,
      });
      this.globalReplicationGroupId = global.globalReplicationGroupId;
    } else {
      // Engine, version, node type, shards, parameter group and encryption flags come from the global datastore; the provider refuses them here.
      this.replicationGroup = new ElasticacheReplicationGroup(this, 'replication-group', {
        ...common,
        globalReplicationGroupId: props.globalReplicationGroupId!,
      });
      this.globalReplicationGroupId = props.globalReplicationGroupId!;
    }
  }

  /**
   * Lets another client's user (made elsewhere in the stack, e.g. the reconciliation Jobs') connect: adds
   * it to the group's user group. Pass the user's `userId` attribute, so Terraform creates the user first.
   */
  addUser(userId: string): void {
    this.userIds.push(userId);
    this.userGroup.userIds = [...this.userIds];
  }

  /** The configuration endpoint, through which cluster-mode clients discover every shard. */
  get endpoint(): string {
    return this.replicationGroup.configurationEndpointAddress;
  }
}
