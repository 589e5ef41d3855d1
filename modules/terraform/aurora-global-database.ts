import { Token } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { DbParameterGroup } from '@cdktn/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktn/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { RdsCluster } from '@cdktn/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktn/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktn/provider-aws/lib/rds-cluster-parameter-group';
import { RdsGlobalCluster } from '@cdktn/provider-aws/lib/rds-global-cluster';
import type { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import { clientSecurityGroup, validateClientCidrs } from './client-security-group';
import { callerIdentity, partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

export interface AuroraGlobalDatabaseProps {
  /** Cluster identifier and prefix of every resource name, e.g. `orders-orders-db-us-east-1`. */
  readonly name: string;
  /** Identifier of the global database, the same in every region stack, e.g. `orders-orders-db`. */
  readonly globalClusterIdentifier: string;
  /** The primary region creates the global database and its writer; a secondary joins it as a read-only cluster. */
  readonly role: 'primary' | 'secondary';
  /**
   * Aurora PostgreSQL version, `major.minor`; every member of a global database runs the same one.
   * @default '16.6'
   */
  readonly engineVersion?: string;
  /** Instance class of every DB instance, e.g. `db.r6g.large`. */
  readonly instanceClass: string;
  /** DB instances in this region's cluster; a secondary may have none (headless) and gain readers on failover. */
  readonly instances: number;
  /**
   * Days of automated backups (point-in-time recovery window).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /** Customer-managed key of this region: storage, Performance Insights, logs and the master secret. */
  readonly kmsKeyArn: string;
  readonly vpcId: string;
  /** Database-tier subnets, at least two availability zones. */
  readonly subnetIds: readonly string[];
  /** Networks allowed to connect on 5432, e.g. the private subnets; never the internet. */
  readonly clientCidrs: readonly string[];
}

const ENGINE = 'aurora-postgresql';
const PORT = 5432;
// RDS identifiers: a letter, then letters, digits and single hyphens, no trailing hyphen.
const RDS_IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*(?<!-)$/;
// The longest derived name is the monitoring role, `<name>-monitoring`, within IAM's 64 characters.
const MAX_NAME_LENGTH = 53;
const MAX_INSTANCES = 15;

/**
 * One region's member of an Aurora PostgreSQL global database. The primary stack owns the global
 * cluster and the writer; each secondary stack joins by identifier with its own regional key. Clients
 * authenticate with IAM over TLS; the master password exists only in Secrets Manager, managed by RDS.
 */
export class AuroraGlobalDatabase extends Construct {
  readonly cluster: RdsCluster;
  readonly instances: readonly RdsClusterInstance[];
  readonly securityGroup: SecurityGroup;
  /** The global database's identifier; on the primary a reference, so dependants wait for it. */
  readonly globalClusterIdentifier: string;

  constructor(scope: Construct, id: string, props: AuroraGlobalDatabaseProps) {
    super(scope, id);
    const owner = `AuroraGlobalDatabase ${id}`;
    const engineVersion = props.engineVersion ?? '16.6';
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const primary = props.role === 'primary';
    if (!RDS_IDENTIFIER.test(props.name) || props.name.length > MAX_NAME_LENGTH) {
      throw new Error(`${owner}: name: expected a lower-case RDS identifier of at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(props.name)}`);
    }
    if (!RDS_IDENTIFIER.test(props.globalClusterIdentifier) || props.globalClusterIdentifier.length > 63) {
      throw new Error(`${owner}: globalClusterIdentifier: expected a lower-case RDS identifier of at most 63 characters, got ${JSON.stringify(props.globalClusterIdentifier)}`);
    }
    const major = /^(\d+)\.\d+$/.exec(engineVersion)?.[1];
    if (!major) throw new Error(`${owner}: engineVersion: expected an Aurora PostgreSQL version like "16.6", got ${JSON.stringify(engineVersion)}`);
    const minInstances = primary ? 1 : 0;
    if (!Number.isInteger(props.instances) || props.instances < minInstances || props.instances > MAX_INSTANCES) {
      throw new Error(`${owner}: instances: expected an integer in ${minInstances}..${MAX_INSTANCES} for a ${props.role} cluster, got ${props.instances}`);
    }
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 1 || backupRetentionDays > 35) {
      throw new Error(`${owner}: backupRetentionDays: expected an integer in 1..35, got ${backupRetentionDays}`);
    }
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      throw new Error(`${owner}: subnetIds: expected at least 2 subnets (two availability zones), got ${props.subnetIds.length}`);
    }
    validateClientCidrs(owner, props.clientCidrs);

    const family = `${ENGINE}${major}`;
    const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name: props.name,
      description: `Database subnets of ${props.name}`,
      subnetIds: [...props.subnetIds],
    });
    this.securityGroup = clientSecurityGroup(this, 'security-group', {
      name: `${props.name}-db`,
      description: `Aurora PostgreSQL ${props.name}: clients on ${PORT}`,
      vpcId: props.vpcId,
      port: PORT,
      clientCidrs: props.clientCidrs,
    });
    const clusterParameters = new RdsClusterParameterGroup(this, 'cluster-parameters', {
      name: `${props.name}-cluster`,
      family,
      description: `TLS-only connections and audit logging for ${props.name}`,
      parameter: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_connections', value: '1' },
        { name: 'log_disconnections', value: '1' },
        { name: 'log_statement', value: 'ddl' },
        { name: 'log_min_duration_statement', value: '1000' },
      ],
    });
    // Empty today, but attaching a different group to an instance later needs a reboot; changing this one's parameters does not.
    const instanceParameters = new DbParameterGroup(this, 'instance-parameters', {
      name: `${props.name}-instance`,
      family,
      description: `Instance parameters of ${props.name}`,
    });
    // RDS would create this group on first export, unencrypted and kept forever.
    const logGroup = new CloudwatchLogGroup(this, 'postgresql-log', {
      name: `/aws/rds/cluster/${props.name}/postgresql`,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: 365,
    });

    const globalCluster = primary
      ? new RdsGlobalCluster(this, 'global-cluster', {
          globalClusterIdentifier: props.globalClusterIdentifier,
          engine: ENGINE,
          engineVersion,
          storageEncrypted: true,
          deletionProtection: true,
        })
      : undefined;
    this.globalClusterIdentifier = globalCluster?.id ?? props.globalClusterIdentifier;

    this.cluster = new RdsCluster(this, 'cluster', {
      clusterIdentifier: props.name,
      engine: ENGINE,
      engineVersion,
      globalClusterIdentifier: this.globalClusterIdentifier,
      port: PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      dbClusterParameterGroupName: clusterParameters.name,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      deletionProtection: true,
      backupRetentionPeriod: backupRetentionDays,
      preferredBackupWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      copyTagsToSnapshot: true,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ['postgresql'],
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.name}-final`,
      // A secondary replicates the primary's users; RDS rejects master credentials on it.
      ...(primary ? { masterUsername: 'postgres', manageMasterUserPassword: true, masterUserSecretKmsKeyId: props.kmsKeyArn } : {}),
      dependsOn: [logGroup],
      // Upgrades go through the global cluster, which moves every member; the member's own version then trails.
      lifecycle: { ignoreChanges: ['engine_version'] },
      tags: { Name: props.name },
    });

    const monitoringRole = enhancedMonitoringRole(this, `${props.name}-monitoring`);
    this.instances = Array.from(
      { length: props.instances },
      (_, index) =>
        new RdsClusterInstance(this, `instance-${index}`, {
          identifier: `${props.name}-${index + 1}`,
          clusterIdentifier: this.cluster.id,
          engine: ENGINE,
          instanceClass: props.instanceClass,
          dbSubnetGroupName: subnetGroup.name,
          dbParameterGroupName: instanceParameters.name,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: props.kmsKeyArn,
          performanceInsightsRetentionPeriod: 7,
          monitoringInterval: 60,
          monitoringRoleArn: monitoringRole.arn,
          tags: { Name: `${props.name}-${index + 1}` },
        }),
    );
  }

  /** Read-write endpoint; in a secondary region it answers only after a failover made it the primary. */
  get writerEndpoint(): string {
    return this.cluster.endpoint;
  }

  get readerEndpoint(): string {
    return this.cluster.readerEndpoint;
  }

  get clusterArn(): string {
    return this.cluster.arn;
  }

  get clusterIdentifier(): string {
    return this.cluster.clusterIdentifier;
  }

  /** The region-unique id IAM database authentication names: `rds-db:connect` on `dbuser:<id>/<user>`. */
  get clusterResourceId(): string {
    return this.cluster.clusterResourceId;
  }
}

/** The role RDS assumes to publish OS metrics; AWS maintains its one narrow policy. */
function enhancedMonitoringRole(scope: Construct, name: string): IamRole {
  const account = callerIdentity(scope);
  const partition = partitionOf(scope);
  const trust = new DataAwsIamPolicyDocument(scope, 'monitoring-trust', {
    statement: [
      {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['monitoring.rds.amazonaws.com'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
      },
    ],
  });
  const role = new IamRole(scope, 'monitoring-role', {
    name,
    description: 'Publishes RDS Enhanced Monitoring metrics',
    assumeRolePolicy: trust.json,
    ...stackRoleConfig(scope),
  });
  new IamRolePolicyAttachment(scope, 'monitoring-policy', {
    role: role.name,
    policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
  });
  return role;
}
