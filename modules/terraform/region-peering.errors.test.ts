import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { RegionPeering, type PeeredVpc } from './region-peering';

const build = (requester: Partial<PeeredVpc>, accepter: Partial<PeeredVpc>) => {
  const stack = scratchStack();
  const east = new AwsProvider(stack, 'aws-use1', { region: 'us-east-1', alias: 'use1' });
  const west = new AwsProvider(stack, 'aws-usw2', { region: 'us-west-2', alias: 'usw2' });
  return new RegionPeering(stack, 'peering', {
    name: 'orders-use1-usw2',
    requester: { awsRegion: 'us-east-1', provider: east, vpcId: 'vpc-east', cidr: '10.10.0.0/16', routeTableIds: ['rtb-east'], ...requester },
    accepter: { awsRegion: 'us-west-2', provider: west, vpcId: 'vpc-west', cidr: '10.20.0.0/16', routeTableIds: ['rtb-west'], ...accepter },
  });
};

describe('RegionPeering rejects', () => {
  it('a requester CIDR that is not a CIDR block', () => {
    expect(() => build({ cidr: '10.10.0.1/16' }, {})).toThrow('RegionPeering peering: requester.cidr: expected an IPv4 CIDR block, got "10.10.0.1/16"');
  });

  it('an accepter CIDR that is not a CIDR block', () => {
    expect(() => build({}, { cidr: 'vpc' })).toThrow('RegionPeering peering: accepter.cidr: expected an IPv4 CIDR block, got "vpc"');
  });

  it('overlapping CIDRs', () => {
    expect(() => build({}, { cidr: '10.10.128.0/17' })).toThrow(
      'RegionPeering peering: accepter.cidr: expected a block that does not overlap requester.cidr 10.10.0.0/16, got 10.10.128.0/17',
    );
  });

  it('both sides in one region', () => {
    expect(() => build({}, { awsRegion: 'us-east-1' })).toThrow('RegionPeering peering: accepter.awsRegion: expected a region other than the requester\'s, got us-east-1');
  });

  it('a side without route tables', () => {
    expect(() => build({}, { routeTableIds: [] })).toThrow('RegionPeering peering: accepter.routeTableIds: expected at least one route table, got none');
  });
});
