import { Token } from 'cdktn';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Construct } from 'constructs';
import { parseCidr } from '../../schemas';

/**
 * Rejects client networks that are not CIDR blocks or that are the whole internet; references to
 * subnets (tokens) are checked by the provider instead.
 */
export function validateClientCidrs(owner: string, clientCidrs: readonly string[]): void {
  if (clientCidrs.length === 0) throw new Error(`${owner}: clientCidrs: expected at least one CIDR block, got none`);
  for (const cidr of clientCidrs) {
    if (Token.isUnresolved(cidr)) continue;
    const range = parseCidr(cidr);
    if (!range || range.prefix === 0) {
      throw new Error(`${owner}: clientCidrs: expected private IPv4 CIDR blocks (not 0.0.0.0/0), got ${JSON.stringify(cidr)}`);
    }
  }
}

export interface ClientSecurityGroupProps {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  /** The one TCP port clients connect to. */
  readonly port: number;
  readonly clientCidrs: readonly string[];
}

/**
 * A security group admitting one TCP port from each client network and nothing else. It has no egress:
 * managed data stores answer connections but never open them.
 */
export function clientSecurityGroup(scope: Construct, id: string, props: ClientSecurityGroupProps): SecurityGroup {
  const group = new SecurityGroup(scope, id, {
    name: props.name,
    description: props.description,
    vpcId: props.vpcId,
    tags: { Name: props.name },
  });
  props.clientCidrs.forEach((cidr, index) => {
    new VpcSecurityGroupIngressRule(scope, `${id}-client-${index}`, {
      securityGroupId: group.id,
      description: `Clients in ${cidr} on ${props.port}`,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      cidrIpv4: cidr,
    });
  });
  return group;
}
