import { Fn, Token } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { EksAddon } from '@cdktn/provider-aws/lib/eks-addon';
import { EksCluster as EksClusterResource } from '@cdktn/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktn/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktn/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { KmsGrant } from '@cdktn/provider-aws/lib/kms-grant';
import { LaunchTemplate } from '@cdktn/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import type { Region } from '../../schemas';
import { callerIdentity, partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

/** One managed node group, as the region model describes it. */
export type EksNodeGroupSpec = Region['eks']['nodeGroups'][number];

export interface EksClusterProps {
  /** Cluster name, e.g. `orders-us-east-1`; also prefixes its roles, log group and launch templates. */
  readonly name: string;
  /** Kubernetes minor version, e.g. `1.31`. */
  readonly version: string;
  /** ARN of the region's customer-managed key: Kubernetes secrets, the control-plane log group and node volumes. */
  readonly kmsKeyArn: string;
  /** Private subnets, at least two zones; they hold the control-plane interfaces and every node. */
  readonly subnetIds: readonly string[];
  /** At least one; names are unique within the cluster. */
  readonly nodeGroups: readonly EksNodeGroupSpec[];
}

const LOG_RETENTION_DAYS = 365;
const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'];
// Room for container image layers on top of the AMI's 20 GiB snapshot.
const ROOT_VOLUME_GIB = 50;
// Graviton families carry a `g` right after the generation digit: m7g, c7gn, r6gd, t4g, x2gd, im4gn.
const ARM_INSTANCE_TYPE = /^[a-z]+\d+g[a-z]*\./;

/**
 * An EKS cluster reachable only from inside its VPC, with secrets envelope-encrypted by the region's
 * key, every control-plane log type kept for a year under our retention, IAM-only (access entry)
 * authentication, an OIDC provider for service-account roles, and managed node groups whose nodes
 * require IMDSv2 and boot from encrypted volumes.
 */
export class EksCluster extends Construct {
  readonly cluster: EksClusterResource;
  readonly clusterName: string;
  /** The private API server endpoint. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster's certificate authority. */
  readonly certificateAuthority: string;
  readonly oidcProviderArn: string;
  /** The OIDC issuer without its scheme, as IAM condition keys spell it: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
  readonly oidcIssuer: string;
  readonly nodeRole: IamRole;
  /** The security group EKS creates and attaches to the control plane and every managed node (and so every pod). */
  readonly clusterSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    validate(id, props);
    const partition = partitionOf(this);
    const account = callerIdentity(this);
    const managedPolicy = (policy: string) => `arn:${partition.partition}:iam::aws:policy/${policy}`;

    const clusterRole = serviceRole(this, 'cluster-role', `${props.name}-cluster`, 'eks.amazonaws.com');
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', { role: clusterRole.name, policyArn: managedPolicy('AmazonEKSClusterPolicy') });
    const useKey = new DataAwsIamPolicyDocument(this, 'cluster-key-use', {
      statement: [
        {
          sid: 'EnvelopeEncryptSecrets',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
          resources: [props.kmsKeyArn],
        },
      ],
    });
    const clusterKeyPolicy = new IamRolePolicy(this, 'cluster-key-policy', { name: 'envelope-encrypt-secrets', role: clusterRole.id, policy: useKey.json });

    // Created before the cluster so that EKS finds it and never makes its own, never-expiring, unencrypted one.
    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: LOG_RETENTION_DAYS,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `${props.name}-control-plane` },
    });

    this.cluster = new EksClusterResource(this, 'cluster', {
      name: props.name,
      version: props.version,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      vpcConfig: { subnetIds: [...props.subnetIds], endpointPrivateAccess: true, endpointPublicAccess: false },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.kmsKeyArn } },
      accessConfig: {
        authenticationMode: 'API',
        // Written out because provider 6.x flips the default and a change replaces the cluster; until access
        // entries exist the principal that applied Terraform is the only way in.
        bootstrapClusterCreatorAdminPermissions: true,
      },
      tags: { Name: props.name },
      dependsOn: [clusterPolicy, clusterKeyPolicy, logGroup],
    });
    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthority = this.cluster.certificateAuthority.get(0).data;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    const issuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    // No thumbprint_list: IAM verifies EKS issuers against its own trusted CAs and ignores thumbprints.
    const oidc = new IamOpenidConnectProvider(this, 'oidc-provider', {
      url: issuerUrl,
      clientIdList: ['sts.amazonaws.com'],
      tags: { Name: `${props.name}-irsa` },
    });
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuer = Fn.replace(issuerUrl, 'https://', '');

    this.nodeRole = serviceRole(this, 'node-role', `${props.name}-node`, 'ec2.amazonaws.com');
    const nodePolicies = NODE_POLICIES.map(
      (policy) => new IamRolePolicyAttachment(this, `node-${policy}`, { role: this.nodeRole.name, policyArn: managedPolicy(policy) }),
    );

    // Managed node groups launch through EC2 Auto Scaling, whose service-linked role is not in the key
    // policy; without this grant instances with CMK-encrypted volumes fail to launch.
    const autoScalingGrant = new KmsGrant(this, 'autoscaling-volume-grant', {
      name: `${props.name}-node-volumes`,
      keyId: props.kmsKeyArn,
      granteePrincipal: `arn:${partition.partition}:iam::${account.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      operations: ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey', 'CreateGrant'],
    });

    const nodeGroups = props.nodeGroups.map((group) => {
      const template = new LaunchTemplate(this, `${group.name}-launch-template`, {
        name: `${props.name}-${group.name}`,
        description: `Nodes of ${props.name} node group ${group.name}`,
        // IMDSv2 only, and one hop: pods (a hop further away) cannot borrow the node role; they use service-account roles.
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { volumeType: 'gp3', volumeSize: ROOT_VOLUME_GIB, encrypted: 'true', kmsKeyId: props.kmsKeyArn, deleteOnTermination: 'true' },
          },
        ],
        monitoring: { enabled: true },
        tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: { Name: `${props.name}-${group.name}` } })),
        tags: { Name: `${props.name}-${group.name}` },
      });
      return new EksNodeGroup(this, `${group.name}-node-group`, {
        clusterName: this.cluster.name,
        nodeGroupName: group.name,
        nodeRoleArn: this.nodeRole.arn,
        subnetIds: [...props.subnetIds],
        amiType: isArm(group) ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD',
        capacityType: group.capacityType,
        instanceTypes: [...group.instanceTypes],
        scalingConfig: { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
        tags: { Name: `${props.name}-${group.name}` },
        dependsOn: [...nodePolicies, autoScalingGrant],
      });
    });

    for (const addon of ['vpc-cni', 'kube-proxy', 'coredns']) {
      new EksAddon(this, `addon-${addon}`, {
        clusterName: this.cluster.name,
        addonName: addon,
        // EKS installs self-managed copies at creation; the managed add-on takes them over.
        resolveConflictsOnCreate: 'OVERWRITE',
        // CoreDNS stays degraded, and Terraform waits, until there are nodes to schedule it on.
        ...(addon === 'coredns' ? { dependsOn: nodeGroups } : {}),
      });
    }
  }
}

function serviceRole(scope: Construct, id: string, name: string, service: string): IamRole {
  const trust = new DataAwsIamPolicyDocument(scope, `${id}-trust`, {
    statement: [{ sid: 'ServiceAssumesRole', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [service] }] }],
  });
  return new IamRole(scope, id, { name, assumeRolePolicy: trust.json, tags: { Name: name }, ...stackRoleConfig(scope) });
}

const isArm = (group: EksNodeGroupSpec) => ARM_INSTANCE_TYPE.test(group.instanceTypes[0] ?? '');

function validate(id: string, props: EksClusterProps): void {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`EksCluster ${id}: ${path}: expected ${expected}, got ${typeof got === 'string' ? got : JSON.stringify(got)}`);
  };
  if (!Token.isUnresolved(props.name) && !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(props.name)) {
    fail('name', 'letters, digits, "-" and "_" (at most 100, starting with a letter or digit)', props.name);
  }
  if (!Token.isUnresolved(props.version) && !/^1\.\d+$/.test(props.version)) fail('version', 'a Kubernetes minor version like "1.31"', props.version);
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) fail('subnetIds', 'at least two subnets (EKS needs two availability zones)', props.subnetIds.length);
  if (props.nodeGroups.length === 0) fail('nodeGroups', 'at least one node group', 0);
  const seen = new Set<string>();
  props.nodeGroups.forEach((group, index) => {
    const path = `nodeGroups[${index}]`;
    if (seen.has(group.name)) fail(`${path}.name`, 'a name unique within the cluster', group.name);
    seen.add(group.name);
    if (group.instanceTypes.length === 0) fail(`${path}.instanceTypes`, 'at least one instance type', 0);
    const mixed = group.instanceTypes.filter((type) => ARM_INSTANCE_TYPE.test(type) !== isArm(group));
    if (mixed.length > 0) {
      fail(`${path}.instanceTypes`, `one CPU architecture per node group (${group.instanceTypes[0]} is ${isArm(group) ? 'arm64' : 'x86_64'})`, mixed.join(', '));
    }
    if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize && group.maxSize >= 1)) {
      fail(`${path}`, 'minSize ≤ desiredSize ≤ maxSize with maxSize ≥ 1', `minSize ${group.minSize}, desiredSize ${group.desiredSize}, maxSize ${group.maxSize}`);
    }
  });
}
