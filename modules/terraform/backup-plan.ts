import { BackupPlan as AwsBackupPlan } from '@cdktn/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktn/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktn/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktn/provider-aws/lib/backup-vault-lock-configuration';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { AWS_CRON } from '../../schemas';
import { partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

export interface BackupPlanProps {
  /** Name of the vault, plan, selection and (with `-backup`) role, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** The region's customer-managed key; encrypts the vault's recovery points. */
  readonly kmsKeyArn: string;
  /** ARNs of the region's stateful resources to back up (Aurora clusters, S3 buckets, DynamoDB tables, …). */
  readonly resourceArns: readonly string[];
  /**
   * Backup vaults in peer regions that receive a copy of every recovery point, e.g.
   * `arn:aws:backup:us-west-2:111122223333:backup-vault:orders-us-west-2`. Each must exist; the peer
   * region's BackupPlan creates it.
   */
  readonly copyToVaultArns: readonly string[];
  /**
   * When backups start, as an AWS Backup cron expression in UTC.
   * @default 'cron(0 5 ? * * *)' (daily at 05:00 UTC)
   */
  readonly schedule?: string;
  /**
   * Days a recovery point is kept in this region.
   * @default 35
   */
  readonly retentionDays?: number;
  /**
   * Days a copy is kept in each peer region's vault.
   * @default 35
   */
  readonly copyRetentionDays?: number;
}

const NAME = /^[A-Za-z0-9_-]{2,50}$/;
// Loose on partition, region and account, which may be Terraform references rendered as tokens.
const BACKUP_VAULT_ARN = /^arn:[^:]+:backup:[^:]+:[^:]+:backup-vault:[A-Za-z0-9_-]{2,50}$/;
/**
 * AWS managed policies (path and name) AWS Backup documents for its service role; S3 buckets need
 * their own pair, which lives outside the service-role path.
 */
const SERVICE_ROLE_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
];

/**
 * Daily AWS Backup of one region's stateful resources into a KMS-encrypted vault, with each recovery
 * point copied to the peer regions' vaults, so a restore does not depend on the region that was lost.
 * The vault is locked in governance mode: recovery points cannot be deleted before the shorter of the
 * two retentions except by someone granted the right to remove the lock.
 */
export class BackupPlan extends Construct {
  readonly vault: BackupVault;
  readonly vaultArn: string;
  readonly plan: AwsBackupPlan;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    const schedule = props.schedule ?? 'cron(0 5 ? * * *)';
    const retentionDays = props.retentionDays ?? 35;
    const copyRetentionDays = props.copyRetentionDays ?? 35;
    const roleName = `${props.name}-backup`;
    if (!NAME.test(props.name)) {
      throw new Error(`BackupPlan ${id}: name: expected 2-50 letters, digits, hyphens and underscores, got ${JSON.stringify(props.name)}`);
    }
    if (!props.resourceArns.length) throw new Error(`BackupPlan ${id}: resourceArns: expected at least one resource ARN, got none`);
    const badVault = props.copyToVaultArns.find((arn) => !BACKUP_VAULT_ARN.test(arn));
    if (badVault !== undefined) {
      throw new Error(`BackupPlan ${id}: copyToVaultArns: expected backup vault ARNs (arn:<partition>:backup:<region>:<account>:backup-vault:<name>), got ${JSON.stringify(badVault)}`);
    }
    if (!AWS_CRON.test(schedule)) throw new Error(`BackupPlan ${id}: schedule: expected a six-field cron(...) expression, got ${JSON.stringify(schedule)}`);
    for (const [prop, days] of [['retentionDays', retentionDays], ['copyRetentionDays', copyRetentionDays]] as const) {
      if (!Number.isInteger(days) || days < 1) throw new Error(`BackupPlan ${id}: ${prop}: expected a whole number of days of at least 1, got ${days}`);
    }

    this.vault = new BackupVault(this, 'vault', { name: props.name, kmsKeyArn: props.kmsKeyArn, tags: { Name: props.name } });
    this.vaultArn = this.vault.arn;
    // Governance mode (no changeable_for_days) can be lifted by an administrator; compliance mode never
    // can. The peer's copies land here too, so the minimum fits both retentions.
    new BackupVaultLockConfiguration(this, 'vault-lock', {
      backupVaultName: this.vault.name,
      minRetentionDays: Math.min(retentionDays, copyRetentionDays),
    });

    const partition = partitionOf(this);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{ effect: 'Allow', principals: [{ type: 'Service', identifiers: ['backup.amazonaws.com'] }], actions: ['sts:AssumeRole'] }],
    });
    const role = new IamRole(this, 'role', {
      name: roleName,
      description: `AWS Backup backs up and restores ${props.name}`,
      assumeRolePolicy: trust.json,
      tags: { Name: roleName },
      ...stackRoleConfig(this),
    });
    const attachments = SERVICE_ROLE_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `role-${policy.split('/').at(-1)}`, {
          role: role.name,
          policyArn: `arn:${partition.partition}:iam::aws:policy/${policy}`,
        }),
    );

    this.plan = new AwsBackupPlan(this, 'plan', {
      name: props.name,
      rule: [
        {
          ruleName: 'daily',
          targetVaultName: this.vault.name,
          schedule,
          lifecycle: { deleteAfter: retentionDays },
          copyAction: props.copyToVaultArns.map((destinationVaultArn) => ({ destinationVaultArn, lifecycle: { deleteAfter: copyRetentionDays } })),
          recoveryPointTags: { BackupPlan: props.name },
        },
      ],
      tags: { Name: props.name },
    });
    new BackupSelection(this, 'selection', {
      name: props.name,
      planId: this.plan.id,
      iamRoleArn: role.arn,
      resources: [...props.resourceArns],
      // AWS Backup checks the role's permissions when the selection is created.
      dependsOn: attachments,
    });
  }
}
