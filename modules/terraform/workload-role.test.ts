import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { WorkloadRole, type WorkloadRoleProps } from './workload-role';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const props: WorkloadRoleProps = {
  name: 'orders-us-east-1-api',
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  namespace: 'orders',
  serviceAccount: 'api',
  statements: [
    { sid: 'ReadWriteDocuments', actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::orders-documents/*'] },
    {
      sid: 'ConnectOrders',
      actions: ['rds-db:connect'],
      resources: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/api'],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['us-east-1'] }],
    },
  ],
};

function synth(overrides: Partial<WorkloadRoleProps> = {}): TerraformJson {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new WorkloadRole(stack, 'workload', { ...props, ...overrides });
  return synthScratch(stack);
}
const policyDocument = (json: TerraformJson, reference: string) => json.data!.aws_iam_policy_document![/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(reference)![1]!]!;

describe('WorkloadRole', () => {
  it('can be assumed only with a web identity token for its one service account, minted for STS', () => {
    const json = synth();
    const [role] = resourcesOf(json, 'aws_iam_role');
    expect(policyDocument(json, role!.assume_role_policy).statement).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
        condition: [
          { test: 'StringEquals', variable: `${ISSUER}:sub`, values: ['system:serviceaccount:orders:api'] },
          { test: 'StringEquals', variable: `${ISSUER}:aud`, values: ['sts.amazonaws.com'] },
        ],
      }),
    ]);
  });

  it('limits sessions to one hour', () => {
    expect(resourcesOf(synth(), 'aws_iam_role')).toEqual([expect.objectContaining({ name: 'orders-us-east-1-api', max_session_duration: 3600 })]);
  });

  it('grants exactly the given statements, conditions included', () => {
    const json = synth();
    const [policy] = resourcesOf(json, 'aws_iam_role_policy');
    expect(policyDocument(json, policy!.policy).statement).toEqual([
      { sid: 'ReadWriteDocuments', effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::orders-documents/*'] },
      {
        sid: 'ConnectOrders',
        effect: 'Allow',
        actions: ['rds-db:connect'],
        resources: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/api'],
        condition: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['us-east-1'] }],
      },
    ]);
  });

  it('has no policy at all when the workload needs no permissions', () => {
    const json = synth({ statements: [] });
    expect(resourcesOf(json, 'aws_iam_role')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_iam_role_policy')).toEqual([]);
  });
});
