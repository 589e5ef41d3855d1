import { Fn, Token } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { MskCluster } from '@cdktn/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktn/provider-aws/lib/msk-configuration';
import type { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktn/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { clientSecurityGroup, validateClientCidrs } from './client-security-group';

export interface KafkaClusterProps {
  /** Cluster name and prefix of every resource name, e.g. `orders-us-east-1`. */
  readonly name: string;
  /**
   * Apache Kafka version.
   * @default '3.6.0'
   */
  readonly kafkaVersion?: string;
  /** Broker instance type, e.g. `kafka.m5.large`. */
  readonly brokerInstanceType: string;
  /** Brokers in each availability zone; the cluster has this many times the number of subnets. */
  readonly brokersPerAz: number;
  /** EBS storage per broker in GiB. */
  readonly storageGiB: number;
  readonly vpcId: string;
  /** Private subnets, one per availability zone (two or three). */
  readonly subnetIds: readonly string[];
  /** Networks allowed to reach the brokers on 9098 (IAM over TLS); never the internet. */
  readonly clientCidrs: readonly string[];
  /** Customer-managed key of this region for broker storage and broker logs. */
  readonly kmsKeyArn: string;
}

/** The only listener enabled: SASL/IAM over TLS from inside the VPC. */
const KAFKA_IAM_PORT = 9098;
// MSK cluster names: letters, digits and hyphens, starting with a letter, at most 64.
const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/**
 * One region's MSK (provisioned) cluster. Clients authenticate with IAM only, traffic is TLS between
 * clients and brokers and among brokers, storage and logs are encrypted with the regional key, and
 * topics are created deliberately (no auto-creation) with durable replication defaults. The security
 * group also admits itself, so an MSK Replicator placed in it can reach the brokers.
 */
export class KafkaCluster extends Construct {
  readonly cluster: MskCluster;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const owner = `KafkaCluster ${id}`;
    const kafkaVersion = props.kafkaVersion ?? '3.6.0';
    if (!CLUSTER_NAME.test(props.name)) {
      throw new Error(`${owner}: name: expected an MSK cluster name (a letter, then letters, digits or hyphens, at most 64), got ${JSON.stringify(props.name)}`);
    }
    if (!/^\d+\.\d+\.\d+(\.x)?$/.test(kafkaVersion)) {
      throw new Error(`${owner}: kafkaVersion: expected an Apache Kafka version like "3.6.0", got ${JSON.stringify(kafkaVersion)}`);
    }
    if (Token.isUnresolved(props.subnetIds)) {
      throw new Error(`${owner}: subnetIds: expected a list of subnet ids whose length is known (it sets the broker count), got a reference to a list`);
    }
    if (props.subnetIds.length < 2 || props.subnetIds.length > 3) {
      throw new Error(`${owner}: subnetIds: expected 2 or 3 subnets (one per availability zone), got ${props.subnetIds.length}`);
    }
    if (!Number.isInteger(props.brokersPerAz) || props.brokersPerAz < 1) {
      throw new Error(`${owner}: brokersPerAz: expected a positive integer, got ${props.brokersPerAz}`);
    }
    if (!Number.isInteger(props.storageGiB) || props.storageGiB < 1 || props.storageGiB > 16384) {
      throw new Error(`${owner}: storageGiB: expected an integer in 1..16384, got ${props.storageGiB}`);
    }
    validateClientCidrs(owner, props.clientCidrs);

    // MSK places the same number of brokers in every client subnet.
    const brokers = props.brokersPerAz * props.subnetIds.length;
    // Three copies with two in sync survive one broker down while still acknowledging writes; two brokers can only hold two copies.
    const replicationFactor = Math.min(3, brokers);
    const minInSyncReplicas = replicationFactor >= 3 ? 2 : 1;

    this.securityGroup = clientSecurityGroup(this, 'security-group', {
      name: `${props.name}-kafka`,
      description: `MSK ${props.name}: IAM clients on ${KAFKA_IAM_PORT}`,
      vpcId: props.vpcId,
      port: KAFKA_IAM_PORT,
      clientCidrs: props.clientCidrs,
    });
    // MSK Replicator attaches network interfaces with this group to reach the brokers.
    new VpcSecurityGroupIngressRule(this, 'replicator-ingress', {
      securityGroupId: this.securityGroup.id,
      description: `MSK Replicator interfaces in this group on ${KAFKA_IAM_PORT}`,
      ipProtocol: 'tcp',
      fromPort: KAFKA_IAM_PORT,
      toPort: KAFKA_IAM_PORT,
      referencedSecurityGroupId: this.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, 'replicator-egress', {
      securityGroupId: this.securityGroup.id,
      description: `MSK Replicator interfaces in this group to the brokers on ${KAFKA_IAM_PORT}`,
      ipProtocol: 'tcp',
      fromPort: KAFKA_IAM_PORT,
      toPort: KAFKA_IAM_PORT,
      referencedSecurityGroupId: this.securityGroup.id,
    });

    const configuration = new MskConfiguration(this, 'configuration', {
      name: props.name,
      description: `Broker defaults of ${props.name}`,
      kafkaVersions: [kafkaVersion],
      serverProperties: [
        // Topics are declared (and mirrored) by name; a typo must fail, not create a stray topic.
        'auto.create.topics.enable=false',
        `default.replication.factor=${replicationFactor}`,
        `min.insync.replicas=${minInSyncReplicas}`,
      ].join('\n'),
    });
    const brokerLog = new CloudwatchLogGroup(this, 'broker-log', {
      name: `/aws/msk/${props.name}/broker`,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: 365,
    });

    this.cluster = new MskCluster(this, 'cluster', {
      clusterName: props.name,
      kafkaVersion,
      numberOfBrokerNodes: brokers,
      brokerNodeGroupInfo: {
        instanceType: props.brokerInstanceType,
        clientSubnets: [...props.subnetIds],
        securityGroups: [this.securityGroup.id],
        storageInfo: { ebsStorageInfo: { volumeSize: props.storageGiB } },
        connectivityInfo: { publicAccess: { type: 'DISABLED' } },
      },
      clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
      configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: props.kmsKeyArn,
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      enhancedMonitoring: 'PER_TOPIC_PER_BROKER',
      openMonitoring: { prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } } },
      loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: brokerLog.name } } },
      tags: { Name: props.name },
    });
  }

  get clusterArn(): string {
    return this.cluster.arn;
  }

  /** Bootstrap brokers for SASL/IAM over TLS (port 9098). */
  get bootstrapBrokersIam(): string {
    return this.cluster.bootstrapBrokersSaslIam;
  }

  /** ARN of a topic (or `prefix*` pattern) for IAM policies. */
  topicArn(topic: string): string {
    return kafkaResourceArn(this.cluster.arn, 'topic', topic);
  }

  /** ARN of a consumer group (or `prefix*` pattern) for IAM policies. */
  groupArn(group: string): string {
    return kafkaResourceArn(this.cluster.arn, 'group', group);
  }
}

/**
 * ARN of a topic or consumer group of an MSK cluster, which shares the cluster ARN's name and uuid:
 * `arn:…:cluster/<name>/<uuid>` → `arn:…:topic/<name>/<uuid>/<topic>`. Works on references too.
 */
export function kafkaResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  return `${Fn.replace(clusterArn, ':cluster/', `:${kind}/`)}/${name}`;
}
