import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { PublicLoadBalancer, type PublicLoadBalancerProps } from './public-load-balancer';

const props: PublicLoadBalancerProps = {
  name: 'orders-us-east-1',
  vpcId: 'vpc-0123',
  publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
  targetCidrs: ['10.10.10.0/24', '10.10.11.0/24'],
  targetSecurityGroupId: 'sg-pods',
  certificateDomain: 'api-use1.example.com',
  alternativeNames: ['api.example.com'],
  zoneName: 'example.com',
  webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/orders/abc',
  accessLogBucketName: 'orders-us-east-1-access-logs',
  targetPort: 8080,
  healthCheckPath: '/readyz',
};

function synth(overrides: Partial<PublicLoadBalancerProps> = {}): TerraformJson {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new PublicLoadBalancer(stack, 'edge', { ...props, ...overrides });
  return synthScratch(stack);
}
const only = (json: TerraformJson, type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const addressOf = (json: TerraformJson, type: string) => `${type}.${Object.keys(json.resource[type]!)[0]}`;

describe('PublicLoadBalancer', () => {
  it('is an internet-facing application load balancer that cannot be deleted by accident and drops malformed headers', () => {
    const json = synth();
    expect(only(json, 'aws_lb')).toEqual(
      expect.objectContaining({
        name: 'orders-us-east-1',
        load_balancer_type: 'application',
        internal: false,
        subnets: ['subnet-public-a', 'subnet-public-b'],
        security_groups: [`\${${addressOf(json, 'aws_security_group')}.id}`],
        drop_invalid_header_fields: true,
        enable_deletion_protection: true,
      }),
    );
  });

  it('admits only HTTPS from the internet', () => {
    const json = synth();
    const group = `\${${addressOf(json, 'aws_security_group')}.id}`;
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter((rule) => rule.security_group_id === group)).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' }),
    ]);
    expect(only(json, 'aws_security_group').ingress).toBeUndefined();
  });

  it('reaches only the target subnets, only on the target port', () => {
    const json = synth();
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual(
      props.targetCidrs.map((cidr) => expect.objectContaining({ ip_protocol: 'tcp', from_port: 8080, to_port: 8080, cidr_ipv4: cidr })),
    );
  });

  it('opens the pods\' security group to the load balancer on the target port', () => {
    const json = synth();
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toContainEqual(
      expect.objectContaining({
        security_group_id: 'sg-pods',
        ip_protocol: 'tcp',
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: `\${${addressOf(json, 'aws_security_group')}.id}`,
      }),
    );
  });

  it('writes access logs when given a bucket', () => {
    expect(only(synth(), 'aws_lb').access_logs).toEqual({ bucket: 'orders-us-east-1-access-logs', prefix: 'orders-us-east-1', enabled: true });
    expect(only(synth({ accessLogBucketName: undefined }), 'aws_lb').access_logs).toBeUndefined();
  });

  it('terminates TLS 1.2+ on 443 with the validated certificate and forwards to its target group', () => {
    const json = synth();
    expect(only(json, 'aws_lb_listener')).toEqual(
      expect.objectContaining({
        port: 443,
        protocol: 'HTTPS',
        ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        certificate_arn: `\${${addressOf(json, 'aws_acm_certificate_validation')}.certificate_arn}`,
        default_action: [{ type: 'forward', target_group_arn: `\${${addressOf(json, 'aws_lb_target_group')}.arn}` }],
      }),
    );
  });

  it('sends requests to pod IPs on the target port and probes their health path', () => {
    expect(only(synth(), 'aws_lb_target_group')).toEqual(
      expect.objectContaining({
        target_type: 'ip',
        protocol: 'HTTP',
        port: 8080,
        vpc_id: 'vpc-0123',
        health_check: expect.objectContaining({ protocol: 'HTTP', path: '/readyz' }),
      }),
    );
  });

  it('validates a certificate for the regional and global names through DNS in the public zone', () => {
    const json = synth();
    expect(only(json, 'aws_acm_certificate')).toEqual(
      expect.objectContaining({ domain_name: 'api-use1.example.com', subject_alternative_names: ['api.example.com'], validation_method: 'DNS' }),
    );
    expect(Object.values(json.data!.aws_route53_zone!)).toEqual([expect.objectContaining({ name: 'example.com', private_zone: false })]);
    const validationRecords = resourcesOf(json, 'aws_route53_record').filter((record) => record.for_each);
    expect(validationRecords).toEqual([
      expect.objectContaining({
        for_each: expect.stringContaining(`${addressOf(json, 'aws_acm_certificate')}.domain_validation_options`),
        records: ['${each.value.resource_record_value}'],
      }),
    ]);
    expect(only(json, 'aws_acm_certificate_validation').validation_record_fqdns).toContain('.fqdn');
  });

  it('puts the web ACL in front of the load balancer', () => {
    const json = synth();
    expect(only(json, 'aws_wafv2_web_acl_association')).toEqual(
      expect.objectContaining({ resource_arn: `\${${addressOf(json, 'aws_lb')}.arn}`, web_acl_arn: props.webAclArn }),
    );
  });

  it('points the regional name at the load balancer, answering only while it has healthy targets', () => {
    const json = synth();
    const lb = addressOf(json, 'aws_lb');
    expect(resourcesOf(json, 'aws_route53_record').filter((record) => !record.for_each)).toEqual([
      expect.objectContaining({
        name: 'api-use1.example.com',
        type: 'A',
        alias: { name: `\${${lb}.dns_name}`, zone_id: `\${${lb}.zone_id}`, evaluate_target_health: true },
      }),
    ]);
  });
});
