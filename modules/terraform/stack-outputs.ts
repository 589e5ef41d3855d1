import { DataTerraformRemoteStateS3, TerraformOutput, type TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { Global } from '../../schemas';
import { stateKey } from './state-backend';

/**
 * Values a region stack publishes as outputs, by name, for the global stack and peer regions to read
 * from its state. Names are part of the contract between stacks (and for operators reading
 * `terraform output`), so they are spelt out here rather than derived from construct paths.
 */
export const REGION_OUTPUTS = {
  vpcId: 'vpc_id',
  privateRouteTableIds: 'private_route_table_ids',
  databaseRouteTableIds: 'database_route_table_ids',
  clusterName: 'eks_cluster_name',
  clusterEndpoint: 'eks_cluster_endpoint',
  clusterCertificateAuthority: 'eks_cluster_certificate_authority',
  loadBalancerArn: 'load_balancer_arn',
  loadBalancerDnsName: 'load_balancer_dns_name',
  targetGroupArn: 'load_balancer_target_group_arn',
  webAclArn: 'waf_web_acl_arn',
  kafkaClusterArn: 'kafka_cluster_arn',
  kafkaBootstrapBrokers: 'kafka_bootstrap_brokers_iam',
  kafkaSubnetIds: 'kafka_subnet_ids',
  kafkaSecurityGroupId: 'kafka_security_group_id',
  databaseWriterEndpoint: (dataSet: string) => `db_${snake(dataSet)}_writer_endpoint`,
  databaseReaderEndpoint: (dataSet: string) => `db_${snake(dataSet)}_reader_endpoint`,
  cacheEndpoint: (dataSet: string) => `cache_${snake(dataSet)}_endpoint`,
  cacheGlobalReplicationGroupId: (dataSet: string) => `cache_${snake(dataSet)}_global_replication_group_id`,
  bucketName: (dataSet: string) => `bucket_${snake(dataSet)}`,
  workloadRoleArn: (app: string) => `workload_role_${snake(app)}_arn`,
} as const;

const snake = (name: string) => name.replace(/-/g, '_');

/** Declares one output; sensitive values are never published (they stay in the producing stack). */
export function publish(stack: TerraformStack, name: string, value: unknown, description: string): TerraformOutput {
  const output = new TerraformOutput(stack, name, { value, description });
  output.overrideLogicalId(name);
  return output;
}

/** Another stack's outputs, read from its remote state; `npm run synth` names the stack, Terraform reads it at plan time. */
export function remoteStack(scope: Construct, id: string, state: Global['terraformState'], stackName: string): DataTerraformRemoteStateS3 {
  return new DataTerraformRemoteStateS3(scope, id, { bucket: state.bucket, key: stateKey(state, stackName), region: state.region });
}
