import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { WorkloadRole, type WorkloadPermission, type WorkloadRoleProps } from './workload-role';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE';
const read: WorkloadPermission = { sid: 'ReadDocuments', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::orders-documents/*'] };
const valid: WorkloadRoleProps = {
  name: 'orders-us-east-1-api',
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  namespace: 'orders',
  serviceAccount: 'api',
  statements: [read],
};
const build = (props: WorkloadRoleProps) => new WorkloadRole(scratchStack(), 'workload', props);
const withStatement = (statement: Partial<WorkloadPermission>) => build({ ...valid, statements: [{ ...read, ...statement }] });

describe('WorkloadRole rejects', () => {
  it('a role name IAM does not accept', () => {
    expect(() => build({ ...valid, name: 'x'.repeat(65) })).toThrow(
      `WorkloadRole workload: name: expected an IAM role name of at most 64 characters from [A-Za-z0-9+=,.@_-], got "${'x'.repeat(65)}"`,
    );
  });

  it('an issuer with its scheme', () => {
    expect(() => build({ ...valid, oidcIssuer: `https://${ISSUER}` })).toThrow(
      `WorkloadRole workload: oidcIssuer: expected the issuer without scheme, like "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE", got "https://${ISSUER}"`,
    );
  });

  it('a namespace that is not a DNS label', () => {
    expect(() => build({ ...valid, namespace: 'Orders' })).toThrow('WorkloadRole workload: namespace: expected a Kubernetes namespace (lower-case DNS label), got "Orders"');
  });

  it('a service account name Kubernetes does not accept', () => {
    expect(() => build({ ...valid, serviceAccount: 'api_v2' })).toThrow(
      'WorkloadRole workload: serviceAccount: expected a Kubernetes service account name (lower-case DNS subdomain), got "api_v2"',
    );
  });

  it('a sid with characters IAM does not accept', () => {
    expect(() => withStatement({ sid: 'read-documents' })).toThrow('WorkloadRole workload: statements[0].sid: expected letters and digits only, got "read-documents"');
  });

  it('two statements with the same sid', () => {
    expect(() => build({ ...valid, statements: [read, read] })).toThrow('WorkloadRole workload: statements[1].sid: expected a sid unique within the role, got "ReadDocuments"');
  });

  it('a statement without actions', () => {
    expect(() => withStatement({ actions: [] })).toThrow('WorkloadRole workload: statements[0].actions: expected at least one action, got []');
  });

  it('the "*" action', () => {
    expect(() => withStatement({ actions: ['s3:GetObject', '*'] })).toThrow(
      'WorkloadRole workload: statements[0].actions[1]: expected a named action like "s3:GetObject" (no "*" or "<service>:*"), got "*"',
    );
  });

  it('every action of a service', () => {
    expect(() => withStatement({ actions: ['kafka-cluster:*'] })).toThrow(
      'WorkloadRole workload: statements[0].actions[0]: expected a named action like "s3:GetObject" (no "*" or "<service>:*"), got "kafka-cluster:*"',
    );
  });

  it('a statement without resources', () => {
    expect(() => withStatement({ resources: [] })).toThrow('WorkloadRole workload: statements[0].resources: expected at least one resource ARN, got []');
  });

  it('the "*" resource for S3, MSK or RDS IAM authentication actions', () => {
    expect(() => withStatement({ actions: ['cloudwatch:PutMetricData', 'rds-db:connect'], resources: ['*'] })).toThrow(
      'WorkloadRole workload: statements[0].resources[0]: expected resource ARNs for rds-db:connect ("*" reaches every one in the account), got "*"',
    );
  });
});
