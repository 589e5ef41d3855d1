import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { formatPath } from '../../schemas';
import { admitted, recordAttempt, type AuditedAction } from './audit/attempts';
import { hasRole, roleRefusal, type Role } from './auth/roles';
import type { Context } from './context';
import { ForgeError } from './forges/forge';

interface Meta {
  /** Every call is an audited change attempt, refusals included (FORBIDDEN, input the schema refused). */
  audit?: AuditedAction;
}

/** The one tRPC instance. Every value crossing it is plain JSON, so no transformer. */
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Comments keep proxies from closing the live overview's idle SSE stream; the client reconnects after silence.
    sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
    errorFormatter({ shape, error }) {
      const issues = error.cause instanceof z.ZodError ? error.cause.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) : undefined;
      const retryAfterSeconds = error.cause instanceof ForgeError ? error.cause.retryAfterSeconds : undefined;
      return {
        ...shape,
        // The schemas' own messages ("reason: a reason, at most 500 characters") rather than Zod's JSON dump.
        message: issues ? issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ') : shape.message,
        data: { ...shape.data, ...(issues ? { issues } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) },
      };
    },
  });

function requireRole(needed: Role) {
  return t.middleware(async ({ ctx, meta, getRawInput, next }) => {
    const { session, services } = ctx;
    if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to use the console.' });
    if (!hasRole(session.user.role, needed)) {
      const message = roleRefusal(needed, session.user);
      if (meta?.audit) {
        const at = services.now();
        await recordAttempt(services.audit, { action: meta.audit, session, ...admitted(meta.audit, await getRawInput()), outcome: 'forbidden', detail: message, at });
      }
      throw new TRPCError({ code: 'FORBIDDEN', message });
    }
    const result = await next({ ctx: { session } });
    // Input the schema refused never reaches the procedure, which records every other outcome itself.
    if (meta?.audit && !result.ok && result.error.code === 'BAD_REQUEST' && result.error.cause instanceof z.ZodError) {
      const count = result.error.cause.issues.length;
      await recordAttempt(services.audit, { action: meta.audit, session, outcome: 'error', detail: `input refused by the schema (${count} ${count === 1 ? 'issue' : 'issues'})`, at: services.now() });
    }
    return result;
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** No session needed: `session.me` tells a signed-out browser where to sign in. */
export const publicProcedure = t.procedure;
export const viewerProcedure = t.procedure.use(requireRole('viewer'));
export const operatorProcedure = t.procedure.use(requireRole('operator'));
export const approverProcedure = t.procedure.use(requireRole('approver'));
