import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { PublicLoadBalancer, type PublicLoadBalancerProps } from './public-load-balancer';

const valid: PublicLoadBalancerProps = {
  name: 'orders-us-east-1',
  vpcId: 'vpc-0123',
  publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
  targetCidrs: ['10.10.10.0/24'],
  targetSecurityGroupId: 'sg-pods',
  certificateDomain: 'api-use1.example.com',
  alternativeNames: ['api.example.com'],
  zoneName: 'example.com',
  webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/orders/abc',
  targetPort: 8080,
  healthCheckPath: '/readyz',
};
const build = (props: PublicLoadBalancerProps) => new PublicLoadBalancer(scratchStack(), 'edge', props);
const NAME_RULE = 'at most 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with "internal-"';

describe('PublicLoadBalancer rejects', () => {
  it('a name longer than 32 characters', () => {
    const name = 'orders-production-us-east-1-edge-api';
    expect(() => build({ ...valid, name })).toThrow(`PublicLoadBalancer edge: name: expected ${NAME_RULE}, got "${name}"`);
  });

  it('a name ending with a hyphen', () => {
    expect(() => build({ ...valid, name: 'orders-' })).toThrow(`PublicLoadBalancer edge: name: expected ${NAME_RULE}, got "orders-"`);
  });

  it('a name starting with "internal-"', () => {
    expect(() => build({ ...valid, name: 'internal-orders' })).toThrow(`PublicLoadBalancer edge: name: expected ${NAME_RULE}, got "internal-orders"`);
  });

  it('a target port outside 1..65535', () => {
    expect(() => build({ ...valid, targetPort: 70000 })).toThrow('PublicLoadBalancer edge: targetPort: expected a port in 1..65535, got 70000');
  });

  it('a relative health check path', () => {
    expect(() => build({ ...valid, healthCheckPath: 'readyz' })).toThrow('PublicLoadBalancer edge: healthCheckPath: expected an absolute HTTP path like /readyz, got "readyz"');
  });

  it('a single public subnet', () => {
    expect(() => build({ ...valid, publicSubnetIds: ['subnet-public-a'] })).toThrow(
      'PublicLoadBalancer edge: publicSubnetIds: expected at least two subnets (an application load balancer spans two availability zones), got 1',
    );
  });

  it('no target CIDRs', () => {
    expect(() => build({ ...valid, targetCidrs: [] })).toThrow('PublicLoadBalancer edge: targetCidrs: expected at least one CIDR block, got []');
  });

  it('a certificate name outside the hosted zone', () => {
    expect(() => build({ ...valid, certificateDomain: 'api-use1.example.org' })).toThrow(
      'PublicLoadBalancer edge: certificateDomain: expected a name in zone example.com, got "api-use1.example.org"',
    );
  });

  it('an alternative name outside the hosted zone', () => {
    expect(() => build({ ...valid, alternativeNames: ['api.example.com', 'api.notexample.com'] })).toThrow(
      'PublicLoadBalancer edge: alternativeNames[1]: expected a name in zone example.com, got "api.notexample.com"',
    );
  });
});
