import { TerraformOutput } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { KafkaCluster, type KafkaClusterProps } from './kafka-cluster';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/regional';
const valid: KafkaClusterProps = {
  name: 'orders-us-east-1',
  brokerInstanceType: 'kafka.m5.large',
  brokersPerAz: 2,
  storageGiB: 500,
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  clientCidrs: ['10.10.10.0/24', '10.10.11.0/24'],
  kmsKeyArn: KEY,
};

function synth(props: KafkaClusterProps) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const kafka = new KafkaCluster(stack, 'kafka', props);
  new TerraformOutput(stack, 'topic', { value: kafka.topicArn('orders.created') });
  new TerraformOutput(stack, 'group', { value: kafka.groupArn('orders-api-*') });
  const json = synthScratch(stack);
  const [cluster] = resourcesOf(json, 'aws_msk_cluster');
  return { json, cluster: cluster! };
}

const serverProperties = (json: ReturnType<typeof synth>['json']) => resourcesOf(json, 'aws_msk_configuration')[0]!.server_properties.split('\n');

describe('KafkaCluster', () => {
  it('places brokersPerAz brokers in each subnet', () => {
    expect(synth(valid).cluster).toMatchObject({
      number_of_broker_nodes: 6,
      kafka_version: '3.6.0',
      broker_node_group_info: expect.objectContaining({ instance_type: 'kafka.m5.large', client_subnets: valid.subnetIds, storage_info: { ebs_storage_info: { volume_size: 500 } } }),
    });
  });

  it('accepts IAM-authenticated clients only', () => {
    expect(synth(valid).cluster.client_authentication).toEqual({ sasl: { iam: true }, unauthenticated: false });
  });

  it('encrypts storage with the regional key and all traffic with TLS', () => {
    expect(synth(valid).cluster.encryption_info).toEqual({ encryption_at_rest_kms_key_arn: KEY, encryption_in_transit: { client_broker: 'TLS', in_cluster: true } });
  });

  it('keeps brokers off the internet and admits clients on 9098 from the client networks only', () => {
    const { json, cluster } = synth(valid);
    expect(cluster.broker_node_group_info.connectivity_info).toEqual({ public_access: { type: 'DISABLED' } });
    const ingress = resourcesOf(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress.filter((rule) => 'cidr_ipv4' in rule)).toEqual(
      valid.clientCidrs.map((cidr) => expect.objectContaining({ cidr_ipv4: cidr, ip_protocol: 'tcp', from_port: 9098, to_port: 9098 })),
    );
  });

  it('lets replicator interfaces in its own security group reach the brokers on 9098 and nothing else', () => {
    const { json } = synth(valid);
    const self = expect.objectContaining({ ip_protocol: 'tcp', from_port: 9098, to_port: 9098, referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\./) });
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter((rule) => 'referenced_security_group_id' in rule)).toEqual([self]);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual([self]);
  });

  it('refuses to auto-create topics and keeps three in-sync-tolerant copies when there are three brokers or more', () => {
    const { json, cluster } = synth(valid);
    expect(serverProperties(json)).toEqual(['auto.create.topics.enable=false', 'default.replication.factor=3', 'min.insync.replicas=2']);
    expect(cluster.configuration_info).toEqual({ arn: expect.stringMatching(/^\$\{aws_msk_configuration\./), revision: expect.stringMatching(/latest_revision/) });
  });

  it('keeps two copies, either one enough to write, on a two-broker cluster', () => {
    const { json } = synth({ ...valid, brokersPerAz: 1, subnetIds: ['subnet-a', 'subnet-b'] });
    expect(serverProperties(json)).toEqual(expect.arrayContaining(['default.replication.factor=2', 'min.insync.replicas=1']));
  });

  it('monitors per topic and broker, exports Prometheus metrics and logs brokers to an encrypted log group kept a year', () => {
    const { json, cluster } = synth(valid);
    expect(cluster).toMatchObject({
      enhanced_monitoring: 'PER_TOPIC_PER_BROKER',
      open_monitoring: { prometheus: { jmx_exporter: { enabled_in_broker: true }, node_exporter: { enabled_in_broker: true } } },
      logging_info: { broker_logs: { cloudwatch_logs: { enabled: true, log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\./) } } },
    });
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')).toEqual([expect.objectContaining({ kms_key_id: KEY, retention_in_days: 365 })]);
  });

  it('derives topic and consumer group ARNs from the cluster ARN for IAM policies', () => {
    const { json } = synth(valid);
    expect(json.output?.topic?.value).toMatch(/^\$\{replace\(aws_msk_cluster\.[\w-]+\.arn, ":cluster\/", ":topic\/"\)\}\/orders\.created$/);
    expect(json.output?.group?.value).toMatch(/^\$\{replace\(aws_msk_cluster\.[\w-]+\.arn, ":cluster\/", ":group\/"\)\}\/orders-api-\*$/);
  });
});
