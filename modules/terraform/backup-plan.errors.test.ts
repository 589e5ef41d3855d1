import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { BackupPlan, type BackupPlanProps } from './backup-plan';

const valid: BackupPlanProps = {
  name: 'orders-us-east-1',
  kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/region',
  resourceArns: ['arn:aws:rds:us-east-1:111122223333:cluster:orders-db'],
  copyToVaultArns: ['arn:aws:backup:us-west-2:111122223333:backup-vault:orders-us-west-2'],
};
const build = (props: BackupPlanProps) => new BackupPlan(scratchStack(), 'backup', props);

describe('BackupPlan rejects', () => {
  it('a plan with nothing to back up', () => {
    expect(() => build({ ...valid, resourceArns: [] })).toThrow('BackupPlan backup: resourceArns: expected at least one resource ARN, got none');
  });

  it('a copy destination that is not a backup vault ARN', () => {
    expect(() => build({ ...valid, copyToVaultArns: ['orders-us-west-2'] })).toThrow(
      'BackupPlan backup: copyToVaultArns: expected backup vault ARNs (arn:<partition>:backup:<region>:<account>:backup-vault:<name>), got "orders-us-west-2"',
    );
  });

  it('a schedule that is not a six-field cron expression', () => {
    expect(() => build({ ...valid, schedule: 'rate(1 day)' })).toThrow('BackupPlan backup: schedule: expected a six-field cron(...) expression, got "rate(1 day)"');
  });

  it('a retention below one day', () => {
    expect(() => build({ ...valid, copyRetentionDays: 0 })).toThrow('BackupPlan backup: copyRetentionDays: expected a whole number of days of at least 1, got 0');
  });

  it('a name AWS Backup would refuse', () => {
    expect(() => build({ ...valid, name: 'orders.us-east-1' })).toThrow('BackupPlan backup: name: expected 2-50 letters, digits, hyphens and underscores, got "orders.us-east-1"');
  });
});
