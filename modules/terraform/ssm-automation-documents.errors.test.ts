import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { SsmAutomationDocuments, type SsmAutomationDocumentsProps } from './ssm-automation-documents';

function build(props: SsmAutomationDocumentsProps) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return new SsmAutomationDocuments(stack, 'automation', props);
}

describe('SsmAutomationDocuments refuses', () => {
  it('a name SSM reserves', () => {
    expect(() => build({ name: 'aws-orders' })).toThrow(/^SsmAutomationDocuments automation: name: expected 3-80 letters, .* \(SSM reserves them\), got "aws-orders"$/);
    expect(() => build({ name: 'Amazon-orders' })).toThrow(/got "Amazon-orders"$/);
  });

  it('a name with characters a document name cannot hold', () => {
    expect(() => build({ name: 'orders/us-east-1' })).toThrow(/name: .* got "orders\/us-east-1"$/);
  });

  it('the same global database twice', () => {
    const cluster = { dataSet: 'orders-db', globalClusterIdentifier: 'orders-orders-db', targetClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:c' };
    expect(() => build({ name: 'orders-us-east-1', globalClusters: [cluster, cluster] })).toThrow(
      'SsmAutomationDocuments automation: globalClusters[1].globalClusterIdentifier: expected each global database once, got "orders-orders-db"',
    );
  });
});
