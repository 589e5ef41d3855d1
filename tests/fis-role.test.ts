import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../schemas';
import { dataSetResourceName, regionResourceName } from '../modules/names';
import { synth } from '../modules/synth';
import { exampleRepo, modelAt, removeScratchRepos } from './helpers/example-repo';
import { generatedStacks, isAllowed, rolePolicy, type Deployment, type GeneratedStack, type Statement } from './helpers/iam-policy';

/**
 * What each region's FIS experiment role can reach, read off the generated region stacks (synthesised
 * from a scratch copy of the example) and evaluated against resources of its own region and of the others.
 */

/** Calls IAM cannot scope to a resource (the service authorization reference lists no resource type for them). */
const UNSCOPABLE = new Set([
  'ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeManagedPrefixLists', 'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeInstances', 's3:ListAllMyBuckets', 'tag:GetResources', 'logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
]);

let model: Model;
let deployment: Deployment;
let stacks: GeneratedStack[];

beforeAll(async () => {
  model = await modelAt(await exampleRepo());
  deployment = { accountId: model.global.infrastructure.accountId, partition: 'aws' };
  stacks = generatedStacks(synth(model)).filter((stack) => model.regions.some((region) => region.id === stack.name));
});
afterAll(removeScratchRepos);

/**
 * The stack with every reference the FIS and automation policies hold replaced by the value it takes at
 * apply time (ARNs from names, as AWS forms them), so the IAM evaluation sees what AWS would.
 */
function resolved(stack: GeneratedStack, awsRegion: string): GeneratedStack {
  const { accountId: account, partition } = deployment;
  const resources = stack.json.resource ?? {};
  const values = new Map<string, string>();
  const each = (type: string, attribute: string, value: (block: Record<string, string | undefined>) => string) => {
    for (const [id, block] of Object.entries(resources[type] ?? {})) values.set(`${type}.${id}.${attribute}`, value(block));
  };
  each('aws_s3_bucket', 'arn', (block) => `arn:${partition}:s3:::${block.bucket!}`);
  each('aws_ssm_document', 'arn', (block) => `arn:${partition}:ssm:${awsRegion}:${account}:document/${block.name!}`);
  each('aws_ssm_document', 'name', (block) => block.name!);
  each('aws_iam_role', 'arn', (block) => `arn:${partition}:iam::${account}:role${block.path ?? '/'}${block.name!}`);
  each('aws_cloudwatch_log_group', 'arn', (block) => `arn:${partition}:logs:${awsRegion}:${account}:log-group:${block.name!}`);
  each('aws_eks_cluster', 'name', (block) => block.name!);
  // Only what the policies name is resolved; the role's own name stays a reference, as rolePolicy finds its policies by it.
  const text = JSON.stringify(stack.json).replace(/\$\{(aws_[a-z0-9_]+\.[^.}]+\.(?:arn|name))\}/g, (whole, address: string) => values.get(address) ?? whole);
  return { name: stack.name, json: JSON.parse(text) };
}

function fisRole(regionId: string): { statements: Statement[]; awsRegion: string; name: string } {
  const region = model.regions.find((candidate) => candidate.id === regionId)!;
  const stack = resolved(stacks.find((candidate) => candidate.name === regionId)!, region.awsRegion);
  const name = regionResourceName(model.global, region);
  const statements = rolePolicy(stack, `${name}-fis`, deployment);
  expect(statements.length, `${regionId}: the role's statements`).toBeGreaterThan(0);
  return { statements, awsRegion: region.awsRegion, name };
}

const arn = (service: string, awsRegion: string, resource: string) => `arn:aws:${service}:${awsRegion}:${'123456789012'}:${resource}`;

describe('each region’s FIS experiment role', () => {
  it('grants on "*" only the calls IAM cannot scope to a resource', () => {
    for (const region of model.regions) {
      const unscoped = fisRole(region.id)
        .statements.filter((statement) => statement.effect === 'Allow' && statement.resources?.includes('*'))
        .flatMap((statement) => statement.actions ?? [])
        .filter((action) => !UNSCOPABLE.has(action));
      expect(unscoped, region.id).toEqual([]);
    }
  });

  it('names no resource outside its own region and account, but for the S3 buckets, whose ARNs carry neither', () => {
    for (const region of model.regions) {
      const { statements, awsRegion } = fisRole(region.id);
      const foreign = statements
        .flatMap((statement) => statement.resources ?? [])
        .filter((resource) => resource !== '*')
        .filter((resource) => !resource.startsWith(`arn:aws:s3:::${model.global.name}-`))
        .filter((resource) => !resource.startsWith('arn:aws:iam::123456789012:role/'))
        .filter((resource) => !new RegExp(`^arn:aws:[a-z0-9-]+:${awsRegion}:(123456789012|\\*):`).test(resource));
      expect(foreign, region.id).toEqual([]);
    }
  });

  it('terminates only instances of its own cluster, in its own region', () => {
    for (const region of model.regions) {
      const { statements, awsRegion, name } = fisRole(region.id);
      const other = model.regions.find((candidate) => candidate.id !== region.id)!;
      const instance = (where: string) => arn('ec2', where, 'instance/i-0123456789abcdef0');
      expect(isAllowed(statements, 'ec2:TerminateInstances', instance(awsRegion), { 'aws:ResourceTag/eks:cluster-name': name })).toBe(true);
      expect(isAllowed(statements, 'ec2:TerminateInstances', instance(awsRegion), { 'aws:ResourceTag/eks:cluster-name': regionResourceName(model.global, other) })).toBe(false);
      expect(isAllowed(statements, 'ec2:TerminateInstances', instance(awsRegion), {})).toBe(false);
      expect(isAllowed(statements, 'ec2:TerminateInstances', instance(other.awsRegion), { 'aws:ResourceTag/eks:cluster-name': name })).toBe(false);
    }
  });

  it('pauses replication of its own region’s buckets and of no peer’s', () => {
    const documents = model.replication.dataSets.filter((dataSet) => dataSet.store === 's3');
    expect(documents.length).toBeGreaterThan(0);
    for (const region of model.regions) {
      const { statements } = fisRole(region.id);
      for (const dataSet of documents) {
        for (const owner of model.regions) {
          const bucket = `arn:aws:s3:::${dataSetResourceName(model.global, dataSet, owner)}`;
          expect(isAllowed(statements, 's3:PauseReplication', bucket), `${region.id} on ${owner.id}'s bucket`).toBe(owner.id === region.id);
        }
      }
    }
  });

  it('deletes only the route tables FIS created, and moves only its own stack’s subnets', () => {
    for (const region of model.regions) {
      const { statements, awsRegion } = fisRole(region.id);
      const table = arn('ec2', awsRegion, 'route-table/rtb-0123');
      const subnet = arn('ec2', awsRegion, 'subnet/subnet-0123');
      expect(isAllowed(statements, 'ec2:DeleteRouteTable', table, { 'aws:ResourceTag/managedByFIS': 'true' })).toBe(true);
      expect(isAllowed(statements, 'ec2:DeleteRouteTable', table, { 'aws:ResourceTag/stack': region.id, 'aws:ResourceTag/project': model.global.name })).toBe(false);
      expect(isAllowed(statements, 'ec2:AssociateRouteTable', subnet, { 'aws:ResourceTag/stack': region.id, 'aws:ResourceTag/project': model.global.name })).toBe(true);
      expect(isAllowed(statements, 'ec2:AssociateRouteTable', subnet, { 'aws:ResourceTag/stack': 'global', 'aws:ResourceTag/project': model.global.name })).toBe(false);
    }
  });

  it('starts only its own region’s automation documents and passes only the automation role, to SSM', () => {
    for (const region of model.regions) {
      const { statements, awsRegion, name } = fisRole(region.id);
      const automationRole = `arn:aws:iam::123456789012:role/${model.global.name}/${region.id}/${name}-fault-automation`;
      const documents = (statements.find((statement) => statement.actions?.includes('ssm:StartAutomationExecution'))?.resources ?? []).filter((resource) => resource.includes(':document/'));
      expect(documents.length, region.id).toBeGreaterThan(0);
      for (const document of documents) expect(document.startsWith(arn('ssm', awsRegion, `document/${name}-`))).toBe(true);
      expect(isAllowed(statements, 'ssm:StartAutomationExecution', arn('ssm', awsRegion, 'document/AWS-RunShellScript'))).toBe(false);
      expect(isAllowed(statements, 'iam:PassRole', automationRole, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe(true);
      expect(isAllowed(statements, 'iam:PassRole', automationRole, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
      expect(isAllowed(statements, 'iam:PassRole', `arn:aws:iam::123456789012:role/${model.global.name}/${region.id}/${name}-fis`, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe(false);
    }
  });
});
