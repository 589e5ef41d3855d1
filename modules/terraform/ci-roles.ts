import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktn/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';

export interface CiRegion {
  /** Region id: the stack name, the GitHub environment name and part of the role names its stack manages. */
  readonly id: string;
  readonly awsRegion: string;
  /**
   * Other region stacks whose outputs this region's stack reads through remote state; their state
   * objects become readable (never writable) to its apply role.
   * @default none
   */
  readonly readsStateOf?: readonly string[];
}

export interface CiRolesProps {
  /** Project name; prefixes the CI roles and the IAM roles and buckets the stacks manage, e.g. `orders`. */
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
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com';
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** CI roles live under their own path, so no `role/<name>-<stack>-*` pattern a stack manages can match them. */
const CI_PATH = '/ci/';

/**
 * What each region's apply may do, service by service, as prefix wildcards where the stacks need a
 * family of calls. Data services (s3, rds, elasticache, kafka, kms) never get a service wildcard.
 */
const REGIONAL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  ec2: [
    'ec2:Describe*', 'ec2:Get*', 'ec2:Create*', 'ec2:Delete*', 'ec2:Modify*', 'ec2:Associate*', 'ec2:Disassociate*',
    'ec2:Attach*', 'ec2:Detach*', 'ec2:Authorize*', 'ec2:Revoke*', 'ec2:Replace*', 'ec2:AllocateAddress', 'ec2:ReleaseAddress',
  ],
  eks: ['eks:Describe*', 'eks:List*', 'eks:Create*', 'eks:Delete*', 'eks:Update*', 'eks:AssociateAccessPolicy', 'eks:DisassociateAccessPolicy', 'eks:TagResource', 'eks:UntagResource'],
  rds: ['rds:Describe*', 'rds:ListTagsForResource', 'rds:Create*', 'rds:Modify*', 'rds:Delete*', 'rds:RemoveFromGlobalCluster', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
  elasticache: ['elasticache:Describe*', 'elasticache:List*', 'elasticache:Create*', 'elasticache:Modify*', 'elasticache:Delete*', 'elasticache:AddTagsToResource', 'elasticache:RemoveTagsFromResource'],
  kafka: ['kafka:Describe*', 'kafka:List*', 'kafka:Get*', 'kafka:Create*', 'kafka:Update*', 'kafka:Delete*', 'kafka:TagResource', 'kafka:UntagResource'],
  // Creating encrypted RDS, EKS, MSK and log groups needs CreateGrant/DescribeKey; nothing here decrypts.
  kms: [
    'kms:Describe*', 'kms:List*', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:CreateKey', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
    'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:UpdateKeyDescription', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource',
  ],
  logs: ['logs:Describe*', 'logs:List*', 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:PutResourcePolicy', 'logs:DeleteResourcePolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource'],
  cloudwatch: ['cloudwatch:Describe*', 'cloudwatch:List*', 'cloudwatch:Get*', 'cloudwatch:Put*', 'cloudwatch:Delete*', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
  sns: ['sns:Get*', 'sns:List*', 'sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:TagResource', 'sns:UntagResource'],
  wafv2: ['wafv2:Get*', 'wafv2:List*', 'wafv2:Create*', 'wafv2:Update*', 'wafv2:Delete*', 'wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:PutLoggingConfiguration', 'wafv2:DeleteLoggingConfiguration', 'wafv2:TagResource', 'wafv2:UntagResource'],
  elasticloadbalancing: [
    'elasticloadbalancing:Describe*', 'elasticloadbalancing:Create*', 'elasticloadbalancing:Delete*', 'elasticloadbalancing:Modify*', 'elasticloadbalancing:Set*',
    'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags', 'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates',
  ],
  acm: ['acm:Describe*', 'acm:List*', 'acm:Get*', 'acm:RequestCertificate', 'acm:DeleteCertificate', 'acm:UpdateCertificateOptions', 'acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'],
  backup: ['backup:Describe*', 'backup:List*', 'backup:Get*', 'backup:Create*', 'backup:Update*', 'backup:Delete*', 'backup:Put*', 'backup:TagResource', 'backup:UntagResource', 'backup-storage:MountCapsule'],
};

/** Bucket configuration only: no object reads or writes, which stay with the workloads. */
const BUCKET_ACTIONS = [
  's3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucketPolicy', 's3:DeleteBucketOwnershipControls',
  's3:GetAccelerateConfiguration', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration',
  's3:GetReplicationConfiguration', 's3:PutReplicationConfiguration',
];

const ROLE_ACTIONS = [
  'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:CreateRole', 'iam:DeleteRole',
  'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:TagRole', 'iam:UntagRole',
];

/** Services each stack passes its roles to. */
const REGIONAL_PASSED_TO = ['eks.amazonaws.com', 'ec2.amazonaws.com', 'rds.amazonaws.com', 'monitoring.rds.amazonaws.com', 'backup.amazonaws.com', 'kafka.amazonaws.com'];
const GLOBAL_PASSED_TO = ['arc-region-switch.amazonaws.com'];

/**
 * IAM for CI through GitHub Actions OIDC: a read-only plan role for pull requests and one apply role
 * per stack, each usable only from the protected GitHub environment of the same name, each confined to
 * its own region (aws:RequestedRegion on every regional grant) and to its own state object. An
 * administrator applies this construct; no CI role can change its own permissions, because CI roles
 * live under the `/ci/` path that no role pattern below matches.
 *
 * Roles a region stack manages must carry its id as a whole hyphen-separated word after the project
 * name (`orders-use1-eks-nodes`, `orders-events-use1-replication`, `orders-use1-to-usw2`); roles of
 * the global stack start `<name>-<globalStackName>-`; buckets start `<name>-`.
 */
export class CiRoles extends Construct {
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly planRole: IamRole;
  /** Apply role by stack: every region id and the global stack's name. */
  readonly applyRoles: Readonly<Record<string, IamRole>>;

  private readonly props: CiRolesProps;
  private readonly partition: string;
  private readonly accountId: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    if (!REPOSITORY.test(props.repository)) {
      throw new Error(`CiRoles ${id}: repository: expected a GitHub repository as owner/name, got ${JSON.stringify(props.repository)}`);
    }
    const globalStack = props.globalStackName ?? 'global';
    const stacks = [...props.regions.map((region) => region.id), globalStack];
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
    this.props = props;
    this.partition = partitionOf(this).partition;
    this.accountId = callerIdentity(this).accountId;

    // Thumbprints are optional since AWS validates GitHub's certificate against its own trusted CAs.
    this.oidcProvider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_OIDC}`,
      clientIdList: ['sts.amazonaws.com'],
      tags: { Name: `${props.name}-github-actions` },
    });

    this.planRole = this.role('plan', `${props.name}-ci-plan`, 'pull_request', 'Plans pull requests: reads everything but secrets, writes only lock files');
    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.planRole.name, policyArn: `arn:${this.partition}:iam::aws:policy/ReadOnlyAccess` });
    this.inlinePolicy('plan', this.planRole, this.planStatements(stacks));

    const applyRoles: Record<string, IamRole> = {};
    for (const region of props.regions) {
      const role = this.role(`apply-${region.id}`, `${props.name}-ci-apply-${region.id}`, `environment:${region.id}`, `Applies the ${region.id} stack in ${region.awsRegion} only`);
      const readable = [region.id, ...(region.readsStateOf ?? [])];
      this.inlinePolicy(`apply-${region.id}`, role, [...this.stateStatements(region.id, readable), ...this.regionalStatements(region)]);
      applyRoles[region.id] = role;
    }
    const globalRole = this.role(`apply-${globalStack}`, `${props.name}-ci-apply-${globalStack}`, `environment:${globalStack}`, 'Applies the global stack: DNS, accelerator, Region switch plan, peering');
    this.inlinePolicy(`apply-${globalStack}`, globalRole, [...this.stateStatements(globalStack, stacks), ...this.globalStatements(globalStack)]);
    applyRoles[globalStack] = globalRole;
    this.applyRoles = applyRoles;
  }

  private role(id: string, name: string, subject: string, description: string): IamRole {
    const trust = new DataAwsIamPolicyDocument(this, `${id}-trust`, {
      statement: [
        {
          sid: 'GitHubActions',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [this.oidcProvider.arn] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB_OIDC}:aud`, values: ['sts.amazonaws.com'] },
            { test: 'StringEquals', variable: `${GITHUB_OIDC}:sub`, values: [`repo:${this.props.repository}:${subject}`] },
          ],
        },
      ],
    });
    return new IamRole(this, id, { name, path: CI_PATH, description, assumeRolePolicy: trust.json, maxSessionDuration: 3600, tags: { Name: name } });
  }

  private inlinePolicy(id: string, role: IamRole, statements: DataAwsIamPolicyDocumentStatement[]): void {
    const document = new DataAwsIamPolicyDocument(this, `${id}-policy`, { statement: statements });
    new IamRolePolicy(this, `${id}-permissions`, { name: 'permissions', role: role.name, policy: document.json });
  }

  private arn(service: string, region: string, resource: string): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
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
   * parameters, decryption other than of the state through S3) and printing them into a log.
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
      {
        sid: 'HoldLocks',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.stateObject(`${stateKeyPrefix}/*.tflock`)],
        condition: [inStateRegion],
      },
      ...this.stateKeyStatements(),
      { sid: 'NoSecretReads', effect: 'Deny', actions: ['secretsmanager:GetSecretValue', 'ssm:GetParameter*'], resources: ['*'] },
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
    return [
      ...Object.entries(REGIONAL_ACTIONS).map(([service, actions]) => ({
        sid: `Manage${statementId(service)}`,
        actions: [...actions],
        resources: ['*'],
        condition: [inRegion],
      })),
      { sid: 'ManageProjectBuckets', actions: BUCKET_ACTIONS, resources: [`arn:${this.partition}:s3:::${name}-*`], condition: [inRegion] },
      // IAM is global: its requests never carry this region, so the role name prefix confines it instead.
      ...this.roleStatements([`${name}-${region.id}-*`, `${name}-*-${region.id}`, `${name}-*-${region.id}-*`], REGIONAL_PASSED_TO, inRegion),
      {
        sid: 'ManageClusterOidcProvider',
        actions: ['iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint'],
        resources: [`arn:${this.partition}:iam::${this.accountId}:oidc-provider/oidc.eks.${region.awsRegion}.amazonaws.com/*`],
      },
    ];
  }

  /**
   * Route 53, IAM and Region switch are global services whose requests never carry a model region;
   * they are confined by resource instead. Global Accelerator's API lives in us-west-2 only, and the
   * peering this stack manages spans the model's regions.
   */
  private globalStatements(globalStack: string): DataAwsIamPolicyDocumentStatement[] {
    const { name } = this.props;
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
          'arc-region-switch:CreatePlan', 'arc-region-switch:UpdatePlan', 'arc-region-switch:DeletePlan', 'arc-region-switch:GetPlan*',
          'arc-region-switch:ListTagsForResource', 'arc-region-switch:TagResource', 'arc-region-switch:UntagResource',
        ],
        resources: [`arn:${partition}:arc-region-switch::${this.accountId}:plan/${name}-*`],
      },
      {
        sid: 'ManagePeering',
        actions: [
          'ec2:Describe*', 'ec2:CreateVpcPeeringConnection', 'ec2:AcceptVpcPeeringConnection', 'ec2:DeleteVpcPeeringConnection', 'ec2:ModifyVpcPeeringConnectionOptions',
          'ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute', 'ec2:CreateTags', 'ec2:DeleteTags',
        ],
        resources: ['*'],
        condition: [requestedRegion(this.props.regions.map((region) => region.awsRegion))],
      },
      ...this.roleStatements([`${name}-${globalStack}-*`], GLOBAL_PASSED_TO),
      // Refreshing these CI roles when they live in the global stack; changing them stays an administrator's apply.
      {
        sid: 'ReadCiRoles',
        actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:GetOpenIDConnectProvider'],
        resources: [`arn:${partition}:iam::${this.accountId}:role${CI_PATH}*`, this.oidcProvider.arn],
      },
    ];
  }

  /** Manage and pass the roles whose names match `patterns`; attach only AWS service policies or customer policies so named. */
  private roleStatements(patterns: readonly string[], passedTo: readonly string[], passCondition?: DataAwsIamPolicyDocumentStatementCondition): DataAwsIamPolicyDocumentStatement[] {
    const partition = this.partition;
    const roles = patterns.map((pattern) => `arn:${partition}:iam::${this.accountId}:role/${pattern}`);
    return [
      { sid: 'ManageStackRoles', actions: ROLE_ACTIONS, resources: roles },
      {
        sid: 'AttachServicePolicies',
        actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        resources: roles,
        condition: [
          {
            test: 'ArnLike',
            variable: 'iam:PolicyARN',
            values: [
              `arn:${partition}:iam::aws:policy/AmazonEKS*`,
              `arn:${partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
              `arn:${partition}:iam::aws:policy/service-role/*`,
              ...patterns.map((pattern) => `arn:${partition}:iam::${this.accountId}:policy/${pattern}`),
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
