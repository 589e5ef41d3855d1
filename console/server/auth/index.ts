/**
 * Console authentication. The URLs the UI links to and posts to (route handlers in `app/api/auth/**`):
 *
 * | URL                         | Method | Mode  | What                                                                          |
 * |-----------------------------|--------|-------|-------------------------------------------------------------------------------|
 * | `/sign-in?error=&next=`     | page   | both  | the sign-in page (UI part); `error` is a `SignInError`, `next` a path         |
 * | `/api/auth/local`           | POST   | local | form fields `user` (a `DEMO_USERS` login) and `next`; 303 to `next`            |
 * | `/api/auth/oidc/login?next=`| GET    | oidc  | 303 to the identity provider (authorization code + PKCE)                      |
 * | `/api/auth/oidc/callback`   | GET    | oidc  | the provider returns here (`MR_CONSOLE_OIDC_REDIRECT_URL`); 303 to `next`      |
 * | `/api/auth/sign-out`        | POST   | both  | clears the session; 303 to `/sign-in?error=signed-out`                         |
 *
 * Every failure comes back as a 303 to `/sign-in?error=<SignInError>`; the page shows `SIGN_IN_ERRORS[error]`.
 * Which mode runs, and whether the demo banner shows, is `session.me` (tRPC), or `authSettings().mode` from
 * `server/services.ts` on the server. A server component reads the signed-in user with
 * `sessionFromCookieHeader((await headers()).get('cookie'), authSettings())`.
 * The session is a signed (HMAC-SHA256), HttpOnly, SameSite=Lax cookie that expires after `SESSION_TTL_SECONDS`.
 */
import { OIDC_REFUSALS, type OidcSettings } from './oidc';
import { openSession, readCookie, SESSION_COOKIE, type Session } from './session';

export const AUTH_ROUTES = {
  signIn: '/sign-in',
  local: '/api/auth/local',
  oidcLogin: '/api/auth/oidc/login',
  oidcCallback: '/api/auth/oidc/callback',
  signOut: '/api/auth/sign-out',
} as const;

export const SIGN_IN_ERRORS = {
  'signed-out': 'You signed out.',
  'unknown-user': 'Pick one of the demo users.',
  'not-local': 'The console is not running in local demo mode; sign in with your identity provider.',
  'not-oidc': 'The console runs in local demo mode; pick a demo user.',
  'provider-unavailable': 'The identity provider could not be reached. Try again, or ask the console administrator (the server log has the error).',
  'provider-refused': 'The identity provider did not sign you in. Try again.',
  'flow-expired': 'The sign-in took longer than ten minutes or started in another browser. Sign in again.',
  ...OIDC_REFUSALS,
} as const;
export type SignInError = keyof typeof SIGN_IN_ERRORS;

/** How the console authenticates, and the secret its cookies are signed with. */
export type AuthSettings = { mode: 'local'; secret: string } | { mode: 'oidc'; secret: string; oidc: OidcSettings };

/** The session a request's cookie carries, or undefined when it carries none that is valid now. */
export function sessionFromCookieHeader(cookieHeader: string | null, auth: AuthSettings, now = new Date()): Session | undefined {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  return value === undefined ? undefined : openSession(value, auth.mode, auth.secret, now);
}

export type { AuthMode, Session, SessionUser } from './session';
export { DEMO_USERS } from './local';
export { ROLES, ROLE_GRANTS, hasRole, type Role } from './roles';
