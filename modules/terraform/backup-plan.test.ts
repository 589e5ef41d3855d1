import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { BackupPlan, type BackupPlanProps } from './backup-plan';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/region';
const CLUSTER = 'arn:aws:rds:us-east-1:111122223333:cluster:orders-db';
const WEST_VAULT = 'arn:aws:backup:us-west-2:111122223333:backup-vault:orders-us-west-2';
const EU_VAULT = 'arn:aws:backup:eu-west-1:111122223333:backup-vault:orders-eu-west-1';
const synth = (props: Partial<BackupPlanProps> = {}) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new BackupPlan(stack, 'backup', { name: 'orders-us-east-1', kmsKeyArn: KEY, resourceArns: [CLUSTER], copyToVaultArns: [WEST_VAULT], ...props });
  return synthScratch(stack);
};
const rule = (json: TerraformJson) => resourcesOf(json, 'aws_backup_plan')[0]!.rule[0];
const vaultReference = /^\$\{aws_backup_vault\.[^}]+\.name\}$/;

describe('BackupPlan', () => {
  it('keeps recovery points in a vault encrypted with the region key', () => {
    const vault = resourcesOf(synth(), 'aws_backup_vault')[0]!;
    expect(vault).toEqual(expect.objectContaining({ name: 'orders-us-east-1', kms_key_arn: KEY }));
    expect(vault).not.toHaveProperty('force_destroy');
  });

  it('locks the vault in governance mode for the shorter of the two retentions', () => {
    const lock = resourcesOf(synth({ retentionDays: 35, copyRetentionDays: 14 }), 'aws_backup_vault_lock_configuration')[0]!;
    expect(lock).toEqual(expect.objectContaining({ backup_vault_name: expect.stringMatching(vaultReference), min_retention_days: 14 }));
    expect(lock).not.toHaveProperty('changeable_for_days');
  });

  it('backs up daily at 05:00 UTC into the vault and keeps recovery points 35 days by default', () => {
    expect(rule(synth())).toEqual(
      expect.objectContaining({ schedule: 'cron(0 5 ? * * *)', target_vault_name: expect.stringMatching(vaultReference), lifecycle: { delete_after: 35 } }),
    );
  });

  it('takes the schedule and retention it is given', () => {
    expect(rule(synth({ schedule: 'cron(30 2 ? * * *)', retentionDays: 7 }))).toEqual(expect.objectContaining({ schedule: 'cron(30 2 ? * * *)', lifecycle: { delete_after: 7 } }));
  });

  it('copies every recovery point to each peer vault with the copy retention', () => {
    expect(rule(synth({ copyToVaultArns: [WEST_VAULT, EU_VAULT], copyRetentionDays: 14 })).copy_action).toEqual([
      { destination_vault_arn: WEST_VAULT, lifecycle: { delete_after: 14 } },
      { destination_vault_arn: EU_VAULT, lifecycle: { delete_after: 14 } },
    ]);
  });

  it('runs as a role only AWS Backup can assume, with its backup and restore managed policies including S3', () => {
    const json = synth();
    const role = resourcesOf(json, 'aws_iam_role')[0]!;
    const trust = json.data!.aws_iam_policy_document![/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1]!]!;
    expect(trust.statement).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['backup.amazonaws.com'] }] }]);
    const partition = /^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:iam::aws:policy\//;
    const policies = resourcesOf(json, 'aws_iam_role_policy_attachment').map((attachment) => attachment.policy_arn.replace(partition, ''));
    expect(policies).toEqual([
      'service-role/AWSBackupServiceRolePolicyForBackup',
      'service-role/AWSBackupServiceRolePolicyForRestores',
      'AWSBackupServiceRolePolicyForS3Backup',
      'AWSBackupServiceRolePolicyForS3Restore',
    ]);
  });

  it('selects exactly the given resources once the role holds its policies', () => {
    const selection = resourcesOf(synth(), 'aws_backup_selection')[0]!;
    expect(selection).toEqual(expect.objectContaining({ resources: [CLUSTER], plan_id: expect.stringMatching(/^\$\{aws_backup_plan\./) }));
    expect(selection.depends_on).toHaveLength(4);
    expect(selection.depends_on.every((address: string) => address.startsWith('aws_iam_role_policy_attachment.'))).toBe(true);
  });
});
