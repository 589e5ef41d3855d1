import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { confineStackRoles, stackRoleConfig } from './stack-roles';

const scope = { path: '/orders/use1/', permissionsBoundary: 'arn:aws:iam::123456789012:policy/ci/orders-stack-role-boundary' };
const confined = () => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  confineStackRoles(stack, scope);
  return stack;
};

describe('confineStackRoles', () => {
  it('gives roles created with stackRoleConfig the stack path and boundary', () => {
    const stack = confined();
    new IamRole(stack, 'role', { name: 'orders-use1-node', assumeRolePolicy: '{}', ...stackRoleConfig(stack) });
    expect(resourcesOf(synthScratch(stack), 'aws_iam_role')).toEqual([expect.objectContaining({ path: scope.path, permissions_boundary: scope.permissionsBoundary })]);
  });

  it('refuses to render a role created without them', () => {
    const stack = confined();
    new IamRole(stack, 'stray', { name: 'orders-use1-stray', assumeRolePolicy: '{}' });
    expect(() => synthScratch(stack)).toThrow(
      `stack/stray: path, permissionsBoundary: expected /orders/use1/ and ${scope.permissionsBoundary} (spread stackRoleConfig(this) into the role), got none and none`,
    );
  });

  it('leaves roles alone in a stack that declared no scope', () => {
    const stack = scratchStack();
    expect(stackRoleConfig(stack)).toEqual({});
  });
});
