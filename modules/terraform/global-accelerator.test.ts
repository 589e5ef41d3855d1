import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { GlobalAccelerator, type AcceleratedEndpoint, type GlobalAcceleratorProps } from './global-accelerator';

const endpoint = (id: string, weight: number): AcceleratedEndpoint => ({
  id,
  awsRegion: id,
  loadBalancerArn: `arn:aws:elasticloadbalancing:${id}:123456789012:loadbalancer/app/orders/${id}`,
  weight,
  healthCheckPath: '/healthz',
});
const props = (weights: Record<string, number>, extra: Partial<GlobalAcceleratorProps> = {}): GlobalAcceleratorProps => ({
  name: 'orders',
  endpoints: Object.entries(weights).map(([id, weight]) => endpoint(id, weight)),
  ...extra,
});
const synth = (p: GlobalAcceleratorProps): TerraformJson => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  new GlobalAccelerator(stack, 'accelerator', p);
  return synthScratch(stack);
};
const groups = (json: TerraformJson) => json.resource.aws_globalaccelerator_endpoint_group ?? {};

describe('GlobalAccelerator', () => {
  it('creates an enabled IPv4 accelerator without flow logs unless a bucket is given', () => {
    const [accelerator] = resourcesOf(synth(props({ 'us-east-1': 100 })), 'aws_globalaccelerator_accelerator');
    expect(accelerator).toEqual(expect.objectContaining({ name: 'orders', ip_address_type: 'IPV4', enabled: true }));
    expect(accelerator).not.toHaveProperty('attributes');
  });

  it('writes flow logs to the given bucket under the accelerator name', () => {
    const [accelerator] = resourcesOf(synth(props({ 'us-east-1': 100 }, { flowLogsBucket: 'orders-logs' })), 'aws_globalaccelerator_accelerator');
    expect(accelerator!.attributes).toEqual({ flow_logs_enabled: true, flow_logs_s3_bucket: 'orders-logs', flow_logs_s3_prefix: 'orders/' });
  });

  it('listens on TCP 443 without client affinity', () => {
    const [listener] = resourcesOf(synth(props({ 'us-east-1': 100 })), 'aws_globalaccelerator_listener');
    expect(listener).toEqual(
      expect.objectContaining({ protocol: 'TCP', client_affinity: 'NONE', port_range: [{ from_port: 443, to_port: 443 }], accelerator_arn: expect.stringContaining('.arn}') }),
    );
  });

  it('health-checks each region over HTTPS and sends to its load balancer with client IPs preserved', () => {
    const [group] = resourcesOf(synth(props({ 'us-east-1': 100 })), 'aws_globalaccelerator_endpoint_group');
    expect(group).toEqual(
      expect.objectContaining({
        endpoint_group_region: 'us-east-1',
        health_check_protocol: 'HTTPS',
        health_check_port: 443,
        health_check_path: '/healthz',
        health_check_interval_seconds: 10,
        threshold_count: 3,
        endpoint_configuration: [
          { endpoint_id: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders/us-east-1', weight: 100, client_ip_preservation_enabled: true },
        ],
      }),
    );
  });

  it('gives the largest share dial 100, others their share of it and a drained region 0', () => {
    const dials = resourcesOf(synth(props({ 'us-east-1': 60, 'us-west-2': 40, 'eu-west-1': 0 })), 'aws_globalaccelerator_endpoint_group').map((group) => [
      group.endpoint_group_region,
      group.traffic_dial_percentage,
    ]);
    expect(Object.fromEntries(dials)).toEqual({ 'us-east-1': 100, 'us-west-2': 67, 'eu-west-1': 0 });
  });

  it('changes only the endpoint group of the region whose weight changed', () => {
    const before = groups(synth(props({ 'us-east-1': 50, 'us-west-2': 30, 'eu-west-1': 20 })));
    const after = groups(synth(props({ 'us-east-1': 50, 'us-west-2': 30, 'eu-west-1': 10 })));
    const changed = Object.keys(before).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    expect(changed).toHaveLength(1);
    expect(after[changed[0]!]).toEqual(expect.objectContaining({ endpoint_group_region: 'eu-west-1', traffic_dial_percentage: 20 }));
  });
});
