import { TerraformOutput } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { EksCluster, type EksClusterProps } from './eks-cluster';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const props: EksClusterProps = {
  name: 'orders-us-east-1',
  version: '1.31',
  kmsKeyArn: KEY,
  subnetIds: ['subnet-private-a', 'subnet-private-b'],
  nodeGroups: [
    { name: 'general', instanceTypes: ['m6i.large', 'm5.large'], capacityType: 'ON_DEMAND', minSize: 2, desiredSize: 3, maxSize: 6 },
    { name: 'graviton', instanceTypes: ['m7g.large'], capacityType: 'SPOT', minSize: 0, desiredSize: 1, maxSize: 4 },
  ],
};

function synth(): { json: TerraformJson; eks: EksCluster } {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const eks = new EksCluster(stack, 'eks', props);
  return { json: synthScratch(stack), eks };
}

const only = (json: TerraformJson, type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const addressOf = (json: TerraformJson, type: string, match: (config: Record<string, any>) => boolean) => {
  const [name] = Object.entries(json.resource[type] ?? {}).find(([, config]) => match(config)) ?? [];
  if (!name) throw new Error(`no matching ${type}`);
  return `${type}.${name}`;
};
const roleNamed = (json: TerraformJson, name: string) => addressOf(json, 'aws_iam_role', (role) => role.name === name);
const policyDocument = (json: TerraformJson, reference: string) => json.data!.aws_iam_policy_document![/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(reference)![1]!]!;

describe('EksCluster', () => {
  it('serves the Kubernetes API only inside the VPC', () => {
    expect(only(synth().json, 'aws_eks_cluster').vpc_config).toEqual({
      subnet_ids: ['subnet-private-a', 'subnet-private-b'],
      endpoint_private_access: true,
      endpoint_public_access: false,
    });
  });

  it('envelope-encrypts secrets with the region key', () => {
    expect(only(synth().json, 'aws_eks_cluster').encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: KEY } });
  });

  it('authenticates through access entries only', () => {
    expect(only(synth().json, 'aws_eks_cluster').access_config).toEqual(expect.objectContaining({ authentication_mode: 'API' }));
  });

  it('logs every control-plane log type to a pre-created, encrypted group kept for a year', () => {
    const { json } = synth();
    const group = addressOf(json, 'aws_cloudwatch_log_group', (g) => g.name === '/aws/eks/orders-us-east-1/cluster');
    expect(json.resource.aws_cloudwatch_log_group![group.split('.')[1]!]).toEqual(expect.objectContaining({ kms_key_id: KEY, retention_in_days: 365 }));
    const cluster = only(json, 'aws_eks_cluster');
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(cluster.depends_on).toContain(group);
  });

  it('gives the cluster role the EKS cluster policy and only envelope-encryption use of the key', () => {
    const { json } = synth();
    const clusterRole = roleNamed(json, 'orders-us-east-1-cluster');
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment')).toContainEqual(
      expect.objectContaining({ role: `\${${clusterRole}.name}`, policy_arn: expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\}:iam::aws:policy\/AmazonEKSClusterPolicy$/) }),
    );
    const [keyPolicy] = resourcesOf(json, 'aws_iam_role_policy').filter((policy) => policy.role === `\${${clusterRole}.id}`);
    expect(policyDocument(json, keyPolicy!.policy).statement).toEqual([
      expect.objectContaining({ actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], resources: [KEY] }),
    ]);
  });

  it('lets only EKS assume the cluster role and only EC2 the node role', () => {
    const { json } = synth();
    const trustOf = (address: string) => policyDocument(json, json.resource.aws_iam_role![address.split('.')[1]!]!.assume_role_policy).statement[0].principals;
    expect(trustOf(roleNamed(json, 'orders-us-east-1-cluster'))).toEqual([{ type: 'Service', identifiers: ['eks.amazonaws.com'] }]);
    expect(trustOf(roleNamed(json, 'orders-us-east-1-node'))).toEqual([{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }]);
  });

  it('gives the node role the worker, CNI and registry read-only policies', () => {
    const { json } = synth();
    const nodeRole = `\${${roleNamed(json, 'orders-us-east-1-node')}.name}`;
    const attached = resourcesOf(json, 'aws_iam_role_policy_attachment')
      .filter((attachment) => attachment.role === nodeRole)
      .map((attachment) => attachment.policy_arn.split('/').pop());
    expect(attached).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']);
  });

  it('runs one managed node group per model node group in the private subnets', () => {
    const groups = resourcesOf(synth().json, 'aws_eks_node_group');
    expect(groups).toEqual([
      expect.objectContaining({
        node_group_name: 'general',
        subnet_ids: ['subnet-private-a', 'subnet-private-b'],
        instance_types: ['m6i.large', 'm5.large'],
        capacity_type: 'ON_DEMAND',
        ami_type: 'AL2023_x86_64_STANDARD',
        scaling_config: { min_size: 2, desired_size: 3, max_size: 6 },
        update_config: { max_unavailable: 1 },
      }),
      expect.objectContaining({ node_group_name: 'graviton', instance_types: ['m7g.large'], capacity_type: 'SPOT', ami_type: 'AL2023_ARM_64_STANDARD' }),
    ]);
  });

  it('launches nodes that require IMDSv2 one hop away and boot from encrypted gp3 volumes', () => {
    const { json } = synth();
    const template = resourcesOf(json, 'aws_launch_template').find((t) => t.name === 'orders-us-east-1-general')!;
    expect(template.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: expect.objectContaining({ volume_type: 'gp3', encrypted: 'true', kms_key_id: KEY }) },
    ]);
    expect(template.monitoring).toEqual({ enabled: true });
    const templateAddress = addressOf(json, 'aws_launch_template', (t) => t.name === 'orders-us-east-1-general');
    expect(resourcesOf(json, 'aws_eks_node_group').find((group) => group.node_group_name === 'general')!.launch_template).toEqual({
      id: `\${${templateAddress}.id}`,
      version: `\${${templateAddress}.latest_version}`,
    });
  });

  it('lets EC2 Auto Scaling use the key for node volumes before any node group launches', () => {
    const { json } = synth();
    const grant = only(json, 'aws_kms_grant');
    expect(grant).toEqual(expect.objectContaining({ key_id: KEY, grantee_principal: expect.stringContaining(':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling') }));
    const grantAddress = addressOf(json, 'aws_kms_grant', () => true);
    for (const group of resourcesOf(json, 'aws_eks_node_group')) expect(group.depends_on).toContain(grantAddress);
  });

  it('installs the VPC CNI, kube-proxy and CoreDNS add-ons, CoreDNS once nodes exist', () => {
    const addons = resourcesOf(synth().json, 'aws_eks_addon');
    expect(addons.map((addon) => addon.addon_name)).toEqual(['vpc-cni', 'kube-proxy', 'coredns']);
    expect(addons.find((addon) => addon.addon_name === 'coredns')!.depends_on).toHaveLength(2);
  });

  it('trusts the cluster\'s OIDC issuer for STS so service accounts can assume roles', () => {
    const { json } = synth();
    const cluster = addressOf(json, 'aws_eks_cluster', () => true);
    expect(only(json, 'aws_iam_openid_connect_provider')).toEqual(
      expect.objectContaining({ url: `\${${cluster}.identity[0].oidc[0].issuer}`, client_id_list: ['sts.amazonaws.com'] }),
    );
  });

  it('names the OIDC issuer without its scheme, as IAM condition keys spell it', () => {
    const stack = scratchStack();
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const eks = new EksCluster(stack, 'eks', props);
    new TerraformOutput(stack, 'issuer', { value: eks.oidcIssuer });
    const json = synthScratch(stack);
    const cluster = addressOf(json, 'aws_eks_cluster', () => true);
    expect(json.output!.issuer!.value).toBe(`\${replace(${cluster}.identity[0].oidc[0].issuer, "https://", "")}`);
  });
});
