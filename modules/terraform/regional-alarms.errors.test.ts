import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { RegionalAlarms, type RegionalAlarmsProps } from './regional-alarms';

const valid: RegionalAlarmsProps = { name: 'orders-us-west-2', awsRegion: 'us-west-2', kmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/region' };
const build = (props: Partial<RegionalAlarmsProps>) => new RegionalAlarms(scratchStack(), 'alarms', { ...valid, ...props });
const cache = { replicationGroupId: 'sessions', memberClusterIds: ['sessions-001'], lagAlertSeconds: 10 };

describe('RegionalAlarms rejects', () => {
  it('a lag threshold of zero', () => {
    expect(() => build({ auroraGlobalDatabases: [{ clusterIdentifier: 'orders-db', lagAlertSeconds: 0 }] })).toThrow(
      'RegionalAlarms alarms: auroraGlobalDatabases[0].lagAlertSeconds: expected a positive number of seconds, got 0',
    );
  });

  it('a negative lag threshold', () => {
    expect(() => build({ s3Replications: [{ sourceBucket: 'a', destinationBucket: 'b', ruleId: 'to-x', lagAlertSeconds: -5 }] })).toThrow(
      'RegionalAlarms alarms: s3Replications[0].lagAlertSeconds: expected a positive number of seconds, got -5',
    );
  });

  it('a cache replication group without member clusters', () => {
    expect(() => build({ cacheReplicationGroups: [{ ...cache, memberClusterIds: [] }] })).toThrow(
      'RegionalAlarms alarms: cacheReplicationGroups[0].memberClusterIds: expected 1 to 10 cache cluster ids, got 0',
    );
  });

  it('more cache clusters than one alarm can watch', () => {
    const memberClusterIds = Array.from({ length: 11 }, (_, index) => `sessions-${index}`);
    expect(() => build({ cacheReplicationGroups: [{ ...cache, memberClusterIds }] })).toThrow(
      'RegionalAlarms alarms: cacheReplicationGroups[0].memberClusterIds: expected 1 to 10 cache cluster ids, got 11',
    );
  });

  it('the same replication twice', () => {
    expect(() => build({ kafkaReplicators: [{ replicatorName: 'events', lagAlertSeconds: 60 }, { replicatorName: 'events', lagAlertSeconds: 30 }] })).toThrow(
      'RegionalAlarms alarms: kafkaReplicators[1]: expected each replication once, got kafka-events again',
    );
  });

  it('an evaluation window of zero minutes', () => {
    expect(() => build({ evaluationMinutes: 0 })).toThrow('RegionalAlarms alarms: evaluationMinutes: expected a whole number of minutes from 1 to 1440, got 0');
  });
});
