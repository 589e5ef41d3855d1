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
 * the example) and evaluated against every role, key and cluster the generated stacks create.
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

type KeyOrCluster = 'aws_kms_key' | 'aws_eks_cluster';

function resourcesOfType(type: KeyOrCluster): Located[] {
  return stacks.flatMap((stack) =>
    Object.entries(stack.json.resource?.[type] ?? {}).map(([id, resource]) => {
      const { region, tags } = placement(stack, resource);
      const name = resolver(stack, deployment)(String(resource.name ?? id));
      const arn = type === 'aws_kms_key' ? `arn:aws:kms:${region}:${deployment.accountId}:key/${stack.name}-${id}` : `arn:aws:eks:${region}:${deployment.accountId}:cluster/${name}`;
      return { stack: stack.name, arn, facts: resourceFacts(region, tags) };
    }),
  );
}

/** A key and a cluster in every region the stacks use that belong to no stack: another project's, and an untagged one. */
function strangers(type: KeyOrCluster): Located[] {
  const regions = [...new Set(resourcesOfType('aws_kms_key').map((key) => key.facts['aws:RequestedRegion'] as string))];
  return regions.flatMap((region) =>
    ([{ project: 'other-project' }, {}] as Record<string, string>[]).map((tags) => ({
      stack: 'none',
      arn: type === 'aws_kms_key' ? `arn:aws:kms:${region}:${deployment.accountId}:key/stranger` : `arn:aws:eks:${region}:${deployment.accountId}:cluster/stranger`,
      facts: resourceFacts(region, tags),
    })),
  );
}

/** No apply role reaches another stack's keys or clusters, or a stranger's; each reaches its own. */
function expectOwnOnly(type: KeyOrCluster, writes: readonly string[], ownWrites: readonly string[]): Located[] {
  const targets = resourcesOfType(type);
  expect(targets.length).toBeGreaterThanOrEqual(2);
  for (const apply of applyRoles) {
    expect(reachable(apply, writes, [...targets.filter((target) => target.stack !== apply.stack), ...strangers(type)])).toEqual([]);
    const own = targets.filter((target) => target.stack === apply.stack);
    expect(reachable(apply, ownWrites, own)).toHaveLength(ownWrites.length * own.length);
  }
  return targets;
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

  it('change only the KMS keys of their own stack, never one of another project or an untagged one', () => {
    expectOwnOnly('aws_kms_key', KEY_WRITES, OWN_KEY_WRITES);
  });

  it('change only the EKS clusters of their own stack, never another project\'s, and give cluster access to no principal of another stack', () => {
    const clusters = expectOwnOnly('aws_eks_cluster', CLUSTER_WRITES, OWN_CLUSTER_WRITES);
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
});
