import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { RegionalNetwork, type RegionalNetworkProps } from './regional-network';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const props: RegionalNetworkProps = {
  name: 'orders-us-east-1',
  vpcCidr: '10.10.0.0/16',
  availabilityZones: 2,
  subnets: { public: ['10.10.0.0/24', '10.10.1.0/24'], private: ['10.10.10.0/24', '10.10.11.0/24'], database: ['10.10.20.0/24', '10.10.21.0/24'] },
  kmsKeyArn: KEY,
};

function synth(): { json: TerraformJson; network: RegionalNetwork } {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const network = new RegionalNetwork(stack, 'network', props);
  return { json: synthScratch(stack), network };
}

/** Terraform reference to an attribute of the one resource of a type whose tags carry the Name. */
const ref = (json: TerraformJson, type: string, name: string, attribute = 'id') => {
  const [address] = Object.entries(json.resource[type] ?? {}).find(([, config]) => config.tags?.Name === name) ?? [];
  if (!address) throw new Error(`no ${type} named ${name}`);
  return `\${${type}.${address}.${attribute}}`;
};
const routesOf = (json: TerraformJson, tableName: string) =>
  resourcesOf(json, 'aws_route').filter((route) => route.route_table_id === ref(json, 'aws_route_table', tableName));
const tableOfSubnet = (json: TerraformJson, subnetName: string) =>
  resourcesOf(json, 'aws_route_table_association').find((association) => association.subnet_id === ref(json, 'aws_subnet', subnetName))?.route_table_id;
const policyDocument = (json: TerraformJson, reference: string) => json.data!.aws_iam_policy_document![/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(reference)![1]!]!;

describe('RegionalNetwork', () => {
  it('sends the public subnets to the internet through the internet gateway', () => {
    const { json } = synth();
    expect(routesOf(json, 'orders-us-east-1-public')).toEqual([
      expect.objectContaining({ destination_cidr_block: '0.0.0.0/0', gateway_id: ref(json, 'aws_internet_gateway', 'orders-us-east-1') }),
    ]);
    expect(tableOfSubnet(json, 'orders-us-east-1-public-0')).toBe(ref(json, 'aws_route_table', 'orders-us-east-1-public'));
    expect(tableOfSubnet(json, 'orders-us-east-1-public-1')).toBe(ref(json, 'aws_route_table', 'orders-us-east-1-public'));
  });

  it('gives each zone its own NAT gateway in that zone\'s public subnet', () => {
    const { json } = synth();
    for (const zone of [0, 1]) {
      expect(resourcesOf(json, 'aws_nat_gateway')).toContainEqual(
        expect.objectContaining({
          subnet_id: ref(json, 'aws_subnet', `orders-us-east-1-public-${zone}`),
          allocation_id: ref(json, 'aws_eip', `orders-us-east-1-nat-${zone}`, 'allocation_id'),
        }),
      );
    }
  });

  it('routes each private subnet to the internet through its own zone\'s NAT gateway', () => {
    const { json } = synth();
    for (const zone of [0, 1]) {
      expect(tableOfSubnet(json, `orders-us-east-1-private-${zone}`)).toBe(ref(json, 'aws_route_table', `orders-us-east-1-private-${zone}`));
      expect(routesOf(json, `orders-us-east-1-private-${zone}`)).toEqual([
        expect.objectContaining({ destination_cidr_block: '0.0.0.0/0', nat_gateway_id: ref(json, 'aws_nat_gateway', `orders-us-east-1-nat-${zone}`) }),
      ]);
    }
  });

  it('leaves the database subnets without any route out of the VPC', () => {
    const { json } = synth();
    for (const zone of [0, 1]) {
      expect(tableOfSubnet(json, `orders-us-east-1-database-${zone}`)).toBe(ref(json, 'aws_route_table', `orders-us-east-1-database-${zone}`));
      expect(routesOf(json, `orders-us-east-1-database-${zone}`)).toEqual([]);
    }
  });

  it('writes no inline routes, so peering routes can be added to the tables', () => {
    const { json, network } = synth();
    expect(network.routeTables.private).toHaveLength(2);
    expect(network.routeTables.database).toHaveLength(2);
    for (const table of resourcesOf(json, 'aws_route_table')) expect(table.route).toBeUndefined();
  });

  it('logs all VPC traffic to a group encrypted with the region key and kept for a year', () => {
    const { json } = synth();
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({ name: '/aws/vpc/flow-logs/orders-us-east-1', kms_key_id: KEY, retention_in_days: 365 }),
    ]);
    expect(resourcesOf(json, 'aws_flow_log')).toEqual([
      expect.objectContaining({
        vpc_id: ref(json, 'aws_vpc', 'orders-us-east-1'),
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: ref(json, 'aws_cloudwatch_log_group', 'orders-us-east-1-flow-logs', 'arn'),
      }),
    ]);
  });

  it('lets only flow logs of this account assume the flow log role', () => {
    const { json } = synth();
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(policyDocument(json, role!.assume_role_policy).statement).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: [expect.objectContaining({ test: 'StringEquals', variable: 'aws:SourceAccount' })],
      }),
    ]);
  });

  it('lets the flow log role write only to its log group', () => {
    const { json } = synth();
    const group = ref(json, 'aws_cloudwatch_log_group', 'orders-us-east-1-flow-logs', 'arn');
    const [policy] = resourcesOf(json, 'aws_iam_role_policy');
    expect(policyDocument(json, policy!.policy).statement).toEqual([
      expect.objectContaining({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [group, `${group}:*`],
      }),
    ]);
  });

  it('reaches S3 through a gateway endpoint from the private and database subnets', () => {
    const { json } = synth();
    expect(resourcesOf(json, 'aws_vpc_endpoint')).toEqual([
      expect.objectContaining({
        vpc_endpoint_type: 'Gateway',
        route_table_ids: ['private-0', 'private-1', 'database-0', 'database-1'].map((table) => ref(json, 'aws_route_table', `orders-us-east-1-${table}`)),
      }),
    ]);
  });
});
