import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktn/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktn/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import type { ComputedTagKey } from '../../schemas';
import { CI_IAM_PATH, FIS_KUBERNETES_USER, fisExperimentRoleName, REGION_SWITCH_SCALING_POLICY, regionResourceName, stackRoleBoundaryArn, stackRoleBoundaryName, stackRolePath } from '../names';
import { callerIdentity, partitionOf } from './aws-context';

export interface CiRegion {
  /** Region id: the stack name, the GitHub environment name and part of the role path its stack manages. */
  readonly id: string;
  readonly awsRegion: string;
  /** Name of the EKS cluster the region's stack creates; its apply role may change no other cluster. */
  readonly clusterName: string;
  /**
   * Other region stacks whose outputs this region's stack reads through remote state; their state
   * objects become readable (never writable) to its apply role.
   * @default none
   */
  readonly readsStateOf?: readonly string[];
}

export interface CiRolesProps {
  /** Project name, e.g. `orders`: prefixes the CI roles and the buckets, heads the IAM path of each stack's roles, and is the `project` tag every managed resource carries. */
  readonly name: string;
  /** GitHub repository as `owner/name`. */
  readonly repository: string;
  /** Bucket holding every stack's state. */
  readonly stateBucket: string;
  /** Key prefix of the state objects; each stack's state is `<prefix>/<stack>.tfstate`. */
  readonly stateKeyPrefix: string;
  /** Region of the state bucket. */
  readonly stateRegion: string;
  /**
   * Customer-managed key the state bucket encrypts with, if any; the roles may use it only through S3.
   * @default the bucket uses S3-managed keys and no KMS grant is made
   */
  readonly stateKmsKeyArn?: string;
  /** One apply role per region, in model order. */
  readonly regions: readonly CiRegion[];
  /**
   * Name of the global stack, and of the GitHub environment its apply runs in.
   * @default 'global'
   */
  readonly globalStackName?: string;
  /**
   * Branch whose pushes apply the stacks. The plan role trusts it besides pull requests: after a merge, each
   * stack is planned read-only on this branch before its apply job, behind its environment, applies that plan.
   * @default 'main'
   */
  readonly defaultBranch?: string;
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com';
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const BRANCH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
/** The tag every resource the stacks create carries (provider default_tags); write actions on KMS, EC2 and EKS access require it. */
const PROJECT_TAG: ComputedTagKey = 'project';
/** The tag naming the stack that created a resource (provider default_tags); the same writes require it to be the role's own stack. */
const STACK_TAG: ComputedTagKey = 'stack';

/** Every IAM action that changes an identity or a policy, by verb; reads (Get, List, Generate, Simulate) stay allowed. */
const IAM_WRITES = [
  'iam:Add*', 'iam:Attach*', 'iam:Change*', 'iam:Create*', 'iam:Deactivate*', 'iam:Delete*', 'iam:Detach*', 'iam:Enable*', 'iam:PassRole',
  'iam:Put*', 'iam:Remove*', 'iam:Reset*', 'iam:Resync*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*',
];

/**
 * What each region's apply may do, service by service, as prefix wildcards where the stacks need a
 * family of calls, confined to the region. Data services (s3, rds, elasticache, kafka, kms) never get a
 * service wildcard. EC2, EKS and KMS are not here: their writes are scoped by tag or cluster name too.
 */
const REGIONAL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  rds: ['rds:Describe*', 'rds:ListTagsForResource', 'rds:Create*', 'rds:Modify*', 'rds:Delete*', 'rds:RemoveFromGlobalCluster', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
  elasticache: ['elasticache:Describe*', 'elasticache:List*', 'elasticache:Create*', 'elasticache:Modify*', 'elasticache:Delete*', 'elasticache:AddTagsToResource', 'elasticache:RemoveTagsFromResource'],
  kafka: ['kafka:Describe*', 'kafka:List*', 'kafka:Get*', 'kafka:Create*', 'kafka:Update*', 'kafka:Delete*', 'kafka:TagResource', 'kafka:UntagResource'],
  logs: [
    'logs:Describe*', 'logs:List*', 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:PutResourcePolicy', 'logs:DeleteResourcePolicy',
    'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource',
    // WAF delivers its logs through a CloudWatch Logs delivery its caller creates.
    'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
  ],
  cloudwatch: ['cloudwatch:Describe*', 'cloudwatch:List*', 'cloudwatch:Get*', 'cloudwatch:Put*', 'cloudwatch:Delete*', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
  sns: ['sns:Get*', 'sns:List*', 'sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:TagResource', 'sns:UntagResource'],
  wafv2: ['wafv2:Get*', 'wafv2:List*', 'wafv2:Create*', 'wafv2:Update*', 'wafv2:Delete*', 'wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration', 'wafv2:TagResource', 'wafv2:UntagResource'],
  elasticloadbalancing: [
    'elasticloadbalancing:Describe*', 'elasticloadbalancing:Create*', 'elasticloadbalancing:Delete*', 'elasticloadbalancing:Modify*', 'elasticloadbalancing:Set*',
    'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags', 'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates',
  ],
  acm: ['acm:Describe*', 'acm:List*', 'acm:Get*', 'acm:RequestCertificate', 'acm:DeleteCertificate', 'acm:UpdateCertificateOptions', 'acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'],
  // Reads only: writes to experiment templates and Automation documents are scoped to the stack's own (chaosStatements).
  fis: ['fis:Get*', 'fis:List*'],
  ssm: ['ssm:DescribeDocument', 'ssm:DescribeDocumentPermission', 'ssm:GetDocument', 'ssm:ListDocumentVersions', 'ssm:ListTagsForResource'],
  backup: ['backup:Describe*', 'backup:List*', 'backup:Get*', 'backup:Create*', 'backup:Update*', 'backup:Delete*', 'backup:Put*', 'backup:TagResource', 'backup:UntagResource', 'backup-storage:MountCapsule'],
};

/** Log data the plan role may not read: what the workloads print may carry secrets, and a plan's log is the branch author's to read. */
const PLAN_DENIED_LOG_READS = ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:StartLiveTail', 'logs:GetLogRecord', 'logs:GetLogObject', 'logs:Unmask'];

/** Bucket configuration only: no object reads or writes, which stay with the workloads. */
const BUCKET_ACTIONS = [
  's3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucketPolicy', 's3:DeleteBucketOwnershipControls',
  's3:GetAccelerateConfiguration', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration',
  's3:GetReplicationConfiguration', 's3:PutReplicationConfiguration',
];

/**
 * Role calls IAM authorizes without an `iam:PermissionsBoundary` key, so they are confined by the
 * stack's path alone; every role there carries the boundary, since it can be created only with it
 * and never loses it (KeepBoundaries).
 */
const ROLE_ACTIONS = [
  'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:DeleteRole',
  'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
];
/** Role calls whose requests carry `iam:PermissionsBoundary` (IAM service authorization reference): each requires the stack boundary. */
const BOUNDED_ROLE_ACTIONS = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'];

/** Services each stack passes its roles to. */
const REGIONAL_PASSED_TO = [
  'eks.amazonaws.com', 'ec2.amazonaws.com', 'rds.amazonaws.com', 'monitoring.rds.amazonaws.com', 'backup.amazonaws.com', 'kafka.amazonaws.com', 's3.amazonaws.com', 'vpc-flow-logs.amazonaws.com',
  'fis.amazonaws.com',
];
const GLOBAL_PASSED_TO = ['arc-region-switch.amazonaws.com'];

/**
 * IAM for CI through GitHub Actions OIDC: a read-only plan role for pull requests and one apply role
 * per stack, each usable only from the protected GitHub environment of the same name, each confined to
 * its own region (aws:RequestedRegion on every regional grant) and to its own state object. An
 * administrator applies this construct.
 *
 * Roles: a stack's roles live under its own IAM path, `/<name>/<stack>/` (modules/names.ts), and its
 * apply role writes `role/<name>/<stack>/*` only. IAM's `*` spans `/`, so the closing `/` is what keeps
 * one stack off another; CI roles and the boundary live under `/ci/`, which no stack path starts with,
 * and an explicit Deny keeps every apply role off `/ci/` and off itself whatever else is allowed.
 *
 * Boundary: every role an apply role creates or changes must carry the stack role boundary this
 * construct defines (the `iam:PermissionsBoundary` condition on each call that supports it), and no
 * apply role may remove a boundary or change the boundary policy. The boundary allows everything except
 * what would escalate: IAM writes, Organizations and account settings, assuming other roles or minting
 * federation tokens, and any access to the CI roles and the boundary. An allow-list (the union of what
 * the stacks' roles need) was rejected: most of those roles hold AWS managed service policies (EKS,
 * Backup, RDS monitoring) that AWS extends without notice, and a boundary that lags them breaks a
 * failover or a restore, the moment it is needed. What each role may do stays in its own policy; the
 * boundary is the ceiling an apply role cannot raise.
 *
 * Tags: KMS key writes, EC2 writes and EKS access entries require the `project` tag and the `stack` tag
 * naming the role's own stack, `aws:ResourceTag` on existing resources and `aws:RequestTag` on creation,
 * as the service authorization reference supports; EKS clusters are confined by name. The region alone
 * would not do: the global stack's peering and its accepter side live in the regions' own APIs. No role
 * may give a resource another stack's `stack` tag or remove the tag (KeepStackTags). What stays
 * region-scoped only is listed where it is granted.
 */
export class CiRoles extends Construct {
  readonly oidcProvider: IamOpenidConnectProvider;
  /** The permissions boundary every role of the region and global stacks carries. */
  readonly stackRoleBoundary: IamPolicy;
  readonly planRole: IamRole;
  /** Apply role by stack: every region id and the global stack's name. */
  readonly applyRoles: Readonly<Record<string, IamRole>>;

  private readonly props: CiRolesProps;
  private readonly partition: string;
  private readonly accountId: string;
  private readonly boundaryArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    if (!REPOSITORY.test(props.repository)) {
      throw new Error(`CiRoles ${id}: repository: expected a GitHub repository as owner/name, got ${JSON.stringify(props.repository)}`);
    }
    if (props.defaultBranch !== undefined && !BRANCH.test(props.defaultBranch)) {
      throw new Error(`CiRoles ${id}: defaultBranch: expected a branch name of letters, digits and ._/- (an OIDC subject cannot carry more), got ${JSON.stringify(props.defaultBranch)}`);
    }
    const globalStack = props.globalStackName ?? 'global';
    const stacks = [...props.regions.map((region) => region.id), globalStack];
    if (stackRolePath(props, globalStack).startsWith(CI_IAM_PATH)) {
      throw new Error(`CiRoles ${id}: name: expected a name whose role paths stay outside ${CI_IAM_PATH}, got ${JSON.stringify(props.name)}`);
    }
    const duplicate = stacks.find((stack, index) => stacks.indexOf(stack) !== index);
    if (duplicate !== undefined) {
      throw new Error(`CiRoles ${id}: regions[].id: expected ids unique and distinct from globalStackName, got ${JSON.stringify(duplicate)} twice`);
    }
    for (const region of props.regions) {
      const others = props.regions.map((other) => other.id).filter((other) => other !== region.id);
      const unknown = (region.readsStateOf ?? []).find((stack) => !others.includes(stack));
      if (unknown !== undefined) {
        throw new Error(`CiRoles ${id}: regions[${region.id}].readsStateOf: expected ids of other regions (${others.join(', ')}), got ${JSON.stringify(unknown)}`);
      }
    }
    const documentPrefix = (region: CiRegion) => `${regionResourceName(props, region)}-`;
    for (const region of props.regions) {
      const overlapping = props.regions.find((other) => other !== region && documentPrefix(other).startsWith(documentPrefix(region)));
      if (overlapping !== undefined) {
        throw new Error(`CiRoles ${id}: regions[].id: expected no id that extends another with '-' (the Automation documents of ${region.id} are confined to ${documentPrefix(region)}*, which takes in ${overlapping.id}'s), got ${JSON.stringify(region.id)} and ${JSON.stringify(overlapping.id)}`);
      }
    }
    this.props = props;
    this.partition = partitionOf(this).partition;
    this.accountId = callerIdentity(this).accountId;
    this.boundaryArn = stackRoleBoundaryArn(props, this.partition, this.accountId);

    // Thumbprints are optional since AWS validates GitHub's certificate against its own trusted CAs.
    this.oidcProvider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_OIDC}`,
      clientIdList: ['sts.amazonaws.com'],
      tags: { Name: `${props.name}-github-actions` },
    });

    this.stackRoleBoundary = new IamPolicy(this, 'stack-role-boundary', {
      name: stackRoleBoundaryName(props),
      path: CI_IAM_PATH,
      description: 'Permissions boundary of every role the region and global stacks create: no IAM writes, no role assumption, no CI roles',
      policy: new DataAwsIamPolicyDocument(this, 'stack-role-boundary-document', { statement: this.boundaryStatements() }).json,
      tags: { Name: stackRoleBoundaryName(props) },
    });

    this.planRole = this.role('plan', `${props.name}-ci-plan`, ['pull_request', `ref:refs/heads/${props.defaultBranch ?? 'main'}`], 'Plans pull requests and merges without locking: reads everything but secrets, data and logs, writes nothing');
    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.planRole.name, policyArn: `arn:${this.partition}:iam::aws:policy/ReadOnlyAccess` });
    this.inlinePolicy('plan', this.planRole, this.planStatements(stacks));

    const applyRoles: Record<string, IamRole> = {};
    for (const region of props.regions) {
      const role = this.role(`apply-${region.id}`, `${props.name}-ci-apply-${region.id}`, [`environment:${region.id}`], `Applies the ${region.id} stack in ${region.awsRegion} only`);
      const readable = [region.id, ...(region.readsStateOf ?? [])];
      this.inlinePolicy(`apply-${region.id}`, role, [
        ...this.stateStatements(region.id, readable),
        ...this.regionalStatements(region),
        ...this.stackTagStatements(region.id),
        ...this.guardStatements(`${props.name}-ci-apply-${region.id}`),
      ]);
      applyRoles[region.id] = role;
    }
    const globalRole = this.role(`apply-${globalStack}`, `${props.name}-ci-apply-${globalStack}`, [`environment:${globalStack}`], 'Applies the global stack: DNS, accelerator, Region switch plan, peering');
    this.inlinePolicy(`apply-${globalStack}`, globalRole, [
      ...this.stateStatements(globalStack, stacks),
      ...this.globalStatements(globalStack),
      ...this.stackTagStatements(globalStack),
      ...this.guardStatements(`${props.name}-ci-apply-${globalStack}`),
    ]);
    applyRoles[globalStack] = globalRole;
    this.applyRoles = applyRoles;
  }

  private role(id: string, name: string, subjects: readonly string[], description: string): IamRole {
    const trust = new DataAwsIamPolicyDocument(this, `${id}-trust`, {
      statement: [
        {
          sid: 'GitHubActions',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [this.oidcProvider.arn] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB_OIDC}:aud`, values: ['sts.amazonaws.com'] },
            { test: 'StringEquals', variable: `${GITHUB_OIDC}:sub`, values: subjects.map((subject) => `repo:${this.props.repository}:${subject}`) },
          ],
        },
      ],
    });
    return new IamRole(this, id, { name, path: CI_IAM_PATH, description, assumeRolePolicy: trust.json, maxSessionDuration: 3600, tags: { Name: name } });
  }

  private inlinePolicy(id: string, role: IamRole, statements: DataAwsIamPolicyDocumentStatement[]): void {
    const document = new DataAwsIamPolicyDocument(this, `${id}-policy`, { statement: statements });
    new IamRolePolicy(this, `${id}-permissions`, { name: 'permissions', role: role.name, policy: document.json });
  }

  private arn(service: string, region: string, resource: string): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }

  private iamArn(resource: string): string {
    return `arn:${this.partition}:iam::${this.accountId}:${resource}`;
  }

  /** Allow all but escalation; see the class comment for why it is not an allow-list. */
  private boundaryStatements(): DataAwsIamPolicyDocumentStatement[] {
    return [
      { sid: 'WithinBoundary', actions: ['*'], resources: ['*'] },
      { sid: 'NoIdentityChanges', effect: 'Deny', actions: IAM_WRITES, resources: ['*'] },
      {
        sid: 'NoEscalationOutsideIam',
        effect: 'Deny',
        actions: ['organizations:*', 'account:*', 'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:GetFederationToken'],
        resources: ['*'],
      },
      { sid: 'NoCiAccess', effect: 'Deny', actions: ['*'], resources: [this.iamArn(`role${CI_IAM_PATH}*`), this.iamArn(`policy${CI_IAM_PATH}*`), this.oidcProvider.arn] },
    ];
  }

  /**
   * Explicit denies that win over any Allow: an apply role changes neither itself nor any CI role nor
   * the boundary, never removes a boundary, and never assumes a role (a stack role whose trust it
   * rewrote would otherwise lend it that role's permissions).
   */
  private guardStatements(roleName: string): DataAwsIamPolicyDocumentStatement[] {
    return [
      {
        sid: 'NoChangesToCiOrSelf',
        effect: 'Deny',
        actions: IAM_WRITES,
        resources: [this.iamArn(`role${CI_IAM_PATH}${roleName}`), this.iamArn(`role${CI_IAM_PATH}*`), this.iamArn(`policy${CI_IAM_PATH}*`), this.oidcProvider.arn],
      },
      { sid: 'KeepBoundaries', effect: 'Deny', actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], resources: ['*'] },
      { sid: 'NoRoleAssumption', effect: 'Deny', actions: ['sts:AssumeRole'], resources: ['*'] },
    ];
  }

  private stateKey(stack: string): string {
    return `${this.props.stateKeyPrefix}/${stack}.tfstate`;
  }

  private stateObject(key: string): string {
    return `arn:${this.partition}:s3:::${this.props.stateBucket}/${key}`;
  }

  /** State statements: read `readable` stacks' state, write `own` state and its lock file. */
  private stateStatements(own: string, readable: readonly string[]): DataAwsIamPolicyDocumentStatement[] {
    const inStateRegion = requestedRegion([this.props.stateRegion]);
    const ownKey = this.stateKey(own);
    return [
      {
        sid: 'ListStateKeys',
        actions: ['s3:ListBucket'],
        resources: [`arn:${this.partition}:s3:::${this.props.stateBucket}`],
        condition: [inStateRegion, { test: 'StringEquals', variable: 's3:prefix', values: readable.map((stack) => this.stateKey(stack)) }],
      },
      { sid: 'ReadState', actions: ['s3:GetObject'], resources: readable.map((stack) => this.stateObject(this.stateKey(stack))), condition: [inStateRegion] },
      { sid: 'WriteOwnState', actions: ['s3:GetObject', 's3:PutObject'], resources: [this.stateObject(ownKey)], condition: [inStateRegion] },
      { sid: 'HoldOwnLock', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [this.stateObject(`${ownKey}.tflock`)], condition: [inStateRegion] },
      ...this.stateKeyStatements(),
    ];
  }

  private stateKeyStatements(): DataAwsIamPolicyDocumentStatement[] {
    if (!this.props.stateKmsKeyArn) return [];
    return [
      {
        sid: 'StateKeyThroughS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.props.stateKmsKeyArn],
        condition: [requestedRegion([this.props.stateRegion]), { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${this.props.stateRegion}.amazonaws.com`] }],
      },
    ];
  }

  /**
   * ReadOnlyAccess refreshes every resource type the stacks use; the denies keep a plan from an
   * untrusted branch from reading secrets or data (objects outside the state prefix, secret values,
   * parameters, log events, decryption other than of the state through S3) and printing them into a log.
   * A pull request's branch runs its own code with this role, so it takes no lock (every plan runs with
   * `-lock=false`; a saved plan refuses to apply once the state has moved) and writes nothing under the
   * state prefix: it could otherwise delete the lock a running apply holds.
   */
  private planStatements(stacks: readonly string[]): DataAwsIamPolicyDocumentStatement[] {
    const { stateBucket, stateKeyPrefix, stateRegion } = this.props;
    const inStateRegion = requestedRegion([stateRegion]);
    const statePrefix = this.stateObject(`${stateKeyPrefix}/*`);
    return [
      {
        sid: 'ListState',
        actions: ['s3:ListBucket'],
        resources: [`arn:${this.partition}:s3:::${stateBucket}`],
        condition: [inStateRegion, { test: 'StringLike', variable: 's3:prefix', values: [`${stateKeyPrefix}/*`] }],
      },
      { sid: 'ReadState', actions: ['s3:GetObject'], resources: stacks.map((stack) => this.stateObject(this.stateKey(stack))), condition: [inStateRegion] },
      ...this.stateKeyStatements(),
      { sid: 'NoSecretReads', effect: 'Deny', actions: ['secretsmanager:GetSecretValue', 'ssm:GetParameter*'], resources: ['*'] },
      { sid: 'NoLogReads', effect: 'Deny', actions: PLAN_DENIED_LOG_READS, resources: ['*'] },
      { sid: 'NoStateWrites', effect: 'Deny', actions: ['s3:PutObject*', 's3:DeleteObject*'], resources: [this.stateObject(`${stateKeyPrefix}/*`)] },
      {
        sid: 'NoDecryptOutsideState',
        effect: 'Deny',
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: [{ test: 'StringNotEquals', variable: 'kms:ViaService', values: [`s3.${stateRegion}.amazonaws.com`] }],
      },
      { sid: 'NoObjectReadsOutsideState', effect: 'Deny', actions: ['s3:GetObject*'], notResources: [statePrefix] },
    ];
  }

  private regionalStatements(region: CiRegion): DataAwsIamPolicyDocumentStatement[] {
    const inRegion = requestedRegion([region.awsRegion]);
    const { name } = this.props;
    const cluster = (resource: string) => this.arn('eks', region.awsRegion, resource);
    return [
      ...Object.entries(REGIONAL_ACTIONS).map(([service, actions]) => ({
        sid: `Manage${statementId(service)}`,
        actions: [...actions],
        resources: ['*'],
        condition: [inRegion],
      })),
      ...this.networkStatements(inRegion, region.id),
      { sid: 'ReadKeys', actions: ['kms:Describe*', 'kms:List*', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus'], resources: ['*'], condition: [inRegion] },
      { sid: 'CreateStackKeys', actions: ['kms:CreateKey'], resources: ['*'], condition: [inRegion, ...this.requestTagged(region.id)] },
      // Creating encrypted RDS, EKS, MSK and log groups needs CreateGrant on the key; nothing here decrypts.
      {
        sid: 'ManageStackKeys',
        actions: [
          'kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:UpdateKeyDescription', 'kms:ScheduleKeyDeletion',
          'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
        ],
        resources: [this.arn('kms', region.awsRegion, 'key/*')],
        condition: [inRegion, ...this.resourceTagged(region.id)],
      },
      // Aliases carry no tags; an alias call is authorized on the alias and on the key, which is tag-scoped above.
      { sid: 'ManageProjectAliases', actions: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'], resources: [this.arn('kms', region.awsRegion, `alias/${name}-*`)], condition: [inRegion] },
      { sid: 'ReadClusters', actions: ['eks:Describe*', 'eks:List*'], resources: ['*'], condition: [inRegion] },
      // Confined by name rather than tag: the cluster name is the stack's alone.
      {
        sid: 'ManageStackCluster',
        actions: [
          'eks:CreateCluster', 'eks:DeleteCluster', 'eks:UpdateClusterConfig', 'eks:UpdateClusterVersion', 'eks:CreateNodegroup', 'eks:DeleteNodegroup', 'eks:UpdateNodegroupConfig',
          'eks:UpdateNodegroupVersion', 'eks:CreateAddon', 'eks:DeleteAddon', 'eks:UpdateAddon', 'eks:TagResource', 'eks:UntagResource',
        ],
        resources: [cluster(`cluster/${region.clusterName}`), cluster(`nodegroup/${region.clusterName}/*`), cluster(`addon/${region.clusterName}/*`)],
        condition: [inRegion],
      },
      ...this.fisClusterAccessStatements(region, inRegion),
      ...this.chaosStatements(region, inRegion),
      ...this.dnsStatements(),
      { sid: 'ManageProjectBuckets', actions: BUCKET_ACTIONS, resources: [`arn:${this.partition}:s3:::${name}-*`], condition: [inRegion] },
      ...this.roleStatements(region.id, REGIONAL_PASSED_TO, inRegion),
      {
        sid: 'ManageClusterOidcProvider',
        actions: ['iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint'],
        resources: [this.iamArn(`oidc-provider/oidc.eks.${region.awsRegion}.amazonaws.com/*`)],
      },
    ];
  }

  /**
   * The one access entry a region stack makes (FisClusterAccess): its own FIS experiment role, by exact ARN,
   * as the Kubernetes user FIS's RoleBinding names, a standard entry in no Kubernetes group. No access
   * policy may be associated and no entry updated, so the role gets into the cluster exactly what RBAC binds
   * to that user; it may delete or retag only the entries of its own stack.
   */
  private fisClusterAccessStatements(region: CiRegion, inRegion: DataAwsIamPolicyDocumentStatementCondition): DataAwsIamPolicyDocumentStatement[] {
    const entries = [this.arn('eks', region.awsRegion, `access-entry/${region.clusterName}/*`)];
    const fisRole = this.iamArn(`role${stackRolePath(this.props, region.id)}${fisExperimentRoleName(this.props, region)}`);
    return [
      {
        sid: 'MapFisExperimentRole',
        actions: ['eks:CreateAccessEntry'],
        resources: [this.arn('eks', region.awsRegion, `cluster/${region.clusterName}`)],
        condition: [
          inRegion,
          ...this.requestTagged(region.id),
          { test: 'StringEquals', variable: 'eks:principalArn', values: [fisRole] },
          { test: 'StringEquals', variable: 'eks:username', values: [FIS_KUBERNETES_USER] },
          { test: 'StringEquals', variable: 'eks:accessEntryType', values: ['STANDARD'] },
          { test: 'Null', variable: 'eks:kubernetesGroups', values: ['true'] },
        ],
      },
      { sid: 'TagNewStackClusterAccess', actions: ['eks:TagResource'], resources: entries, condition: [inRegion, ...this.requestTagged(region.id)] },
      { sid: 'ManageStackClusterAccess', actions: ['eks:DeleteAccessEntry', 'eks:TagResource', 'eks:UntagResource'], resources: entries, condition: [inRegion, ...this.resourceTagged(region.id)] },
    ];
  }

  /**
   * The region's FIS experiment templates and the SSM Automation documents they run, and nobody else's:
   * an Automation document runs with the rights of whoever starts it, so rewriting another project's would
   * borrow them. Documents carry no tag IAM can rely on for every write, so they are confined by name
   * (`<name>-<region>-*`, the prefix the region stack gives them: modules/names.ts); the constructor refuses
   * region ids whose prefix would take in another region's. Templates get random ids, so they are confined
   * by the project and stack tags, on the request when created and on the template afterwards. FIS also
   * authorizes the action resources a template names: those are AWS's definitions, region-scoped only.
   */
  private chaosStatements(region: CiRegion, inRegion: DataAwsIamPolicyDocumentStatementCondition): DataAwsIamPolicyDocumentStatement[] {
    const templates = [this.arn('fis', region.awsRegion, 'experiment-template/*')];
    return [
      {
        sid: 'ManageStackAutomationDocuments',
        actions: ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:DeleteDocument', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
        resources: [this.arn('ssm', region.awsRegion, `document/${regionResourceName(this.props, region)}-*`)],
        condition: [inRegion],
      },
      { sid: 'UseFisActions', actions: ['fis:CreateExperimentTemplate', 'fis:UpdateExperimentTemplate'], resources: [this.arn('fis', region.awsRegion, 'action/*')], condition: [inRegion] },
      {
        sid: 'CreateStackExperimentTemplates',
        actions: ['fis:CreateExperimentTemplate', 'fis:TagResource'],
        resources: templates,
        condition: [inRegion, ...this.requestTagged(region.id)],
      },
      {
        sid: 'ManageStackExperimentTemplates',
        actions: ['fis:UpdateExperimentTemplate', 'fis:DeleteExperimentTemplate', 'fis:TagResource', 'fis:UntagResource'],
        resources: templates,
        condition: [inRegion, ...this.resourceTagged(region.id)],
      },
    ];
  }

  /**
   * EC2 writes by project and stack tag: creation only with both in the request, every other change only
   * on a resource that carries both. Left region-scoped only: reads (Describe*, Get*), which take no resource
   * conditions, and tagging an untagged resource with the project tag, which adopting the VPC's default
   * security group needs; a resource tagged for another project or stack can be neither adopted nor changed.
   * Creating a child in a parent of another project (a subnet in a foreign VPC) is decided by the
   * request's tags, so it is not refused here.
   */
  private networkStatements(inRegion: DataAwsIamPolicyDocumentStatementCondition, stack: string): DataAwsIamPolicyDocumentStatement[] {
    return [
      { sid: 'ReadNetwork', actions: ['ec2:Describe*', 'ec2:Get*'], resources: ['*'], condition: [inRegion] },
      { sid: 'CreateStackNetwork', actions: ['ec2:Create*', 'ec2:AllocateAddress'], resources: ['*'], condition: [inRegion, ...this.requestTagged(stack)] },
      { sid: 'TagOnCreate', actions: ['ec2:CreateTags'], resources: ['*'], condition: [inRegion, { test: 'StringLike', variable: 'ec2:CreateAction', values: ['Create*', 'AllocateAddress'] }] },
      // A new security group rule is a resource of its own, tagged by the request.
      {
        sid: 'TagNewSecurityGroupRules',
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress'],
        resources: [`arn:${this.partition}:ec2:*:${this.accountId}:security-group-rule/*`],
        condition: [inRegion, ...this.requestTagged(stack)],
      },
      {
        sid: 'ChangeStackNetwork',
        actions: [
          'ec2:Modify*', 'ec2:Delete*', 'ec2:Associate*', 'ec2:Disassociate*', 'ec2:Attach*', 'ec2:Detach*', 'ec2:Authorize*', 'ec2:Revoke*', 'ec2:Replace*',
          'ec2:ReleaseAddress', 'ec2:CreateRoute', 'ec2:CreateTags',
        ],
        resources: ['*'],
        condition: [inRegion, ...this.resourceTagged(stack)],
      },
      {
        sid: 'NoOtherProjectsNetwork',
        effect: 'Deny',
        actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
        resources: ['*'],
        condition: [
          { test: 'Null', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: ['false'] },
          { test: 'StringNotEquals', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: [this.props.name] },
        ],
      },
    ];
  }

  private resourceTagged(stack: string): DataAwsIamPolicyDocumentStatementCondition[] {
    return [
      { test: 'StringEquals', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: [this.props.name] },
      { test: 'StringEquals', variable: `aws:ResourceTag/${STACK_TAG}`, values: [stack] },
    ];
  }

  private requestTagged(stack: string): DataAwsIamPolicyDocumentStatementCondition[] {
    return [
      { test: 'StringEquals', variable: `aws:RequestTag/${PROJECT_TAG}`, values: [this.props.name] },
      { test: 'StringEquals', variable: `aws:RequestTag/${STACK_TAG}`, values: [stack] },
    ];
  }

  /**
   * The `stack` tag is what confines every tag-scoped write, so no role may move a resource into or out
   * of a stack: it may tag nothing that carries another stack's tag, set the tag to another stack, or
   * remove it (EC2 removes every tag when DeleteTags names no key). Tagging EKS access entries, keys and
   * FIS experiment templates is covered too, since their writes are tag-scoped as well.
   */
  private stackTagStatements(stack: string): DataAwsIamPolicyDocumentStatement[] {
    const tagging = ['ec2:CreateTags', 'ec2:DeleteTags', 'kms:TagResource', 'kms:UntagResource', 'eks:TagResource', 'eks:UntagResource', 'fis:TagResource', 'fis:UntagResource'];
    const untagging = ['ec2:DeleteTags', 'kms:UntagResource', 'eks:UntagResource', 'fis:UntagResource'];
    const present = (variable: string, isPresent: boolean) => ({ test: 'Null', variable, values: [String(!isPresent)] });
    const otherThanOwn = (variable: string) => [present(variable, true), { test: 'StringNotEquals', variable, values: [stack] }];
    const denyTagging = (sid: string, condition: DataAwsIamPolicyDocumentStatementCondition[]) => ({ sid, effect: 'Deny', actions: tagging, resources: ['*'], condition });
    return [
      denyTagging('NoOtherStacksResources', otherThanOwn(`aws:ResourceTag/${STACK_TAG}`)),
      denyTagging('NoOtherStackTag', otherThanOwn(`aws:RequestTag/${STACK_TAG}`)),
      // A project resource without the tag predates it; an administrator's apply tags it, or any stack's role could claim it.
      denyTagging('NoClaimingProjectResources', [present(`aws:ResourceTag/${PROJECT_TAG}`, true), present(`aws:ResourceTag/${STACK_TAG}`, false)]),
      { sid: 'KeepStackTag', effect: 'Deny', actions: untagging, resources: ['*'], condition: [{ test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: [STACK_TAG] }] },
      { sid: 'NoUntagAll', effect: 'Deny', actions: ['ec2:DeleteTags'], resources: ['*'], condition: [{ test: 'Null', variable: 'aws:TagKeys', values: ['true'] }] },
    ];
  }

  /** Route 53 is global: requests never carry a model region, so zones and checks are confined by type only. */
  private dnsStatements(): DataAwsIamPolicyDocumentStatement[] {
    const partition = this.partition;
    return [
      { sid: 'ListDns', actions: ['route53:ListHostedZones', 'route53:ListHostedZonesByName', 'route53:ListHealthChecks', 'route53:GetHostedZoneCount', 'route53:GetHealthCheckCount'], resources: ['*'] },
      {
        sid: 'ReadDns',
        actions: ['route53:Get*', 'route53:List*'],
        resources: [`arn:${partition}:route53:::hostedzone/*`, `arn:${partition}:route53:::healthcheck/*`, `arn:${partition}:route53:::change/*`],
      },
      {
        sid: 'ManageDns',
        actions: ['route53:ChangeResourceRecordSets', 'route53:CreateHealthCheck', 'route53:UpdateHealthCheck', 'route53:DeleteHealthCheck', 'route53:ChangeTagsForResource'],
        resources: [`arn:${partition}:route53:::hostedzone/*`, `arn:${partition}:route53:::healthcheck/*`],
      },
    ];
  }

  /**
   * Route 53, IAM and Region switch are global services whose requests never carry a model region;
   * they are confined by resource instead. Global Accelerator's API lives in us-west-2 only, and the
   * peering and cluster access this stack manages span the model's regions.
   */
  private globalStatements(globalStack: string): DataAwsIamPolicyDocumentStatement[] {
    const { name, regions } = this.props;
    const inModelRegions = requestedRegion(regions.map((region) => region.awsRegion));
    const cluster = (region: CiRegion, resource: string) => this.arn('eks', region.awsRegion, resource);
    const planArn = `arn:${this.partition}:arc-region-switch::${this.accountId}:plan/${name}-*`;
    return [
      ...this.dnsStatements(),
      {
        sid: 'ManageAccelerator',
        actions: [
          'globalaccelerator:Describe*', 'globalaccelerator:List*', 'globalaccelerator:Create*', 'globalaccelerator:Update*', 'globalaccelerator:Delete*',
          'globalaccelerator:Add*', 'globalaccelerator:Remove*', 'globalaccelerator:TagResource', 'globalaccelerator:UntagResource', 'elasticloadbalancing:DescribeLoadBalancers',
        ],
        resources: ['*'],
        condition: [requestedRegion(['us-west-2'])],
      },
      { sid: 'ReadRegionSwitchPlans', actions: ['arc-region-switch:ListPlans'], resources: ['*'] },
      {
        sid: 'ManageRegionSwitchPlans',
        actions: [
          'arc-region-switch:CreatePlan', 'arc-region-switch:UpdatePlan', 'arc-region-switch:DeletePlan', 'arc-region-switch:GetPlan*', 'arc-region-switch:ListRoute53HealthChecks',
          'arc-region-switch:ListTagsForResource', 'arc-region-switch:TagResource', 'arc-region-switch:UntagResource',
        ],
        resources: [planArn],
      },
      { sid: 'ReadPeering', actions: ['ec2:Describe*'], resources: ['*'], condition: [inModelRegions] },
      {
        sid: 'CreatePeering',
        actions: ['ec2:CreateVpcPeeringConnection'],
        resources: ['*'],
        condition: [inModelRegions, ...this.requestTagged(globalStack)],
      },
      { sid: 'TagPeeringOnCreate', actions: ['ec2:CreateTags'], resources: ['*'], condition: [inModelRegions, { test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateVpcPeeringConnection'] }] },
      {
        sid: 'ManageStackPeering',
        actions: ['ec2:DeleteVpcPeeringConnection', 'ec2:ModifyVpcPeeringConnectionOptions', 'ec2:CreateTags', 'ec2:DeleteTags'],
        resources: ['*'],
        condition: [inModelRegions, ...this.resourceTagged(globalStack)],
      },
      // Routes carry no tags: EC2 authorizes a route call on its route table, which a region stack owns,
      // and on the route's target. Creating or replacing a route therefore needs a target this role may
      // write, and the only one is its own peering; deleting one is authorized on the table alone, so
      // the role may delete any route of the project's route tables (docs/infrastructure.md, known limits).
      {
        sid: 'RouteThroughStackPeering',
        actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
        resources: [`arn:${this.partition}:ec2:*:${this.accountId}:vpc-peering-connection/*`],
        condition: [inModelRegions, ...this.resourceTagged(globalStack)],
      },
      {
        sid: 'RoutePeersInProjectRouteTables',
        actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'],
        resources: [`arn:${this.partition}:ec2:*:${this.accountId}:route-table/*`],
        condition: [inModelRegions, { test: 'StringEquals', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: [name] }],
      },
      // The accepter region sees the requester's connection before its own side carries any tag.
      { sid: 'AcceptPeering', actions: ['ec2:AcceptVpcPeeringConnection'], resources: ['*'], condition: [inModelRegions] },
      // The Region switch plan's role needs access to each cluster: only roles of this stack, only the scaling policy.
      { sid: 'ReadClusters', actions: ['eks:DescribeCluster', 'eks:ListAccessEntries'], resources: regions.map((region) => cluster(region, `cluster/${region.clusterName}`)), condition: [inModelRegions] },
      {
        sid: 'GrantStackRolesClusterAccess',
        actions: ['eks:CreateAccessEntry'],
        resources: regions.map((region) => cluster(region, `cluster/${region.clusterName}`)),
        condition: [inModelRegions, ...this.requestTagged(globalStack), { test: 'ArnLike', variable: 'eks:principalArn', values: [this.iamArn(`role${stackRolePath(this.props, globalStack)}*`)] }],
      },
      {
        sid: 'ManageProjectClusterAccess',
        actions: [
          'eks:DescribeAccessEntry', 'eks:UpdateAccessEntry', 'eks:DeleteAccessEntry', 'eks:ListAssociatedAccessPolicies', 'eks:AssociateAccessPolicy', 'eks:DisassociateAccessPolicy',
          'eks:TagResource', 'eks:UntagResource',
        ],
        resources: regions.map((region) => cluster(region, `access-entry/${region.clusterName}/*`)),
        condition: [inModelRegions, ...this.resourceTagged(globalStack)],
      },
      {
        sid: 'OnlyRegionSwitchScaling',
        effect: 'Deny',
        actions: ['eks:AssociateAccessPolicy'],
        resources: ['*'],
        condition: [{ test: 'StringNotEquals', variable: 'eks:policyArn', values: [`arn:${this.partition}:eks::aws:cluster-access-policy/${REGION_SWITCH_SCALING_POLICY}`] }],
      },
      ...this.roleStatements(globalStack, GLOBAL_PASSED_TO),
      // Refreshing these CI roles when they live in the global stack; changing them stays an administrator's apply.
      {
        sid: 'ReadCiRoles',
        actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:GetOpenIDConnectProvider'],
        resources: [this.iamArn(`role${CI_IAM_PATH}*`), this.oidcProvider.arn],
      },
    ];
  }

  /**
   * Manage and pass the roles under the stack's path, each only with the stack role boundary; attach only
   * AWS managed policies the stacks use. Passing is confined to the services the stack hands roles to.
   */
  private roleStatements(stack: string, passedTo: readonly string[], passCondition?: DataAwsIamPolicyDocumentStatementCondition): DataAwsIamPolicyDocumentStatement[] {
    const partition = this.partition;
    const roles = [this.iamArn(`role${stackRolePath(this.props, stack)}*`)];
    const withinBoundary = { test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [this.boundaryArn] };
    return [
      { sid: 'ManageStackRoles', actions: ROLE_ACTIONS, resources: roles },
      { sid: 'WriteStackRolesWithinBoundary', actions: BOUNDED_ROLE_ACTIONS, resources: roles, condition: [withinBoundary] },
      {
        sid: 'AttachServicePolicies',
        actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        resources: roles,
        condition: [
          withinBoundary,
          {
            test: 'ArnLike',
            variable: 'iam:PolicyARN',
            values: [
              `arn:${partition}:iam::aws:policy/AmazonEKS*`,
              `arn:${partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
              `arn:${partition}:iam::aws:policy/service-role/*`,
            ],
          },
        ],
      },
      {
        sid: 'PassStackRoles',
        actions: ['iam:PassRole'],
        resources: roles,
        condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [...passedTo] }, ...(passCondition ? [passCondition] : [])],
      },
    ];
  }
}

function requestedRegion(regions: readonly string[]): DataAwsIamPolicyDocumentStatementCondition {
  return { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [...regions] };
}

/** `elasticloadbalancing` → `Elasticloadbalancing`: Sids are alphanumeric. */
function statementId(service: string): string {
  return service.charAt(0).toUpperCase() + service.slice(1).replace(/[^A-Za-z0-9]/g, '');
}
