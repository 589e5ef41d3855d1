import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { RegionSwitchPlan, type RegionSwitchPlanProps } from './region-switch-plan';

const valid: RegionSwitchPlanProps = {
  name: 'orders-global-failover',
  primaryRegion: 'us-east-1',
  secondaryRegions: ['us-west-2'],
  approval: { approverRoleArn: 'arn:aws:iam::123456789012:role/oncall-approver' },
  eksClusters: [
    { region: 'us-east-1', clusterArn: 'arn:aws:eks:us-east-1:123456789012:cluster/a' },
    { region: 'us-west-2', clusterArn: 'arn:aws:eks:us-west-2:123456789012:cluster/b' },
  ],
  eksWorkloads: [{ namespace: 'orders', name: 'api' }],
  auroraGlobalDatabases: [
    {
      globalClusterIdentifier: 'orders-global',
      clusters: [
        { region: 'us-east-1', clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:a' },
        { region: 'us-west-2', clusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:b' },
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
const build = (overrides: Partial<RegionSwitchPlanProps>) => new RegionSwitchPlan(scratchStack(), 'failover', { ...valid, ...overrides });

describe('RegionSwitchPlan rejects', () => {
  it('a name Region switch does not accept', () => {
    expect(() => build({ name: 'orders_global_failover' })).toThrow(
      'RegionSwitchPlan failover: name: expected letters, digits and inner hyphens, at most 32 characters, got "orders_global_failover"',
    );
  });

  it('a recovery approach other than active/passive', () => {
    expect(() => build({ recoveryApproach: 'activeActive' as 'activePassive' })).toThrow(
      'RegionSwitchPlan failover: recoveryApproach: expected "activePassive", got "activeActive"',
    );
  });

  it('a region that is not an AWS region code', () => {
    expect(() => build({ secondaryRegions: ['usw2'] })).toThrow('RegionSwitchPlan failover: secondaryRegions: expected AWS region codes like us-east-1, got "usw2"');
  });

  it('no secondary region', () => {
    expect(() => build({ secondaryRegions: [] })).toThrow('RegionSwitchPlan failover: secondaryRegions: expected at least one region, got none');
  });

  it('the primary among the secondaries', () => {
    expect(() => build({ secondaryRegions: ['us-west-2', 'us-east-1'] })).toThrow(
      'RegionSwitchPlan failover: secondaryRegions: expected regions other than the primary us-east-1, got us-west-2, us-east-1',
    );
  });

  it('a secondary listed twice', () => {
    expect(() => build({ secondaryRegions: ['us-west-2', 'us-west-2'] })).toThrow('RegionSwitchPlan failover: secondaryRegions: expected each region once, got us-west-2, us-west-2');
  });

  it('a plan region without an EKS cluster', () => {
    expect(() => build({ eksClusters: [valid.eksClusters[0]!] })).toThrow(
      'RegionSwitchPlan failover: eksClusters[].region: expected exactly one entry for each of us-east-1, us-west-2, got us-east-1',
    );
  });

  it('an Aurora cluster outside the plan regions', () => {
    const [database] = valid.auroraGlobalDatabases;
    expect(() =>
      build({ auroraGlobalDatabases: [{ ...database!, clusters: [database!.clusters[0]!, { region: 'eu-west-1', clusterArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:c' }] }] }),
    ).toThrow('RegionSwitchPlan failover: auroraGlobalDatabases[orders-global].clusters[].region: expected exactly one entry for each of us-east-1, us-west-2, got us-east-1, eu-west-1');
  });

  it('a global database listed twice', () => {
    expect(() => build({ auroraGlobalDatabases: [...valid.auroraGlobalDatabases, ...valid.auroraGlobalDatabases] })).toThrow(
      'RegionSwitchPlan failover: auroraGlobalDatabases[].globalClusterIdentifier: expected each database once, got orders-global, orders-global',
    );
  });

  it('a plan region without a record set entry', () => {
    expect(() => build({ trafficShift: { ...valid.trafficShift, recordSets: [] } })).toThrow(
      'RegionSwitchPlan failover: trafficShift.recordSets[].region: expected exactly one entry for each of us-east-1, us-west-2, got none',
    );
  });

  it('no Rollout to scale', () => {
    expect(() => build({ eksWorkloads: [] })).toThrow('RegionSwitchPlan failover: eksWorkloads: expected at least one Rollout to scale, got none');
  });

  it('a scale-up below 1 percent', () => {
    expect(() => build({ eksClusters: [valid.eksClusters[0]!, { ...valid.eksClusters[1]!, scaleUpPercent: 0 }] })).toThrow(
      'RegionSwitchPlan failover: eksClusters[us-west-2].scaleUpPercent: expected a whole percentage of at least 1, got 0',
    );
  });

  it('an approval timeout below a minute', () => {
    expect(() => build({ approval: { ...valid.approval, timeoutMinutes: 0.5 } })).toThrow(
      'RegionSwitchPlan failover: approval.timeoutMinutes: expected whole minutes, at least 1, got 0.5',
    );
  });
});
