import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { CacheGlobalDatastore, type CacheGlobalDatastoreProps } from './cache-global-datastore';

const valid: CacheGlobalDatastoreProps = {
  name: 'orders-cache-us-east-1',
  role: 'primary',
  nodeType: 'cache.r6g.large',
  shards: 2,
  replicasPerShard: 1,
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/regional',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  clientCidrs: ['10.10.10.0/24'],
  globalReplicationGroupIdSuffix: 'orders-cache',
};
const secondary: CacheGlobalDatastoreProps = { ...valid, role: 'secondary', globalReplicationGroupIdSuffix: undefined, globalReplicationGroupId: 'ldgnf-orders-cache' };
const build = (props: CacheGlobalDatastoreProps) => new CacheGlobalDatastore(scratchStack(), 'cache', props);

describe('CacheGlobalDatastore rejects', () => {
  it('a name too long for the ids derived from it', () => {
    expect(() => build({ ...valid, name: 'orders-session-cache-eu-central-1-a' })).toThrow(
      'CacheGlobalDatastore cache: name: expected a lower-case replication group id of at most 32 characters, got "orders-session-cache-eu-central-1-a"',
    );
  });

  it('an engine version without IAM authentication', () => {
    expect(() => build({ ...valid, engineVersion: '6.2' })).toThrow('CacheGlobalDatastore cache: engineVersion: expected a Redis OSS version 7.0 or later like "7.1", got "6.2"');
  });

  it('no shards', () => {
    expect(() => build({ ...valid, shards: 0 })).toThrow('CacheGlobalDatastore cache: shards: expected an integer in 1..500, got 0');
  });

  it('more replicas per shard than ElastiCache allows', () => {
    expect(() => build({ ...valid, replicasPerShard: 6 })).toThrow('CacheGlobalDatastore cache: replicasPerShard: expected an integer in 0..5, got 6');
  });

  it('a snapshot retention ElastiCache does not offer', () => {
    expect(() => build({ ...valid, snapshotRetentionDays: 36 })).toThrow('CacheGlobalDatastore cache: snapshotRetentionDays: expected an integer in 1..35, got 36');
  });

  it('a single subnet', () => {
    expect(() => build({ ...valid, subnetIds: ['subnet-a'] })).toThrow('CacheGlobalDatastore cache: subnetIds: expected at least 2 subnets (two availability zones), got 1');
  });

  it('a primary given a global datastore to join', () => {
    expect(() => build({ ...valid, globalReplicationGroupId: 'ldgnf-orders-cache' })).toThrow(
      'CacheGlobalDatastore cache: globalReplicationGroupId: expected none on the primary (it creates the global datastore), got "ldgnf-orders-cache"',
    );
  });

  it('a primary without a name for its global datastore', () => {
    expect(() => build({ ...valid, globalReplicationGroupIdSuffix: undefined })).toThrow(
      "CacheGlobalDatastore cache: globalReplicationGroupIdSuffix: expected the global datastore's name on the primary, got none",
    );
  });

  it('a secondary without a global datastore to join', () => {
    expect(() => build({ ...secondary, globalReplicationGroupId: undefined })).toThrow(
      "CacheGlobalDatastore cache: globalReplicationGroupId: expected the global datastore's id on a secondary, got none",
    );
  });

  it('a secondary naming a global datastore', () => {
    expect(() => build({ ...secondary, globalReplicationGroupIdSuffix: 'orders-cache' })).toThrow(
      'CacheGlobalDatastore cache: globalReplicationGroupIdSuffix: expected none on a secondary (the primary names the global datastore), got "orders-cache"',
    );
  });

  it('the internet as a client network', () => {
    expect(() => build({ ...valid, clientCidrs: ['0.0.0.0/0'] })).toThrow(
      'CacheGlobalDatastore cache: clientCidrs: expected private IPv4 CIDR blocks (not 0.0.0.0/0), got "0.0.0.0/0"',
    );
  });
});
