import { Route53HealthCheck } from '@cdktn/provider-aws/lib/route53-health-check';
import { Route53Record, type Route53RecordConfig } from '@cdktn/provider-aws/lib/route53-record';
import { Construct } from 'constructs';
import { routedHealthCheckName } from '../names';

export type RoutingMode = 'latency' | 'weighted' | 'failover';

export interface RegionalEndpoint {
  /** Region id; becomes the record's set identifier. */
  readonly id: string;
  readonly awsRegion: string;
  readonly role: 'primary' | 'secondary';
  /** Fully qualified name of the region's own endpoint, probed by the health check. */
  readonly fqdn: string;
  /** Share of traffic in percent. A weight of 0 drains the region. */
  readonly weight: number;
  /** @default 60 */
  readonly ttlSeconds?: number;
  readonly healthCheck: {
    readonly path: string;
    readonly intervalSeconds: 10 | 30;
    readonly failureThreshold: number;
    readonly checkerRegions: readonly string[];
  };
}

export interface TrafficRoutingProps {
  /** Public hosted zone, e.g. `example.com`. */
  readonly zone: string;
  /** Id of that hosted zone. */
  readonly hostedZoneId: string;
  /** Label users resolve inside the zone, e.g. `api`. */
  readonly record: string;
  readonly routing: RoutingMode;
  readonly endpoints: readonly RegionalEndpoint[];
  /**
   * A second health check per endpoint id that must also pass for the region to get answers: the one
   * an ARC Region switch plan turns unhealthy to move traffic away. The record then carries a
   * calculated check over both.
   * @default none; records carry the HTTPS check alone
   */
  readonly switchHealthCheckIds?: Readonly<Record<string, string>>;
}

/**
 * One Route 53 record set with an entry per region, each guarded by an HTTPS health check, so a
 * failing region leaves DNS answers without anyone acting. Weights are the model's, verbatim.
 */
export class TrafficRouting extends Construct {
  /** The HTTPS check of each endpoint, by endpoint id. */
  readonly healthChecks: Readonly<Record<string, Route53HealthCheck>>;

  constructor(scope: Construct, id: string, props: TrafficRoutingProps) {
    super(scope, id);
    // Whether the weights add up to 100 is a policy (traffic.weights-sum-to-100) with a finding that
    // names the regions; Route 53 only needs each weight to be a whole number it accepts.
    for (const endpoint of props.endpoints) {
      if (!Number.isInteger(endpoint.weight) || endpoint.weight < 0 || endpoint.weight > 100) {
        throw new Error(`TrafficRouting ${id}: endpoints[${endpoint.id}].weight: expected a whole number from 0 to 100, got ${endpoint.weight}`);
      }
    }
    if (props.routing === 'failover' && props.endpoints.length !== 2) {
      throw new Error(`TrafficRouting ${id}: endpoints: expected exactly two endpoints for failover routing, got ${props.endpoints.length}`);
    }

    const checks: Record<string, Route53HealthCheck> = {};
    for (const endpoint of props.endpoints) {
      const check = new Route53HealthCheck(this, `health-${endpoint.id}`, {
        type: 'HTTPS',
        fqdn: endpoint.fqdn,
        port: 443,
        resourcePath: endpoint.healthCheck.path,
        requestInterval: endpoint.healthCheck.intervalSeconds,
        failureThreshold: endpoint.healthCheck.failureThreshold,
        regions: [...endpoint.healthCheck.checkerRegions],
        enableSni: true,
        measureLatency: true,
        tags: { Name: routedHealthCheckName(props.record, props.zone, endpoint.id) },
      });
      checks[endpoint.id] = check;
      // Under latency routing a drained region must disappear from the answers; weights do that for the other modes.
      if (props.routing === 'latency' && endpoint.weight === 0) continue;
      new Route53Record(this, `record-${endpoint.id}`, {
        zoneId: props.hostedZoneId,
        name: `${props.record}.${props.zone}`,
        type: 'CNAME',
        ttl: endpoint.ttlSeconds ?? 60,
        records: [endpoint.fqdn],
        setIdentifier: endpoint.id,
        healthCheckId: this.gatedCheck(endpoint, check, props).id,
        ...routingPolicy(props.routing, endpoint),
      });
    }
    this.healthChecks = checks;
  }

  private gatedCheck(endpoint: RegionalEndpoint, check: Route53HealthCheck, props: TrafficRoutingProps): Route53HealthCheck {
    const switchCheck = props.switchHealthCheckIds?.[endpoint.id];
    if (!switchCheck) return check;
    return new Route53HealthCheck(this, `health-${endpoint.id}-and-switch`, {
      type: 'CALCULATED',
      childHealthchecks: [check.id, switchCheck],
      childHealthThreshold: 2,
      tags: { Name: `${props.record}.${props.zone} ${endpoint.id} healthy and not switched away` },
    });
  }
}

function routingPolicy(mode: RoutingMode, endpoint: RegionalEndpoint): Partial<Route53RecordConfig> {
  switch (mode) {
    case 'weighted':
      return { weightedRoutingPolicy: { weight: endpoint.weight } };
    case 'latency':
      return { latencyRoutingPolicy: { region: endpoint.awsRegion } };
    case 'failover':
      return { failoverRoutingPolicy: { type: endpoint.role === 'primary' ? 'PRIMARY' : 'SECONDARY' } };
  }
}
