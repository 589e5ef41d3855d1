import { readCapped } from '../../../policies/http/read-capped';
import { AUTH_ROUTES, type AuthSettings, type SignInError } from './index';
import { demoUser } from './local';
import { beginSignIn, completeSignIn, OIDC_FLOW_COOKIE, OIDC_FLOW_TTL_SECONDS } from './oidc';
import { crossSite } from './same-origin';
import { clearedCookieHeader, cookieHeader, readCookie, sealSession, SESSION_COOKIE, SESSION_TTL_SECONDS } from './session';

/** A sign-in form is a few hundred bytes; anything much larger is not one. */
const MAX_FORM_BYTES = 4096;

/**
 * The path to return to after signing in: a path on this console only, so a crafted link cannot send a
 * freshly signed-in user to another site.
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2048 || !/^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/.test(raw)) return '/';
  return raw;
}

function seeOther(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ Location: location, 'Cache-Control': 'no-store' });
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function signInPage(error: SignInError, next = '/'): string {
  return `${AUTH_ROUTES.signIn}?${new URLSearchParams({ error, ...(next === '/' ? {} : { next }) })}`;
}

function secureCookies(request: Request, auth: AuthSettings): boolean {
  return new URL(request.url).protocol === 'https:' || (auth.mode === 'oidc' && auth.oidc.redirectUrl.protocol === 'https:');
}

/** A form post from another site must not sign anyone in or out (login CSRF). */
const refusedCrossSite = () => new Response('Refused: a sign-in or sign-out form posted from another site.', { status: 403 });

/** The URL-encoded form a request carries, read no further than `MAX_FORM_BYTES`; undefined past that. */
async function boundedForm(request: Request): Promise<URLSearchParams | undefined> {
  const text = await readCapped(request.body, MAX_FORM_BYTES);
  return text === undefined ? undefined : new URLSearchParams(text);
}

/** POST /api/auth/local (form fields `user`, `next`): signs in as one of the demo users. */
export async function localSignIn(request: Request, auth: AuthSettings, now = new Date()): Promise<Response> {
  if (auth.mode !== 'local') return seeOther(signInPage('not-local'));
  if (crossSite(request)) return refusedCrossSite();
  if (!request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) return new Response('Refused: expected a URL-encoded sign-in form.', { status: 415 });
  const form = await boundedForm(request);
  if (!form) return new Response(`Refused: a sign-in form is at most ${MAX_FORM_BYTES} bytes.`, { status: 413 });
  const next = safeNextPath(form.get('next'));
  const login = form.get('user');
  const user = typeof login === 'string' ? demoUser(login) : undefined;
  if (!user) return seeOther(signInPage('unknown-user', next));
  const { value } = sealSession(user, 'local', auth.secret, now);
  return seeOther(next, [cookieHeader(SESSION_COOKIE, value, { maxAgeSeconds: SESSION_TTL_SECONDS, secure: secureCookies(request, auth) })]);
}

/** POST /api/auth/sign-out: forgets the session cookie. */
export function signOut(request: Request, auth: AuthSettings): Response {
  if (crossSite(request)) return refusedCrossSite();
  return seeOther(`${AUTH_ROUTES.signIn}?${new URLSearchParams({ error: 'signed-out' })}`, [clearedCookieHeader(SESSION_COOKIE, secureCookies(request, auth))]);
}

/** GET /api/auth/oidc/login?next=/path: redirects to the identity provider (authorization code with PKCE). */
export async function oidcLogin(request: Request, auth: AuthSettings, now = new Date()): Promise<Response> {
  if (auth.mode !== 'oidc') return seeOther(signInPage('not-oidc'));
  const next = safeNextPath(new URL(request.url).searchParams.get('next'));
  try {
    const { url, flow } = await beginSignIn(auth.oidc, auth.secret, next, now);
    return seeOther(url.href, [cookieHeader(OIDC_FLOW_COOKIE, flow, { maxAgeSeconds: OIDC_FLOW_TTL_SECONDS, secure: secureCookies(request, auth) })]);
  } catch (error) {
    console.error(`console sign-in: the identity provider ${auth.oidc.issuer.href} could not be reached: ${(error as Error).message}`);
    return seeOther(signInPage('provider-unavailable', next));
  }
}

/** GET /api/auth/oidc/callback: where the provider returns; checks state, nonce and PKCE, maps groups to a role. */
export async function oidcCallback(request: Request, auth: AuthSettings, now = new Date()): Promise<Response> {
  if (auth.mode !== 'oidc') return seeOther(signInPage('not-oidc'));
  const secure = secureCookies(request, auth);
  const clearFlow = clearedCookieHeader(OIDC_FLOW_COOKIE, secure);
  const query = new URL(request.url).searchParams;
  if (query.has('error')) return seeOther(signInPage('provider-refused'), [clearFlow]);
  let outcome: Awaited<ReturnType<typeof completeSignIn>>;
  try {
    outcome = await completeSignIn(auth.oidc, auth.secret, query, readCookie(request.headers.get('cookie'), OIDC_FLOW_COOKIE), now);
  } catch (error) {
    console.error(`console sign-in: the code exchange with ${auth.oidc.issuer.href} failed: ${(error as Error).message}`);
    return seeOther(signInPage('provider-refused'), [clearFlow]);
  }
  if ('expired' in outcome) return seeOther(signInPage('flow-expired'), [clearFlow]);
  if ('refused' in outcome) {
    console.warn(`console sign-in refused (${outcome.refused}): ${outcome.detail}`);
    return seeOther(signInPage(outcome.refused, outcome.next), [clearFlow]);
  }
  const { value } = sealSession(outcome.user, 'oidc', auth.secret, now);
  return seeOther(outcome.next, [clearFlow, cookieHeader(SESSION_COOKIE, value, { maxAgeSeconds: SESSION_TTL_SECONDS, secure })]);
}
