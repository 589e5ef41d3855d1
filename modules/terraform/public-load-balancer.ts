import { TerraformIterator, Token } from 'cdktn';
import { AcmCertificate } from '@cdktn/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktn/provider-aws/lib/acm-certificate-validation';
import { DataAwsRoute53Zone } from '@cdktn/provider-aws/lib/data-aws-route53-zone';
import { Lb } from '@cdktn/provider-aws/lib/lb';
import { LbListener } from '@cdktn/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktn/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktn/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktn/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAclAssociation } from '@cdktn/provider-aws/lib/wafv2-web-acl-association';
import { Construct } from 'constructs';
import { HTTP_PATH } from '../../schemas';

export interface PublicLoadBalancerProps {
  /** Name of the load balancer and its target group: at most 32 letters, digits and hyphens. */
  readonly name: string;
  readonly vpcId: string;
  /** Public subnets, one per availability zone. */
  readonly publicSubnetIds: readonly string[];
  /** Where the targets live (the private subnets); the load balancer may reach only these, only on {@link targetPort}. */
  readonly targetCidrs: readonly string[];
  /**
   * Security group of the target pods (`EksCluster.clusterSecurityGroupId`); it gets the one rule that
   * admits the load balancer on {@link targetPort}.
   */
  readonly targetSecurityGroupId: string;
  /** The certificate's name and the regional record, e.g. `api-use1.example.com`. */
  readonly certificateDomain: string;
  /**
   * Further names the certificate covers, e.g. the global `api.example.com`.
   * @default []
   */
  readonly alternativeNames?: readonly string[];
  /** Public hosted zone holding every name above, e.g. `example.com`. */
  readonly zoneName: string;
  /** Regional WAFv2 web ACL in front of the load balancer. */
  readonly webAclArn: string;
  /**
   * Bucket for access logs; Elastic Load Balancing writes only to SSE-S3 buckets.
   * @default no access logs
   */
  readonly accessLogBucketName?: string;
  /** Port the pods serve plain HTTP on, e.g. 8080. */
  readonly targetPort: number;
  /** Absolute path the load balancer probes on each pod, e.g. `/readyz`. */
  readonly healthCheckPath: string;
}

const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * The region's internet-facing application load balancer. Terraform owns it (so its ARN is stable for
 * Global Accelerator) and its one target group; the AWS Load Balancer Controller only binds pods to
 * that group (TargetGroupBinding). Only TCP 443 is open, TLS 1.2+ terminates here with a DNS-validated
 * certificate, WAF filters every request, and the load balancer can reach nothing but the pods' port.
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly arn: string;
  readonly dnsName: string;
  /** Route 53 zone id of the load balancer, for alias records. */
  readonly zoneId: string;
  readonly targetGroupArn: string;
  readonly securityGroupId: string;
  /** ARN of the certificate, available once it is validated. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const alternativeNames = props.alternativeNames ?? [];
    validate(id, props, alternativeNames);

    const securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.name}-alb`,
      description: `Internet-facing load balancer ${props.name}: HTTPS in, pods out`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    this.securityGroupId = securityGroup.id;
    // The load balancer has no IPv6 addresses (the VPC has no IPv6 block), so there is no ::/0 rule to write.
    new VpcSecurityGroupIngressRule(this, 'https-from-internet', {
      securityGroupId: securityGroup.id,
      description: 'HTTPS from clients and Global Accelerator',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    props.targetCidrs.forEach(
      (cidr, index) =>
        new VpcSecurityGroupEgressRule(this, `to-targets-${index}`, {
          securityGroupId: securityGroup.id,
          description: `Requests and health checks to pods in ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: props.targetPort,
          toPort: props.targetPort,
          cidrIpv4: cidr,
        }),
    );
    new VpcSecurityGroupIngressRule(this, 'targets-from-load-balancer', {
      securityGroupId: props.targetSecurityGroupId,
      description: `Requests and health checks from load balancer ${props.name}`,
      ipProtocol: 'tcp',
      fromPort: props.targetPort,
      toPort: props.targetPort,
      referencedSecurityGroupId: securityGroup.id,
    });

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: props.name,
      loadBalancerType: 'application',
      internal: false,
      subnets: [...props.publicSubnetIds],
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      accessLogs: props.accessLogBucketName ? { bucket: props.accessLogBucketName, prefix: props.name, enabled: true } : undefined,
      tags: { Name: props.name },
    });
    this.arn = this.loadBalancer.arn;
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    new Wafv2WebAclAssociation(this, 'web-acl', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });

    // TLS ends here; the hop to the pods is plain HTTP inside the VPC, where traffic between Nitro
    // instances is encrypted by the hardware anyway, and pods need no certificates to rotate.
    const targetGroup = new LbTargetGroup(this, 'target-group', {
      name: props.name,
      targetType: 'ip',
      protocol: 'HTTP',
      port: props.targetPort,
      vpcId: props.vpcId,
      // Short checks: an unhealthy region must look unhealthy to Global Accelerator within a minute.
      healthCheck: { protocol: 'HTTP', path: props.healthCheckPath, matcher: '200', interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      tags: { Name: props.name },
    });
    this.targetGroupArn = targetGroup.arn;

    const zone = new DataAwsRoute53Zone(this, 'zone', { name: props.zoneName, privateZone: false });
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.certificateDomain,
      subjectAlternativeNames: [...alternativeNames],
      validationMethod: 'DNS',
      options: { certificateTransparencyLoggingPreference: 'ENABLED' },
      lifecycle: { createBeforeDestroy: true },
      tags: { Name: props.certificateDomain },
    });
    const validationOptions = TerraformIterator.fromComplexList(certificate.domainValidationOptions, 'domain_name');
    const validationRecords = new Route53Record(this, 'validation-record', {
      forEach: validationOptions,
      zoneId: zone.zoneId,
      name: validationOptions.getString('resource_record_name'),
      type: validationOptions.getString('resource_record_type'),
      records: [validationOptions.getString('resource_record_value')],
      ttl: 300,
      // Validation records depend only on the name and the account, so the other region's certificate
      // for the shared global name writes the very same record.
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'certificate-validation', {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(validationRecords).pluckProperty('fqdn')),
    });
    this.certificateArn = validation.certificateArn;

    new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: TLS_POLICY,
      certificateArn: validation.certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      tags: { Name: `${props.name}-https` },
    });

    new Route53Record(this, 'regional-record', {
      zoneId: zone.zoneId,
      name: props.certificateDomain,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    });
  }
}

function validate(id: string, props: PublicLoadBalancerProps, alternativeNames: readonly string[]): void {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`PublicLoadBalancer ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  const known = (value: string) => !Token.isUnresolved(value);
  if (known(props.name) && (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(props.name) || props.name.startsWith('internal-'))) {
    fail('name', 'at most 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with "internal-"', props.name);
  }
  if (!Number.isInteger(props.targetPort) || props.targetPort < 1 || props.targetPort > 65535) fail('targetPort', 'a port in 1..65535', props.targetPort);
  if (known(props.healthCheckPath) && !HTTP_PATH.test(props.healthCheckPath)) fail('healthCheckPath', 'an absolute HTTP path like /readyz', props.healthCheckPath);
  if (!Token.isUnresolved(props.publicSubnetIds) && props.publicSubnetIds.length < 2) {
    fail('publicSubnetIds', 'at least two subnets (an application load balancer spans two availability zones)', props.publicSubnetIds.length);
  }
  if (props.targetCidrs.length === 0) fail('targetCidrs', 'at least one CIDR block', []);
  const inZone = (name: string) => !known(name) || !known(props.zoneName) || name === props.zoneName || name.endsWith(`.${props.zoneName}`);
  if (!inZone(props.certificateDomain)) fail('certificateDomain', `a name in zone ${props.zoneName}`, props.certificateDomain);
  alternativeNames.forEach((name, index) => {
    if (!inZone(name)) fail(`alternativeNames[${index}]`, `a name in zone ${props.zoneName}`, name);
  });
}
