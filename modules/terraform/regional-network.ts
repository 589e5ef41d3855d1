import { Fn } from 'cdktn';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktn/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsVpcEndpointService } from '@cdktn/provider-aws/lib/data-aws-vpc-endpoint-service';
import { DefaultSecurityGroup } from '@cdktn/provider-aws/lib/default-security-group';
import { Eip } from '@cdktn/provider-aws/lib/eip';
import { FlowLog } from '@cdktn/provider-aws/lib/flow-log';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktn/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktn/provider-aws/lib/nat-gateway';
import { Route } from '@cdktn/provider-aws/lib/route';
import { RouteTable } from '@cdktn/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktn/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktn/provider-aws/lib/subnet';
import { Vpc } from '@cdktn/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktn/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { parseCidr, cidrContains } from '../../schemas';
import { callerIdentity } from './aws-context';
import { stackRoleConfig } from './stack-roles';

export type SubnetTier = 'public' | 'private' | 'database';

export interface RegionalNetworkProps {
  /** Prefix for resource names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** The VPC's IPv4 block; must not overlap any peered region. */
  readonly vpcCidr: string;
  /**
   * Number of availability zones to spread subnets over.
   * @default 3
   */
  readonly availabilityZones?: number;
  /** One CIDR per availability zone for each tier, in zone order. */
  readonly subnets: Readonly<Record<SubnetTier, readonly string[]>>;
  /** ARN of the region's customer-managed key; encrypts the flow log group. */
  readonly kmsKeyArn: string;
}

/** Route tables by tier; the private and database tables are per zone, in zone order. */
export interface RegionalRouteTables {
  readonly public: RouteTable;
  readonly private: readonly RouteTable[];
  readonly database: readonly RouteTable[];
}

const FLOW_LOG_RETENTION_DAYS = 365;

/**
 * A VPC spread over availability zones with public, private and database subnets; the default security
 * group denies all. Each zone has its own NAT gateway so that losing a zone leaves the others' egress
 * intact; database subnets have no route to the internet at all. Every flow is logged.
 *
 * Routes are separate `aws_route` resources (never inline blocks on the tables), so other constructs
 * can add peering routes to {@link routeTables} without Terraform fighting over the table.
 */
export class RegionalNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Readonly<Record<SubnetTier, readonly Subnet[]>>;
  readonly routeTables: RegionalRouteTables;
  readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const zoneCount = props.availabilityZones ?? 3;
    const vpcRange = parseCidr(props.vpcCidr);
    if (!vpcRange) throw new Error(`RegionalNetwork ${id}: vpcCidr: expected an IPv4 CIDR block, got ${JSON.stringify(props.vpcCidr)}`);
    for (const [tier, cidrs] of Object.entries(props.subnets)) {
      if (cidrs.length !== zoneCount) {
        throw new Error(`RegionalNetwork ${id}: subnets.${tier}: expected ${zoneCount} CIDRs (one per availability zone), got ${cidrs.length}`);
      }
      for (const cidr of cidrs) {
        const range = parseCidr(cidr);
        if (!range || !cidrContains(vpcRange, range)) {
          throw new Error(`RegionalNetwork ${id}: subnets.${tier}: expected CIDRs inside ${props.vpcCidr}, got ${JSON.stringify(cidr)}`);
        }
      }
    }

    // No `state = "available"` filter: subnets pick zones by index, and a zone turning "impaired" during
    // an outage would otherwise shift every index and make the plan replace subnets exactly when the
    // region needs applying.
    const zones = new DataAwsAvailabilityZones(this, 'zones', {});
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    // An open default security group is the classic accident; nothing should ever use it.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, tags: { Name: `${props.name}-default-deny` } });

    const tierSubnets = (tier: SubnetTier) =>
      props.subnets[tier].map(
        (cidr, index) =>
          new Subnet(this, `${tier}-${index}`, {
            vpcId: this.vpc.id,
            cidrBlock: cidr,
            availabilityZone: Fn.element(zones.names, index),
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.name}-${tier}-${index}`, tier },
          }),
      );
    this.subnets = { public: tierSubnets('public'), private: tierSubnets('private'), database: tierSubnets('database') };

    this.routeTables = this.routes(props.name);
    this.flowLogGroup = this.flowLogs(props.name, props.kmsKeyArn);

    // S3 traffic (image layers, backups, logs) stays off the NAT gateways: cheaper and it keeps working if they fail.
    const s3 = new DataAwsVpcEndpointService(this, 's3-service', { service: 's3', serviceType: 'Gateway' });
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: s3.serviceName,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...this.routeTables.private, ...this.routeTables.database].map((table) => table.id),
      tags: { Name: `${props.name}-s3` },
    });
  }

  private routes(name: string): RegionalRouteTables {
    const internet = new InternetGateway(this, 'internet-gateway', { vpcId: this.vpc.id, tags: { Name: name } });
    const table = (label: string) => new RouteTable(this, `${label}-route-table`, { vpcId: this.vpc.id, tags: { Name: `${name}-${label}` } });
    const associate = (tier: SubnetTier, tables: (index: number) => RouteTable) =>
      this.subnets[tier].forEach((subnet, index) => new RouteTableAssociation(this, `${tier}-${index}-route-table-association`, { subnetId: subnet.id, routeTableId: tables(index).id }));

    const publicTable = table('public');
    new Route(this, 'public-default', { routeTableId: publicTable.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: internet.id });
    associate('public', () => publicTable);

    const privateTables = this.subnets.public.map((publicSubnet, index) => {
      const address = new Eip(this, `nat-${index}-address`, { domain: 'vpc', tags: { Name: `${name}-nat-${index}` } });
      const nat = new NatGateway(this, `nat-${index}`, {
        allocationId: address.allocationId,
        subnetId: publicSubnet.id,
        tags: { Name: `${name}-nat-${index}` },
        dependsOn: [internet],
      });
      const privateTable = table(`private-${index}`);
      new Route(this, `private-${index}-default`, { routeTableId: privateTable.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
      return privateTable;
    });
    associate('private', (index) => privateTables[index]!);

    const databaseTables = this.subnets.database.map((_, index) => table(`database-${index}`));
    associate('database', (index) => databaseTables[index]!);

    return { public: publicTable, private: privateTables, database: databaseTables };
  }

  private flowLogs(name: string, kmsKeyArn: string): CloudwatchLogGroup {
    const group = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: `/aws/vpc/flow-logs/${name}`,
      retentionInDays: FLOW_LOG_RETENTION_DAYS,
      kmsKeyId: kmsKeyArn,
      tags: { Name: `${name}-flow-logs` },
    });
    const account = callerIdentity(this);
    const trust = new DataAwsIamPolicyDocument(this, 'flow-log-trust', {
      statement: [
        {
          sid: 'FlowLogsDeliverForThisAccountOnly',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: `${name}-flow-logs`,
      assumeRolePolicy: trust.json,
      tags: { Name: `${name}-flow-logs` },
      ...stackRoleConfig(this),
    });
    const write = new DataAwsIamPolicyDocument(this, 'flow-log-write', {
      statement: [
        {
          sid: 'WriteFlowLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [group.arn, `${group.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, 'flow-log-policy', { name: 'write-flow-log-group', role: role.id, policy: write.json });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      tags: { Name: name },
    });
    return group;
  }
}
