import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { RegionalNetwork, type RegionalNetworkProps } from './regional-network';

const valid: RegionalNetworkProps = {
  name: 'orders-us-east-1',
  vpcCidr: '10.10.0.0/16',
  availabilityZones: 2,
  subnets: { public: ['10.10.0.0/24', '10.10.1.0/24'], private: ['10.10.10.0/24', '10.10.11.0/24'], database: ['10.10.20.0/24', '10.10.21.0/24'] },
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const build = (props: RegionalNetworkProps) => new RegionalNetwork(scratchStack(), 'network', props);

describe('RegionalNetwork rejects', () => {
  it('a VPC CIDR that is not a CIDR block', () => {
    expect(() => build({ ...valid, vpcCidr: '10.10.0.1/16' })).toThrow('RegionalNetwork network: vpcCidr: expected an IPv4 CIDR block, got "10.10.0.1/16"');
  });

  it('a tier without one subnet per availability zone', () => {
    expect(() => build({ ...valid, subnets: { ...valid.subnets, private: ['10.10.10.0/24'] } })).toThrow(
      'RegionalNetwork network: subnets.private: expected 2 CIDRs (one per availability zone), got 1',
    );
  });

  it('a subnet outside the VPC', () => {
    expect(() => build({ ...valid, subnets: { ...valid.subnets, database: ['10.10.20.0/24', '10.11.0.0/24'] } })).toThrow(
      'RegionalNetwork network: subnets.database: expected CIDRs inside 10.10.0.0/16, got "10.11.0.0/24"',
    );
  });
});
