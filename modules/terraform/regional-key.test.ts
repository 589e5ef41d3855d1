import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { RegionalKey } from './regional-key';

const synth = () => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  new RegionalKey(stack, 'key', { name: 'orders-us-west-2', awsRegion: 'us-west-2' });
  return synthScratch(stack);
};
const statements = () => Object.values(synth().data!.aws_iam_policy_document!)[0]!.statement as Array<Record<string, any>>;

describe('RegionalKey', () => {
  it('rotates, waits 30 days before deletion and stays in its region', () => {
    expect(resourcesOf(synth(), 'aws_kms_key')).toEqual([
      expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30, multi_region: false }),
    ]);
  });

  it('is found under its alias', () => {
    expect(resourcesOf(synth(), 'aws_kms_alias')).toEqual([expect.objectContaining({ name: 'alias/orders-us-west-2' })]);
  });

  it('grants named actions only, never kms:*', () => {
    const actions = statements().flatMap((statement) => statement.actions as string[]);
    expect(actions).not.toContain('kms:*');
    expect(actions.every((action) => /^kms:[A-Z][A-Za-z]+$/.test(action))).toBe(true);
  });

  it("lets log and alarm services use the key only for this account's resources", () => {
    const services = statements().find((statement) => statement.sid === 'LogsAndAlarmsEncryptWithKey')!;
    expect(services.principals[0].identifiers).toContain('logs.us-west-2.amazonaws.com');
    expect(services.actions).not.toContain('kms:ScheduleKeyDeletion');
    expect(services.condition).toEqual([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\./)] }]);
  });
});
