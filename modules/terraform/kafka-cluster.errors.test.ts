import { Fn } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { KafkaCluster, type KafkaClusterProps } from './kafka-cluster';

const valid: KafkaClusterProps = {
  name: 'orders-us-east-1',
  brokerInstanceType: 'kafka.m5.large',
  brokersPerAz: 1,
  storageGiB: 100,
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  clientCidrs: ['10.10.10.0/24'],
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/regional',
};
const build = (props: KafkaClusterProps) => new KafkaCluster(scratchStack(), 'kafka', props);

describe('KafkaCluster rejects', () => {
  it('a name MSK does not accept', () => {
    expect(() => build({ ...valid, name: '1-orders' })).toThrow(
      'KafkaCluster kafka: name: expected an MSK cluster name (a letter, then letters, digits or hyphens, at most 64), got "1-orders"',
    );
  });

  it('a Kafka version that is not major.minor.patch', () => {
    expect(() => build({ ...valid, kafkaVersion: '3.6' })).toThrow('KafkaCluster kafka: kafkaVersion: expected an Apache Kafka version like "3.6.0", got "3.6"');
  });

  it('a subnet count MSK cannot spread brokers over', () => {
    expect(() => build({ ...valid, subnetIds: ['subnet-a', 'subnet-b', 'subnet-c', 'subnet-d'] })).toThrow(
      'KafkaCluster kafka: subnetIds: expected 2 or 3 subnets (one per availability zone), got 4',
    );
  });

  it('no brokers per availability zone', () => {
    expect(() => build({ ...valid, brokersPerAz: 0 })).toThrow('KafkaCluster kafka: brokersPerAz: expected a positive integer, got 0');
  });

  it('broker storage MSK does not offer', () => {
    expect(() => build({ ...valid, storageGiB: 20000 })).toThrow('KafkaCluster kafka: storageGiB: expected an integer in 1..16384, got 20000');
  });

  it('the internet as a client network', () => {
    expect(() => build({ ...valid, clientCidrs: ['0.0.0.0/0'] })).toThrow('KafkaCluster kafka: clientCidrs: expected private IPv4 CIDR blocks (not 0.0.0.0/0), got "0.0.0.0/0"');
  });

  it('a subnet list whose length is not known until apply', () => {
    expect(() => build({ ...valid, subnetIds: Fn.split(',', 'subnet-a,subnet-b') })).toThrow(
      'KafkaCluster kafka: subnetIds: expected a list of subnet ids whose length is known (it sets the broker count), got a reference to a list',
    );
  });
});
