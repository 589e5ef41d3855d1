import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { TrafficRouting, type RegionalEndpoint, type TrafficRoutingProps } from './traffic-routing';

const endpoint = (id: string, weight: number, role: RegionalEndpoint['role']): RegionalEndpoint => ({
  id,
  awsRegion: id,
  role,
  fqdn: `api-${id}.example.com`,
  weight,
  healthCheck: { path: '/healthz', intervalSeconds: 10, failureThreshold: 3, checkerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] },
});
const build = (props: TrafficRoutingProps) => new TrafficRouting(scratchStack(), 'traffic', props);

describe('TrafficRouting rejects', () => {
  it('a weight Route 53 cannot take', () => {
    expect(() =>
      build({ zone: 'example.com', hostedZoneId: 'Z0123456789EXAMPLE', record: 'api', routing: 'weighted', endpoints: [endpoint('us-east-1', 62.5, 'primary'), endpoint('us-west-2', 37.5, 'secondary')] }),
    ).toThrow('TrafficRouting traffic: endpoints[us-east-1].weight: expected a whole number from 0 to 100, got 62.5');
  });

  it('failover routing over more than two endpoints', () => {
    expect(() =>
      build({
        zone: 'example.com',
        hostedZoneId: 'Z0123456789EXAMPLE',
        record: 'api',
        routing: 'failover',
        endpoints: [endpoint('us-east-1', 100, 'primary'), endpoint('us-west-2', 0, 'secondary'), endpoint('eu-west-1', 0, 'secondary')],
      }),
    ).toThrow('TrafficRouting traffic: endpoints: expected exactly two endpoints for failover routing, got 3');
  });
});
