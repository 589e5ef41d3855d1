import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { RegionPeering, type RegionPeeringProps } from './region-peering';

const synth = (overrides: Partial<RegionPeeringProps> = {}): TerraformJson => {
  const stack = scratchStack();
  const east = new AwsProvider(stack, 'aws-use1', { region: 'us-east-1', alias: 'use1' });
  const west = new AwsProvider(stack, 'aws-usw2', { region: 'us-west-2', alias: 'usw2' });
  new RegionPeering(stack, 'peering', {
    name: 'orders-use1-usw2',
    requester: { awsRegion: 'us-east-1', provider: east, vpcId: 'vpc-east', cidr: '10.10.0.0/16', routeTableIds: ['rtb-east-a', 'rtb-east-b'] },
    accepter: { awsRegion: 'us-west-2', provider: west, vpcId: 'vpc-west', cidr: '10.20.0.0/16', routeTableIds: ['rtb-west-a'] },
    ...overrides,
  });
  return synthScratch(stack);
};
/** The interpolation of an attribute of the only resource of a type. */
const reference = (json: TerraformJson, type: string, attribute: string) => `\${${type}.${Object.keys(json.resource[type] ?? {})[0]}.${attribute}}`;

describe('RegionPeering', () => {
  it('requests the connection from the requester region without auto-accepting it', () => {
    const [connection] = resourcesOf(synth(), 'aws_vpc_peering_connection');
    expect(connection).toEqual(
      expect.objectContaining({ provider: 'aws.use1', vpc_id: 'vpc-east', peer_vpc_id: 'vpc-west', peer_region: 'us-west-2', auto_accept: false }),
    );
  });

  it('accepts the connection from the accepter region', () => {
    const json = synth();
    const [accepter] = resourcesOf(json, 'aws_vpc_peering_connection_accepter');
    expect(accepter).toEqual(
      expect.objectContaining({ provider: 'aws.usw2', auto_accept: true, vpc_peering_connection_id: reference(json, 'aws_vpc_peering_connection', 'id') }),
    );
  });

  it('routes every table on each side to the other side through the accepted connection', () => {
    const json = synth();
    const routes = resourcesOf(json, 'aws_route').map((route) => ({
      provider: route.provider,
      table: route.route_table_id,
      to: route.destination_cidr_block,
      via: route.vpc_peering_connection_id,
    }));
    const via = reference(json, 'aws_vpc_peering_connection_accepter', 'id');
    expect(routes).toEqual([
      { provider: 'aws.use1', table: 'rtb-east-a', to: '10.20.0.0/16', via },
      { provider: 'aws.use1', table: 'rtb-east-b', to: '10.20.0.0/16', via },
      { provider: 'aws.usw2', table: 'rtb-west-a', to: '10.10.0.0/16', via },
    ]);
  });

  it('lets each side resolve the other side’s private DNS names, each set through its own region', () => {
    const options = resourcesOf(synth(), 'aws_vpc_peering_connection_options');
    expect(options).toEqual([
      expect.objectContaining({ provider: 'aws.use1', requester: { allow_remote_vpc_dns_resolution: true } }),
      expect.objectContaining({ provider: 'aws.usw2', accepter: { allow_remote_vpc_dns_resolution: true } }),
    ]);
  });

  it('names the connection after its regions unless given a name', () => {
    expect(resourcesOf(synth(), 'aws_vpc_peering_connection')[0]!.tags).toEqual({ Name: 'orders-use1-usw2', side: 'requester' });
    expect(resourcesOf(synth({ name: undefined }), 'aws_vpc_peering_connection')[0]!.tags).toEqual({ Name: 'us-east-1-us-west-2', side: 'requester' });
  });

  it('leaves DNS resolution across the peering off when asked to', () => {
    expect(resourcesOf(synth({ allowRemoteVpcDnsResolution: false }), 'aws_vpc_peering_connection_options')).toEqual([]);
  });
});
