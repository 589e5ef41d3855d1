import { z } from 'zod';

/** Roles in ascending order of power: each one may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'approver'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** What each role adds to the one below it, in the words the UI and the FORBIDDEN messages use. */
export const ROLE_GRANTS: Record<Role, string> = {
  viewer: 'read every region, change request and audit record',
  operator: 'preview and submit change requests',
  approver: 'see the approval views (approvals themselves happen on the forge)',
};

export function hasRole(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The highest of several roles, or undefined for none. */
export function highestRole(roles: Iterable<Role>): Role | undefined {
  let highest: Role | undefined;
  for (const role of roles) if (highest === undefined || !hasRole(highest, role)) highest = role;
  return highest;
}

/** Why someone holding `held` may not do what needs `needed`: the FORBIDDEN message, and the UI's disabled-control hint. */
export function roleRefusal(needed: Role, who: { login: string; role: Role }): string {
  return `This needs the ${needed} role (${ROLE_GRANTS[needed]}); ${who.login} is signed in as ${who.role}.`;
}
