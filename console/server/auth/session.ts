import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { owner, singleLineText } from '../../../schemas';
import { roleSchema } from './roles';

export const AUTH_MODES = ['local', 'oidc'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** A forge login without the `@`: the requester's handle is `@<login>`, so it must be one a CODEOWNERS line accepts. */
export const loginSchema = z
  .string()
  .refine((value) => !value.includes('/') && owner.safeParse(`@${value}`).success, {
    error: 'a user login like alice (ASCII letters, digits and single inner hyphens, at most 39 characters)',
  });

export const sessionUserSchema = z.strictObject({
  login: loginSchema,
  name: singleLineText(1, 'a display name'),
  email: z.email({ error: 'an email address like alice@example.com' }).max(254),
  role: roleSchema,
});
export type SessionUser = z.output<typeof sessionUserSchema>;

export interface Session {
  user: SessionUser;
  mode: AuthMode;
  /** ISO date-time after which the cookie is refused and the user signs in again. */
  expiresAt: string;
}

export const SESSION_COOKIE = 'mr_console_session';
/** A working day: a role removed from someone's groups stops working by the next morning at the latest. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/**
 * `<payload>.<mac>`, both base64url, the MAC an HMAC-SHA256 over the purpose and the payload. The purpose
 * keeps a value signed for one cookie (the OIDC flow state) from being accepted as another (the session).
 */
export function signValue(purpose: string, payload: unknown, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(purpose, body, secret)}`;
}

/** The payload of a value `signValue` produced with the same purpose and secret; undefined for anything else. */
export function verifyValue(purpose: string, value: string, secret: string): unknown {
  const [body, signature, ...rest] = value.split('.');
  if (body === undefined || signature === undefined || rest.length) return undefined;
  const expected = Buffer.from(mac(purpose, body, secret), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function mac(purpose: string, body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('base64url');
}

const sessionPayloadSchema = z.strictObject({
  user: sessionUserSchema,
  mode: z.enum(AUTH_MODES),
  /** Expiry in seconds since the epoch. */
  exp: z.number().int(),
});

export function sealSession(user: SessionUser, mode: AuthMode, secret: string, now: Date): { value: string; session: Session } {
  const exp = Math.floor(now.getTime() / 1000) + SESSION_TTL_SECONDS;
  return { value: signValue('session', { user, mode, exp }, secret), session: { user, mode, expiresAt: new Date(exp * 1000).toISOString() } };
}

/**
 * The session a cookie value carries, if its signature holds, it has not expired and it was issued in the mode
 * the console runs in now: a demo cookie never opens a console switched to OIDC with the same secret.
 */
export function openSession(value: string, mode: AuthMode, secret: string, now: Date): Session | undefined {
  const parsed = sessionPayloadSchema.safeParse(verifyValue('session', value, secret));
  if (!parsed.success || parsed.data.mode !== mode || parsed.data.exp * 1000 <= now.getTime()) return undefined;
  return { user: parsed.data.user, mode, expiresAt: new Date(parsed.data.exp * 1000).toISOString() };
}

export interface CookieOptions {
  maxAgeSeconds: number;
  /** Set whenever the console is served over https, so the cookie never travels in clear. */
  secure: boolean;
}

/** A `Set-Cookie` value: HttpOnly (no script reads it) and SameSite=Lax (no cross-site POST carries it). */
export function cookieHeader(name: string, value: string, { maxAgeSeconds, secure }: CookieOptions): string {
  return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedCookieHeader(name: string, secure: boolean): string {
  return cookieHeader(name, '', { maxAgeSeconds: 0, secure });
}

/** The value of cookie `name` in a `Cookie` request header. */
export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
