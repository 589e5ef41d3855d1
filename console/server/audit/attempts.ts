import { changeRequestSchema, changeSubmitSchema, SINGLE_LINE_TEXT_MAX, type ChangeRequest } from '../../../schemas';
import type { Session } from '../auth';
import type { AuditLog, AuditOutcome, AuditRecord } from './audit-log';

export type AuditedAction = AuditRecord['action'];

export interface Attempt {
  action: AuditedAction;
  session: Session;
  /** The request as the schema admitted it; undefined when the schema refused it. */
  request?: ChangeRequest;
  baseSha?: string;
  previewId?: string;
  idempotencyKey?: string;
  pullRequestUrl?: string;
  outcome: AuditOutcome;
  detail?: string;
  at: Date;
}

/** Appends one change attempt to the audit log. */
export function recordAttempt(audit: AuditLog, attempt: Attempt): Promise<void> {
  return audit.append({
    at: attempt.at.toISOString(),
    who: attempt.session.user.login,
    role: attempt.session.user.role,
    action: attempt.action,
    intent: attempt.request?.intent ?? null,
    reason: attempt.request?.reason ?? null,
    baseSha: attempt.baseSha ?? attempt.request?.base ?? null,
    previewId: attempt.previewId ?? null,
    idempotencyKey: attempt.idempotencyKey ?? null,
    ...(attempt.pullRequestUrl ? { pullRequestUrl: attempt.pullRequestUrl } : {}),
    outcome: attempt.outcome,
    ...(attempt.detail ? { detail: oneLine(attempt.detail) } : {}),
  });
}

/**
 * A refused attempt keeps from its raw input only what the schema admits: a viewer's well-formed submit is
 * recorded with its intent and reason, a malformed one with neither.
 */
export function admitted(action: AuditedAction, rawInput: unknown): Pick<Attempt, 'request' | 'previewId' | 'idempotencyKey'> {
  if (action === 'preview') {
    const request = changeRequestSchema.safeParse(rawInput);
    return request.success ? { request: request.data } : {};
  }
  const submit = changeSubmitSchema.safeParse(rawInput);
  if (submit.success) return { request: submit.data.request, previewId: submit.data.previewId, idempotencyKey: submit.data.idempotencyKey };
  const request = changeRequestSchema.safeParse((rawInput as { request?: unknown } | undefined)?.request);
  return request.success ? { request: request.data } : {};
}

/** Detail is the console's own text (error messages may quote git's multi-line output): one bounded line. */
export function oneLine(text: string): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(/ {2,}/g, ' ').trim() || '(no detail)';
  return flat.length > SINGLE_LINE_TEXT_MAX ? `${flat.slice(0, SINGLE_LINE_TEXT_MAX - 1)}…` : flat;
}
