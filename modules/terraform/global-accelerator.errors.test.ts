import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { GlobalAccelerator, type AcceleratedEndpoint, type GlobalAcceleratorProps } from './global-accelerator';

const endpoint = (id: string, weight: number, awsRegion = id): AcceleratedEndpoint => ({
  id,
  awsRegion,
  loadBalancerArn: `arn:aws:elasticloadbalancing:${awsRegion}:123456789012:loadbalancer/app/orders/${id}`,
  weight,
  healthCheckPath: '/healthz',
});
const build = (endpoints: AcceleratedEndpoint[]) => new GlobalAccelerator(scratchStack(), 'accelerator', { name: 'orders', endpoints } satisfies GlobalAcceleratorProps);

describe('GlobalAccelerator rejects', () => {
  it('no endpoints', () => {
    expect(() => build([])).toThrow('GlobalAccelerator accelerator: endpoints: expected at least one endpoint, got none');
  });

  it('a weight above 100', () => {
    expect(() => build([endpoint('us-east-1', 120)])).toThrow('GlobalAccelerator accelerator: endpoints[us-east-1].weight: expected a whole number from 0 to 100, got 120');
  });

  it('a fractional weight', () => {
    expect(() => build([endpoint('us-east-1', 12.5)])).toThrow('GlobalAccelerator accelerator: endpoints[us-east-1].weight: expected a whole number from 0 to 100, got 12.5');
  });

  it('two endpoints with the same id', () => {
    expect(() => build([endpoint('use1', 50, 'us-east-1'), endpoint('use1', 50, 'us-west-2')])).toThrow(
      'GlobalAccelerator accelerator: endpoints[].id: expected unique values, got "use1" more than once',
    );
  });

  it('two endpoints in the same region', () => {
    expect(() => build([endpoint('a', 50, 'us-east-1'), endpoint('b', 50, 'us-east-1')])).toThrow(
      'GlobalAccelerator accelerator: endpoints[].awsRegion: expected unique values, got "us-east-1" more than once',
    );
  });

  it('every region drained', () => {
    expect(() => build([endpoint('us-east-1', 0), endpoint('us-west-2', 0)])).toThrow(
      'GlobalAccelerator accelerator: endpoints[].weight: expected at least one weight above 0 (all drained drops every connection), got all 0',
    );
  });
});
