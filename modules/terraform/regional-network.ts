import { Fn } from 'cdktn';
import { DataAwsAvailabilityZones } from '@cdktn/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktn/provider-aws/lib/default-security-group';
import { Subnet } from '@cdktn/provider-aws/lib/subnet';
import { Vpc } from '@cdktn/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { parseCidr, cidrContains } from '../../schemas';

export type SubnetTier = 'public' | 'private' | 'database';

export interface RegionalNetworkProps {
  /** Prefix for resource names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** The VPC's IPv4 block; must not overlap any peered region. */
  readonly vpcCidr: string;
  /**
   * Number of availability zones to spread subnets over.
   * @default 3
   */
  readonly availabilityZones?: number;
  /** One CIDR per availability zone for each tier, in zone order. */
  readonly subnets: Readonly<Record<SubnetTier, readonly string[]>>;
}

/** A VPC spread over availability zones with public, private and database subnets; the default security group denies all. */
export class RegionalNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Readonly<Record<SubnetTier, readonly Subnet[]>>;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const zoneCount = props.availabilityZones ?? 3;
    const vpcRange = parseCidr(props.vpcCidr);
    if (!vpcRange) throw new Error(`RegionalNetwork ${id}: vpcCidr: expected an IPv4 CIDR block, got ${JSON.stringify(props.vpcCidr)}`);
    for (const [tier, cidrs] of Object.entries(props.subnets)) {
      if (cidrs.length !== zoneCount) {
        throw new Error(`RegionalNetwork ${id}: subnets.${tier}: expected ${zoneCount} CIDRs (one per availability zone), got ${cidrs.length}`);
      }
      for (const cidr of cidrs) {
        const range = parseCidr(cidr);
        if (!range || !cidrContains(vpcRange, range)) {
          throw new Error(`RegionalNetwork ${id}: subnets.${tier}: expected CIDRs inside ${props.vpcCidr}, got ${JSON.stringify(cidr)}`);
        }
      }
    }

    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    // An open default security group is the classic accident; nothing should ever use it.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, tags: { Name: `${props.name}-default-deny` } });

    const tierSubnets = (tier: SubnetTier) =>
      props.subnets[tier].map(
        (cidr, index) =>
          new Subnet(this, `${tier}-${index}`, {
            vpcId: this.vpc.id,
            cidrBlock: cidr,
            availabilityZone: Fn.element(zones.names, index),
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.name}-${tier}-${index}`, tier },
          }),
      );
    this.subnets = { public: tierSubnets('public'), private: tierSubnets('private'), database: tierSubnets('database') };
  }
}
