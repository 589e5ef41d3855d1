import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../modules/synth';
import { exampleRepo, modelAt, removeScratchRepos } from './helpers/example-repo';
import { allowsAnywhere, generatedStacks, placement, resourceFacts, rolePolicy, type Deployment, type GeneratedStack, type RequestContext } from './helpers/iam-policy';

/** An action a resource type needs, with the request context the call always carries (e.g. the service a role is passed to). */
type Need = string | { readonly action: string; readonly context: RequestContext };

const passTo = (service: string): Need => ({ action: 'iam:PassRole', context: { 'iam:PassedToService': service } });
/** The provider calls Global Accelerator's API in us-west-2 whatever region its stack is in. */
const accelerator = (action: string): Need => ({ action, context: { 'aws:RequestedRegion': 'us-west-2' } });

/**
 * What Terraform calls to create, change and destroy each resource type the stacks use, and to read each
 * data source, as IAM actions. Representative rather than exhaustive (reads are mostly covered by the
 * same grants); a type missing here fails the spec, so a new resource family cannot land without its
 * permissions in modules/terraform/ci-roles.ts.
 */
const NEEDS: Readonly<Record<string, readonly Need[]>> = {
  aws_acm_certificate: ['acm:RequestCertificate', 'acm:DescribeCertificate', 'acm:AddTagsToCertificate', 'acm:DeleteCertificate'],
  aws_acm_certificate_validation: ['acm:DescribeCertificate'],
  aws_arcregionswitch_plan: ['arc-region-switch:CreatePlan', 'arc-region-switch:UpdatePlan', 'arc-region-switch:DeletePlan', passTo('arc-region-switch.amazonaws.com')],
  aws_backup_plan: ['backup:CreateBackupPlan', 'backup:UpdateBackupPlan', 'backup:DeleteBackupPlan'],
  aws_backup_selection: ['backup:CreateBackupSelection', 'backup:DeleteBackupSelection', passTo('backup.amazonaws.com')],
  aws_backup_vault: ['backup:CreateBackupVault', 'backup:DeleteBackupVault', 'kms:CreateGrant', 'kms:DescribeKey'],
  aws_backup_vault_lock_configuration: ['backup:PutBackupVaultLockConfiguration'],
  aws_cloudwatch_composite_alarm: ['cloudwatch:PutCompositeAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  aws_cloudwatch_dashboard: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
  aws_cloudwatch_log_group: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:AssociateKmsKey', 'logs:TagResource', 'logs:DeleteLogGroup'],
  aws_cloudwatch_metric_alarm: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  aws_db_parameter_group: ['rds:CreateDBParameterGroup', 'rds:ModifyDBParameterGroup', 'rds:DeleteDBParameterGroup'],
  aws_db_subnet_group: ['rds:CreateDBSubnetGroup', 'rds:DeleteDBSubnetGroup'],
  aws_default_security_group: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:CreateTags'],
  aws_eip: ['ec2:AllocateAddress', 'ec2:ReleaseAddress'],
  aws_eks_access_entry: ['eks:CreateAccessEntry', 'eks:DescribeAccessEntry', 'eks:DeleteAccessEntry'],
  aws_eks_access_policy_association: [
    { action: 'eks:AssociateAccessPolicy', context: { 'eks:policyArn': 'arn:aws:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy' } },
    'eks:DisassociateAccessPolicy',
  ],
  aws_eks_addon: ['eks:CreateAddon', 'eks:DescribeAddon', 'eks:DeleteAddon'],
  aws_eks_cluster: ['eks:CreateCluster', 'eks:DescribeCluster', 'eks:UpdateClusterConfig', 'eks:DeleteCluster', passTo('eks.amazonaws.com')],
  aws_eks_node_group: ['eks:CreateNodegroup', 'eks:UpdateNodegroupVersion', 'eks:DeleteNodegroup', passTo('eks.amazonaws.com')],
  aws_elasticache_global_replication_group: ['elasticache:CreateGlobalReplicationGroup', 'elasticache:DeleteGlobalReplicationGroup'],
  aws_elasticache_replication_group: ['elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup', 'elasticache:DeleteReplicationGroup'],
  aws_elasticache_subnet_group: ['elasticache:CreateCacheSubnetGroup', 'elasticache:DeleteCacheSubnetGroup'],
  aws_elasticache_user: ['elasticache:CreateUser', 'elasticache:DeleteUser'],
  aws_elasticache_user_group: ['elasticache:CreateUserGroup', 'elasticache:DeleteUserGroup'],
  aws_fis_experiment_template: ['fis:CreateExperimentTemplate', 'fis:GetExperimentTemplate', 'fis:UpdateExperimentTemplate', 'fis:DeleteExperimentTemplate', passTo('fis.amazonaws.com')],
  aws_flow_log: ['ec2:CreateFlowLogs', 'ec2:DeleteFlowLogs', passTo('vpc-flow-logs.amazonaws.com')],
  aws_globalaccelerator_accelerator: [accelerator('globalaccelerator:CreateAccelerator'), accelerator('globalaccelerator:UpdateAccelerator'), accelerator('globalaccelerator:DeleteAccelerator')],
  aws_globalaccelerator_endpoint_group: [accelerator('globalaccelerator:CreateEndpointGroup'), accelerator('globalaccelerator:DeleteEndpointGroup')],
  aws_globalaccelerator_listener: [accelerator('globalaccelerator:CreateListener'), accelerator('globalaccelerator:DeleteListener')],
  aws_iam_openid_connect_provider: ['iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider'],
  aws_iam_role: ['iam:CreateRole', 'iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole'],
  aws_iam_role_policy: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  aws_iam_role_policy_attachment: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  aws_internet_gateway: ['ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway'],
  aws_kms_alias: ['kms:CreateAlias', 'kms:DeleteAlias'],
  aws_kms_grant: ['kms:CreateGrant', 'kms:RevokeGrant'],
  aws_kms_key: ['kms:CreateKey', 'kms:EnableKeyRotation', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
  aws_launch_template: ['ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:DeleteLaunchTemplate'],
  aws_lb: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:DeleteLoadBalancer'],
  aws_lb_listener: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener'],
  aws_lb_target_group: ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:DeleteTargetGroup'],
  aws_msk_cluster: ['kafka:CreateClusterV2', 'kafka:DescribeClusterV2', 'kafka:DeleteCluster'],
  aws_msk_configuration: ['kafka:CreateConfiguration', 'kafka:DeleteConfiguration'],
  aws_msk_replicator: ['kafka:CreateReplicator', 'kafka:DeleteReplicator', passTo('kafka.amazonaws.com')],
  aws_nat_gateway: ['ec2:CreateNatGateway', 'ec2:DeleteNatGateway'],
  aws_rds_cluster: ['rds:CreateDBCluster', 'rds:ModifyDBCluster', 'rds:DeleteDBCluster'],
  aws_rds_cluster_instance: ['rds:CreateDBInstance', 'rds:DeleteDBInstance', passTo('monitoring.rds.amazonaws.com')],
  aws_rds_cluster_parameter_group: ['rds:CreateDBClusterParameterGroup', 'rds:DeleteDBClusterParameterGroup'],
  aws_rds_global_cluster: ['rds:CreateGlobalCluster', 'rds:DeleteGlobalCluster'],
  aws_route: ['ec2:CreateRoute', 'ec2:DeleteRoute'],
  aws_route53_health_check: ['route53:CreateHealthCheck', 'route53:UpdateHealthCheck', 'route53:DeleteHealthCheck'],
  aws_route53_record: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
  aws_route_table: ['ec2:CreateRouteTable', 'ec2:DeleteRouteTable'],
  aws_route_table_association: ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable'],
  aws_s3_bucket: ['s3:CreateBucket', 's3:DeleteBucket'],
  aws_s3_bucket_lifecycle_configuration: ['s3:PutLifecycleConfiguration'],
  aws_s3_bucket_logging: ['s3:PutBucketLogging'],
  aws_s3_bucket_notification: ['s3:PutBucketNotification'],
  aws_s3_bucket_ownership_controls: ['s3:PutBucketOwnershipControls'],
  aws_s3_bucket_policy: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  aws_s3_bucket_public_access_block: ['s3:PutBucketPublicAccessBlock'],
  aws_s3_bucket_replication_configuration: ['s3:PutReplicationConfiguration', passTo('s3.amazonaws.com')],
  aws_s3_bucket_server_side_encryption_configuration: ['s3:PutEncryptionConfiguration'],
  aws_s3_bucket_versioning: ['s3:PutBucketVersioning'],
  aws_security_group: ['ec2:CreateSecurityGroup', 'ec2:DeleteSecurityGroup'],
  aws_sns_topic: ['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:DeleteTopic'],
  aws_sns_topic_policy: ['sns:SetTopicAttributes'],
  aws_ssm_document: ['ssm:CreateDocument', 'ssm:DescribeDocument', 'ssm:UpdateDocument', 'ssm:DeleteDocument'],
  aws_subnet: ['ec2:CreateSubnet', 'ec2:DeleteSubnet'],
  aws_vpc: ['ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:DeleteVpc'],
  aws_vpc_endpoint: ['ec2:CreateVpcEndpoint', 'ec2:DeleteVpcEndpoints'],
  aws_vpc_peering_connection: ['ec2:CreateVpcPeeringConnection', 'ec2:DeleteVpcPeeringConnection'],
  aws_vpc_peering_connection_accepter: ['ec2:AcceptVpcPeeringConnection'],
  aws_vpc_peering_connection_options: ['ec2:ModifyVpcPeeringConnectionOptions'],
  aws_vpc_security_group_egress_rule: ['ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress'],
  aws_vpc_security_group_ingress_rule: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
  aws_wafv2_web_acl: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL'],
  aws_wafv2_web_acl_association: ['wafv2:AssociateWebACL', 'elasticloadbalancing:SetWebAcl'],
  aws_wafv2_web_acl_logging_configuration: ['wafv2:PutLoggingConfiguration', 'logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'wafv2:DeleteLoggingConfiguration'],
  'data.aws_arcregionswitch_route53_health_checks': ['arc-region-switch:ListRoute53HealthChecks'],
  'data.aws_availability_zones': ['ec2:DescribeAvailabilityZones'],
  // Answered without an authorized call: the caller's own identity, the partition, a static account list, a locally rendered document.
  'data.aws_caller_identity': [],
  'data.aws_elb_service_account': [],
  'data.aws_iam_policy_document': [],
  'data.aws_partition': [],
  'data.aws_route53_zone': ['route53:ListHostedZones', 'route53:GetHostedZone'],
  'data.aws_vpc_endpoint_service': ['ec2:DescribeVpcEndpointServices'],
  // Read with the state grants, which the ci-roles construct specs check object by object.
  'data.terraform_remote_state': [],
};

let deployment: Deployment;
let stacks: GeneratedStack[];
let ci: GeneratedStack;
let project: string;

beforeAll(async () => {
  const model = await modelAt(await exampleRepo());
  deployment = { accountId: model.global.infrastructure.accountId, partition: 'aws' };
  project = model.global.name;
  stacks = generatedStacks(synth(model));
  ci = stacks.find((stack) => stack.name === 'ci')!;
});
afterAll(removeScratchRepos);

/** Every resource and data source of the stack, by type, with where it lives and what it is tagged. */
function instances(stack: GeneratedStack): Array<{ type: string; facts: RequestContext }> {
  const blocks = [
    ...Object.entries(stack.json.resource ?? {}).flatMap(([type, byId]) => Object.values(byId).map((block) => ({ type, block }))),
    ...Object.entries(stack.json.data ?? {}).flatMap(([type, byId]) => Object.values(byId).map((block) => ({ type: `data.${type}`, block }))),
  ];
  return blocks.map(({ type, block }) => {
    if (type === 'data.terraform_remote_state') return { type, facts: {} };
    const { region, tags } = placement(stack, block);
    return { type, facts: resourceFacts(region, tags) };
  });
}

describe('each CI apply role', () => {
  it('is checked against a table that names every resource type and data source its stack uses', () => {
    const unknown = stacks
      .filter((stack) => stack !== ci)
      .flatMap((stack) => [...new Set(instances(stack).map((instance) => instance.type))].filter((type) => !(type in NEEDS)).map((type) => `${stack.name}: ${type}`));
    expect(unknown, 'add its permissions to modules/terraform/ci-roles.ts and to this table').toEqual([]);
  });

  it('allows every action its stack’s resources need, in the region and with the tags they have', () => {
    const missing = stacks
      .filter((stack) => stack !== ci)
      .flatMap((stack) => {
        const statements = rolePolicy(ci, `${project}-ci-apply-${stack.name}`, deployment);
        const seen = new Set<string>();
        return instances(stack).flatMap(({ type, facts }) =>
          (NEEDS[type] ?? []).flatMap((need) => {
            const { action, context } = typeof need === 'string' ? { action: need, context: {} } : need;
            const key = JSON.stringify([type, action, facts]);
            if (seen.has(key)) return [];
            seen.add(key);
            return allowsAnywhere(statements, action, { ...facts, ...context }) ? [] : [`${stack.name}: ${type} needs ${action} ${JSON.stringify(context)} in ${String(facts['aws:RequestedRegion'])}`];
          }),
        );
      });
    expect(missing, 'add the actions to modules/terraform/ci-roles.ts').toEqual([]);
  });
});
