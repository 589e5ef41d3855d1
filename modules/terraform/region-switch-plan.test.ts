import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { RegionSwitchPlan, type RegionSwitchPlanProps } from './region-switch-plan';

const eksArn = (region: string) => `arn:aws:eks:${region}:123456789012:cluster/orders-${region}`;
const rdsArn = (region: string) => `arn:aws:rds:${region}:123456789012:cluster:orders-${region}`;
const props: RegionSwitchPlanProps = {
  name: 'orders-global-failover',
  primaryRegion: 'us-east-1',
  secondaryRegions: ['us-west-2'],
  recoveryTimeObjectiveMinutes: 15,
  approval: { approverRoleArn: 'arn:aws:iam::123456789012:role/oncall-approver' },
  eksClusters: [
    { region: 'us-east-1', clusterArn: eksArn('us-east-1') },
    { region: 'us-west-2', clusterArn: eksArn('us-west-2'), scaleUpPercent: 120 },
  ],
  eksWorkloads: [{ namespace: 'orders', name: 'api', hpaName: 'api' }],
  auroraGlobalDatabases: [
    {
      globalClusterIdentifier: 'orders-global',
      clusters: [
        { region: 'us-east-1', clusterArn: rdsArn('us-east-1') },
        { region: 'us-west-2', clusterArn: rdsArn('us-west-2') },
      ],
    },
  ],
  trafficShift: {
    hostedZoneId: 'Z123456789',
    recordName: 'api.example.com',
    recordSets: [
      { region: 'us-east-1', recordSetIdentifier: 'use1' },
      { region: 'us-west-2', recordSetIdentifier: 'usw2' },
    ],
  },
};
const synth = (overrides: Partial<RegionSwitchPlanProps> = {}): TerraformJson => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new RegionSwitchPlan(stack, 'failover', { ...props, ...overrides });
  return synthScratch(stack);
};
const planOf = (json: TerraformJson) => resourcesOf(json, 'aws_arcregionswitch_plan')[0]!;
const workflowFor = (json: TerraformJson, region: string) => planOf(json).workflow.find((w: { workflow_target_region: string }) => w.workflow_target_region === region);
const step = (json: TerraformJson, region: string, name: string) => workflowFor(json, region).step.find((s: { name: string }) => s.name === name);
const permissions = (json: TerraformJson) =>
  Object.values(json.data!.aws_iam_policy_document!).find((doc) => doc['//'].metadata.path === 'stack/failover/permissions')!.statement as {
    sid: string;
    actions: string[];
    resources: string[];
  }[];

describe('RegionSwitchPlan', () => {
  it('plans an active/passive switch between the primary and its secondaries', () => {
    expect(planOf(synth())).toEqual(
      expect.objectContaining({
        name: 'orders-global-failover',
        recovery_approach: 'activePassive',
        regions: ['us-east-1', 'us-west-2'],
        primary_region: 'us-east-1',
        recovery_time_objective_minutes: 15,
      }),
    );
  });

  it('activates each secondary for failover and the primary for failback, with no deactivation workflow', () => {
    const workflows = planOf(synth({ secondaryRegions: ['us-west-2', 'eu-west-1'], ...threeRegions })).workflow;
    expect(workflows.map((w: Record<string, string>) => [w.workflow_target_action, w.workflow_target_region])).toEqual([
      ['activate', 'us-west-2'],
      ['activate', 'eu-west-1'],
      ['activate', 'us-east-1'],
    ]);
  });

  it('approves, then scales EKS, then moves the Aurora writer, then shifts traffic', () => {
    for (const workflow of planOf(synth()).workflow) {
      expect(workflow.step.map((s: Record<string, string>) => [s.name, s.execution_block_type])).toEqual([
        ['approve', 'ManualApproval'],
        ['scale-eks', 'EKSResourceScaling'],
        ['move-aurora-writer', 'AuroraGlobalDatabase'],
        ['shift-traffic', 'Route53HealthCheck'],
      ]);
    }
  });

  it('waits for the approver role an hour unless told otherwise', () => {
    const approval = (json: TerraformJson) => step(json, 'us-west-2', 'approve').execution_approval_config;
    expect(approval(synth())).toEqual([{ approval_role: 'arn:aws:iam::123456789012:role/oncall-approver', timeout_minutes: 60 }]);
    expect(approval(synth({ approval: { approverRoleArn: 'arn:aws:iam::123456789012:role/oncall-approver', timeoutMinutes: 20 } }))[0].timeout_minutes).toBe(20);
  });

  it('scales the Rollouts of the activated region to its own scale-up percentage', () => {
    const json = synth();
    const [toWest] = step(json, 'us-west-2', 'scale-eks').eks_resource_scaling_config;
    expect(toWest).toEqual(
      expect.objectContaining({
        capacity_monitoring_approach: 'sampledMaxInLast24Hours',
        target_percent: 120,
        kubernetes_resource_type: [{ api_version: 'argoproj.io/v1alpha1', kind: 'Rollout' }],
        eks_clusters: [{ cluster_arn: eksArn('us-east-1') }, { cluster_arn: eksArn('us-west-2') }],
        scaling_resources: [
          {
            namespace: 'orders',
            resources: [
              { resource_name: 'us-east-1', name: 'api', namespace: 'orders', hpa_name: 'api' },
              { resource_name: 'us-west-2', name: 'api', namespace: 'orders', hpa_name: 'api' },
            ],
          },
        ],
      }),
    );
    expect(step(json, 'us-east-1', 'scale-eks').eks_resource_scaling_config[0].target_percent).toBe(100);
  });

  it('switches the Aurora writer over without data loss, and fails it over when run ungracefully', () => {
    expect(step(synth(), 'us-west-2', 'move-aurora-writer').global_aurora_config).toEqual([
      {
        behavior: 'switchoverOnly',
        ungraceful: [{ ungraceful: 'failover' }],
        global_cluster_identifier: 'orders-global',
        database_cluster_arns: [rdsArn('us-east-1'), rdsArn('us-west-2')],
      },
    ]);
  });

  it('moves the writers of several global databases side by side', () => {
    const ledger = { globalClusterIdentifier: 'orders-ledger', clusters: [{ region: 'us-east-1', clusterArn: rdsArn('us-east-1') }, { region: 'us-west-2', clusterArn: rdsArn('us-west-2') }] };
    const json = synth({ auroraGlobalDatabases: [...props.auroraGlobalDatabases, ledger] });
    const parallel = step(json, 'us-west-2', 'move-aurora-writers');
    expect(parallel.execution_block_type).toBe('Parallel');
    expect(parallel.parallel_config[0].step.map((s: { name: string; global_aurora_config: { global_cluster_identifier: string }[] }) => [s.name, s.global_aurora_config[0]!.global_cluster_identifier])).toEqual([
      ['move-aurora-writer-orders-global', 'orders-global'],
      ['move-aurora-writer-orders-ledger', 'orders-ledger'],
    ]);
    expect(workflowFor(json, 'us-west-2').step.map((s: { name: string }) => s.name)).toEqual(['approve', 'scale-eks', 'move-aurora-writers', 'shift-traffic']);
  });

  it('has no database step, and no database permissions, without a global database', () => {
    const json = synth({ auroraGlobalDatabases: [] });
    expect(workflowFor(json, 'us-west-2').step.map((s: { name: string }) => s.name)).toEqual(['approve', 'scale-eks', 'shift-traffic']);
    expect(permissions(json).flatMap((statement) => statement.actions).filter((action) => action.startsWith('rds:'))).toEqual([]);
  });

  it('shifts traffic through the record set entries of every region', () => {
    expect(step(synth(), 'us-west-2', 'shift-traffic').route53_health_check_config).toEqual([
      {
        hosted_zone_id: 'Z123456789',
        record_name: 'api.example.com',
        record_set: [
          { region: 'us-east-1', record_set_identifier: 'use1' },
          { region: 'us-west-2', record_set_identifier: 'usw2' },
        ],
      },
    ]);
  });

  it('creates an execution role only Region switch acting for this account can assume', () => {
    const json = synth();
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(role).toEqual(expect.objectContaining({ name: 'orders-global-failover-execution', max_session_duration: 3600 }));
    expect(planOf(json).execution_role).toBe(`\${aws_iam_role.${Object.keys(json.resource.aws_iam_role!)[0]}.arn}`);
    const trust = Object.values(json.data!.aws_iam_policy_document!).find((doc) => doc['//'].metadata.path === 'stack/failover/trust')!.statement[0];
    expect(trust.principals).toEqual([{ type: 'Service', identifiers: ['arc-region-switch.amazonaws.com'] }]);
    expect(trust.condition).toEqual([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\..+\.account_id\}$/)] }]);
  });

  it('lets the execution role move the writer of this global database and its member clusters only', () => {
    const moveWriter = permissions(synth()).find((statement) => statement.sid === 'MoveWriters')!;
    expect(moveWriter.actions).toEqual(['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster']);
    expect(moveWriter.resources).toEqual([
      expect.stringMatching(/^arn:\$\{data\.aws_partition\..+\.partition\}:rds::\$\{data\.aws_caller_identity\..+\.account_id\}:global-cluster:orders-global$/),
      rdsArn('us-east-1'),
      rdsArn('us-west-2'),
    ]);
  });

  it('lets the execution role read the EKS clusters and their access entries, and the traffic zone', () => {
    const statements = permissions(synth());
    const resourcesFor = (action: string) => statements.find((statement) => statement.actions.includes(action))!.resources;
    expect(resourcesFor('eks:DescribeCluster')).toEqual([eksArn('us-east-1'), eksArn('us-west-2')]);
    expect(resourcesFor('eks:ListAssociatedAccessPolicies')).toEqual([
      'arn:aws:eks:us-east-1:123456789012:access-entry/orders-us-east-1/*',
      'arn:aws:eks:us-west-2:123456789012:access-entry/orders-us-west-2/*',
    ]);
    expect(resourcesFor('route53:ListResourceRecordSets')).toEqual([expect.stringMatching(/:route53:::hostedzone\/Z123456789$/)]);
  });

  it('never lets the execution role approve its own steps', () => {
    const actions = permissions(synth()).flatMap((statement) => statement.actions);
    expect(actions.filter((action) => action.startsWith('arc-region-switch:'))).toEqual([]);
  });

  it('runs under a given execution role without creating one', () => {
    const json = synth({ executionRoleArn: 'arn:aws:iam::123456789012:role/region-switch' });
    expect(resourcesOf(json, 'aws_iam_role')).toEqual([]);
    expect(planOf(json).execution_role).toBe('arn:aws:iam::123456789012:role/region-switch');
  });
});

const threeRegions: Partial<RegionSwitchPlanProps> = {
  eksClusters: [...props.eksClusters, { region: 'eu-west-1', clusterArn: eksArn('eu-west-1') }],
  auroraGlobalDatabases: [{ ...props.auroraGlobalDatabases[0]!, clusters: [...props.auroraGlobalDatabases[0]!.clusters, { region: 'eu-west-1', clusterArn: rdsArn('eu-west-1') }] }],
  trafficShift: { ...props.trafficShift, recordSets: [...props.trafficShift.recordSets, { region: 'eu-west-1', recordSetIdentifier: 'euw1' }] },
};
