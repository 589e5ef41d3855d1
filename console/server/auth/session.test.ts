import { describe, expect, it } from 'vitest';
import { sessionFromCookieHeader, type AuthSettings } from './index';
import { DEMO_USERS } from './local';
import { cookieHeader, openSession, readCookie, sealSession, SESSION_COOKIE, SESSION_TTL_SECONDS, signValue, verifyValue } from './session';

const secret = 'a-test-secret-of-more-than-thirty-two-characters';
const alice = DEMO_USERS[0];
const now = new Date('2026-12-03T08:00:00Z');

describe('the session cookie', () => {
  it('opens to the user and role it was sealed with, until it expires', () => {
    const { value, session } = sealSession(alice, 'local', secret, now);
    expect(session.expiresAt).toBe('2026-12-03T16:00:00.000Z');
    expect(openSession(value, 'local', secret, now)).toEqual(session);
    expect(openSession(value, 'local', secret, new Date(now.getTime() + (SESSION_TTL_SECONDS - 1) * 1000))?.user.role).toBe('operator');
    expect(openSession(value, 'local', secret, new Date(now.getTime() + SESSION_TTL_SECONDS * 1000))).toBeUndefined();
  });

  it('refuses a cookie whose payload was edited, even with a recomputed-looking signature', () => {
    const { value } = sealSession(alice, 'local', secret, now);
    const [body, signature] = value.split('.');
    const promoted = Buffer.from(Buffer.from(body!, 'base64url').toString('utf8').replace('"operator"', '"approver"')).toString('base64url');
    expect(openSession(`${promoted}.${signature}`, 'local', secret, now)).toBeUndefined();
    expect(openSession(`${body}.${signature}x`, 'local', secret, now)).toBeUndefined();
    expect(openSession(`${body}`, 'local', secret, now)).toBeUndefined();
    expect(openSession(`${body}.${signature}.extra`, 'local', secret, now)).toBeUndefined();
  });

  it('refuses a cookie signed with another secret, for another purpose or in the other mode', () => {
    const { value } = sealSession(alice, 'local', secret, now);
    expect(openSession(value, 'local', `${secret}-rotated`, now)).toBeUndefined();
    expect(openSession(value, 'oidc', secret, now)).toBeUndefined();
    const flowValue = signValue('oidc-flow', { user: alice, mode: 'local', exp: 2e9 }, secret);
    expect(openSession(flowValue, 'local', secret, now)).toBeUndefined();
    expect(verifyValue('oidc-flow', flowValue, secret)).toEqual({ user: alice, mode: 'local', exp: 2e9 });
  });

  it('refuses a correctly signed payload whose user the schema refuses', () => {
    const forged = signValue('session', { user: { ...alice, name: 'Alice\nInjected: yes' }, mode: 'local', exp: 2e9 }, secret);
    expect(openSession(forged, 'local', secret, now)).toBeUndefined();
  });

  it('is HttpOnly, SameSite=Lax, bounded in time, and Secure over https', () => {
    expect(cookieHeader(SESSION_COOKIE, 'v', { maxAgeSeconds: 60, secure: false })).toBe('mr_console_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(cookieHeader(SESSION_COOKIE, 'v', { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
  });

  it('is read from the Cookie header among other cookies', () => {
    const auth: AuthSettings = { mode: 'local', secret };
    const { value } = sealSession(alice, 'local', secret, now);
    expect(readCookie(`theme=dark; ${SESSION_COOKIE}=${value}; other=1`, SESSION_COOKIE)).toBe(value);
    expect(sessionFromCookieHeader(`theme=dark; ${SESSION_COOKIE}=${value}`, auth, now)?.user.login).toBe('alice');
    expect(sessionFromCookieHeader('theme=dark', auth, now)).toBeUndefined();
    expect(sessionFromCookieHeader(null, auth, now)).toBeUndefined();
  });
});
