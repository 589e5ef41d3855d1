import type { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { Route } from '@cdktn/provider-aws/lib/route';
import { VpcPeeringConnection } from '@cdktn/provider-aws/lib/vpc-peering-connection';
import { VpcPeeringConnectionAccepterA } from '@cdktn/provider-aws/lib/vpc-peering-connection-accepter';
import { VpcPeeringConnectionOptions } from '@cdktn/provider-aws/lib/vpc-peering-connection-options';
import { Construct } from 'constructs';
import { cidrsOverlap, parseCidr } from '../../schemas';

export interface PeeredVpc {
  /** The region the VPC lives in, e.g. `us-east-1`. */
  readonly awsRegion: string;
  /** The provider configured for that region; the global stack has one per region. */
  readonly provider: AwsProvider;
  readonly vpcId: string;
  /** The VPC's IPv4 block; must not overlap the other side's. */
  readonly cidr: string;
  /** Route tables that get a route to the other side's CIDR, typically the private and database ones. */
  readonly routeTableIds: readonly string[];
}

export interface RegionPeeringProps {
  /**
   * Name tag of the peering connection.
   * @default `<requester region>-<accepter region>`, e.g. `us-east-1-us-west-2`
   */
  readonly name?: string;
  /** The side that requests the peering. */
  readonly requester: PeeredVpc;
  /** The side that accepts it. */
  readonly accepter: PeeredVpc;
  /**
   * Resolve the other VPC's private DNS names (RDS, MSK, ElastiCache endpoints) to private addresses,
   * so cross-region calls stay on the peering instead of leaving through NAT.
   * @default true
   */
  readonly allowRemoteVpcDnsResolution?: boolean;
}

/**
 * Peers two VPCs in different regions of one account and routes each side's tables to the other's
 * CIDR. The connection is requested in one region and accepted in the other, so every resource names
 * the provider of the side it acts on.
 */
export class RegionPeering extends Construct {
  readonly connection: VpcPeeringConnection;
  readonly accepter: VpcPeeringConnectionAccepterA;
  /** The peering connection's id, known once the peer has accepted it. */
  readonly connectionId: string;

  constructor(scope: Construct, id: string, props: RegionPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    const name = props.name ?? `${requester.awsRegion}-${accepter.awsRegion}`;
    const requesterRange = parseCidr(requester.cidr);
    if (!requesterRange) throw new Error(`RegionPeering ${id}: requester.cidr: expected an IPv4 CIDR block, got ${JSON.stringify(requester.cidr)}`);
    const accepterRange = parseCidr(accepter.cidr);
    if (!accepterRange) throw new Error(`RegionPeering ${id}: accepter.cidr: expected an IPv4 CIDR block, got ${JSON.stringify(accepter.cidr)}`);
    if (cidrsOverlap(requesterRange, accepterRange)) {
      throw new Error(`RegionPeering ${id}: accepter.cidr: expected a block that does not overlap requester.cidr ${requester.cidr}, got ${accepter.cidr}`);
    }
    if (requester.awsRegion === accepter.awsRegion) {
      throw new Error(`RegionPeering ${id}: accepter.awsRegion: expected a region other than the requester's, got ${accepter.awsRegion}`);
    }
    for (const [side, vpc] of [['requester', requester], ['accepter', accepter]] as const) {
      if (vpc.routeTableIds.length === 0) {
        throw new Error(`RegionPeering ${id}: ${side}.routeTableIds: expected at least one route table, got none`);
      }
    }

    // Requested without auto-accept: a cross-region request can only be accepted from the peer region.
    this.connection = new VpcPeeringConnection(this, 'connection', {
      provider: requester.provider,
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      peerRegion: accepter.awsRegion,
      autoAccept: false,
      tags: { Name: name, side: 'requester' },
    });
    this.accepter = new VpcPeeringConnectionAccepterA(this, 'accepter', {
      provider: accepter.provider,
      vpcPeeringConnectionId: this.connection.id,
      autoAccept: true,
      tags: { Name: name, side: 'accepter' },
    });
    // Everything below refers to the accepter's id, so it waits for an active connection.
    this.connectionId = this.accepter.id;

    if (props.allowRemoteVpcDnsResolution ?? true) {
      // Each side's option can only be set through that side's region.
      new VpcPeeringConnectionOptions(this, 'requester-options', {
        provider: requester.provider,
        vpcPeeringConnectionId: this.connectionId,
        requester: { allowRemoteVpcDnsResolution: true },
      });
      new VpcPeeringConnectionOptions(this, 'accepter-options', {
        provider: accepter.provider,
        vpcPeeringConnectionId: this.connectionId,
        accepter: { allowRemoteVpcDnsResolution: true },
      });
    }

    for (const [side, vpc, peerCidr] of [
      ['requester', requester, accepter.cidr],
      ['accepter', accepter, requester.cidr],
    ] as const) {
      vpc.routeTableIds.forEach((routeTableId, index) => {
        new Route(this, `${side}-route-${index}`, {
          provider: vpc.provider,
          routeTableId,
          destinationCidrBlock: peerCidr,
          vpcPeeringConnectionId: this.connectionId,
        });
      });
    }
  }
}
