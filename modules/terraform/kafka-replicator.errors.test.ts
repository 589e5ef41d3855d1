import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { KafkaReplicator, type KafkaReplicatorProps } from './kafka-replicator';

const valid: KafkaReplicatorProps = {
  name: 'orders-us-east-1-from-us-west-2',
  sourceClusterArn: 'arn:aws:kafka:us-west-2:111111111111:cluster/orders-us-west-2/aaaa-1111',
  sourceSubnetIds: ['subnet-w1', 'subnet-w2'],
  sourceSecurityGroupIds: ['sg-west'],
  targetClusterArn: 'arn:aws:kafka:us-east-1:111111111111:cluster/orders-us-east-1/bbbb-2222',
  targetSubnetIds: ['subnet-e1', 'subnet-e2'],
  targetSecurityGroupIds: ['sg-east'],
  topics: ['orders.created'],
};
const build = (props: KafkaReplicatorProps) => new KafkaReplicator(scratchStack(), 'replicator', props);

describe('KafkaReplicator rejects', () => {
  it('a name MSK or IAM does not accept', () => {
    expect(() => build({ ...valid, name: 'orders_from_west' })).toThrow(
      'KafkaReplicator replicator: name: expected letters, digits and hyphens starting with a letter or digit, at most 64, got "orders_from_west"',
    );
  });

  it('no topics', () => {
    expect(() => build({ ...valid, topics: [] })).toThrow('KafkaReplicator replicator: topics: expected at least one topic, got none');
  });

  it('a pattern instead of a topic name', () => {
    expect(() => build({ ...valid, topics: ['orders.*'] })).toThrow(
      'KafkaReplicator replicator: topics: expected Kafka topic names (letters, digits, ".", "_", "-", at most 249), got "orders.*"',
    );
  });

  it('a topic name Kafka reserves', () => {
    expect(() => build({ ...valid, topics: ['..'] })).toThrow('KafkaReplicator replicator: topics: expected Kafka topic names (letters, digits, ".", "_", "-", at most 249), got ".."');
  });

  it('a single subnet on either side', () => {
    expect(() => build({ ...valid, targetSubnetIds: ['subnet-e1'] })).toThrow('KafkaReplicator replicator: targetSubnetIds: expected at least 2 subnets (two availability zones), got 1');
  });

  it('no security group on either side', () => {
    expect(() => build({ ...valid, sourceSecurityGroupIds: [] })).toThrow('KafkaReplicator replicator: sourceSecurityGroupIds: expected at least one security group, got none');
  });
});
