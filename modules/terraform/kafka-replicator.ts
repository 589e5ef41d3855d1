import { Token } from 'cdktn';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { MskReplicator } from '@cdktn/provider-aws/lib/msk-replicator';
import { Construct } from 'constructs';
import { kafkaResourceArn } from './kafka-cluster';
import { callerIdentity } from './aws-context';
import { stackRoleConfig } from './stack-roles';

export interface KafkaReplicatorProps {
  /** Replicator name and role name, e.g. `orders-us-west-2-from-us-east-1`. */
  readonly name: string;
  /** The MSK cluster in the other region that topics are read from. */
  readonly sourceClusterArn: string;
  /** Subnets of the source cluster's VPC the replicator reaches it from. */
  readonly sourceSubnetIds: readonly string[];
  /** Security groups for the replicator's interfaces there, e.g. the source cluster's own (it admits itself). */
  readonly sourceSecurityGroupIds: readonly string[];
  /** The MSK cluster in this region that topics are written to. */
  readonly targetClusterArn: string;
  readonly targetSubnetIds: readonly string[];
  readonly targetSecurityGroupIds: readonly string[];
  /** Topics mirrored, by exact name. */
  readonly topics: readonly string[];
  /**
   * Where replication of a topic starts the first time: `LATEST` mirrors new records only, `EARLIEST`
   * copies the retained history as well.
   * @default 'LATEST'
   */
  readonly startingPosition?: 'LATEST' | 'EARLIEST';
  /**
   * Keep topic names in the target. Right for active-passive, where consumers fail over to the same names;
   * leave it off for active-active, where MSK's source-alias prefix keeps the two directions from looping.
   * @default false
   */
  readonly identicalTopicNames?: boolean;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
// Replicator and role names: a letter or digit, then letters, digits and hyphens; IAM role names stop at 64.
const REPLICATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/**
 * An MSK Replicator mirroring named topics and their consumer groups' offsets from a cluster in
 * another region into this region's cluster, with a role allowed to touch only those two clusters.
 */
export class KafkaReplicator extends Construct {
  readonly replicator: MskReplicator;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: KafkaReplicatorProps) {
    super(scope, id);
    const owner = `KafkaReplicator ${id}`;
    if (!REPLICATOR_NAME.test(props.name)) {
      throw new Error(`${owner}: name: expected letters, digits and hyphens starting with a letter or digit, at most 64, got ${JSON.stringify(props.name)}`);
    }
    if (props.topics.length === 0) throw new Error(`${owner}: topics: expected at least one topic, got none`);
    for (const topic of props.topics) {
      if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
        throw new Error(`${owner}: topics: expected Kafka topic names (letters, digits, ".", "_", "-", at most 249), got ${JSON.stringify(topic)}`);
      }
    }
    for (const [path, ids] of Object.entries({ sourceSubnetIds: props.sourceSubnetIds, targetSubnetIds: props.targetSubnetIds })) {
      if (!Token.isUnresolved(ids) && ids.length < 2) throw new Error(`${owner}: ${path}: expected at least 2 subnets (two availability zones), got ${ids.length}`);
    }
    for (const [path, ids] of Object.entries({ sourceSecurityGroupIds: props.sourceSecurityGroupIds, targetSecurityGroupIds: props.targetSecurityGroupIds })) {
      if (!Token.isUnresolved(ids) && ids.length === 0) throw new Error(`${owner}: ${path}: expected at least one security group, got none`);
    }

    const account = callerIdentity(this);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['kafka.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    const clusters = [props.sourceClusterArn, props.targetClusterArn];
    const within = (kind: 'topic' | 'group') => clusters.map((arn) => kafkaResourceArn(arn, kind, '*'));
    // The actions of AWSMSKReplicatorExecutionRole, on these two clusters only instead of every cluster in every account.
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'Clusters',
          actions: [
            'kafka-cluster:Connect',
            'kafka-cluster:DescribeCluster',
            'kafka-cluster:AlterCluster',
            'kafka-cluster:WriteDataIdempotently',
          ],
          resources: clusters,
        },
        {
          sid: 'Topics',
          actions: [
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:CreateTopic',
            'kafka-cluster:AlterTopic',
            'kafka-cluster:WriteData',
            'kafka-cluster:ReadData',
            'kafka-cluster:DescribeTopicDynamicConfiguration',
            'kafka-cluster:AlterTopicDynamicConfiguration',
          ],
          resources: within('topic'),
        },
        {
          sid: 'ConsumerGroups',
          actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
          resources: within('group'),
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: `MSK Replicator ${props.name}`,
      assumeRolePolicy: trust.json,
      ...stackRoleConfig(this),
    });
    const rolePolicy = new IamRolePolicy(this, 'role-policy', { name: 'replicate', role: this.role.name, policy: policy.json });

    this.replicator = new MskReplicator(this, 'replicator', {
      replicatorName: props.name,
      description: `Mirrors ${props.topics.join(', ')}`,
      serviceExecutionRoleArn: this.role.arn,
      kafkaCluster: [
        {
          amazonMskCluster: { mskClusterArn: props.sourceClusterArn },
          vpcConfig: { subnetIds: [...props.sourceSubnetIds], securityGroupsIds: [...props.sourceSecurityGroupIds] },
        },
        {
          amazonMskCluster: { mskClusterArn: props.targetClusterArn },
          vpcConfig: { subnetIds: [...props.targetSubnetIds], securityGroupsIds: [...props.targetSecurityGroupIds] },
        },
      ],
      replicationInfoList: {
        sourceKafkaClusterArn: props.sourceClusterArn,
        targetKafkaClusterArn: props.targetClusterArn,
        targetCompressionType: 'NONE',
        topicReplication: [
          {
            // The list holds Java regular expressions matched against whole names; "." is the one regex character a topic name can hold.
            topicsToReplicate: props.topics.map((topic) => topic.replaceAll('.', '\\.')),
            copyTopicConfigurations: true,
            copyAccessControlListsForTopics: false,
            detectAndCopyNewTopics: false,
            startingPosition: { type: props.startingPosition ?? 'LATEST' },
            topicNameConfiguration: { type: props.identicalTopicNames ? 'IDENTICAL' : 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
          },
        ],
        consumerGroupReplication: [
          {
            consumerGroupsToReplicate: ['.*'],
            detectAndCopyNewConsumerGroups: true,
            synchroniseConsumerGroupOffsets: true,
          },
        ],
      },
      // The role's policy must exist before MSK first connects with it.
      dependsOn: [rolePolicy],
      tags: { Name: props.name },
    });
  }
}
