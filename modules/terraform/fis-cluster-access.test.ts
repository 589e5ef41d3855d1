import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { FisClusterAccess } from './fis-cluster-access';

const ROLE = 'arn:aws:iam::123456789012:role/orders/us-east-1/orders-us-east-1-fis';

describe('FisClusterAccess', () => {
  it('maps the experiment role to the one Kubernetes user FIS’s RoleBinding names, in no group and with no EKS access policy', () => {
    const stack = scratchStack();
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new FisClusterAccess(stack, 'fis-access', { clusterName: 'orders-us-east-1', roleArn: ROLE, userName: 'fis-experiment' });
    const json = synthScratch(stack);
    expect(resourcesOf(json, 'aws_eks_access_entry')).toEqual([
      { '//': expect.anything(), cluster_name: 'orders-us-east-1', principal_arn: ROLE, type: 'STANDARD', user_name: 'fis-experiment', tags: { Name: 'orders-us-east-1-fis-experiment' } },
    ]);
    expect(resourcesOf(json, 'aws_eks_access_policy_association')).toEqual([]);
  });
});
