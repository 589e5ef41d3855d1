import { TerraformStack } from 'cdktn';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import type { Construct } from 'constructs';

export interface StackRoleScope {
  /** IAM path of every role the stack creates (`stackRolePath` in modules/names.ts). */
  readonly path: string;
  /** ARN of the managed policy every role the stack creates carries as its permissions boundary. */
  readonly permissionsBoundary: string;
}

const scopes = new WeakMap<TerraformStack, StackRoleScope>();

/**
 * Declares, before any construct creates a role, the IAM path and permissions boundary of the stack's
 * roles: the only roles its CI apply role may write (see ci-roles.ts). The stack then refuses to render
 * a role outside them, so a construct that forgets {@link stackRoleConfig} fails synthesis instead of
 * producing a role its apply role cannot create.
 */
export function confineStackRoles(stack: TerraformStack, scope: StackRoleScope): void {
  scopes.set(stack, scope);
  stack.node.addValidation({
    validate: () =>
      stack.node
        .findAll()
        .filter((node): node is IamRole => node instanceof IamRole)
        .filter((role) => role.pathInput !== scope.path || role.permissionsBoundaryInput !== scope.permissionsBoundary)
        .map(
          (role) =>
            `${role.node.path}: path, permissionsBoundary: expected ${scope.path} and ${scope.permissionsBoundary} (spread stackRoleConfig(this) into the role), got ${role.pathInput ?? 'none'} and ${role.permissionsBoundaryInput ?? 'none'}`,
        ),
  });
}

/** Path and permissions boundary for a role created in the scope's stack; none in a stack that declared none, as in construct specs. */
export function stackRoleConfig(scope: Construct): { path?: string; permissionsBoundary?: string } {
  const declared = scopes.get(TerraformStack.of(scope));
  return declared ? { path: declared.path, permissionsBoundary: declared.permissionsBoundary } : {};
}
