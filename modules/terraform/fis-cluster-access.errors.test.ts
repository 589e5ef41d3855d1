import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { FisClusterAccess } from './fis-cluster-access';

const ROLE = 'arn:aws:iam::123456789012:role/orders/us-east-1/orders-us-east-1-fis';
const build = (props: { roleArn?: string; userName?: string }) => () =>
  new FisClusterAccess(scratchStack(), 'fis-access', { clusterName: 'orders-us-east-1', roleArn: ROLE, userName: 'fis-experiment', ...props });

describe('FisClusterAccess refuses', () => {
  it('a user name EKS reserves, which would speak for the cluster itself', () => {
    expect(build({ userName: 'system:node' })).toThrow(
      'FisClusterAccess fis-access: userName: expected a Kubernetes user name of lowercase letters, digits and hyphens (EKS reserves system:, eks:, aws:, amazon: and iam:), got "system:node"',
    );
  });

  it('a principal other than a role: an STS session, which EKS cannot map', () => {
    expect(build({ roleArn: 'arn:aws:sts::123456789012:assumed-role/orders-us-east-1-fis/session' })).toThrow(
      'FisClusterAccess fis-access: roleArn: expected the ARN of an IAM role, got "arn:aws:sts::123456789012:assumed-role/orders-us-east-1-fis/session"',
    );
  });
});
