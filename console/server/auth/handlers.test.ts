import { describe, expect, it } from 'vitest';
import { localSignIn, oidcCallback, oidcLogin, safeNextPath, signOut } from './handlers';
import { sessionFromCookieHeader, type AuthSettings } from './index';

const local: AuthSettings = { mode: 'local', secret: 'a-test-secret-of-more-than-thirty-two-characters' };
const now = new Date('2026-12-03T08:00:00Z');

function signInForm(fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request('http://console.test/api/auth/local', {
    method: 'POST',
    headers: { host: 'console.test', origin: 'http://console.test', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

function cookiesOf(response: Response): string {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

describe('local demo sign-in', () => {
  it('signs in as the chosen demo user and returns to the page asked for', async () => {
    const response = await localSignIn(signInForm({ user: 'vera', next: '/regions/us-east-1' }), local, now);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/regions/us-east-1');
    expect(response.headers.getSetCookie()[0]).toMatch(/^mr_console_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
    expect(sessionFromCookieHeader(cookiesOf(response), local, now)).toMatchObject({ user: { login: 'vera', role: 'viewer' }, mode: 'local' });
  });

  it('refuses a login that is not one of the demo users, and sets no cookie', async () => {
    const response = await localSignIn(signInForm({ user: 'mallory', next: '/audit' }), local, now);
    expect(response.headers.get('location')).toBe('/sign-in?error=unknown-user&next=%2Faudit');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('never redirects off the console after sign-in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)', '/ok\nSet-Cookie: x=1']) {
      expect(safeNextPath(next)).toBe('/');
    }
    expect(safeNextPath('/changes/12?tab=diff')).toBe('/changes/12?tab=diff');
    const response = await localSignIn(signInForm({ user: 'alice', next: '//evil.example/' }), local, now);
    expect(response.headers.get('location')).toBe('/');
  });

  it('refuses a sign-in form posted from another site (login CSRF)', async () => {
    const fromElsewhere = await localSignIn(signInForm({ user: 'alice' }, { origin: 'https://evil.example' }), local, now);
    expect(fromElsewhere.status).toBe(403);
    expect(fromElsewhere.headers.getSetCookie()).toEqual([]);
    const crossSite = await localSignIn(signInForm({ user: 'alice' }, { 'sec-fetch-site': 'cross-site' }), local, now);
    expect(crossSite.status).toBe(403);
    const sibling = await localSignIn(signInForm({ user: 'alice' }, { 'sec-fetch-site': 'same-site' }), local, now);
    expect(sibling.status).toBe(403);
  });

  it("accepts the console's own form, whose Origin the no-referrer policy turns into null", async () => {
    const response = await localSignIn(signInForm({ user: 'carol' }, { origin: 'null', 'sec-fetch-site': 'same-origin' }), local, now);
    expect(response.status).toBe(303);
    expect(sessionFromCookieHeader(cookiesOf(response), local, now)?.user.role).toBe('approver');
  });

  it('refuses a body far larger than a sign-in form, reading no further than its limit', async () => {
    const response = await localSignIn(signInForm({ user: 'alice', next: `/${'a'.repeat(5000)}` }), local, now);
    expect(response.status).toBe(413);
    const json = await localSignIn(signInForm({}, { 'content-type': 'application/json' }), local, now);
    expect(json.status).toBe(415);
  });

  it('is not available when the console runs with OIDC, and OIDC sign-in is not available in local mode', async () => {
    const oidc: AuthSettings = {
      mode: 'oidc',
      secret: local.secret,
      oidc: {
        issuer: new URL('https://id.example.com'),
        clientId: 'console',
        redirectUrl: new URL('https://console.example.com/api/auth/oidc/callback'),
        scopes: 'openid profile email',
        groupsClaim: 'groups',
        loginClaim: 'preferred_username',
        roleGroups: { viewer: ['eng'] },
      },
    };
    const response = await localSignIn(signInForm({ user: 'alice' }), oidc, now);
    expect(response.headers.get('location')).toBe('/sign-in?error=not-local');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await oidcLogin(new Request('http://console.test/api/auth/oidc/login'), local, now)).headers.get('location')).toBe('/sign-in?error=not-oidc');
    expect((await oidcCallback(new Request('http://console.test/api/auth/oidc/callback?code=x&state=y'), local, now)).headers.get('location')).toBe('/sign-in?error=not-oidc');
  });
});

describe('sign-out', () => {
  it('clears the session cookie and shows the sign-in page', () => {
    const response = signOut(new Request('http://console.test/api/auth/sign-out', { method: 'POST', headers: { host: 'console.test', origin: 'http://console.test' } }), local);
    expect(response.headers.get('location')).toBe('/sign-in?error=signed-out');
    expect(response.headers.getSetCookie()).toEqual(['mr_console_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);
  });
});
