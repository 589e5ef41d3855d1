import { describe, expect, it } from 'vitest';
import { groupsOf, roleForGroups, roleGroupsSchema, userFromClaims, type RoleGroups } from './oidc';

const roleGroups: RoleGroups = { viewer: ['eng'], operator: ['sre-oncall'], approver: ['cab'] };
const settings = { groupsClaim: 'groups', loginClaim: 'preferred_username', roleGroups };
const claims = { sub: '2b1f', preferred_username: 'dana', name: 'Dana Example', email: 'dana@example.com' };

describe('OIDC claims to a console role', () => {
  it('grants the highest role any of the groups maps to', () => {
    expect(roleForGroups(['eng'], roleGroups)).toBe('viewer');
    expect(roleForGroups(['eng', 'sre-oncall'], roleGroups)).toBe('operator');
    expect(roleForGroups(['cab', 'eng'], roleGroups)).toBe('approver');
    expect(roleForGroups(['sre-oncall', 'cab', 'eng'], roleGroups)).toBe('approver');
  });

  it('grants nothing to a user none of whose groups is mapped, nor for a near-miss spelling', () => {
    expect(roleForGroups([], roleGroups)).toBeUndefined();
    expect(roleForGroups(['marketing', 'CAB', 'sre-oncall '], roleGroups)).toBeUndefined();
    expect(userFromClaims({ ...claims, groups: ['marketing'] }, settings)).toEqual({ refused: 'no-role', detail: 'groups ["marketing"] grant no role' });
  });

  it('signs in a mapped user with login, name and email from the claims', () => {
    expect(userFromClaims({ ...claims, groups: ['eng', 'sre-oncall'] }, settings)).toEqual({
      user: { login: 'dana', name: 'Dana Example', email: 'dana@example.com', role: 'operator' },
    });
  });

  it('reads a single-string groups claim, a nested one (Keycloak realm roles) and one named by a URI', () => {
    expect(groupsOf({ groups: 'cab' }, 'groups')).toEqual(['cab']);
    expect(groupsOf({ realm_access: { roles: ['eng', 42, 'cab'] } }, 'realm_access.roles')).toEqual(['eng', 'cab']);
    expect(groupsOf({ realm_access: 'eng' }, 'realm_access.roles')).toBeUndefined();
    expect(groupsOf({}, '__proto__')).toBeUndefined();
    expect(groupsOf({ 'https://example.com/groups': ['cab'] }, 'https://example.com/groups')).toEqual(['cab']);
  });

  it('refuses a user whose provider sends no groups claim at all, naming the claim', () => {
    expect(userFromClaims(claims, settings)).toEqual({ refused: 'no-groups-claim', detail: 'no "groups" claim in the ID token or userinfo' });
  });

  it('refuses a login that cannot be a forge handle, and a missing email', () => {
    const badLogin = userFromClaims({ ...claims, preferred_username: 'dana@example.com', groups: ['eng'] }, settings);
    expect(badLogin).toMatchObject({ refused: 'bad-claim', detail: expect.stringContaining('claim "preferred_username"') });
    const noEmail = userFromClaims({ ...claims, email: undefined, groups: ['eng'] }, settings);
    expect(noEmail).toMatchObject({ refused: 'bad-claim', detail: expect.stringContaining('claim "email"') });
  });

  it('falls back to the login for a display name the schema would refuse', () => {
    const outcome = userFromClaims({ ...claims, name: 'Dana\u202Eelpmaxe', groups: ['eng'] }, settings);
    expect(outcome).toEqual({ user: { login: 'dana', name: 'dana', email: 'dana@example.com', role: 'viewer' } });
  });

  it('reads MR_CONSOLE_ROLE_GROUPS as a mapping from known roles to groups', () => {
    expect(roleGroupsSchema.parse({ operator: ['sre-oncall'] })).toEqual({ operator: ['sre-oncall'] });
    expect(roleGroupsSchema.safeParse({ admin: ['root'] }).success).toBe(false);
    expect(roleGroupsSchema.safeParse({ viewer: [] }).success).toBe(false);
    expect(roleGroupsSchema.safeParse({ viewer: ['line\nbreak'] }).success).toBe(false);
  });
});
