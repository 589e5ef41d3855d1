import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktn/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktn/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';

/** What the account's IAM policies may grant on the key; in a key policy `*` as resource means this key. */
const KEY_ADMINISTRATION = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DisableKeyRotation',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];
const KEY_USE = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export interface RegionalKeyProps {
  /** Alias name without the `alias/` prefix, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** The AWS region the key lives in; service principals of CloudWatch Logs are regional. */
  readonly awsRegion: string;
  /**
   * Days a scheduled deletion waits; a mistaken `terraform destroy` can be undone within it.
   * @default 30
   */
  readonly deletionWindowDays?: number;
}

/**
 * The customer-managed key that encrypts everything at rest in one region. Rotation is on; the key
 * policy lets the account's IAM policies grant use (so each role names the key it needs) and lets
 * only the AWS services that encrypt with it on our behalf use it directly.
 */
export class RegionalKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: RegionalKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(deletionWindowDays) || deletionWindowDays < 7 || deletionWindowDays > 30) {
      throw new Error(`RegionalKey ${id}: deletionWindowDays: expected a whole number of days from 7 to 30, got ${deletionWindowDays}`);
    }
    const account = callerIdentity(this);
    const partition = partitionOf(this);
    const root = `arn:${partition.partition}:iam::${account.accountId}:root`;
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          // Named rather than kms:* so that no principal can be granted key deletion or policy changes by accident of a wildcard.
          sid: 'AccountGrantsKeyUseThroughIam',
          principals: [{ type: 'AWS', identifiers: [root] }],
          actions: [...KEY_ADMINISTRATION, ...KEY_USE],
          resources: ['*'],
        },
        {
          sid: 'LogsAndAlarmsEncryptWithKey',
          principals: [
            { type: 'Service', identifiers: [`logs.${props.awsRegion}.amazonaws.com`, 'cloudwatch.amazonaws.com', 'sns.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          ],
          actions: KEY_USE,
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts ${props.name} data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      multiRegion: false,
      policy: policy.json,
      tags: { Name: props.name },
    });
    this.alias = new KmsAlias(this, 'alias', { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }
}
