import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { ReconciliationRole, type CacheUserGroup, type ReconciliationRoleProps } from './reconciliation-role';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE';
const userGroup: CacheUserGroup = { addUser: () => undefined };
const valid: ReconciliationRoleProps = {
  name: 'orders-us-east-1-reconciliation',
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  awsRegion: 'us-east-1',
  partition: 'aws',
  accountId: '123456789012',
  databases: [
    { awsRegion: 'us-east-1', clusterIdentifier: 'orders-orders-db-us-east-1', clusterResourceId: 'cluster-EAST' },
    { awsRegion: 'us-west-2', clusterIdentifier: 'orders-orders-db-us-west-2' },
  ],
  buckets: ['orders-order-documents-us-east-1'],
  kafkaClusters: [{ awsRegion: 'us-west-2', clusterName: 'orders-us-west-2', topics: ['orders.created'] }],
  caches: [{ awsRegion: 'us-east-1', replicationGroupId: 'orders-sessions-us-east-1', userGroup }],
};
const build = (overrides: Partial<ReconciliationRoleProps>) => () => new ReconciliationRole(scratchStack(), 'reconciliation', { ...valid, ...overrides });

describe('ReconciliationRole rejects', () => {
  it('a stack region that is not an AWS region', () => {
    expect(build({ awsRegion: 'US East' })).toThrow('ReconciliationRole reconciliation: awsRegion: expected an AWS region like "us-east-1", got "US East"');
  });

  it('an account id that is not twelve digits', () => {
    expect(build({ accountId: '1234' })).toThrow('ReconciliationRole reconciliation: accountId: expected a 12-digit AWS account id, got "1234"');
  });

  it('a data user PostgreSQL would need quoted or ElastiCache refuses as a user id', () => {
    expect(build({ dataUser: 'recon_user' })).toThrow(
      'ReconciliationRole reconciliation: dataUser: expected a user name of at most 40 lower-case letters and digits, starting with a letter (a PostgreSQL role and an ElastiCache user id), got "recon_user"',
    );
  });

  it('a database in its own region without the cluster resource id, which would widen the grant to every cluster there', () => {
    expect(build({ databases: [{ awsRegion: 'us-east-1', clusterIdentifier: 'orders-orders-db-us-east-1' }] })).toThrow(
      "ReconciliationRole reconciliation: databases[0].clusterResourceId: expected the resource id of a cluster in the role's own region us-east-1 (its stack knows it), got null",
    );
  });

  it('a database identifier RDS does not accept', () => {
    expect(build({ databases: [{ awsRegion: 'us-west-2', clusterIdentifier: 'Orders_DB' }] })).toThrow(
      'ReconciliationRole reconciliation: databases[0].clusterIdentifier: expected a lower-case RDS cluster identifier, got "Orders_DB"',
    );
  });

  it('a copy in a region that is not an AWS region', () => {
    expect(build({ databases: [{ awsRegion: 'west', clusterIdentifier: 'orders-db' }] })).toThrow(
      'ReconciliationRole reconciliation: databases[0].awsRegion: expected an AWS region like "us-east-1", got "west"',
    );
  });

  it('the same resource twice', () => {
    expect(build({ buckets: ['orders-docs', 'orders-docs'] })).toThrow('ReconciliationRole reconciliation: buckets[1]: expected each resource once, got "orders-docs"');
  });

  it('a bucket name S3 does not accept, which could be a pattern', () => {
    expect(build({ buckets: ['orders-*'] })).toThrow('ReconciliationRole reconciliation: buckets[0]: expected an S3 bucket name, got "orders-*"');
  });

  it('a Kafka cluster in its own region without its ARN', () => {
    expect(build({ kafkaClusters: [{ awsRegion: 'us-east-1', clusterName: 'orders-us-east-1', topics: ['orders.created'] }] })).toThrow(
      "ReconciliationRole reconciliation: kafkaClusters[0].clusterArn: expected the ARN of the cluster in the role's own region us-east-1 (its stack knows it), got null",
    );
  });

  it('a Kafka cluster without topics, or a topic name Kafka refuses (a pattern would reach every topic)', () => {
    expect(build({ kafkaClusters: [{ awsRegion: 'us-west-2', clusterName: 'orders-us-west-2', topics: [] }] })).toThrow(
      'ReconciliationRole reconciliation: kafkaClusters[0].topics: expected at least one topic, got []',
    );
    expect(build({ kafkaClusters: [{ awsRegion: 'us-west-2', clusterName: 'orders-us-west-2', topics: ['orders.*'] }] })).toThrow(
      'ReconciliationRole reconciliation: kafkaClusters[0].topics[0]: expected a Kafka topic name (letters, digits, ".", "_" and "-"), got "orders.*"',
    );
  });

  it('a Kafka cluster name MSK does not accept', () => {
    expect(build({ kafkaClusters: [{ awsRegion: 'us-west-2', clusterName: 'orders/us-west-2', topics: ['orders.created'] }] })).toThrow(
      'ReconciliationRole reconciliation: kafkaClusters[0].clusterName: expected an MSK cluster name (letters, digits and hyphens, at most 64), got "orders/us-west-2"',
    );
  });

  it('a cache in its own region without the user group the Jobs’ user must join', () => {
    expect(build({ caches: [{ awsRegion: 'us-east-1', replicationGroupId: 'orders-sessions-us-east-1' }] })).toThrow(
      "ReconciliationRole reconciliation: caches[0].userGroup: expected the user group of a cache in the role's own region us-east-1, for the Jobs' user to join, got null",
    );
  });

  it('a peer’s cache with a user group, which its own stack manages', () => {
    expect(build({ caches: [{ awsRegion: 'us-west-2', replicationGroupId: 'orders-sessions-us-west-2', userGroup }] })).toThrow(
      'ReconciliationRole reconciliation: caches[0].userGroup: expected none for a cache outside us-east-1 (its own stack adds the user there), got "us-west-2"',
    );
  });

  it('a replication group id ElastiCache does not accept', () => {
    expect(build({ caches: [{ awsRegion: 'us-west-2', replicationGroupId: 'orders--sessions' }] })).toThrow(
      'ReconciliationRole reconciliation: caches[0].replicationGroupId: expected a lower-case replication group id, got "orders--sessions"',
    );
  });

  it('a ServiceAccount name Kubernetes does not accept, as every IRSA role does', () => {
    expect(build({ serviceAccount: { namespace: 'reconciliation', name: 'Reconciliation' } })).toThrow(
      'WorkloadRole role: serviceAccount: expected a Kubernetes service account name (lower-case DNS subdomain), got "Reconciliation"',
    );
  });
});
