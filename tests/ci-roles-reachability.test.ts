import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../modules/synth';
import { exampleRepo, modelAt, removeScratchRepos } from './helpers/example-repo';
import {
  allowingContext,
  generatedStacks,
  placement,
  resolver,
  resourceFacts,
  rolePolicy,
  rolesOf,
  type Deployment,
  type GeneratedStack,
  type RequestContext,
  type StackRole,
  type Statement,
} from './helpers/iam-policy';

/**
 * What each CI apply role can reach, read off the generated ci stack (synthesised from a scratch copy of
 * the example) and evaluated against every role, key, cluster and network resource the generated stacks create.
 */

const ROLE_WRITES = [
  'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:TagRole', 'iam:UntagRole', 'iam:PassRole',
];
/** The role writes whose requests carry `iam:PermissionsBoundary` (IAM service authorization reference). */
const BOUNDED_WRITES = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary'];
const POLICY_WRITES = ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy'];
const KEY_WRITES = [
  'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:DisableKey', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation',
  'kms:UpdateKeyDescription', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey',
];
const OWN_KEY_WRITES = ['kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:TagResource'];
const CLUSTER_WRITES = ['eks:DeleteCluster', 'eks:UpdateClusterConfig', 'eks:UpdateClusterVersion', 'eks:CreateNodegroup', 'eks:CreateAddon', 'eks:TagResource', 'eks:AssociateIdentityProviderConfig'];
const OWN_CLUSTER_WRITES = ['eks:DeleteCluster', 'eks:UpdateClusterConfig', 'eks:CreateNodegroup'];
/** Changes to existing EC2 resources, whatever their type: a policy that refuses one on a resource refuses it on the resource's ARN. */
const NETWORK_TAGGING = ['ec2:CreateTags', 'ec2:DeleteTags'];
const NETWORK_CHANGES = [
  'ec2:DeleteVpc', 'ec2:ModifyVpcAttribute', 'ec2:DeleteSubnet', 'ec2:ModifySubnetAttribute', 'ec2:DeleteRouteTable', 'ec2:AssociateRouteTable',
  'ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules',
  'ec2:DeleteVpcPeeringConnection', 'ec2:ModifyVpcPeeringConnectionOptions', 'ec2:DeleteNatGateway', 'ec2:ReleaseAddress', 'ec2:DisassociateAddress', 'ec2:DetachInternetGateway',
  'ec2:DeleteInternetGateway', 'ec2:DeleteLaunchTemplate', 'ec2:ModifyLaunchTemplate', 'ec2:DeleteFlowLogs', 'ec2:DeleteVpcEndpoints', 'ec2:ModifyVpcEndpoint',
];
const DOCUMENT_WRITES = ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:DeleteDocument', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'];
const TEMPLATE_CHANGES = ['fis:UpdateExperimentTemplate', 'fis:DeleteExperimentTemplate', 'fis:UntagResource'];
/** A call that takes no tags carries no `aws:RequestTag`, whatever its caller would like. */
const NO_REQUEST_TAGS: RequestContext = { 'aws:RequestTag/project': undefined, 'aws:RequestTag/stack': undefined };
/** The global role adds its peering routes to the regions' route tables: routes carry no tags, so EC2 authorizes them on the table. */
const PEERING_ROUTE_WRITES = ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'];
/** EC2 resource types the stacks create, by the resource type of their ARN. */
const NETWORK_TYPES: Readonly<Record<string, string>> = {
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_route_table: 'route-table',
  aws_security_group: 'security-group',
  aws_default_security_group: 'security-group',
  aws_vpc_security_group_ingress_rule: 'security-group-rule',
  aws_vpc_security_group_egress_rule: 'security-group-rule',
  aws_vpc_peering_connection: 'vpc-peering-connection',
  aws_vpc_peering_connection_accepter: 'vpc-peering-connection',
  aws_internet_gateway: 'internet-gateway',
  aws_nat_gateway: 'natgateway',
  aws_eip: 'elastic-ip',
  aws_vpc_endpoint: 'vpc-endpoint',
  aws_launch_template: 'launch-template',
  aws_flow_log: 'vpc-flow-log',
};
/** EC2 types that are no resource of their own: IAM authorizes them on the route table or peering connection they change. */
const NETWORK_PARTS = ['aws_route', 'aws_route_table_association', 'aws_vpc_peering_connection_options'];
const EC2_TYPE = /^aws_(vpc|subnet|route$|route_table|security_group|default_security_group|internet_gateway|nat_gateway|eip|launch_template|flow_log|network_|ec2_)/;

interface ApplyRole {
  readonly stack: string;
  readonly arn: string;
  readonly statements: Statement[];
}

interface Located {
  readonly stack: string;
  readonly arn: string;
  readonly facts: RequestContext;
}

let deployment: Deployment;
let stacks: GeneratedStack[];
let applyRoles: ApplyRole[];
let roles: StackRole[];
let boundaryArns: string[];

beforeAll(async () => {
  const model = await modelAt(await exampleRepo());
  deployment = { accountId: model.global.infrastructure.accountId, partition: 'aws' };
  stacks = generatedStacks(synth(model));
  const ci = stacks.find((stack) => stack.name === 'ci')!;
  roles = stacks.flatMap((stack) => rolesOf(stack, deployment));
  applyRoles = stacks
    .filter((stack) => stack !== ci)
    .map((stack) => {
      const name = `${model.global.name}-ci-apply-${stack.name}`;
      return { stack: stack.name, arn: roles.find((role) => role.stack === 'ci' && role.name === name)!.arn, statements: rolePolicy(ci, name, deployment) };
    });
  const resolve = resolver(ci, deployment);
  boundaryArns = Object.values(ci.json.resource?.aws_iam_policy ?? {}).map((policy) => `arn:aws:iam::${deployment.accountId}:policy${resolve(policy.path ?? '/')}${resolve(policy.name)}`);
});
afterAll(removeScratchRepos);

/** Every (apply role, action, target) the role can perform, with the request context that lets it. */
function reachable(role: ApplyRole, actions: readonly string[], targets: readonly Located[]): string[] {
  return targets.flatMap((target) =>
    actions.flatMap((action) => {
      const context = allowingContext(role.statements, action, target.arn, target.facts);
      return context ? [`${role.stack} may ${action} ${target.arn} (${target.stack}) given ${JSON.stringify(context)}`] : [];
    }),
  );
}

type Arn = (region: string, resource: string) => string;
const keyArn: Arn = (region, resource) => `arn:aws:kms:${region}:${deployment.accountId}:key/${resource}`;
const clusterArn: Arn = (region, resource) => `arn:aws:eks:${region}:${deployment.accountId}:cluster/${resource}`;
const ec2Arn = (type: string): Arn => (region, resource) => `arn:aws:ec2:${region}:${deployment.accountId}:${NETWORK_TYPES[type]}/${resource}`;

/**
 * Every resource of the type in every stack, where it lives and with the tags it has. An existing
 * resource's request carries no `ec2:CreateAction`: EC2 sets it only inside the call that creates one.
 */
const documentArn: Arn = (region, resource) => `arn:aws:ssm:${region}:${deployment.accountId}:document/${resource}`;
const templateArn: Arn = (region, resource) => `arn:aws:fis:${region}:${deployment.accountId}:experiment-template/${resource}`;
/** Resource types IAM names by the resource's own name; the others get random ids, so any id stands for them. */
const BY_NAME: Readonly<Record<string, Arn>> = { aws_eks_cluster: clusterArn, aws_ssm_document: documentArn };
const BY_ID: Readonly<Record<string, Arn>> = { aws_kms_key: keyArn, aws_fis_experiment_template: templateArn };

function resourcesOfType(type: string): Located[] {
  return stacks.flatMap((stack) =>
    Object.entries(stack.json.resource?.[type] ?? {}).map(([id, resource]) => {
      const { region, tags } = placement(stack, resource);
      const byName = BY_NAME[type];
      const arn = byName ? byName(region, resolver(stack, deployment)(String(resource.name ?? id))) : (BY_ID[type] ?? ec2Arn(type))(region, `${stack.name}-${id}`);
      return { stack: stack.name, arn, facts: { ...resourceFacts(region, tags), 'ec2:CreateAction': undefined } };
    }),
  );
}

const STRANGER_TAGS: readonly Record<string, string>[] = [{ project: 'other-project', stack: 'global' }, { project: 'orders' }, {}];

/** A resource in every region the stacks use that belongs to no stack: by default another project's, one of the project's with no stack tag, and an untagged one. */
function strangers(arn: Arn, tagSets = STRANGER_TAGS): Located[] {
  const regions = [...new Set(resourcesOfType('aws_kms_key').map((key) => key.facts['aws:RequestedRegion'] as string))];
  return regions.flatMap((region) =>
    tagSets.map((tags) => ({
      stack: 'none',
      arn: arn(region, 'stranger'),
      facts: { ...resourceFacts(region, tags), 'ec2:CreateAction': undefined },
    })),
  );
}

interface Reach {
  /** What the apply role may do to each of its own resources. */
  readonly ownWrites?: readonly string[];
  /** Reach into another stack that is granted on purpose. */
  readonly except?: (violation: string) => boolean;
  readonly strangerTags?: readonly Record<string, string>[];
  /** Condition keys the requests carry besides the resource's facts. */
  readonly request?: RequestContext;
}

/** No apply role reaches another stack's resources, or a stranger's, but through `except`; each reaches its own. */
function expectOwnOnly(all: readonly Located[], arn: Arn, writes: readonly string[], { ownWrites = [], except = () => false, strangerTags, request = {} }: Reach): void {
  expect(all.length).toBeGreaterThanOrEqual(2);
  const targets = [...all, ...strangers(arn, strangerTags)].map((target) => ({ ...target, facts: { ...target.facts, ...request } }));
  for (const apply of applyRoles) {
    const violations = reachable(apply, writes, targets.filter((target) => target.stack !== apply.stack));
    expect(violations.filter((violation) => !except(violation))).toEqual([]);
    const own = targets.filter((target) => target.stack === apply.stack);
    expect(reachable(apply, ownWrites, own)).toHaveLength(ownWrites.length * own.length);
  }
}

/** Each apply role's own resources, which it may neither move into another stack nor take out of its own. */
function expectStackTagKept(targets: readonly Located[], tagging: string, untagging: string): void {
  for (const apply of applyRoles) {
    const own = targets.filter((target) => target.stack === apply.stack);
    const facts = (extra: RequestContext) => own.map((target) => ({ ...target, facts: { ...target.facts, ...extra } }));
    expect(reachable(apply, [tagging], facts({ 'aws:RequestTag/stack': 'global' === apply.stack ? 'us-east-1' : 'global', 'aws:TagKeys': ['stack'] }))).toEqual([]);
    expect(reachable(apply, [untagging], facts({ 'aws:TagKeys': ['stack'] }))).toEqual([]);
  }
}

const asTargets = (list: readonly StackRole[], facts: RequestContext = {}): Located[] => list.map((role) => ({ stack: role.stack, arn: role.arn, facts }));

describe('CI apply roles', () => {
  it('find roles in every stack, so the checks below are not vacuous', () => {
    expect(applyRoles.map((role) => role.stack)).toEqual(['global', 'us-east-1', 'us-west-2']);
    for (const stack of ['global', 'us-east-1', 'us-west-2', 'ci']) expect(roles.filter((role) => role.stack === stack).length).toBeGreaterThan(1);
  });

  it('carry one permissions boundary, defined by the ci stack, on every role the region and global stacks create', () => {
    expect(boundaryArns).toHaveLength(1);
    const unbounded = roles.filter((role) => role.stack !== 'ci' && role.permissionsBoundary !== boundaryArns[0]);
    expect(unbounded.map((role) => `${role.stack} ${role.address} ${role.permissionsBoundary ?? 'no boundary'}`)).toEqual([]);
  });

  it('write no role of another stack, no CI role and not themselves, whatever the request carries', () => {
    const violations = applyRoles.flatMap((apply) => reachable(apply, ROLE_WRITES, asTargets(roles.filter((role) => role.stack !== apply.stack))));
    expect(violations).toEqual([]);
  });

  it('write their own stack roles only with the boundary, and never remove it or change the boundary policy', () => {
    const boundary = boundaryArns[0]!;
    const withoutBoundary: RequestContext[] = [{ 'iam:PermissionsBoundary': undefined }, { 'iam:PermissionsBoundary': `arn:aws:iam::${deployment.accountId}:policy/other` }];
    for (const apply of applyRoles) {
      const own = roles.filter((role) => role.stack === apply.stack);
      expect(reachable(apply, BOUNDED_WRITES, asTargets(own, { 'iam:PermissionsBoundary': boundary }))).toHaveLength(BOUNDED_WRITES.length * own.length);
      for (const facts of withoutBoundary) expect(reachable(apply, BOUNDED_WRITES, asTargets(own, facts))).toEqual([]);
      expect(reachable(apply, ['iam:DeleteRolePermissionsBoundary'], asTargets(own))).toEqual([]);
      expect(reachable(apply, POLICY_WRITES, [{ stack: 'ci', arn: boundary, facts: {} }])).toEqual([]);
    }
  });

  it('change only the KMS keys of their own stack, never one of another project or stack or an untagged one, and never move one out of their stack', () => {
    const keys = resourcesOfType('aws_kms_key');
    expectOwnOnly(keys, keyArn, KEY_WRITES, { ownWrites: OWN_KEY_WRITES });
    expectStackTagKept(keys, 'kms:TagResource', 'kms:UntagResource');
  });

  it('find every EC2 resource type the stacks create in the table of network types, so none escapes the check below', () => {
    const types = new Set(stacks.flatMap((stack) => Object.keys(stack.json.resource ?? {})).filter((type) => EC2_TYPE.test(type)));
    expect([...types].filter((type) => !(type in NETWORK_TYPES) && !NETWORK_PARTS.includes(type))).toEqual([]);
    for (const stack of ['global', 'us-east-1', 'us-west-2']) expect(Object.keys(NETWORK_TYPES).some((type) => resourcesOfType(type).some((target) => target.stack === stack))).toBe(true);
  });

  it('change only the network resources of their own stack, but for the global role\'s peering routes in the regions\' route tables, and never move one out of their stack', () => {
    const network = Object.keys(NETWORK_TYPES).flatMap(resourcesOfType);
    const peeringRoute = (violation: string) => /^global may ec2:(CreateRoute|ReplaceRoute|DeleteRoute) arn:aws:ec2:[^:]+:\d+:route-table\/\S+ \((?!none)/.test(violation);
    expectOwnOnly(network, ec2Arn('aws_vpc'), NETWORK_CHANGES, { except: peeringRoute, request: NO_REQUEST_TAGS });
    // An untagged resource may be tagged into the stack: adopting a VPC's default security group needs it (ci-roles.ts).
    expectOwnOnly(network, ec2Arn('aws_vpc'), NETWORK_TAGGING, { ownWrites: NETWORK_TAGGING, strangerTags: STRANGER_TAGS.filter((tags) => Object.keys(tags).length) });
    expectStackTagKept(network, 'ec2:CreateTags', 'ec2:DeleteTags');
    const global = applyRoles.find((role) => role.stack === 'global')!;
    const peerings = resourcesOfType('aws_vpc_peering_connection');
    expect(peerings.map((peering) => peering.stack)).toEqual(['global']);
    expect(reachable(global, ['ec2:DeleteVpcPeeringConnection', 'ec2:ModifyVpcPeeringConnectionOptions', 'ec2:CreateRoute'], peerings)).toHaveLength(3);
    const routeTables = resourcesOfType('aws_route_table').filter((table) => table.stack !== 'global');
    expect(reachable(global, PEERING_ROUTE_WRITES, routeTables)).toHaveLength(PEERING_ROUTE_WRITES.length * routeTables.length);
  });

  it('change only the EKS clusters of their own stack, never another project\'s, and give cluster access to no principal of another stack', () => {
    const clusters = resourcesOfType('aws_eks_cluster');
    expectOwnOnly(clusters, clusterArn, CLUSTER_WRITES, { ownWrites: OWN_CLUSTER_WRITES });
    for (const apply of applyRoles) {
      const foreignPrincipals = roles.filter((role) => role.stack !== apply.stack);
      const entries = clusters.flatMap((cluster) => foreignPrincipals.map((principal) => ({ ...cluster, facts: { ...cluster.facts, 'eks:principalArn': principal.arn } })));
      expect(reachable(apply, ['eks:CreateAccessEntry'], entries)).toEqual([]);
      const adminEntries = clusters.map((cluster) => ({
        ...cluster,
        arn: `${cluster.arn.replace(':cluster/', ':access-entry/')}/role/${deployment.accountId}/anyone/id`,
        facts: { ...cluster.facts, 'eks:policyArn': 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' },
      }));
      expect(reachable(apply, ['eks:AssociateAccessPolicy'], adminEntries)).toEqual([]);
    }
  });

  it('change only the Automation documents of their own region stack, never another project\'s of the same region', () => {
    const documents = resourcesOfType('aws_ssm_document');
    // Another project's document in the same region, named as this project's stacks name theirs.
    const foreign: Arn = (region) => documentArn(region, `payments-${region}-aurora-global-failover`);
    expectOwnOnly(documents, foreign, DOCUMENT_WRITES, { ownWrites: DOCUMENT_WRITES });
    for (const apply of applyRoles) {
      const regionsDocuments = documents.map((document) => ({ ...document, arn: document.arn.replace(/document\/[^-]+-/, 'document/other-'), stack: 'none' }));
      expect(reachable(apply, DOCUMENT_WRITES, regionsDocuments)).toEqual([]);
    }
  });

  it('change only the FIS experiment templates of their own stack, create them only under its tags, and never move one out of it', () => {
    const templates = resourcesOfType('aws_fis_experiment_template');
    expectOwnOnly(templates, templateArn, TEMPLATE_CHANGES, { ownWrites: TEMPLATE_CHANGES });
    // FIS authorizes the tags of a new template as a tagging call of its own: an untagged template may be tagged into the stack (ci-roles.ts).
    expectOwnOnly(templates, templateArn, ['fis:TagResource'], { ownWrites: ['fis:TagResource'], strangerTags: STRANGER_TAGS.filter((tags) => Object.keys(tags).length) });
    expectStackTagKept(templates, 'fis:TagResource', 'fis:UntagResource');
    for (const apply of applyRoles) {
      const own = templates.filter((template) => template.stack === apply.stack);
      const created = (stack: string) => own.map((template) => ({ ...template, arn: templateArn(String(template.facts['aws:RequestedRegion']), 'new'), facts: { 'aws:RequestedRegion': template.facts['aws:RequestedRegion'], 'aws:RequestTag/project': 'orders', 'aws:RequestTag/stack': stack } }));
      expect(reachable(apply, ['fis:CreateExperimentTemplate'], created(apply.stack))).toHaveLength(own.length);
      for (const other of applyRoles.filter((role) => role !== apply)) expect(reachable(apply, ['fis:CreateExperimentTemplate'], created(other.stack))).toEqual([]);
    }
  });

  it('give cluster access within their own stack only to its FIS experiment role, as the FIS user in no group', () => {
    const clusters = resourcesOfType('aws_eks_cluster');
    for (const apply of applyRoles.filter((role) => role.stack !== 'global')) {
      const own = clusters.filter((cluster) => cluster.stack === apply.stack);
      const fisRole = roles.find((role) => role.stack === apply.stack && role.name.endsWith('-fis'))!;
      const entry = (principal: string, request: RequestContext = {}) =>
        own.map((cluster) => ({ ...cluster, facts: { ...cluster.facts, 'eks:principalArn': principal, 'eks:username': 'fis-experiment', 'eks:accessEntryType': 'STANDARD', ...request } }));
      expect(reachable(apply, ['eks:CreateAccessEntry'], entry(fisRole.arn))).toHaveLength(own.length);
      const others = roles.filter((role) => role.stack === apply.stack && role !== fisRole);
      expect(others.length).toBeGreaterThan(1);
      expect(others.flatMap((role) => reachable(apply, ['eks:CreateAccessEntry'], entry(role.arn)))).toEqual([]);
      for (const request of [{ 'eks:username': 'admin' }, { 'eks:kubernetesGroups': ['system:masters'] }, { 'eks:accessEntryType': 'EC2_LINUX' }]) {
        expect(reachable(apply, ['eks:CreateAccessEntry'], entry(fisRole.arn, request))).toEqual([]);
      }
    }
  });
});
