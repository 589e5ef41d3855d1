import { Fn, Token } from 'cdktn';
import { ArcregionswitchPlan, type ArcregionswitchPlanWorkflow, type ArcregionswitchPlanWorkflowStep } from '@cdktn/provider-aws/lib/arcregionswitch-plan';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

export interface RegionalEksCluster {
  /** AWS region code, e.g. `us-west-2`. */
  readonly region: string;
  readonly clusterArn: string;
  /**
   * Capacity the workloads in this cluster scale to when this region is activated, in percent of what
   * they ran at in the region being deactivated (sampled maximum over the last 24 hours).
   * @default 100
   */
  readonly scaleUpPercent?: number;
}

/**
 * An Argo Rollouts `Rollout` the plan scales through its scale subresource; it must exist under the same
 * name in every cluster.
 */
export interface ScaledWorkload {
  readonly namespace: string;
  /** Rollout name. */
  readonly name: string;
  /**
   * HorizontalPodAutoscaler of the Rollout, whose minimum the plan raises instead of the replica count.
   * @default none
   */
  readonly hpaName?: string;
}

export interface AuroraGlobalDatabaseMembers {
  readonly globalClusterIdentifier: string;
  /** One member cluster per plan region. */
  readonly clusters: readonly { readonly region: string; readonly clusterArn: string }[];
}

export interface RegionSwitchPlanProps {
  /** Plan name: letters, digits and hyphens, at most 32 characters, e.g. `orders-global-failover`. */
  readonly name: string;
  /** AWS region code of the region that holds the database writer and serves traffic in normal operation. */
  readonly primaryRegion: string;
  /** Regions the plan can activate instead. */
  readonly secondaryRegions: readonly string[];
  /**
   * Only active/passive is supported: the model has one writer region at a time.
   * @default 'activePassive'
   */
  readonly recoveryApproach?: 'activePassive';
  /**
   * Target RTO, which Region switch compares executions against.
   * @default none
   */
  readonly recoveryTimeObjectiveMinutes?: number;
  /**
   * Role Region switch assumes to run the steps.
   * @default a role named `<name>-execution`, allowed exactly the calls the steps make
   */
  readonly executionRoleArn?: string;
  /** The approval step every execution starts with. */
  readonly approval: {
    /** Role whose holders approve or decline; it needs `arc-region-switch:ApprovePlanExecutionStep` on this plan. */
    readonly approverRoleArn: string;
    /** @default 60 */
    readonly timeoutMinutes?: number;
  };
  /** One EKS cluster per plan region. */
  readonly eksClusters: readonly RegionalEksCluster[];
  /** Rollouts scaled up in the activated region before the database moves. */
  readonly eksWorkloads: readonly ScaledWorkload[];
  /** Aurora global databases whose writer follows the activated region; moved in parallel when there are several. */
  readonly auroraGlobalDatabases: readonly AuroraGlobalDatabaseMembers[];
  /**
   * The Route 53 record set whose per-region entries the plan switches. Region switch creates one health
   * check per entry (read them with data `aws_arcregionswitch_route53_health_checks`) and flips them on
   * execution; the records steer only once those checks are attached to them.
   */
  readonly trafficShift: {
    readonly hostedZoneId: string;
    /** Fully qualified record name, e.g. `api.example.com`. */
    readonly recordName: string;
    /** One entry per plan region: the record's set identifier in that region. */
    readonly recordSets: readonly { readonly region: string; readonly recordSetIdentifier: string }[];
  };
}

const PLAN_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The failover runbook as an AWS-managed ARC Region switch plan. Every region gets an activation
 * workflow (failover to a secondary, failback to the primary), each running, in order:
 *
 * 1. a manual approval;
 * 2. scaling the EKS workloads in the region being activated;
 * 3. moving the writer of every Aurora global database there, in parallel: a switchover (no data
 *    loss) when the plan runs gracefully, a failover that accepts losing unreplicated writes when it
 *    runs ungracefully because the old region is impaired;
 * 4. shifting traffic through the Route 53 health checks Region switch manages.
 *
 * An active/passive plan has no deactivation workflows: Region switch only runs those for active/active.
 * Needs AWS provider 6.x (`aws_arcregionswitch_plan` does not exist in 5.x).
 */
export class RegionSwitchPlan extends Construct {
  readonly plan: ArcregionswitchPlan;
  /** The role created for the plan, unless `executionRoleArn` was given. */
  readonly executionRole?: IamRole;
  readonly executionRoleArn: string;

  constructor(scope: Construct, id: string, props: RegionSwitchPlanProps) {
    super(scope, id);
    validate(id, props);
    const regions = [props.primaryRegion, ...props.secondaryRegions];

    if (props.executionRoleArn) {
      this.executionRoleArn = props.executionRoleArn;
    } else {
      this.executionRole = this.createExecutionRole(props);
      this.executionRoleArn = this.executionRole.arn;
    }

    this.plan = new ArcregionswitchPlan(this, 'plan', {
      name: props.name,
      description: `Activates one region of ${props.name}: approval, EKS scale-up, Aurora writer move, traffic shift`,
      executionRole: this.executionRoleArn,
      recoveryApproach: 'activePassive',
      regions,
      primaryRegion: props.primaryRegion,
      recoveryTimeObjectiveMinutes: props.recoveryTimeObjectiveMinutes,
      // Failover to each secondary first, failback to the primary last.
      workflow: [...props.secondaryRegions, props.primaryRegion].map((target) => activation(props, target)),
      tags: { Name: props.name },
    });
  }

  /** A role allowed the calls the EKS and Aurora steps make on the plan's own resources, and no approvals. */
  private createExecutionRole(props: RegionSwitchPlanProps): IamRole {
    const account = callerIdentity(this);
    const partition = partitionOf(this).partition;
    const globalClusters = props.auroraGlobalDatabases.map(
      (database) => `arn:${partition}:rds::${account.accountId}:global-cluster:${database.globalClusterIdentifier}`,
    );
    const memberClusters = props.auroraGlobalDatabases.flatMap((database) => database.clusters.map((cluster) => cluster.clusterArn));
    const eksClusters = props.eksClusters.map((cluster) => cluster.clusterArn);

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          sid: 'RegionSwitch',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['arc-region-switch.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    const databaseStatements =
      globalClusters.length === 0
        ? []
        : [
            { sid: 'DescribeGlobalDatabases', actions: ['rds:DescribeGlobalClusters'], resources: globalClusters },
            { sid: 'DescribeMemberClusters', actions: ['rds:DescribeDBClusters'], resources: memberClusters },
            { sid: 'MoveWriters', actions: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'], resources: [...globalClusters, ...memberClusters] },
          ];
    // Nothing for the approval step, deliberately: the plan must not be able to approve itself.
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        ...databaseStatements,
        { sid: 'DescribeEksClusters', actions: ['eks:DescribeCluster'], resources: eksClusters },
        // Region switch checks its EKS access entry before scaling through the Kubernetes API.
        {
          sid: 'ReadEksAccessEntries',
          actions: ['eks:ListAssociatedAccessPolicies'],
          resources: eksClusters.map(accessEntriesOf),
        },
        { sid: 'ReadTrafficRecords', actions: ['route53:ListResourceRecordSets'], resources: [`arn:${partition}:route53:::hostedzone/${props.trafficShift.hostedZoneId}`] },
      ],
    });
    const role = new IamRole(this, 'execution-role', {
      name: `${props.name}-execution`,
      description: `Runs the ${props.name} Region switch plan`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
      tags: { Name: `${props.name}-execution` },
      ...stackRoleConfig(this),
    });
    new IamRolePolicy(this, 'execution-permissions', { name: 'steps', role: role.name, policy: permissions.json });
    return role;
  }
}

function activation(props: RegionSwitchPlanProps, target: string): ArcregionswitchPlanWorkflow {
  const targetCluster = props.eksClusters.find((cluster) => cluster.region === target)!;
  const steps: ArcregionswitchPlanWorkflowStep[] = [
    {
      name: 'approve',
      description: `An approver confirms moving the application to ${target}`,
      executionBlockType: 'ManualApproval',
      executionApprovalConfig: [{ approvalRole: props.approval.approverRoleArn, timeoutMinutes: props.approval.timeoutMinutes ?? 60 }],
    },
    {
      name: 'scale-eks',
      description: `Scale the workloads in ${target} to the load of the region being deactivated`,
      executionBlockType: 'EKSResourceScaling',
      eksResourceScalingConfig: [
        {
          capacityMonitoringApproach: 'sampledMaxInLast24Hours',
          targetPercent: targetCluster.scaleUpPercent ?? 100,
          kubernetesResourceType: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }],
          eksClusters: props.eksClusters.map((cluster) => ({ clusterArn: cluster.clusterArn })),
          // Keyed by region: Region switch reads the deactivated region's Rollout and scales the activated one's.
          scalingResources: props.eksWorkloads.map((workload) => ({
            namespace: workload.namespace,
            resources: props.eksClusters.map((cluster) => ({
              resourceName: cluster.region,
              name: workload.name,
              namespace: workload.namespace,
              hpaName: workload.hpaName,
            })),
          })),
        },
      ],
    },
    ...moveWriters(props.auroraGlobalDatabases, target),
    {
      name: 'shift-traffic',
      description: `Send ${props.trafficShift.recordName} to ${target}`,
      executionBlockType: 'Route53HealthCheck',
      route53HealthCheckConfig: [
        {
          hostedZoneId: props.trafficShift.hostedZoneId,
          recordName: props.trafficShift.recordName,
          recordSet: props.trafficShift.recordSets.map((recordSet) => ({ recordSetIdentifier: recordSet.recordSetIdentifier, region: recordSet.region })),
        },
      ],
    },
  ];
  return { workflowTargetAction: 'activate', workflowTargetRegion: target, workflowDescription: `Activate ${target}`, step: steps };
}

/** One step per global database, run side by side when there are several so the RTO does not add up. */
function moveWriters(databases: readonly AuroraGlobalDatabaseMembers[], target: string): ArcregionswitchPlanWorkflowStep[] {
  const moveWriter = (database: AuroraGlobalDatabaseMembers, name: string) => ({
    name,
    description: `Make the ${target} cluster the writer of ${database.globalClusterIdentifier}`,
    executionBlockType: 'AuroraGlobalDatabase',
    globalAuroraConfig: [
      {
        behavior: 'switchoverOnly',
        ungraceful: [{ ungraceful: 'failover' }],
        globalClusterIdentifier: database.globalClusterIdentifier,
        databaseClusterArns: database.clusters.map((cluster) => cluster.clusterArn),
      },
    ],
  });
  if (databases.length <= 1) return databases.map((database) => moveWriter(database, 'move-aurora-writer'));
  return [
    {
      name: 'move-aurora-writers',
      description: `Make the ${target} clusters the writers of every Aurora global database`,
      executionBlockType: 'Parallel',
      parallelConfig: [{ step: databases.map((database) => moveWriter(database, `move-aurora-writer-${database.globalClusterIdentifier}`)) }],
    },
  ];
}

/** `…:cluster/<name>` → `…:access-entry/<name>/*`, also for cluster ARNs known only at apply time. */
function accessEntriesOf(clusterArn: string): string {
  const entries = Token.isUnresolved(clusterArn) ? Fn.replace(clusterArn, ':cluster/', ':access-entry/') : clusterArn.replace(':cluster/', ':access-entry/');
  return `${entries}/*`;
}

function validate(id: string, props: RegionSwitchPlanProps): void {
  const fail = (path: string, expected: string, got: string): never => {
    throw new Error(`RegionSwitchPlan ${id}: ${path}: expected ${expected}, got ${got}`);
  };
  if (!PLAN_NAME.test(props.name)) fail('name', 'letters, digits and inner hyphens, at most 32 characters', JSON.stringify(props.name));
  const approach: string = props.recoveryApproach ?? 'activePassive';
  if (approach !== 'activePassive') fail('recoveryApproach', '"activePassive"', JSON.stringify(approach));
  const regions = [props.primaryRegion, ...props.secondaryRegions];
  for (const region of regions) {
    if (!AWS_REGION.test(region)) fail(region === props.primaryRegion ? 'primaryRegion' : 'secondaryRegions', 'AWS region codes like us-east-1', JSON.stringify(region));
  }
  if (props.secondaryRegions.length === 0) fail('secondaryRegions', 'at least one region', 'none');
  if (props.secondaryRegions.includes(props.primaryRegion)) {
    fail('secondaryRegions', `regions other than the primary ${props.primaryRegion}`, props.secondaryRegions.join(', '));
  }
  if (new Set(regions).size !== regions.length) fail('secondaryRegions', 'each region once', props.secondaryRegions.join(', '));
  if (props.eksWorkloads.length === 0) fail('eksWorkloads', 'at least one Rollout to scale', 'none');

  const identifiers = props.auroraGlobalDatabases.map((database) => database.globalClusterIdentifier);
  if (new Set(identifiers).size !== identifiers.length) fail('auroraGlobalDatabases[].globalClusterIdentifier', 'each database once', identifiers.join(', '));
  const perRegion: [string, readonly { readonly region: string }[]][] = [
    ['eksClusters', props.eksClusters],
    ...props.auroraGlobalDatabases.map((database): [string, readonly { readonly region: string }[]] => [`auroraGlobalDatabases[${database.globalClusterIdentifier}].clusters`, database.clusters]),
    ['trafficShift.recordSets', props.trafficShift.recordSets],
  ];
  for (const [path, items] of perRegion) {
    const named = items.map((item) => item.region);
    if (named.length !== regions.length || regions.some((region) => !named.includes(region))) {
      fail(`${path}[].region`, `exactly one entry for each of ${regions.join(', ')}`, named.join(', ') || 'none');
    }
  }
  for (const cluster of props.eksClusters) {
    const percent = cluster.scaleUpPercent ?? 100;
    if (!Number.isInteger(percent) || percent < 1) fail(`eksClusters[${cluster.region}].scaleUpPercent`, 'a whole percentage of at least 1', String(percent));
  }
  const timeout = props.approval.timeoutMinutes ?? 60;
  if (!Number.isInteger(timeout) || timeout < 1) fail('approval.timeoutMinutes', 'whole minutes, at least 1', String(timeout));
}
