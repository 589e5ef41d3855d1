import * as client from 'openid-client';
import { z } from 'zod';
import { signValue, verifyValue, sessionUserSchema, type SessionUser } from './session';
import { highestRole, ROLES, roleSchema, type Role } from './roles';

/** A group name as identity providers spell them: one line of printable text, bounded. */
const groupName = z.string().regex(/^[^\p{Cc}\p{Cf}]{1,256}$/u, { error: 'a group name of 1..256 printable characters' });

/** `MR_CONSOLE_ROLE_GROUPS`: which groups grant which role, e.g. {"viewer":["eng"],"operator":["sre-oncall"],"approver":["cab"]}. */
export const roleGroupsSchema = z
  .partialRecord(roleSchema, z.array(groupName, { error: 'a list of group names' }).max(100, { error: 'at most 100 groups per role' }), {
    // Zod reports the keys of an enum-keyed record outside the enum as unrecognized_keys, a code its record issue type omits.
    error: (issue) => ((issue.code as string) === 'unrecognized_keys' ? `an object whose keys are roles (${ROLES.join(', ')})` : undefined),
  })
  .refine((mapping) => Object.values(mapping).some((groups) => groups.length > 0), { error: 'at least one group for some role' });
export type RoleGroups = z.output<typeof roleGroupsSchema>;

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  /** Absent for a public client, which PKCE alone protects. */
  clientSecret?: string;
  /** Must equal a redirect URI registered with the provider; it ends in /api/auth/oidc/callback. */
  redirectUrl: URL;
  scopes: string;
  /** Claim holding the groups, a dotted path for nested ones (Keycloak's `realm_access.roles`). */
  groupsClaim: string;
  /** Claim holding the forge login the requester's handle is made of. */
  loginClaim: string;
  roleGroups: RoleGroups;
}

/** The highest role any of `groups` grants; undefined when none does, which means no access at all. */
export function roleForGroups(groups: readonly string[], roleGroups: RoleGroups): Role | undefined {
  return highestRole(ROLES.filter((role) => roleGroups[role]?.some((group) => groups.includes(group))));
}

/**
 * The groups a claim holds: an array of strings, or one string; anything else holds none. A claim named with
 * dots is looked up whole first (URI-named claims like `https://example.com/groups`), then as a path.
 */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] | undefined {
  let value: unknown = claims;
  for (const key of Object.hasOwn(claims, claim) ? [claim] : claim.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : undefined;
}

/** Why a provider's user may not use the console; the sign-in page explains each, the server log has the detail. */
export const OIDC_REFUSALS = {
  'no-groups-claim': 'The identity provider sent no groups for you. An administrator maps your groups into the claim MR_CONSOLE_OIDC_GROUPS_CLAIM names.',
  'no-role': 'None of your groups grants a console role. Ask to be added to a group MR_CONSOLE_ROLE_GROUPS maps to viewer, operator or approver.',
  'bad-claim': 'The identity provider sent a login, name or email the console cannot use (the server log names the claim).',
} as const;
export type OidcRefusal = keyof typeof OIDC_REFUSALS;

export type SignInOutcome = { user: SessionUser } | { refused: OidcRefusal; detail: string };

/** The console user the provider's claims describe, or why they may not use the console. */
export function userFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'groupsClaim' | 'loginClaim' | 'roleGroups'>): SignInOutcome {
  const groups = groupsOf(claims, settings.groupsClaim);
  if (groups === undefined) return { refused: 'no-groups-claim', detail: `no "${settings.groupsClaim}" claim in the ID token or userinfo` };
  const role = roleForGroups(groups, settings.roleGroups);
  if (!role) return { refused: 'no-role', detail: `groups ${JSON.stringify(groups.slice(0, 20))} grant no role` };
  const login = claims[settings.loginClaim];
  // A display name the schema would refuse (blank, multi-line) falls back to the login rather than locking the user out.
  const name = sessionUserSchema.shape.name.safeParse(claims.name).success && String(claims.name).trim() ? claims.name : login;
  const parsed = sessionUserSchema.safeParse({ login, name, email: claims.email, role });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const claim = issue.path[0] === 'login' ? settings.loginClaim : String(issue.path[0]);
    return { refused: 'bad-claim', detail: `claim "${claim}": expected ${issue.message}` };
  }
  return { user: parsed.data };
}

/** What the browser carries between the redirect to the provider and the callback, signed, for ten minutes. */
const flowSchema = z.strictObject({ codeVerifier: z.string(), state: z.string(), nonce: z.string(), next: z.string(), exp: z.number() });
export const OIDC_FLOW_COOKIE = 'mr_console_oidc_flow';
export const OIDC_FLOW_TTL_SECONDS = 10 * 60;

const discovered = new Map<string, Promise<client.Configuration>>();

/** Discovery once per issuer and client; a failed discovery is retried by the next sign-in. */
function configuration(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer.href}\n${settings.clientId}`;
  let pending = discovered.get(key);
  if (!pending) {
    // Plain http only for a provider on this machine, as in a local test set-up.
    const loopback = settings.issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(settings.issuer.hostname);
    pending = client.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, loopback ? { execute: [client.allowInsecureRequests] } : {});
    pending.catch(() => discovered.delete(key));
    discovered.set(key, pending);
  }
  return pending;
}

/** The provider's authorization URL (code flow with PKCE, state and nonce) and the signed flow cookie value. */
export async function beginSignIn(settings: OidcSettings, secret: string, next: string, now: Date): Promise<{ url: URL; flow: string }> {
  const config = await configuration(settings);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUrl.href,
    scope: settings.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const exp = Math.floor(now.getTime() / 1000) + OIDC_FLOW_TTL_SECONDS;
  return { url, flow: signValue('oidc-flow', { codeVerifier, state, nonce, next, exp }, secret) };
}

/**
 * Exchanges the code the provider sent back (checking state, nonce and the PKCE verifier) and maps the
 * claims to a console user. Groups missing from the ID token are read from the userinfo endpoint.
 */
export async function completeSignIn(
  settings: OidcSettings,
  secret: string,
  callbackQuery: URLSearchParams,
  flowValue: string | undefined,
  now: Date,
): Promise<(SignInOutcome & { next: string }) | { expired: true }> {
  const flow = flowSchema.safeParse(flowValue === undefined ? undefined : verifyValue('oidc-flow', flowValue, secret));
  if (!flow.success || flow.data.exp * 1000 <= now.getTime()) return { expired: true };
  const { codeVerifier, state, nonce, next } = flow.data;
  const config = await configuration(settings);
  // The provider redirected to the registered URL; the console may sit behind a proxy that rewrote it.
  const currentUrl = new URL(settings.redirectUrl);
  currentUrl.search = callbackQuery.toString();
  const tokens = await client.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const idClaims = tokens.claims()!;
  const claims: Record<string, unknown> =
    groupsOf(idClaims, settings.groupsClaim) === undefined ? { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims } : idClaims;
  return { ...userFromClaims(claims, settings), next };
}
