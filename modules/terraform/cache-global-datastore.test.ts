import { TerraformOutput } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { ElasticacheUser } from '@cdktn/provider-aws/lib/elasticache-user';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { CacheGlobalDatastore, type CacheGlobalDatastoreProps } from './cache-global-datastore';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/regional';
const primary: CacheGlobalDatastoreProps = {
  name: 'orders-cache-us-east-1',
  role: 'primary',
  nodeType: 'cache.r6g.large',
  shards: 2,
  replicasPerShard: 1,
  kmsKeyArn: KEY,
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  clientCidrs: ['10.10.10.0/24', '10.10.11.0/24'],
  globalReplicationGroupIdSuffix: 'orders-cache',
};
const secondary: CacheGlobalDatastoreProps = {
  ...primary,
  name: 'orders-cache-us-west-2',
  role: 'secondary',
  globalReplicationGroupIdSuffix: undefined,
  globalReplicationGroupId: 'ldgnf-orders-cache',
};

function synth(props: CacheGlobalDatastoreProps) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const cache = new CacheGlobalDatastore(stack, 'cache', props);
  new TerraformOutput(stack, 'global-datastore-id', { value: cache.globalReplicationGroupId });
  const json = synthScratch(stack);
  const [group] = resourcesOf(json, 'aws_elasticache_replication_group');
  return { json, group: group! };
}

describe('CacheGlobalDatastore', () => {
  it('runs the primary in cluster mode, encrypted at rest with the regional key and in transit, failing over across zones', () => {
    expect(synth(primary).group).toMatchObject({
      replication_group_id: 'orders-cache-us-east-1',
      engine: 'redis',
      engine_version: '7.1',
      node_type: 'cache.r6g.large',
      cluster_mode: 'enabled',
      parameter_group_name: 'default.redis7.cluster.on',
      num_node_groups: 2,
      replicas_per_node_group: 1,
      at_rest_encryption_enabled: 'true',
      kms_key_id: KEY,
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
  });

  it('creates the global datastore from the primary replication group', () => {
    const { json } = synth(primary);
    expect(resourcesOf(json, 'aws_elasticache_global_replication_group')).toEqual([
      expect.objectContaining({ global_replication_group_id_suffix: 'orders-cache', primary_replication_group_id: expect.stringMatching(/^\$\{aws_elasticache_replication_group\.[\w-]+\.id\}$/) }),
    ]);
    expect(json.output?.['global-datastore-id']?.value).toMatch(/^\$\{aws_elasticache_global_replication_group\.[\w-]+\.global_replication_group_id\}$/);
  });

  it('joins a secondary to the global datastore, sending only what it does not inherit', () => {
    const { json, group } = synth(secondary);
    expect(resourcesOf(json, 'aws_elasticache_global_replication_group')).toEqual([]);
    expect(group).toMatchObject({ global_replication_group_id: 'ldgnf-orders-cache', kms_key_id: KEY, replicas_per_node_group: 1 });
    for (const inherited of ['engine', 'engine_version', 'node_type', 'num_node_groups', 'parameter_group_name', 'at_rest_encryption_enabled', 'transit_encryption_enabled', 'transit_encryption_mode']) {
      expect(group).not.toHaveProperty(inherited);
    }
    expect(json.output?.['global-datastore-id']?.value).toBe('ldgnf-orders-cache');
  });

  it('authenticates clients with IAM and disables the passwordless default user', () => {
    for (const props of [primary, secondary]) {
      const { json, group } = synth(props);
      expect(group).not.toHaveProperty('auth_token');
      expect(group.user_group_ids).toEqual([expect.stringMatching(/^\$\{aws_elasticache_user_group\./)]);
      const users = resourcesOf(json, 'aws_elasticache_user');
      expect(users).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ user_name: 'default', access_string: 'off -@all', authentication_mode: { type: 'no-password-required' } }),
          expect.objectContaining({ user_id: `${props.name}-app`, user_name: `${props.name}-app`, authentication_mode: { type: 'iam' } }),
        ]),
      );
      expect(users.some((user) => 'passwords' in user || 'passwords' in (user.authentication_mode ?? {}))).toBe(false);
    }
  });

  it('admits a user made elsewhere into its user group, after its own two, by reference so the user exists first', () => {
    const stack = scratchStack();
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const cache = new CacheGlobalDatastore(stack, 'cache', primary);
    const other = new ElasticacheUser(stack, 'other', { userId: 'reconciliation', userName: 'reconciliation', engine: 'redis', accessString: 'on -@all +dbsize', authenticationMode: { type: 'iam' } });
    cache.addUser(other.userId);
    const [group] = resourcesOf(synthScratch(stack), 'aws_elasticache_user_group');
    expect(group!.user_ids).toEqual([
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_default-user_[0-9A-F]+\.user_id\}$/),
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_app-user_[0-9A-F]+\.user_id\}$/),
      '${aws_elasticache_user.other.user_id}',
    ]);
  });

  it('delivers the slow log to a log group encrypted with the regional key and kept a year', () => {
    const { json, group } = synth(primary);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')).toEqual([expect.objectContaining({ kms_key_id: KEY, retention_in_days: 365 })]);
    expect(group.log_delivery_configuration).toEqual([
      expect.objectContaining({ destination_type: 'cloudwatch-logs', log_type: 'slow-log', destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\./) }),
    ]);
  });

  it('keeps daily snapshots and a final one', () => {
    expect(synth({ ...primary, snapshotRetentionDays: 3 }).group).toMatchObject({ snapshot_retention_limit: 3, snapshot_window: expect.any(String), final_snapshot_identifier: 'orders-cache-us-east-1-final' });
  });

  it('admits clients on 6379 from the client networks only', () => {
    const { json } = synth(primary);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toEqual(
      primary.clientCidrs.map((cidr) => expect.objectContaining({ cidr_ipv4: cidr, ip_protocol: 'tcp', from_port: 6379, to_port: 6379 })),
    );
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  it('turns Multi-AZ off only when a region has no replicas to fail over to', () => {
    expect(synth({ ...primary, replicasPerShard: 0 }).group).toMatchObject({ multi_az_enabled: false, replicas_per_node_group: 0 });
  });
});
