import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model, Region } from '../schemas';
import { dataSetResourceName, RECONCILIATION, RECONCILIATION_DATA_USER, reconciledDataSets, reconciliationRoleName, regionResourceName } from '../modules/names';
import { RECONCILIATION_SCRIPTS_DIR, STORE_SCRIPTS } from '../modules/k8s/reconciliation-scripts';
import { synth, type GeneratedFiles } from '../modules/synth';
import { exampleRepo, modelAt, removeScratchRepos } from './helpers/example-repo';
import { generatedStacks, isAllowed, rolePolicy, type Deployment, type GeneratedStack, type Statement } from './helpers/iam-policy';

/**
 * What each region's reconciliation role can do, read off the generated region stacks (synthesised from
 * a scratch copy of the example) and evaluated against both regions' copies of every data set, other
 * users, other topics, other buckets and other regions.
 */

/**
 * Every call the reconciliation scripts make to AWS, as IAM actions: the AWS CLI commands, the Kafka tool
 * (whose IAM login needs Connect, and DescribeTopic for the offsets of a topic), and the presigned
 * ElastiCache `connect` request the Redis token is. A call missing here fails the spec, so a script cannot
 * start calling AWS without its permission in modules/terraform/reconciliation-role.ts.
 */
const CALLS: Readonly<Record<string, readonly string[]>> = {
  'aws rds describe-db-clusters': ['rds:DescribeDBClusters'],
  // Signed locally, no request; the database checks rds-db:connect when the token is presented.
  'aws rds generate-db-auth-token': ['rds-db:connect'],
  'aws elasticache describe-replication-groups': ['elasticache:DescribeReplicationGroups'],
  'elasticache connect token': ['elasticache:Connect'],
  'aws kafka list-clusters-v2': ['kafka:ListClustersV2'],
  'aws kafka get-bootstrap-brokers': ['kafka:GetBootstrapBrokers'],
  'kafka-get-offsets.sh': ['kafka-cluster:Connect', 'kafka-cluster:DescribeTopic'],
  'aws s3api list-objects-v2': ['s3:ListBucket'],
  'aws cloudwatch get-metric-statistics': ['cloudwatch:GetMetricStatistics'],
};
/** Calls IAM cannot scope to a resource (the service authorization reference lists no resource type for them). */
const UNSCOPABLE = ['kafka:ListClustersV2', 'cloudwatch:GetMetricStatistics'];
const ACCOUNT = '123456789012';
const UUID = '1a2b3c4d-0000-1111-2222-333344445555-2';

let model: Model;
let files: GeneratedFiles;
let stacks: GeneratedStack[];
let deployment: Deployment;

beforeAll(async () => {
  model = await modelAt(await exampleRepo());
  files = synth(model);
  deployment = { accountId: model.global.infrastructure.accountId, partition: 'aws' };
  stacks = generatedStacks(files).filter((stack) => model.regions.some((region) => region.id === stack.name));
});
afterAll(removeScratchRepos);

const clusterResourceId = (region: Region) => `cluster-${region.id.replace(/-/g, '').toUpperCase()}EXAMPLE`;
const kafkaClusterArn = (region: Region) => `arn:aws:kafka:${region.awsRegion}:${ACCOUNT}:cluster/${regionResourceName(model.global, region)}/${UUID}`;

/** The region's stack with the references its reconciliation policy holds replaced by the values AWS gives them at apply time. */
function resolved(region: Region): GeneratedStack {
  const stack = stacks.find((candidate) => candidate.name === region.id)!;
  const text = JSON.stringify(stack.json)
    .replace(/\$\{replace\(aws_msk_cluster\.[^.]+\.arn, \\":cluster\/\\", \\":topic\/\\"\)\}/g, kafkaClusterArn(region).replace(':cluster/', ':topic/'))
    .replace(/\$\{aws_msk_cluster\.[^.]+\.arn\}/g, kafkaClusterArn(region))
    .replace(/\$\{aws_rds_cluster\.[^.]+\.cluster_resource_id\}/g, clusterResourceId(region));
  return { name: stack.name, json: JSON.parse(text) };
}

function reconciliationRole(region: Region): Statement[] {
  const statements = rolePolicy(resolved(region), reconciliationRoleName(model.global, region), deployment);
  expect(statements.length, `${region.id}: the role's statements`).toBeGreaterThan(0);
  return statements;
}

const arn = (service: string, region: Region, resource: string) => `arn:aws:${service}:${region.awsRegion}:${ACCOUNT}:${resource}`;
const compared = (store: string) => reconciledDataSets(model).filter((dataSet) => dataSet.store === store);

describe('the reconciliation scripts', () => {
  it('call AWS only as the table above lists, so the role’s grants can be checked against them', () => {
    const scripts = [...new Set(Object.values(STORE_SCRIPTS).flatMap((store) => store.files))].map((file) => readFileSync(path.join(RECONCILIATION_SCRIPTS_DIR, file), 'utf8'));
    const calls = new Set(scripts.flatMap((script) => [...script.matchAll(/\baws ([a-z0-9-]+) ([a-z0-9-]+)/g)].map((match) => match[0])));
    if (scripts.some((script) => script.includes('operation_name="connect"'))) calls.add('elasticache connect token');
    if (scripts.some((script) => /^\s*kafka-get-offsets\.sh /m.test(script))) calls.add('kafka-get-offsets.sh');
    expect([...calls].sort()).toEqual(Object.keys(CALLS).sort());
  });
});

describe('each region’s reconciliation role', () => {
  it('allows exactly the actions the scripts’ calls need, nothing more', () => {
    const needed = [...new Set(Object.values(CALLS).flat())].sort();
    for (const region of model.regions) {
      const granted = reconciliationRole(region).flatMap((statement) => (statement.effect === 'Allow' ? (statement.actions ?? []) : []));
      expect([...new Set(granted)].sort(), region.id).toEqual(needed);
    }
  });

  it('grants on "*" only the calls IAM cannot scope to a resource', () => {
    for (const region of model.regions) {
      const unscoped = reconciliationRole(region)
        .filter((statement) => statement.resources?.includes('*'))
        .flatMap((statement) => statement.actions ?? []);
      expect(unscoped, region.id).toEqual(UNSCOPABLE);
    }
  });

  it('names no resource outside the model’s regions and its account', () => {
    const regions = model.regions.map((region) => region.awsRegion).join('|');
    for (const region of model.regions) {
      const foreign = reconciliationRole(region)
        .flatMap((statement) => statement.resources ?? [])
        .filter((resource) => resource !== '*' && !resource.startsWith(`arn:aws:s3:::${model.global.name}-`))
        .filter((resource) => !new RegExp(`^arn:aws:[a-z-]+:(${regions}):${ACCOUNT}:`).test(resource));
      expect(foreign, region.id).toEqual([]);
    }
  });

  it('describes and connects to both regions’ Aurora clusters, as the reconciliation user only', () => {
    expect(compared('aurora').length).toBeGreaterThan(0);
    for (const region of model.regions) {
      const statements = reconciliationRole(region);
      for (const dataSet of compared('aurora')) {
        for (const where of model.regions) {
          const cluster = arn('rds', where, `cluster:${dataSetResourceName(model.global, dataSet, where)}`);
          const user = (name: string) => arn('rds-db', where, `dbuser:${clusterResourceId(where)}/${name}`);
          expect(isAllowed(statements, 'rds:DescribeDBClusters', cluster), `${region.id} describes ${cluster}`).toBe(true);
          expect(isAllowed(statements, 'rds-db:connect', user(RECONCILIATION_DATA_USER)), `${region.id} connects to ${where.id}`).toBe(true);
          for (const other of ['postgres', ...model.apps.map((app) => app.name)]) expect(isAllowed(statements, 'rds-db:connect', user(other)), `${region.id} as ${other}`).toBe(false);
          expect(isAllowed(statements, 'rds:ModifyDBCluster', cluster)).toBe(false);
        }
      }
      expect(isAllowed(statements, 'rds:DescribeDBClusters', arn('rds', region, 'cluster:another-project-db'))).toBe(false);
      expect(isAllowed(statements, 'rds-db:connect', `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:cluster-ANY/${RECONCILIATION_DATA_USER}`)).toBe(false);
    }
  });

  it('connects to its own region’s Aurora cluster by its resource id, not to any cluster there', () => {
    for (const region of model.regions) {
      const statements = reconciliationRole(region);
      expect(isAllowed(statements, 'rds-db:connect', arn('rds-db', region, `dbuser:cluster-OTHER/${RECONCILIATION_DATA_USER}`)), region.id).toBe(false);
    }
  });

  it('lists both regions’ buckets of the compared data sets, and reads no object', () => {
    expect(compared('s3').length).toBeGreaterThan(0);
    for (const region of model.regions) {
      const statements = reconciliationRole(region);
      for (const dataSet of compared('s3')) {
        for (const where of model.regions) {
          const bucket = `arn:aws:s3:::${dataSetResourceName(model.global, dataSet, where)}`;
          expect(isAllowed(statements, 's3:ListBucket', bucket), `${region.id} lists ${bucket}`).toBe(true);
          for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) expect(isAllowed(statements, action, `${bucket}/any-key`)).toBe(false);
        }
      }
      expect(isAllowed(statements, 's3:ListBucket', `arn:aws:s3:::${model.global.name}-access-logs`)).toBe(false);
    }
  });

  it('reaches both regions’ MSK clusters and describes only the compared topics, reading and writing none', () => {
    const topics = compared('kafka').flatMap((dataSet) => dataSet.topics ?? []);
    expect(topics.length).toBeGreaterThan(0);
    for (const region of model.regions) {
      const statements = reconciliationRole(region);
      for (const where of model.regions) {
        const cluster = kafkaClusterArn(where);
        expect(isAllowed(statements, 'kafka:GetBootstrapBrokers', cluster), `${region.id} bootstraps ${where.id}`).toBe(true);
        expect(isAllowed(statements, 'kafka-cluster:Connect', cluster), `${region.id} connects to ${where.id}`).toBe(true);
        for (const topic of topics) {
          const topicArn = `${cluster.replace(':cluster/', ':topic/')}/${topic}`;
          expect(isAllowed(statements, 'kafka-cluster:DescribeTopic', topicArn), `${region.id} describes ${topicArn}`).toBe(true);
          for (const action of ['kafka-cluster:ReadData', 'kafka-cluster:WriteData', 'kafka-cluster:DeleteTopic']) expect(isAllowed(statements, action, topicArn)).toBe(false);
        }
        expect(isAllowed(statements, 'kafka-cluster:DescribeTopic', `${cluster.replace(':cluster/', ':topic/')}/__consumer_offsets`)).toBe(false);
        expect(isAllowed(statements, 'kafka-cluster:Connect', arn('kafka', where, `cluster/another-cluster/${UUID}`))).toBe(false);
        expect(isAllowed(statements, 'kafka-cluster:AlterCluster', cluster)).toBe(false);
      }
    }
  });

  it('describes and connects to both regions’ caches as the reconciliation user only', () => {
    expect(compared('redis').length).toBeGreaterThan(0);
    for (const region of model.regions) {
      const statements = reconciliationRole(region);
      for (const dataSet of compared('redis')) {
        for (const where of model.regions) {
          const group = arn('elasticache', where, `replicationgroup:${dataSetResourceName(model.global, dataSet, where)}`);
          expect(isAllowed(statements, 'elasticache:DescribeReplicationGroups', group), `${region.id} describes ${group}`).toBe(true);
          expect(isAllowed(statements, 'elasticache:Connect', group)).toBe(true);
          expect(isAllowed(statements, 'elasticache:Connect', arn('elasticache', where, `user:${RECONCILIATION_DATA_USER}`))).toBe(true);
          expect(isAllowed(statements, 'elasticache:Connect', arn('elasticache', where, `user:${dataSetResourceName(model.global, dataSet, where)}-app`))).toBe(false);
          expect(isAllowed(statements, 'elasticache:ModifyReplicationGroup', group)).toBe(false);
        }
      }
    }
  });
});

describe('the reconciliation Jobs’ identity', () => {
  it('is the role its region stack creates: the ServiceAccount’s annotation names it, and the role trusts only that ServiceAccount of its own cluster', () => {
    for (const region of model.regions) {
      const stack = stacks.find((candidate) => candidate.name === region.id)!;
      const [id, role] = Object.entries(stack.json.resource!.aws_iam_role!).find(([, candidate]) => candidate.name === reconciliationRoleName(model.global, region))!;
      const serviceAccount = [...files.entries()]
        .filter(([file]) => file.startsWith(`k8s/${region.id}/${RECONCILIATION}/`))
        .flatMap(([, content]) => parseAllDocuments(content).map((document) => document.toJS()))
        .find((manifest) => manifest?.kind === 'ServiceAccount');
      expect(serviceAccount?.metadata, region.id).toMatchObject({ name: RECONCILIATION, namespace: RECONCILIATION });
      expect(serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${ACCOUNT}:role${role.path}${role.name}`);

      const trust = stack.json.data!.aws_iam_policy_document![/^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(role.assume_role_policy)![1]!]!;
      const providers = Object.keys(stack.json.resource!.aws_iam_openid_connect_provider!);
      expect(providers, `${region.id}: ${id}`).toHaveLength(1);
      expect(trust.statement).toEqual([
        expect.objectContaining({
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [`\${aws_iam_openid_connect_provider.${providers[0]}.arn}`] }],
          condition: [
            expect.objectContaining({ test: 'StringEquals', variable: expect.stringMatching(/:sub$/), values: [`system:serviceaccount:${RECONCILIATION}:${RECONCILIATION}`] }),
            expect.objectContaining({ test: 'StringEquals', variable: expect.stringMatching(/:aud$/), values: ['sts.amazonaws.com'] }),
          ],
        }),
      ]);
    }
  });

  it('connects to every cache of its region as an IAM-authenticated user in each cache’s user group', () => {
    for (const region of model.regions) {
      const resources = stacks.find((candidate) => candidate.name === region.id)!.json.resource!;
      const [userId] = Object.entries(resources.aws_elasticache_user!).find(([, user]) => user.user_id === RECONCILIATION_DATA_USER)!;
      expect(resources.aws_elasticache_user![userId]).toMatchObject({ user_name: RECONCILIATION_DATA_USER, authentication_mode: { type: 'iam' } });
      const groups = Object.values(resources.aws_elasticache_user_group!);
      expect(groups.length).toBe(compared('redis').length);
      for (const group of groups) expect(group.user_ids, `${region.id} ${group.user_group_id}`).toContain(`\${aws_elasticache_user.${userId}.user_id}`);
    }
  });
});
