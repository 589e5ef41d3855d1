import { CloudwatchCompositeAlarm } from '@cdktn/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import {
  FisExperimentTemplate,
  type FisExperimentTemplateAction,
  type FisExperimentTemplateTarget,
} from '@cdktn/provider-aws/lib/fis-experiment-template';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { FAULTS, type FaultId, type Scenario, type ScenarioId } from '../../schemas/scenarios';
import { callerIdentity, partitionOf } from './aws-context';
import type { GlobalClusterFailover, ReplicatorPause, SsmAutomationDocuments } from './ssm-automation-documents';
import { stackRoleConfig } from './stack-roles';
import { fisExperimentTemplateName } from '../names';

/** A replication-lag alarm of the region (RegionalAlarms). */
export interface LagAlarm {
  readonly alarmName: string;
  readonly arn: string;
}

/** What the faults act on in this region. A fault whose targets are absent here is left out of the experiments. */
export interface FaultTargets {
  /** Subnets whose traffic to the peer regions is cut (the app's subnets). FIS takes at most {@link MAX_DISRUPTED_SUBNETS}. */
  readonly subnetArns: readonly string[];
  /** AWS regions of the peers: connectivity to each is cut, replication to each paused. */
  readonly peerAwsRegions: readonly string[];
  /** Buckets in this region with the AWS regions their replication rules write to. */
  readonly buckets: readonly { readonly arn: string; readonly destinationAwsRegions: readonly string[] }[];
  /**
   * Tags that select this stack's EKS node groups (the provider's default tags), e.g. `{ project, stack }`.
   * All must match, so no other stack's node group is ever chosen.
   */
  readonly nodeGroupTags: Readonly<Record<string, string>>;
  readonly cluster: {
    readonly name: string;
    /** The namespace and `app.kubernetes.io/name` of the pods that get the latency: the app behind the load balancer. */
    readonly namespace: string;
    readonly app: string;
    /** The Kubernetes service account FIS runs its pod as, in `namespace`. */
    readonly serviceAccount: string;
  };
  /** The documents and their parameters; absent when this region holds no writer or runs no replicator. */
  readonly automation?: {
    readonly documents: SsmAutomationDocuments;
    /** The global databases this region holds the writer of. */
    readonly globalClusterFailovers?: readonly GlobalClusterFailover[];
    /** The replicators running in this region. */
    readonly replicatorPauses?: readonly ReplicatorPause[];
  };
}

export interface FisExperimentsProps {
  /** Prefix of the log group, alarm and tag names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** Name of the role the experiments run as; the cluster's access entry and the CI role that creates it name it too. */
  readonly roleName: string;
  readonly awsRegion: string;
  /** The region's customer-managed key; encrypts the experiment log group. */
  readonly kmsKeyArn: string;
  /** The region's alarm topic; the error-rate alarm notifies it. */
  readonly alarmTopicArn: string;
  readonly scenarios: readonly Scenario[];
  readonly targets: FaultTargets;
  /**
   * What stops this region's experiments: the blast radius, never the faulted region's own lag or error rate,
   * which its faults raise by design. Replication out of this region toward the peers beyond each data set's
   * RPO (measured here: S3 publishes replication latency in the source region), folded into one composite…
   */
  readonly lagTowardPeersBeyondRpo: readonly LagAlarm[];
  /**
   * …and, by ARN, alarms the peers' stacks define where their metrics are (CloudWatch alarms watch only their own
   * region): each surviving region's error rate ({@link errorRateAlarmName}) and its lag beyond the RPO
   * ({@link lagIntoBeyondRpoAlarmName}).
   */
  readonly peerStopAlarmArns: readonly string[];
  /** Replication into this region beyond each data set's RPO, folded into the composite the peers' experiments stop on. */
  readonly lagIntoRegionBeyondRpo: readonly LagAlarm[];
  /** The error rate of this region's public load balancer above the error-rate SLO: the alarm the peers' experiments stop on. */
  readonly errorRate: { readonly loadBalancerArnSuffix: string; readonly thresholdPercent: number };
  /** How long each fault lasts: the RTO SLO, so the response has to complete while the fault holds. */
  readonly faultMinutes: number;
  /** Latency added to each packet of the app's pods in the lag-spike experiment. */
  readonly podLatencyMilliseconds: number;
}

/** FIS takes at most five stop conditions per experiment template. */
export const MAX_STOP_CONDITIONS = 5;
/** The alarm on a region's load-balancer error rate, `name` being the region's prefix. */
export const errorRateAlarmName = (name: string) => `${name}-error-rate`;
/** The composite of a region's replication into it beyond each data set's RPO. */
export const lagIntoBeyondRpoAlarmName = (name: string) => `${name}-lag-into-beyond-rpo`;

/** FIS quota L-100E963F: target subnets of `aws:network:route-table-disrupt-cross-region-connectivity`. */
export const MAX_DISRUPTED_SUBNETS = 6;
/** FIS allows 12 hours per experiment. */
const MAX_FAULT_MINUTES = 720;
/** Minutes an SSM automation may run beyond the fault it holds, to settle and restore. */
const AUTOMATION_MARGIN_MINUTES = 30;
const NAME = /^[A-Za-z0-9_-]{1,60}$/;
const LOG_RETENTION_DAYS = 365;
/** The error rate is judged over this many one-minute periods, all breaching, before it stops an experiment. */
const ERROR_RATE_MINUTES = 3;

/** The experiment template of one scenario in one region. */
export interface ScenarioExperiment {
  readonly scenario: ScenarioId;
  readonly template: FisExperimentTemplate;
  /** The scenario's faults this region has targets for, in the scenario's order. */
  readonly faults: readonly FaultId[];
}

/**
 * One AWS FIS experiment template per scenario (schemas/scenarios.ts) the region has targets for,
 * injecting the scenario's faults into this region, one fault after another. Every template stops on the
 * blast radius, not on the region it faults: replication toward the peers beyond the RPO, and each surviving
 * peer's error rate and lag beyond the RPO (composites, as FIS takes five stop conditions at most). It logs to
 * a KMS-encrypted log group and runs as a role allowed only the calls its actions make, on this region's resources.
 */
export class FisExperiments extends Construct {
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly errorRateAlarm: CloudwatchMetricAlarm;
  readonly lagTowardPeersAlarm?: CloudwatchCompositeAlarm;
  readonly lagIntoRegionAlarm?: CloudwatchCompositeAlarm;
  readonly experiments: readonly ScenarioExperiment[];
  /** Scenarios without a template here, each with the reason. */
  readonly omitted: ReadonlyArray<{ readonly scenario: ScenarioId; readonly reason: string }>;

  constructor(scope: Construct, id: string, props: FisExperimentsProps) {
    super(scope, id);
    validate(id, props);
    const { targets } = props;
    const account = callerIdentity(this);
    const partition = partitionOf(this);
    const arn = (service: string, resource: string, owner: string = account.accountId) => `arn:${partition.partition}:${service}:${props.awsRegion}:${owner}:${resource}`;

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/fis/${props.name}`,
      retentionInDays: LOG_RETENTION_DAYS,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `${props.name}-fis` },
    });

    this.errorRateAlarm = new CloudwatchMetricAlarm(this, 'error-rate', {
      alarmName: errorRateAlarmName(props.name),
      alarmDescription: `5xx responses of the public load balancer above ${props.errorRate.thresholdPercent}% of requests for ${ERROR_RATE_MINUTES} minutes (the error-rate SLO); stops the peers' FIS experiments`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.errorRate.thresholdPercent,
      evaluationPeriods: ERROR_RATE_MINUTES,
      datapointsToAlarm: ERROR_RATE_MINUTES,
      // No requests is no evidence of errors; the health checks and the lag alarms speak for an idle region.
      treatMissingData: 'notBreaching',
      metricQuery: errorRateQueries(props.errorRate.loadBalancerArnSuffix),
      actionsEnabled: true,
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
      tags: { Name: `${props.name}-error-rate` },
    });
    const composite = (id: string, alarmName: string, description: string, alarms: readonly LagAlarm[]) =>
      alarms.length
        ? new CloudwatchCompositeAlarm(this, id, {
            alarmName,
            alarmDescription: description,
            alarmRule: alarms.map((alarm) => `ALARM(${JSON.stringify(alarm.alarmName)})`).join(' OR '),
            actionsEnabled: true,
            alarmActions: [props.alarmTopicArn],
            okActions: [props.alarmTopicArn],
            tags: { Name: alarmName },
          })
        : undefined;
    this.lagTowardPeersAlarm = composite('lag-toward-peers', `${props.name}-lag-toward-peers-beyond-rpo`, "Replication out of the region toward a peer beyond the data set's RPO; stops the region's FIS experiments", props.lagTowardPeersBeyondRpo);
    this.lagIntoRegionAlarm = composite('lag-into-region', lagIntoBeyondRpoAlarmName(props.name), "Replication into the region beyond the data set's RPO; stops the peers' FIS experiments", props.lagIntoRegionBeyondRpo);
    const stopConditions = [...(this.lagTowardPeersAlarm ? [this.lagTowardPeersAlarm.arn] : []), ...props.peerStopAlarmArns].map((value) => ({ source: 'aws:cloudwatch:alarm', value }));

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          sid: 'FisExperimentsOfThisRegion',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['fis.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [arn('fis', 'experiment/*')] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `FIS experiments in ${props.awsRegion}`,
      assumeRolePolicy: trust.json,
      ...stackRoleConfig(this),
    });

    // A mirror break also stops on replication into this region, which its fault holds back.
    const stopsOf = (faults: readonly FaultId[]) => (faults.includes('msk-replicator-stop') && this.lagIntoRegionAlarm ? [...stopConditions, { source: 'aws:cloudwatch:alarm', value: this.lagIntoRegionAlarm.arn }] : stopConditions);
    const considered = props.scenarios.map((scenario) => {
      const faults = scenario.faults.filter((fault) => faultApplies(fault, targets));
      return { scenario, faults, stops: stopsOf(faults) };
    });
    // An experiment that could not stop on every peer's alarms is not written at all: each scenario that would
    // need more stop conditions than FIS takes is left out, saying how many.
    const planned = considered.filter(({ stops }) => stops.length <= MAX_STOP_CONDITIONS);
    const used = new Set(planned.flatMap(({ faults }) => faults));
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [...loggingStatements(this.logGroup.arn), ...[...used].sort().flatMap((fault) => faultStatements(fault, targets, arn))],
    });
    const rolePolicy = new IamRolePolicy(this, 'role-policy', { name: 'inject-faults', role: this.role.name, policy: policy.json });

    const duration = `PT${props.faultMinutes}M`;
    this.experiments = planned
      .filter(({ faults }) => faults.length > 0)
      .map(({ scenario, faults, stops }) => {
        const built = faults.map((fault) => buildFault(fault, targets, { duration, faultMinutes: props.faultMinutes, latency: props.podLatencyMilliseconds }));
        const template = new FisExperimentTemplate(this, `experiment-${scenario.id}`, {
          description: `${scenario.title} in ${props.awsRegion}: ${faults.map((fault) => FAULTS[fault].description).join('; ')}`,
          roleArn: this.role.arn,
          action: inOrder(built),
          target: built.flatMap((fault) => fault.targets),
          // A stopped mirror holds back what it mirrors into this region: that lag beyond the RPO is its blast radius.
          stopCondition: stops,
          logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${this.logGroup.arn}:*` } },
          // A target that resolves to nothing fails the experiment rather than passing it having injected nothing.
          experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
          tags: { Name: fisExperimentTemplateName(props.name, scenario.id), scenario: scenario.id },
          dependsOn: [rolePolicy],
        });
        return { scenario: scenario.id, template, faults };
      });
    this.omitted = considered
      .filter(({ faults, stops }) => faults.length === 0 || stops.length > MAX_STOP_CONDITIONS)
      .map(({ scenario, faults, stops }) => ({
        scenario: scenario.id,
        reason: faults.length
          ? `stopping on this region's replication toward its peers and on each peer's error rate and lag takes ${stops.length} stop conditions, and FIS takes at most ${MAX_STOP_CONDITIONS} per experiment template`
          : `none of its faults (${scenario.faults.join(', ')}) has a target in ${props.awsRegion}`,
      }));
  }
}

/**
 * The faults' actions in the scenario's order: each fault's actions start once every action of the fault
 * before it has finished (FIS runs actions without `start_after` at once); a fault's own actions, one per
 * peer or bucket, run together.
 */
function inOrder(faults: readonly BuiltFault[]): FisExperimentTemplateAction[] {
  return faults.flatMap((fault, index) => {
    const previous = index > 0 ? faults[index - 1]!.actions.map((action) => action.name) : [];
    return fault.actions.map((action) => (previous.length ? { ...action, startAfter: previous } : action));
  });
}

/** The percentage of requests answered 5xx, by the load balancer itself or by its targets. */
function errorRateQueries(loadBalancerArnSuffix: string) {
  const metric = (id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: { namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: loadBalancerArnSuffix }, period: 60, stat: 'Sum' },
  });
  return [
    metric('requests', 'RequestCount'),
    metric('target5xx', 'HTTPCode_Target_5XX_Count'),
    metric('elb5xx', 'HTTPCode_ELB_5XX_Count'),
    { id: 'errorRate', expression: '100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests', label: '5xx responses, % of requests', returnData: true },
  ];
}

function faultApplies(fault: FaultId, targets: FaultTargets): boolean {
  switch (fault) {
    case 'cross-region-connectivity':
      return targets.subnetArns.length > 0 && targets.peerAwsRegions.length > 0;
    case 's3-replication-pause':
      return targets.buckets.some((bucket) => bucket.destinationAwsRegions.length > 0);
    case 'eks-node-group-loss':
    case 'pod-network-latency':
      return true;
    case 'aurora-global-failover':
      return (targets.automation?.globalClusterFailovers?.length ?? 0) > 0;
    case 'msk-replicator-stop':
      return (targets.automation?.replicatorPauses?.length ?? 0) > 0;
  }
}

interface BuiltFault {
  actions: FisExperimentTemplateAction[];
  targets: FisExperimentTemplateTarget[];
}

/** A name FIS accepts for an action or a target: letters, digits, hyphens and underscores. */
const key = (...parts: string[]) => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '-');
const parameters = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ key: name, value }));

function buildFault(fault: FaultId, targets: FaultTargets, timing: { duration: string; faultMinutes: number; latency: number }): BuiltFault {
  const actionId = FAULTS[fault].fisAction;
  const description = FAULTS[fault].description;
  switch (fault) {
    case 'cross-region-connectivity': {
      const target = key(fault, 'subnets');
      return {
        // One action per peer: the FIS action isolates the subnets from one region at a time.
        actions: targets.peerAwsRegions.map((peer) => ({
          name: key(fault, peer),
          actionId,
          description: `${description} (${peer})`,
          parameter: parameters({ region: peer, duration: timing.duration }),
          target: { key: 'Subnets', value: target },
        })),
        targets: [{ name: target, resourceType: 'aws:ec2:subnet', resourceArns: [...targets.subnetArns], selectionMode: 'ALL' }],
      };
    }
    case 's3-replication-pause': {
      const destinations = [...new Set(targets.buckets.flatMap((bucket) => bucket.destinationAwsRegions))];
      return {
        actions: destinations.map((destination) => ({
          name: key(fault, destination),
          actionId,
          description: `${description} (to ${destination})`,
          parameter: parameters({ region: destination, duration: timing.duration }),
          target: { key: 'Buckets', value: key(fault, 'buckets', destination) },
        })),
        targets: destinations.map((destination) => ({
          name: key(fault, 'buckets', destination),
          resourceType: 'aws:s3:bucket',
          resourceArns: targets.buckets.filter((bucket) => bucket.destinationAwsRegions.includes(destination)).map((bucket) => bucket.arn),
          selectionMode: 'ALL',
        })),
      };
    }
    case 'eks-node-group-loss':
      return {
        actions: [{ name: fault, actionId, description, parameter: parameters({ instanceTerminationPercentage: '100' }), target: { key: 'Nodegroups', value: key(fault, 'node-groups') } }],
        targets: [
          {
            name: key(fault, 'node-groups'),
            resourceType: 'aws:eks:nodegroup',
            resourceTag: Object.entries(targets.nodeGroupTags).map(([tag, value]) => ({ key: tag, value })),
            selectionMode: 'ALL',
          },
        ],
      };
    case 'pod-network-latency':
      return {
        actions: [
          {
            name: fault,
            actionId,
            description,
            parameter: parameters({ duration: timing.duration, delayMilliseconds: String(timing.latency), kubernetesServiceAccount: targets.cluster.serviceAccount }),
            target: { key: 'Pods', value: key(fault, 'pods') },
          },
        ],
        targets: [
          {
            name: key(fault, 'pods'),
            resourceType: 'aws:eks:pod',
            parameters: {
              clusterIdentifier: targets.cluster.name,
              namespace: targets.cluster.namespace,
              selectorType: 'labelSelector',
              selectorValue: `app.kubernetes.io/name=${targets.cluster.app}`,
            },
            selectionMode: 'ALL',
          },
        ],
      };
    case 'aurora-global-failover': {
      const automation = targets.automation!;
      return {
        actions: (automation.globalClusterFailovers ?? []).map((failover) => ({
          name: key(fault, failover.dataSet),
          actionId,
          description: `${description} (${failover.dataSet})`,
          parameter: parameters({
            documentArn: automation.documents.globalClusterFailover!.arn,
            documentParameters: JSON.stringify({
              AutomationAssumeRole: automation.documents.role.arn,
              GlobalClusterIdentifier: failover.globalClusterIdentifier,
              TargetDbClusterArn: failover.targetClusterArn,
              Mode: 'failover',
            }),
            maxDuration: `PT${AUTOMATION_MARGIN_MINUTES}M`,
          }),
        })),
        targets: [],
      };
    }
    case 'msk-replicator-stop': {
      const automation = targets.automation!;
      return {
        actions: (automation.replicatorPauses ?? []).map((pause, index) => ({
          name: key(fault, String(index)),
          actionId,
          description,
          parameter: parameters({
            documentArn: automation.documents.replicatorPause!.arn,
            documentParameters: JSON.stringify({
              AutomationAssumeRole: automation.documents.role.arn,
              ReplicatorArn: pause.replicatorArn,
              SourceKafkaClusterArn: pause.sourceClusterArn,
              TargetKafkaClusterArn: pause.targetClusterArn,
              PauseDuration: timing.duration,
            }),
            maxDuration: `PT${timing.faultMinutes + AUTOMATION_MARGIN_MINUTES}M`,
          }),
        })),
        targets: [],
      };
    }
  }
}

/** FIS delivers experiment logs to CloudWatch Logs through a log delivery it creates as the experiment role. */
function loggingStatements(logGroupArn: string): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: 'DeliverExperimentLogs', effect: 'Allow', actions: ['logs:CreateLogDelivery'], resources: ['*'] },
    { sid: 'AllowDeliveryToTheLogGroup', effect: 'Allow', actions: ['logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'], resources: ['*'] },
    { sid: 'WriteTheLogGroup', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] },
  ];
}

type ArnOf = (service: string, resource: string, owner?: string) => string;

/**
 * The calls FIS makes for each fault (the FIS actions reference), on this region's resources: writes on
 * what the targets name, reads that IAM cannot scope on `*`. Route tables and prefix lists FIS creates
 * to cut connectivity carry its `managedByFIS` tag, which the deletes require.
 */
function faultStatements(fault: FaultId, targets: FaultTargets, arn: ArnOf): DataAwsIamPolicyDocumentStatement[] {
  const managedByFis = [{ test: 'StringEquals', variable: 'aws:ResourceTag/managedByFIS', values: ['true'] }];
  const taggedForFis = [{ test: 'StringEquals', variable: 'aws:RequestTag/managedByFIS', values: ['true'] }];
  const inThisStack = Object.entries(targets.nodeGroupTags).map(([tag, value]) => ({ test: 'StringEquals', variable: `aws:ResourceTag/${tag}`, values: [value] }));
  switch (fault) {
    case 'cross-region-connectivity':
      return [
        {
          sid: 'ReadTheNetwork',
          effect: 'Allow',
          actions: ['ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeManagedPrefixLists', 'ec2:DescribeNetworkInterfaces'],
          resources: ['*'],
        },
        // AWS-managed prefix lists (of the regional service endpoints) belong to the account `aws`, hence the account wildcard.
        { sid: 'ReadPrefixLists', effect: 'Allow', actions: ['ec2:GetManagedPrefixListEntries'], resources: [arn('ec2', 'prefix-list/*', '*')] },
        { sid: 'CreateIsolatingRouteTables', effect: 'Allow', actions: ['ec2:CreateRouteTable', 'ec2:CreateManagedPrefixList'], resources: [arn('ec2', 'route-table/*'), arn('ec2', 'prefix-list/*')], condition: taggedForFis },
        { sid: 'CreateIsolatingRouteTablesInTheVpc', effect: 'Allow', actions: ['ec2:CreateRouteTable'], resources: [arn('ec2', 'vpc/*')], condition: inThisStack },
        { sid: 'TagWhatItCreates', effect: 'Allow', actions: ['ec2:CreateTags'], resources: [arn('ec2', 'route-table/*'), arn('ec2', 'prefix-list/*')], condition: taggedForFis },
        {
          sid: 'ChangeIsolatingRouteTables',
          effect: 'Allow',
          actions: ['ec2:CreateRoute', 'ec2:DeleteRouteTable', 'ec2:ModifyManagedPrefixList', 'ec2:DeleteManagedPrefixList', 'ec2:AssociateRouteTable', 'ec2:ReplaceRouteTableAssociation'],
          resources: [arn('ec2', 'route-table/*'), arn('ec2', 'prefix-list/*')],
          condition: managedByFis,
        },
        {
          sid: 'MoveTheStacksSubnets',
          effect: 'Allow',
          actions: ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:ReplaceRouteTableAssociation'],
          resources: [arn('ec2', 'subnet/*'), arn('ec2', 'route-table/*')],
          condition: inThisStack,
        },
        { sid: 'ReroutePrivateEndpoints', effect: 'Allow', actions: ['ec2:ModifyVpcEndpoint'], resources: [arn('ec2', 'vpc-endpoint/*')], condition: inThisStack },
      ];
    case 's3-replication-pause':
      return [
        {
          sid: 'PauseBucketReplication',
          effect: 'Allow',
          actions: ['s3:PauseReplication', 's3:GetReplicationConfiguration', 's3:PutReplicationConfiguration'],
          resources: targets.buckets.map((bucket) => bucket.arn),
        },
        { sid: 'FindBuckets', effect: 'Allow', actions: ['s3:ListAllMyBuckets', 'tag:GetResources'], resources: ['*'] },
      ];
    case 'eks-node-group-loss':
      return [
        { sid: 'ReadNodeGroups', effect: 'Allow', actions: ['eks:DescribeNodegroup'], resources: [arn('eks', `nodegroup/${targets.cluster.name}/*`)] },
        { sid: 'FindNodes', effect: 'Allow', actions: ['ec2:DescribeInstances', 'tag:GetResources'], resources: ['*'] },
        {
          sid: 'TerminateTheClustersNodes',
          effect: 'Allow',
          actions: ['ec2:TerminateInstances'],
          resources: [arn('ec2', 'instance/*')],
          condition: [{ test: 'StringEquals', variable: 'aws:ResourceTag/eks:cluster-name', values: [targets.cluster.name] }],
        },
      ];
    case 'pod-network-latency':
      return [
        { sid: 'ReachTheCluster', effect: 'Allow', actions: ['eks:DescribeCluster'], resources: [arn('eks', `cluster/${targets.cluster.name}`)] },
        { sid: 'FindPodSubnets', effect: 'Allow', actions: ['ec2:DescribeSubnets', 'tag:GetResources'], resources: ['*'] },
      ];
    case 'aurora-global-failover':
    case 'msk-replicator-stop': {
      const documents = targets.automation!.documents;
      const document = fault === 'aurora-global-failover' ? documents.globalClusterFailover! : documents.replicatorPause!;
      return [
        {
          sid: fault === 'aurora-global-failover' ? 'RunTheFailoverAutomation' : 'RunTheReplicatorAutomation',
          effect: 'Allow',
          actions: ['ssm:StartAutomationExecution'],
          resources: [document.arn, arn('ssm', `automation-definition/${document.name}:*`)],
        },
        { sid: 'FollowAutomations', effect: 'Allow', actions: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'], resources: [arn('ssm', 'automation-execution/*')] },
        {
          sid: 'PassTheAutomationRole',
          effect: 'Allow',
          actions: ['iam:PassRole'],
          resources: [documents.role.arn],
          condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ssm.amazonaws.com'] }],
        },
      ];
    }
  }
}

function validate(id: string, props: FisExperimentsProps): void {
  const fail = (path: string, expected: string, got: unknown) => {
    throw new Error(`FisExperiments ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!NAME.test(props.name)) fail('name', '1-60 letters, digits, hyphens and underscores', props.name);
  if (!Number.isInteger(props.faultMinutes) || props.faultMinutes < 1 || props.faultMinutes > MAX_FAULT_MINUTES) {
    fail('faultMinutes', `a whole number of minutes from 1 to ${MAX_FAULT_MINUTES} (FIS runs an experiment for 12 hours at most)`, props.faultMinutes);
  }
  if (!Number.isInteger(props.podLatencyMilliseconds) || props.podLatencyMilliseconds < 1) fail('podLatencyMilliseconds', 'a positive whole number of milliseconds', props.podLatencyMilliseconds);
  if (!(props.errorRate.thresholdPercent >= 0 && props.errorRate.thresholdPercent < 100)) fail('errorRate.thresholdPercent', 'a percentage from 0 to below 100 (at 100 the alarm could never fire)', props.errorRate.thresholdPercent);
  // Every template stops on these; a mirror break also on replication into the region.
  const stops = (props.lagTowardPeersBeyondRpo.length ? 1 : 0) + props.peerStopAlarmArns.length;
  if (stops < 1) fail('peerStopAlarmArns', `at least one stop condition with lagTowardPeersBeyondRpo's composite (an experiment never runs unstoppable)`, stops);
  if (props.targets.subnetArns.length > MAX_DISRUPTED_SUBNETS) {
    fail('targets.subnetArns', `at most ${MAX_DISRUPTED_SUBNETS} subnets (FIS quota L-100E963F for cross-region disruption)`, props.targets.subnetArns.length);
  }
  if (Object.keys(props.targets.nodeGroupTags).length === 0) fail('targets.nodeGroupTags', 'at least one tag, so node groups of other stacks are never chosen', props.targets.nodeGroupTags);
  const ids = props.scenarios.map((scenario) => scenario.id);
  ids.forEach((scenario, index) => {
    if (ids.indexOf(scenario) !== index) fail(`scenarios[${index}]`, 'each scenario once', scenario);
  });
  if (props.targets.automation?.globalClusterFailovers?.length && !props.targets.automation.documents.globalClusterFailover) {
    fail('targets.automation.documents', 'the Aurora failover document for globalClusterFailovers', 'documents without it');
  }
  if (props.targets.automation?.replicatorPauses?.length && !props.targets.automation.documents.replicatorPause) {
    fail('targets.automation.documents', 'the replicator pause document for replicatorPauses', 'documents without it');
  }
}
