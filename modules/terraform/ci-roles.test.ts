import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { CiRoles, type CiRolesProps } from './ci-roles';

const props: CiRolesProps = {
  name: 'orders',
  repository: 'acme/orders-gitops',
  stateBucket: 'acme-tfstate',
  stateKeyPrefix: 'multi-region/prod',
  stateRegion: 'us-east-1',
  regions: [
    { id: 'use1', awsRegion: 'us-east-1', clusterName: 'orders-use1' },
    { id: 'usw2', awsRegion: 'us-west-2', clusterName: 'orders-usw2' },
  ],
};
const synth = (overrides: Partial<CiRolesProps> = {}): TerraformJson => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new CiRoles(stack, 'ci', { ...props, ...overrides });
  return synthScratch(stack);
};

type Statement = { sid?: string; effect?: string; actions?: string[]; resources?: string[]; not_resources?: string[]; condition?: { test: string; variable: string; values: string[] }[] };
/** Statements of the policy document synthesised at `ci/<name>`. */
const statements = (json: TerraformJson, name: string): Statement[] => {
  const document = Object.values(json.data?.aws_iam_policy_document ?? {}).find((doc) => doc['//'].metadata.path === `stack/ci/${name}`);
  if (!document) throw new Error(`no policy document ci/${name}`);
  return document.statement;
};
const bySid = (list: Statement[], sid: string) => list.find((statement) => statement.sid === sid);
const allows = (list: Statement[]) => list.filter((statement) => (statement.effect ?? 'Allow') === 'Allow');
const condition = (statement: Statement | undefined, variable: string) => statement?.condition?.find((c) => c.variable === variable);
const role = (json: TerraformJson, name: string) => resourcesOf(json, 'aws_iam_role').find((r) => r.name === name);
const stateObject = (key: string) => expect.stringMatching(new RegExp(`:s3:::acme-tfstate/multi-region/prod/${key.replace(/[.*]/g, '\\$&')}$`));

describe('CiRoles', () => {
  it('trusts GitHub Actions tokens issued for STS, without pinned thumbprints', () => {
    const [provider] = resourcesOf(synth(), 'aws_iam_openid_connect_provider');
    expect(provider).toEqual(expect.objectContaining({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] }));
    expect(provider).not.toHaveProperty('thumbprint_list');
  });

  it('lets only pull requests and pushes to the default branch of the repository assume the plan role', () => {
    const [trust] = statements(synth(), 'plan-trust');
    expect(trust!.condition).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:acme/orders-gitops:pull_request', 'repo:acme/orders-gitops:ref:refs/heads/main'] },
    ]);
  });

  it('plans merges on the branch it is told is the default one', () => {
    const subject = condition(statements(synth({ defaultBranch: 'release/2026' }), 'plan-trust')[0], 'token.actions.githubusercontent.com:sub')?.values;
    expect(subject).toEqual(['repo:acme/orders-gitops:pull_request', 'repo:acme/orders-gitops:ref:refs/heads/release/2026']);
  });

  it('lets only the protected environment of the same name assume each apply role', () => {
    const json = synth();
    const subject = (name: string) => condition(statements(json, `${name}-trust`)[0], 'token.actions.githubusercontent.com:sub')?.values;
    expect(subject('apply-use1')).toEqual(['repo:acme/orders-gitops:environment:use1']);
    expect(subject('apply-usw2')).toEqual(['repo:acme/orders-gitops:environment:usw2']);
    expect(subject('apply-global')).toEqual(['repo:acme/orders-gitops:environment:global']);
  });

  it('caps every CI session at one hour and keeps CI roles under their own path', () => {
    const roles = resourcesOf(synth(), 'aws_iam_role');
    expect(roles.map((r) => [r.name, r.path, r.max_session_duration])).toEqual([
      ['orders-ci-plan', '/ci/', 3600],
      ['orders-ci-apply-use1', '/ci/', 3600],
      ['orders-ci-apply-usw2', '/ci/', 3600],
      ['orders-ci-apply-global', '/ci/', 3600],
    ]);
  });

  it('gives the plan role the AWS managed ReadOnlyAccess policy', () => {
    const json = synth();
    const [attachment] = resourcesOf(json, 'aws_iam_role_policy_attachment');
    expect(attachment!.policy_arn).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:iam::aws:policy\/ReadOnlyAccess$/);
    expect(attachment!.role).toContain(Object.keys(json.resource.aws_iam_role!)[0]);
  });

  it('lets the plan role read every stack’s state and write nothing under the state prefix, not even a lock file', () => {
    const plan = statements(synth(), 'plan-policy');
    expect(bySid(plan, 'ReadState')!.resources).toEqual([stateObject('use1.tfstate'), stateObject('usw2.tfstate'), stateObject('global.tfstate')]);
    const writes = allows(plan).filter((statement) => statement.actions!.some((action) => /^s3:(Put|Delete)/.test(action)));
    expect(writes).toEqual([]);
    expect(bySid(plan, 'NoStateWrites')).toEqual(expect.objectContaining({ effect: 'Deny', actions: ['s3:PutObject*', 's3:DeleteObject*'], resources: [stateObject('*')] }));
  });

  it('denies the plan role secret values, parameters, log events, decryption and objects outside the state', () => {
    const plan = statements(synth(), 'plan-policy');
    const denied = plan.filter((statement) => statement.effect === 'Deny').flatMap((statement) => statement.actions);
    expect(denied).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'ssm:GetParameter*', 'kms:Decrypt', 's3:GetObject*']));
    expect(denied).toEqual(expect.arrayContaining(['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:StartLiveTail']));
    expect(condition(bySid(plan, 'NoDecryptOutsideState'), 'kms:ViaService')).toEqual({ test: 'StringNotEquals', variable: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'] });
    expect(bySid(plan, 'NoObjectReadsOutsideState')!.not_resources).toEqual([stateObject('*')]);
  });

  it('confines every regional apply grant outside IAM and Route 53 to its own region', () => {
    const apply = statements(synth(), 'apply-usw2-policy');
    const state = ['ListStateKeys', 'ReadState', 'WriteOwnState', 'HoldOwnLock'];
    const global = (action: string) => action.startsWith('iam:') || action.startsWith('route53:');
    const regional = allows(apply).filter((statement) => !state.includes(statement.sid!) && !statement.actions!.every(global));
    expect(regional.length).toBeGreaterThan(10);
    for (const statement of regional) expect(condition(statement, 'aws:RequestedRegion')?.values).toEqual(['us-west-2']);
    for (const sid of state) expect(condition(bySid(apply, sid), 'aws:RequestedRegion')?.values).toEqual(['us-east-1']);
  });

  it('lets a regional apply role touch only its own state object and lock file', () => {
    const apply = statements(synth(), 'apply-usw2-policy');
    const stateObjects = allows(apply)
      .flatMap((statement) => statement.resources ?? [])
      .filter((resource) => resource.includes('acme-tfstate/'));
    expect([...new Set(stateObjects)]).toEqual([stateObject('usw2.tfstate'), stateObject('usw2.tfstate.tflock')]);
    expect(condition(bySid(apply, 'ListStateKeys'), 's3:prefix')?.values).toEqual(['multi-region/prod/usw2.tfstate']);
  });

  it('lets a regional apply role read the state of the regions it names, without writing it', () => {
    const apply = statements(synth({ regions: [{ id: 'use1', awsRegion: 'us-east-1', clusterName: 'orders-use1' }, { id: 'usw2', awsRegion: 'us-west-2', clusterName: 'orders-usw2', readsStateOf: ['use1'] }] }), 'apply-usw2-policy');
    expect(bySid(apply, 'ReadState')!.resources).toEqual([stateObject('usw2.tfstate'), stateObject('use1.tfstate')]);
    expect(bySid(apply, 'WriteOwnState')!.resources).toEqual([stateObject('usw2.tfstate')]);
  });

  it('lets the global apply role read every stack’s state but write only its own', () => {
    const apply = statements(synth(), 'apply-global-policy');
    expect(bySid(apply, 'ReadState')!.resources).toEqual([stateObject('use1.tfstate'), stateObject('usw2.tfstate'), stateObject('global.tfstate')]);
    expect(bySid(apply, 'WriteOwnState')!.resources).toEqual([stateObject('global.tfstate')]);
  });

  it('grants no wildcard over a whole data service in any policy but the boundary, which grants nothing', () => {
    const json = synth();
    const grants = Object.values(json.data!.aws_iam_policy_document!).filter((doc) => doc['//'].metadata.path !== 'stack/ci/stack-role-boundary-document');
    const actions = grants.flatMap((doc) => allows(doc.statement).flatMap((statement: Statement) => statement.actions ?? []));
    const dataServices = ['s3', 'rds', 'rds-db', 'kafka', 'kafka-cluster', 'elasticache', 'dynamodb', 'kms', 'secretsmanager'];
    expect(actions.filter((action) => action === '*' || dataServices.some((service) => action.toLowerCase() === `${service}:*`))).toEqual([]);
  });

  it('lets each apply role manage and pass only the roles under its own stack’s path, to the services that use them', () => {
    const json = synth();
    const policy = (name: string) => statements(json, name);
    for (const sid of ['ManageStackRoles', 'WriteStackRolesWithinBoundary', 'AttachServicePolicies', 'PassStackRoles']) {
      expect(bySid(policy('apply-use1-policy'), sid)!.resources).toEqual([expect.stringMatching(/:role\/orders\/use1\/\*$/)]);
      expect(bySid(policy('apply-global-policy'), sid)!.resources).toEqual([expect.stringMatching(/:role\/orders\/global\/\*$/)]);
    }
    expect(condition(bySid(policy('apply-use1-policy'), 'PassStackRoles'), 'iam:PassedToService')?.values).toEqual(expect.arrayContaining(['eks.amazonaws.com', 'rds.amazonaws.com', 's3.amazonaws.com']));
    expect(condition(bySid(policy('apply-global-policy'), 'PassStackRoles'), 'iam:PassedToService')?.values).toEqual(['arc-region-switch.amazonaws.com']);
  });

  it('requires the stack role boundary on every role write that can carry it', () => {
    const apply = statements(synth(), 'apply-use1-policy');
    const boundary = expect.stringMatching(/:iam::\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:policy\/ci\/orders-stack-role-boundary$/);
    for (const sid of ['WriteStackRolesWithinBoundary', 'AttachServicePolicies']) expect(condition(bySid(apply, sid), 'iam:PermissionsBoundary')?.values).toEqual([boundary]);
    expect(bySid(apply, 'WriteStackRolesWithinBoundary')!.actions).toEqual(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary']);
    expect(bySid(apply, 'ManageStackRoles')!.actions).not.toEqual(expect.arrayContaining(['iam:CreateRole']));
  });

  it('denies each apply role IAM writes on itself, the CI roles and the boundary, removing boundaries and assuming roles', () => {
    const apply = statements(synth(), 'apply-usw2-policy');
    expect(bySid(apply, 'NoChangesToCiOrSelf')).toEqual(
      expect.objectContaining({
        effect: 'Deny',
        actions: expect.arrayContaining(['iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:Create*', 'iam:PassRole']),
        resources: expect.arrayContaining([expect.stringMatching(/:role\/ci\/orders-ci-apply-usw2$/), expect.stringMatching(/:role\/ci\/\*$/), expect.stringMatching(/:policy\/ci\/\*$/)]),
      }),
    );
    expect(bySid(apply, 'KeepBoundaries')).toEqual(expect.objectContaining({ effect: 'Deny', actions: expect.arrayContaining(['iam:DeleteRolePermissionsBoundary']), resources: ['*'] }));
    expect(bySid(apply, 'NoRoleAssumption')).toEqual(expect.objectContaining({ effect: 'Deny', actions: ['sts:AssumeRole'] }));
  });

  it('defines the boundary under the CI path: everything but IAM writes, role assumption and the CI roles', () => {
    const json = synth();
    expect(resourcesOf(json, 'aws_iam_policy')).toEqual([expect.objectContaining({ name: 'orders-stack-role-boundary', path: '/ci/' })]);
    const boundary = statements(json, 'stack-role-boundary-document');
    expect(bySid(boundary, 'WithinBoundary')).toEqual(expect.objectContaining({ actions: ['*'], resources: ['*'] }));
    expect(bySid(boundary, 'NoIdentityChanges')).toEqual(expect.objectContaining({ effect: 'Deny', actions: expect.arrayContaining(['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:PassRole']) }));
    expect(bySid(boundary, 'NoEscalationOutsideIam')!.actions).toEqual(expect.arrayContaining(['organizations:*', 'sts:AssumeRole', 'sts:GetFederationToken']));
    expect(bySid(boundary, 'NoCiAccess')!.resources).toEqual(expect.arrayContaining([expect.stringMatching(/:role\/ci\/\*$/), expect.stringMatching(/:policy\/ci\/\*$/)]));
  });

  it('scopes KMS key and EC2 writes by the project tag and the role’s own stack tag, on the resource or in the creating request', () => {
    const apply = statements(synth(), 'apply-use1-policy');
    const tag = (sid: string, variable: string) => condition(bySid(apply, sid), variable)?.values;
    for (const [sid, on] of [['CreateStackKeys', 'Request'], ['ManageStackKeys', 'Resource'], ['CreateStackNetwork', 'Request'], ['ChangeStackNetwork', 'Resource']] as const) {
      expect(tag(sid, `aws:${on}Tag/project`)).toEqual(['orders']);
      expect(tag(sid, `aws:${on}Tag/stack`)).toEqual(['use1']);
    }
    expect(bySid(apply, 'ManageStackKeys')!.actions).toEqual(expect.arrayContaining(['kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']));
    expect(bySid(apply, 'ChangeStackNetwork')!.actions).toEqual(expect.arrayContaining(['ec2:Modify*', 'ec2:Delete*', 'ec2:CreateTags']));
    const unscoped = allows(apply).filter((statement) => statement.actions!.some((action) => /^(kms|ec2):(Create|Modify|Delete|Put|Schedule)/.test(action)) && !statement.condition!.some((c) => /^aws:(Resource|Request)Tag\/stack$/.test(c.variable)));
    expect(unscoped.map((statement) => statement.sid)).toEqual(['TagOnCreate', 'ManageProjectAliases']);
  });

  it('keeps every apply role from giving a resource another stack’s tag, tagging another stack’s resources or removing the tag', () => {
    const apply = statements(synth(), 'apply-use1-policy');
    const otherThanOwn = (on: string) => expect.arrayContaining([expect.objectContaining({ test: 'StringNotEquals', variable: `aws:${on}Tag/stack`, values: ['use1'] })]);
    expect(bySid(apply, 'NoOtherStacksResources')!.condition).toEqual(otherThanOwn('Resource'));
    expect(bySid(apply, 'NoOtherStackTag')!.condition).toEqual(otherThanOwn('Request'));
    expect(bySid(apply, 'KeepStackTag')).toEqual(expect.objectContaining({ effect: 'Deny', actions: ['ec2:DeleteTags', 'kms:UntagResource', 'eks:UntagResource', 'fis:UntagResource'] }));
    expect(condition(bySid(apply, 'KeepStackTag'), 'aws:TagKeys')?.values).toEqual(['stack']);
  });

  it('lets the global apply role change only its own peering, and route only through it', () => {
    const global = statements(synth(), 'apply-global-policy');
    expect(condition(bySid(global, 'ManageStackPeering'), 'aws:ResourceTag/stack')?.values).toEqual(['global']);
    expect(bySid(global, 'RouteThroughStackPeering')!.resources).toEqual([expect.stringMatching(/:vpc-peering-connection\/\*$/)]);
    expect(bySid(global, 'RoutePeersInProjectRouteTables')!.resources).toEqual([expect.stringMatching(/:route-table\/\*$/)]);
  });

  it('confines EKS writes to the region’s own cluster, and the global role’s cluster access to its own roles and the scaling policy', () => {
    const json = synth();
    expect(bySid(statements(json, 'apply-use1-policy'), 'ManageStackCluster')!.resources).toEqual([
      expect.stringMatching(/:eks:us-east-1:[^:]+:cluster\/orders-use1$/),
      expect.stringMatching(/:nodegroup\/orders-use1\/\*$/),
      expect.stringMatching(/:addon\/orders-use1\/\*$/),
    ]);
    const global = statements(json, 'apply-global-policy');
    expect(condition(bySid(global, 'GrantStackRolesClusterAccess'), 'eks:principalArn')?.values).toEqual([expect.stringMatching(/:role\/orders\/global\/\*$/)]);
    expect(condition(bySid(global, 'ManageProjectClusterAccess'), 'aws:ResourceTag/project')?.values).toEqual(['orders']);
    expect(condition(bySid(global, 'OnlyRegionSwitchScaling'), 'eks:policyArn')?.values).toEqual([expect.stringMatching(/cluster-access-policy\/AmazonARCRegionSwitchScalingPolicy$/)]);
  });

  it('lets a region apply role map into its own cluster its own FIS experiment role alone, as the FIS user in no group, and associate no access policy', () => {
    const apply = statements(synth(), 'apply-use1-policy');
    const map = bySid(apply, 'MapFisExperimentRole')!;
    expect(map.actions).toEqual(['eks:CreateAccessEntry']);
    expect(map.resources).toEqual([expect.stringMatching(/:eks:us-east-1:[^:]+:cluster\/orders-use1$/)]);
    expect(condition(map, 'eks:principalArn')).toEqual({ test: 'StringEquals', variable: 'eks:principalArn', values: [expect.stringMatching(/:iam::[^:]+:role\/orders\/use1\/orders-use1-fis$/)] });
    expect(condition(map, 'eks:username')?.values).toEqual(['fis-experiment']);
    expect(condition(map, 'eks:accessEntryType')?.values).toEqual(['STANDARD']);
    expect(condition(map, 'eks:kubernetesGroups')).toEqual({ test: 'Null', variable: 'eks:kubernetesGroups', values: ['true'] });
    expect(condition(bySid(apply, 'ManageStackClusterAccess'), 'aws:ResourceTag/stack')?.values).toEqual(['use1']);
    const grants = allows(apply).flatMap((statement) => statement.actions ?? []);
    expect(grants.filter((action) => /^eks:(UpdateAccessEntry|AssociateAccessPolicy|\*)$/.test(action))).toEqual([]);
  });

  it('lets a region apply role write only its own region’s Automation documents, by name, and only its own stack’s experiment templates, by tag', () => {
    const apply = statements(synth(), 'apply-use1-policy');
    expect(bySid(apply, 'ManageStackAutomationDocuments')!.resources).toEqual([expect.stringMatching(/:ssm:us-east-1:[^:]+:document\/orders-use1-\*$/)]);
    expect(condition(bySid(apply, 'CreateStackExperimentTemplates'), 'aws:RequestTag/stack')?.values).toEqual(['use1']);
    expect(condition(bySid(apply, 'ManageStackExperimentTemplates'), 'aws:ResourceTag/stack')?.values).toEqual(['use1']);
    const unscoped = allows(apply).filter((statement) => statement.resources!.includes('*') && statement.actions!.some((action) => /^(ssm|fis):(Create|Update|Delete|Tag|Untag|Add|Remove)/.test(action)));
    expect(unscoped.map((statement) => statement.sid)).toEqual([]);
  });

  it('lets the global apply role read but not change the CI roles', () => {
    const apply = statements(synth(), 'apply-global-policy');
    const ciResources = allows(apply).filter((statement) => statement.resources?.some((resource) => resource.includes(':role/ci/')));
    expect(ciResources.map((statement) => statement.sid)).toEqual(['ReadCiRoles']);
    expect(ciResources[0]!.actions!.every((action) => /^iam:(Get|List)/.test(action))).toBe(true);
  });

  it('lets the roles use the state bucket’s key only through S3 when one is given', () => {
    const grant = (json: TerraformJson) => bySid(statements(json, 'apply-use1-policy'), 'StateKeyThroughS3');
    expect(grant(synth())).toBeUndefined();
    const withKey = grant(synth({ stateKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/state' }));
    expect(withKey).toEqual(expect.objectContaining({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['arn:aws:kms:us-east-1:123456789012:key/state'] }));
    expect(condition(withKey, 'kms:ViaService')?.values).toEqual(['s3.us-east-1.amazonaws.com']);
  });

  it('exposes the apply roles by stack name', () => {
    const stack = scratchStack();
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    expect(Object.keys(new CiRoles(stack, 'ci', props).applyRoles)).toEqual(['use1', 'usw2', 'global']);
  });
});
