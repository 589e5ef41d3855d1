import { TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { primaryRegion, type Model } from '../../schemas';
import { useStateBackend } from './state-backend';
import { TrafficRouting } from './traffic-routing';

export interface GlobalStackProps {
  readonly model: Model;
}

/** What spans regions: the DNS record users resolve and the health checks that steer it. */
export class GlobalStack extends TerraformStack {
  readonly traffic: TrafficRouting;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { model } = props;
    new AwsProvider(this, 'aws', {
      region: primaryRegion(model).awsRegion,
      defaultTags: [{ tags: { project: model.global.name, scope: 'global', 'managed-by': 'terraform' } }],
    });
    useStateBackend(this, model.global.terraformState, id);
    this.traffic = new TrafficRouting(this, 'traffic', {
      zone: model.global.dns.zone,
      record: model.global.dns.record,
      routing: model.regions[0]!.traffic.routing,
      endpoints: model.regions.map((region) => ({
        id: region.id,
        awsRegion: region.awsRegion,
        role: region.role,
        fqdn: `${region.dns.regionalRecord}.${region.dns.zone}`,
        weight: region.traffic.weight,
        ttlSeconds: region.dns.ttlSeconds,
        healthCheck: region.healthCheck,
      })),
    });
  }
}
