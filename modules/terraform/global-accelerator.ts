import { GlobalacceleratorAccelerator } from '@cdktn/provider-aws/lib/globalaccelerator-accelerator';
import { GlobalacceleratorEndpointGroup } from '@cdktn/provider-aws/lib/globalaccelerator-endpoint-group';
import { GlobalacceleratorListener } from '@cdktn/provider-aws/lib/globalaccelerator-listener';
import { Construct } from 'constructs';

export interface AcceleratedEndpoint {
  /** Region id; names the endpoint group. */
  readonly id: string;
  /** The region the endpoint group lives in, e.g. `us-east-1`. */
  readonly awsRegion: string;
  /** ARN of the region's application load balancer. */
  readonly loadBalancerArn: string;
  /** The region's share of traffic in whole percent (0..100), as in the model. A weight of 0 drains the region. */
  readonly weight: number;
  /** Absolute path the accelerator probes over HTTPS, e.g. `/healthz`. */
  readonly healthCheckPath: string;
}

export interface GlobalAcceleratorProps {
  /** Accelerator name, e.g. `orders`. */
  readonly name: string;
  /** One endpoint group per region. */
  readonly endpoints: readonly AcceleratedEndpoint[];
  /**
   * Bucket that receives the accelerator's flow logs, under a prefix named after the accelerator.
   * @default no flow logs
   */
  readonly flowLogsBucket?: string;
}

/**
 * A Global Accelerator in front of the regional load balancers: two static anycast IPs, a TCP 443
 * listener and one endpoint group per region, each health-checked over HTTPS.
 *
 * Global Accelerator has no weights across endpoint groups. Each group's traffic dial is an
 * independent cap on the share of the traffic *already routed to that group* (by proximity) that it
 * keeps; what it sheds goes to the next-closest group. Dials are therefore not normalised and do not
 * sum to 100. The model's weights map to dials as `round(100 × weight / largest weight)`: the region
 * with the largest share keeps all its traffic (dial 100), a drained region (weight 0) keeps none
 * (dial 0), and a region with half the leader's share sheds half of its own. Changing a region's
 * weight moves only that region's dial unless it changes which weight is the largest.
 */
export class GlobalAccelerator extends Construct {
  readonly accelerator: GlobalacceleratorAccelerator;
  readonly listener: GlobalacceleratorListener;
  readonly endpointGroups: Readonly<Record<string, GlobalacceleratorEndpointGroup>>;
  /** The accelerator's DNS name, for an alias record or clients that pin to it. */
  readonly dnsName: string;

  constructor(scope: Construct, id: string, props: GlobalAcceleratorProps) {
    super(scope, id);
    if (props.endpoints.length === 0) {
      throw new Error(`GlobalAccelerator ${id}: endpoints: expected at least one endpoint, got none`);
    }
    for (const endpoint of props.endpoints) {
      if (!Number.isInteger(endpoint.weight) || endpoint.weight < 0 || endpoint.weight > 100) {
        throw new Error(`GlobalAccelerator ${id}: endpoints[${endpoint.id}].weight: expected a whole number from 0 to 100, got ${endpoint.weight}`);
      }
    }
    rejectDuplicates(id, 'endpoints[].id', props.endpoints.map((endpoint) => endpoint.id));
    rejectDuplicates(id, 'endpoints[].awsRegion', props.endpoints.map((endpoint) => endpoint.awsRegion));
    const largest = Math.max(...props.endpoints.map((endpoint) => endpoint.weight));
    if (largest === 0) {
      throw new Error(`GlobalAccelerator ${id}: endpoints[].weight: expected at least one weight above 0 (all drained drops every connection), got all 0`);
    }

    this.accelerator = new GlobalacceleratorAccelerator(this, 'accelerator', {
      name: props.name,
      ipAddressType: 'IPV4',
      enabled: true,
      attributes: props.flowLogsBucket
        ? { flowLogsEnabled: true, flowLogsS3Bucket: props.flowLogsBucket, flowLogsS3Prefix: `${props.name}/` }
        : undefined,
      tags: { Name: props.name },
    });
    // Affinity would pin a client to a region and defeat draining it by dial.
    this.listener = new GlobalacceleratorListener(this, 'listener', {
      acceleratorArn: this.accelerator.arn,
      protocol: 'TCP',
      clientAffinity: 'NONE',
      portRange: [{ fromPort: 443, toPort: 443 }],
    });
    const groups: Record<string, GlobalacceleratorEndpointGroup> = {};
    for (const endpoint of props.endpoints) {
      groups[endpoint.id] = new GlobalacceleratorEndpointGroup(this, `endpoint-group-${endpoint.id}`, {
        listenerArn: this.listener.arn,
        endpointGroupRegion: endpoint.awsRegion,
        trafficDialPercentage: trafficDial(endpoint.weight, largest),
        healthCheckProtocol: 'HTTPS',
        healthCheckPort: 443,
        healthCheckPath: endpoint.healthCheckPath,
        healthCheckIntervalSeconds: 10,
        thresholdCount: 3,
        // Client IP preservation lets the ALB's security group and WAF see real client addresses.
        endpointConfiguration: [{ endpointId: endpoint.loadBalancerArn, weight: 100, clientIpPreservationEnabled: true }],
      });
    }
    this.endpointGroups = groups;
    this.dnsName = this.accelerator.dnsName;
  }
}

/** The dial that keeps a region's share relative to the largest one; see the class comment. */
export function trafficDial(weight: number, largestWeight: number): number {
  return Math.round((100 * weight) / largestWeight);
}

function rejectDuplicates(id: string, path: string, values: readonly string[]): void {
  const duplicate = values.find((value, index) => values.indexOf(value) !== index);
  if (duplicate !== undefined) {
    throw new Error(`GlobalAccelerator ${id}: ${path}: expected unique values, got ${JSON.stringify(duplicate)} more than once`);
  }
}
