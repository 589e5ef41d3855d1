import { TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { Global, Region } from '../../schemas';
import { RegionalNetwork } from './regional-network';
import { useStateBackend } from './state-backend';

export interface RegionStackProps {
  readonly region: Region;
  readonly global: Global;
}

/** Everything that lives in one AWS region, in its own state so that losing a region never blocks applying the other. */
export class RegionStack extends TerraformStack {
  readonly network: RegionalNetwork;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id);
    const { region, global } = props;
    new AwsProvider(this, 'aws', {
      region: region.awsRegion,
      defaultTags: [{ tags: { project: global.name, region: region.id, role: region.role, residency: region.residency.zone, 'managed-by': 'terraform' } }],
    });
    useStateBackend(this, global.terraformState, id);
    this.network = new RegionalNetwork(this, 'network', {
      name: `${global.name}-${region.id}`,
      vpcCidr: region.network.vpcCidr,
      availabilityZones: region.network.availabilityZones,
      subnets: region.network.subnets,
    });
  }
}
