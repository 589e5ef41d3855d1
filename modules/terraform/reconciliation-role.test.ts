import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { CacheGlobalDatastore } from './cache-global-datastore';
import { ReconciliationRole, type ReconciliationRoleProps } from './reconciliation-role';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const EAST_KAFKA = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-us-east-1/1a2b3c4d-0000-1111-2222-333344445555-2';
const props: ReconciliationRoleProps = {
  name: 'orders-us-east-1-reconciliation',
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  awsRegion: 'us-east-1',
  partition: 'aws',
  accountId: '123456789012',
  databases: [
    { awsRegion: 'us-east-1', clusterIdentifier: 'orders-orders-db-us-east-1', clusterResourceId: 'cluster-EASTEXAMPLE' },
    { awsRegion: 'us-west-2', clusterIdentifier: 'orders-orders-db-us-west-2' },
  ],
  buckets: ['orders-order-documents-us-east-1', 'orders-order-documents-us-west-2'],
  kafkaClusters: [
    { awsRegion: 'us-east-1', clusterName: 'orders-us-east-1', clusterArn: EAST_KAFKA, topics: ['orders.created'] },
    { awsRegion: 'us-west-2', clusterName: 'orders-us-west-2', topics: ['orders.created'] },
  ],
};

function synth(overrides: Partial<ReconciliationRoleProps> = {}, withCache = true): TerraformJson {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const cache = withCache
    ? new CacheGlobalDatastore(stack, 'cache', {
        name: 'orders-sessions-us-east-1',
        role: 'primary',
        nodeType: 'cache.r6g.large',
        shards: 1,
        replicasPerShard: 1,
        kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/regional',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-a', 'subnet-b'],
        clientCidrs: ['10.10.10.0/24'],
        globalReplicationGroupIdSuffix: 'orders-sessions',
      })
    : undefined;
  const caches = cache
    ? [
        { awsRegion: 'us-east-1', replicationGroupId: 'orders-sessions-us-east-1', userGroup: cache },
        { awsRegion: 'us-west-2', replicationGroupId: 'orders-sessions-us-west-2' },
      ]
    : [];
  new ReconciliationRole(stack, 'reconciliation', { ...props, caches, ...overrides });
  return synthScratch(stack);
}
const policyDocument = (json: TerraformJson, reference: string) => json.data!.aws_iam_policy_document![/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(reference)![1]!]!;
const permissions = (json: TerraformJson) => policyDocument(json, resourcesOf(json, 'aws_iam_role_policy')[0]!.policy).statement as Array<Record<string, unknown>>;

describe('ReconciliationRole', () => {
  it('can be assumed only with a web identity token for the reconciliation ServiceAccount of its region’s cluster', () => {
    const json = synth();
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(role).toMatchObject({ name: 'orders-us-east-1-reconciliation', max_session_duration: 3600 });
    expect(policyDocument(json, role!.assume_role_policy).statement).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
        condition: [
          { test: 'StringEquals', variable: `${ISSUER}:sub`, values: ['system:serviceaccount:reconciliation:reconciliation'] },
          { test: 'StringEquals', variable: `${ISSUER}:aud`, values: ['sts.amazonaws.com'] },
        ],
      }),
    ]);
  });

  it('grants exactly the calls the scripts make, on both regions’ copies, naming this region’s resources exactly and the peer’s by name', () => {
    expect(permissions(synth())).toEqual([
      {
        sid: 'FindDatabaseClusters',
        effect: 'Allow',
        actions: ['rds:DescribeDBClusters'],
        resources: ['arn:aws:rds:us-east-1:123456789012:cluster:orders-orders-db-us-east-1', 'arn:aws:rds:us-west-2:123456789012:cluster:orders-orders-db-us-west-2'],
      },
      {
        sid: 'ConnectAsDataUser',
        effect: 'Allow',
        actions: ['rds-db:connect'],
        resources: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-EASTEXAMPLE/reconciliation', 'arn:aws:rds-db:us-west-2:123456789012:dbuser:cluster-*/reconciliation'],
      },
      { sid: 'ListBuckets', effect: 'Allow', actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::orders-order-documents-us-east-1', 'arn:aws:s3:::orders-order-documents-us-west-2'] },
      { sid: 'FindKafkaClusters', effect: 'Allow', actions: ['kafka:ListClustersV2'], resources: ['*'] },
      { sid: 'ReadReplicatorMetrics', effect: 'Allow', actions: ['cloudwatch:GetMetricStatistics'], resources: ['*'] },
      {
        sid: 'ConnectKafkaClusters',
        effect: 'Allow',
        actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect'],
        resources: [EAST_KAFKA, 'arn:aws:kafka:us-west-2:123456789012:cluster/orders-us-west-2/*'],
      },
      {
        sid: 'DescribeComparedTopics',
        effect: 'Allow',
        actions: ['kafka-cluster:DescribeTopic'],
        resources: [`\${replace("${EAST_KAFKA}", ":cluster/", ":topic/")}/orders.created`, 'arn:aws:kafka:us-west-2:123456789012:topic/orders-us-west-2/*/orders.created'],
      },
      {
        sid: 'FindCaches',
        effect: 'Allow',
        actions: ['elasticache:DescribeReplicationGroups'],
        resources: ['arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders-sessions-us-east-1', 'arn:aws:elasticache:us-west-2:123456789012:replicationgroup:orders-sessions-us-west-2'],
      },
      {
        sid: 'ConnectCachesAsDataUser',
        effect: 'Allow',
        actions: ['elasticache:Connect'],
        resources: [
          'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders-sessions-us-east-1',
          'arn:aws:elasticache:us-west-2:123456789012:replicationgroup:orders-sessions-us-west-2',
          'arn:aws:elasticache:us-east-1:123456789012:user:reconciliation',
          'arn:aws:elasticache:us-west-2:123456789012:user:reconciliation',
        ],
      },
    ]);
  });

  it('makes the IAM-authenticated ElastiCache user the Jobs connect as, allowed only to count keys, and puts it in its region’s cache user group', () => {
    const json = synth();
    const user = resourcesOf(json, 'aws_elasticache_user').find((candidate) => candidate.user_id === 'reconciliation');
    expect(user).toEqual(
      expect.objectContaining({ user_id: 'reconciliation', user_name: 'reconciliation', engine: 'redis', access_string: 'on -@all +dbsize +info +cluster', authentication_mode: { type: 'iam' } }),
    );
    const [group] = resourcesOf(json, 'aws_elasticache_user_group');
    expect(group!.user_ids).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{aws_elasticache_user\.reconciliation_cache-user_[0-9A-F]+\.user_id\}$/)]));
    expect(group!.user_ids).toHaveLength(3);
  });

  it('makes no ElastiCache user where its region has no cache, and grants nothing for a store without copies', () => {
    const json = synth({ databases: [], buckets: [], kafkaClusters: [] }, false);
    expect(resourcesOf(json, 'aws_elasticache_user')).toEqual([]);
    expect(resourcesOf(json, 'aws_iam_role')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_iam_role_policy')).toEqual([]);
  });

  it('connects as another data user or trusts another ServiceAccount when told', () => {
    const json = synth({ dataUser: 'audit', serviceAccount: { namespace: 'audit', name: 'auditor' } });
    expect(permissions(json).find((statement) => statement.sid === 'ConnectAsDataUser')!.resources).toEqual([
      'arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-EASTEXAMPLE/audit',
      'arn:aws:rds-db:us-west-2:123456789012:dbuser:cluster-*/audit',
    ]);
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(JSON.stringify(policyDocument(json, role!.assume_role_policy))).toContain('system:serviceaccount:audit:auditor');
  });
});
