import { Fn } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { KafkaReplicator, type KafkaReplicatorProps } from './kafka-replicator';

const SOURCE = 'arn:aws:kafka:us-west-2:111111111111:cluster/orders-us-west-2/aaaa-1111';
const TARGET = 'arn:aws:kafka:us-east-1:111111111111:cluster/orders-us-east-1/bbbb-2222';
const valid: KafkaReplicatorProps = {
  name: 'orders-us-east-1-from-us-west-2',
  sourceClusterArn: SOURCE,
  sourceSubnetIds: ['subnet-w1', 'subnet-w2'],
  sourceSecurityGroupIds: ['sg-west'],
  targetClusterArn: TARGET,
  targetSubnetIds: ['subnet-e1', 'subnet-e2'],
  targetSecurityGroupIds: ['sg-east'],
  topics: ['orders.created', 'payments_v2'],
};

function synth(props: KafkaReplicatorProps) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new KafkaReplicator(stack, 'replicator', props);
  const json = synthScratch(stack);
  const [replicator] = resourcesOf(json, 'aws_msk_replicator');
  const documents = Object.values(json.data?.aws_iam_policy_document ?? {});
  return { json, replicator: replicator!, statements: documents.flatMap((document) => document.statement as Record<string, any>[]) };
}

describe('KafkaReplicator', () => {
  it('mirrors exactly the named topics, escaping the one regular-expression character a topic name can hold', () => {
    const [replication] = synth(valid).replicator.replication_info_list.topic_replication;
    expect(replication).toMatchObject({
      topics_to_replicate: ['orders\\.created', 'payments_v2'],
      detect_and_copy_new_topics: false,
      copy_topic_configurations: true,
      starting_position: { type: 'LATEST' },
    });
  });

  it('starts from the earliest retained record when asked', () => {
    expect(synth({ ...valid, startingPosition: 'EARLIEST' }).replicator.replication_info_list.topic_replication[0].starting_position).toEqual({ type: 'EARLIEST' });
  });

  it('reads the source cluster from its own VPC and writes the target cluster uncompressed', () => {
    const { replicator } = synth(valid);
    expect(replicator.kafka_cluster).toEqual([
      { amazon_msk_cluster: { msk_cluster_arn: SOURCE }, vpc_config: { subnet_ids: valid.sourceSubnetIds, security_groups_ids: valid.sourceSecurityGroupIds } },
      { amazon_msk_cluster: { msk_cluster_arn: TARGET }, vpc_config: { subnet_ids: valid.targetSubnetIds, security_groups_ids: valid.targetSecurityGroupIds } },
    ]);
    expect(replicator.replication_info_list).toMatchObject({ source_kafka_cluster_arn: SOURCE, target_kafka_cluster_arn: TARGET, target_compression_type: 'NONE' });
  });

  it("carries every consumer group's offsets across", () => {
    expect(synth(valid).replicator.replication_info_list.consumer_group_replication).toEqual([
      expect.objectContaining({ consumer_groups_to_replicate: ['.*'], synchronise_consumer_group_offsets: true }),
    ]);
  });

  it('prefixes mirrored topics with the source alias unless identical names are asked for', () => {
    const naming = (props: KafkaReplicatorProps) => synth(props).replicator.replication_info_list.topic_replication[0].topic_name_configuration;
    expect(naming(valid)).toEqual({ type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' });
    expect(naming({ ...valid, identicalTopicNames: true })).toEqual({ type: 'IDENTICAL' });
  });

  it('runs as a role only MSK in this account can assume', () => {
    const { json, statements } = synth(valid);
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(role!.assume_role_policy).toMatch(/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/);
    expect(statements).toContainEqual(
      expect.objectContaining({
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['kafka.amazonaws.com'] }],
        condition: [expect.objectContaining({ test: 'StringEquals', variable: 'aws:SourceAccount' })],
      }),
    );
  });

  it('grants named kafka-cluster actions on the two clusters, their topics and their groups only', () => {
    const { json, statements } = synth(valid);
    const grants = statements.filter((statement) => !statement.actions.includes('sts:AssumeRole'));
    expect(grants.flatMap((statement) => statement.actions).every((action: string) => /^kafka-cluster:[A-Z][A-Za-z]+$/.test(action))).toBe(true);
    expect(grants.find((statement) => statement.sid === 'Clusters')?.resources).toEqual([SOURCE, TARGET]);
    expect(grants.find((statement) => statement.sid === 'Topics')?.resources).toEqual([
      `\${replace("${SOURCE}", ":cluster/", ":topic/")}/*`,
      `\${replace("${TARGET}", ":cluster/", ":topic/")}/*`,
    ]);
    expect(grants.find((statement) => statement.sid === 'ConsumerGroups')?.resources).toEqual([
      `\${replace("${SOURCE}", ":cluster/", ":group/")}/*`,
      `\${replace("${TARGET}", ":cluster/", ":group/")}/*`,
    ]);
    expect(resourcesOf(json, 'aws_iam_role_policy')).toEqual([expect.objectContaining({ policy: expect.stringMatching(/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/) })]);
  });

  it("takes the source side's subnets as a list read from the source region's state", () => {
    const { replicator } = synth({ ...valid, sourceSubnetIds: Fn.split(',', 'subnet-w1,subnet-w2') });
    expect(replicator.kafka_cluster[0].vpc_config.subnet_ids).toBe('${split(",", "subnet-w1,subnet-w2")}');
  });
});
