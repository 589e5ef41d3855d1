import { z } from 'zod';
import { changeRequestSchema, changeSubmitSchema, count, type ChangeSubmit } from '../../../schemas';
import { recordAttempt, type Attempt } from '../audit/attempts';
import type { Session } from '../auth';
import type { Preview, Requester, SubmitResult } from '../changes';
import type { Context } from '../context';
import { operatorProcedure, router, viewerProcedure } from '../trpc';
import { toTRPCError } from './errors';

function requesterOf(session: Session): Requester {
  const { login, name, email, role } = session.user;
  return { login, name, email, role, handle: `@${login}` };
}

function blockingDetail(preview: Preview): string {
  return `blocked by ${[...new Set(preview.blocking.map((finding) => finding.policy))].join(', ')}`;
}

/** What the audit log keeps of a preview: whether it could be submitted, and what stood in the way. */
function previewOutcome(preview: Preview): Pick<Attempt, 'outcome' | 'detail'> {
  if (preview.blocking.length) return { outcome: 'blocked', detail: blockingDetail(preview) };
  const detail = [`class ${preview.classification.class}`, ...(preview.conflicts.length ? [conflictDetail(preview)] : []), ...(preview.notSubmittableBecause ? [preview.notSubmittableBecause] : [])];
  return { outcome: 'previewed', detail: detail.join('; ') };
}

function conflictDetail(preview: Preview): string {
  const first = preview.conflicts.slice(0, 3).map((conflict) => `${conflict.file} ${conflict.path} by ${conflict.by}${conflict.pullRequest ? ` in #${conflict.pullRequest.number}` : ''}`);
  return `${count(preview.conflicts.length, 'conflicting change')}: ${first.join(', ')}${preview.conflicts.length > 3 ? ', …' : ''}`;
}

function submitOutcome(result: SubmitResult, submitted: ChangeSubmit): Pick<Attempt, 'outcome' | 'detail' | 'pullRequestUrl'> {
  switch (result.status) {
    case 'opened':
      return { outcome: result.replayed ? 'replayed' : 'opened', pullRequestUrl: result.pullRequest.url, detail: `#${result.pullRequest.number} ${result.pullRequest.branch}` };
    case 'rebased': {
      const { base } = submitted.request;
      const now = result.preview.base.sha;
      const detail = base && base !== now ? `the default branch moved from ${base} to ${now}; re-previewed there` : `the request is not the one previewed as ${submitted.previewId}; re-previewed on ${now}`;
      return { outcome: 'rebased', detail: `${detail}, nothing submitted` };
    }
    case 'conflict':
      return { outcome: 'conflict', detail: `${conflictDetail(result.preview)}; nothing submitted` };
    case 'blocked':
      return { outcome: 'blocked', detail: `${blockingDetail(result.preview)}; nothing submitted` };
  }
}

/** Runs one change attempt and appends its outcome, failures included, to the audit log. */
async function audited<T>(
  ctx: Context & { session: Session },
  attempt: Pick<Attempt, 'action' | 'request' | 'previewId' | 'idempotencyKey'>,
  run: () => Promise<T>,
  describe: (result: T) => Pick<Attempt, 'outcome' | 'detail' | 'pullRequestUrl' | 'baseSha' | 'previewId'>,
): Promise<T> {
  const { audit, now } = ctx.services;
  let result: T;
  try {
    result = await run();
  } catch (cause) {
    const error = toTRPCError(cause);
    await recordAttempt(audit, { ...attempt, session: ctx.session, outcome: 'error', detail: error.message, at: now() });
    throw error;
  }
  await recordAttempt(audit, { ...attempt, session: ctx.session, ...describe(result), at: now() });
  return result;
}

export const changesRouter = router({
  /** Builds the change on the default branch (or `base`) and judges it; nothing leaves the console. */
  preview: operatorProcedure
    .meta({ audit: 'preview' })
    .input(changeRequestSchema)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: 'preview', request: input },
        () => ctx.services.changes.preview({ request: input, requester: requesterOf(ctx.session) }),
        (preview) => ({ ...previewOutcome(preview), baseSha: preview.base.sha, previewId: preview.id }),
      ),
    ),

  /**
   * Opens the pull request for a preview, or says why not: `rebased` (re-previewed on the moved default
   * branch), `conflict` (someone else changed the same value; resubmit with `acknowledgeConflicts`), `blocked`.
   */
  submit: operatorProcedure
    .meta({ audit: 'submit' })
    .input(changeSubmitSchema)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: 'submit', request: input.request, previewId: input.previewId, idempotencyKey: input.idempotencyKey },
        () =>
          ctx.services.changes.submit({
            request: input.request,
            requester: requesterOf(ctx.session),
            idempotencyKey: input.idempotencyKey,
            previewId: input.previewId,
            ...(input.acknowledgeConflicts === undefined ? {} : { acknowledgeConflicts: input.acknowledgeConflicts }),
          }),
        // A rebased attempt keeps the base it was made on; its detail names the one it was re-previewed on.
        (result) => ({ ...submitOutcome(result, input), ...(result.status === 'rebased' ? {} : { baseSha: result.preview.base.sha }) }),
      ),
    ),

  /** The console's pull requests, newest first. */
  list: viewerProcedure.query(async ({ ctx }) => {
    try {
      return await ctx.services.changes.list();
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  get: viewerProcedure.input(z.strictObject({ number: z.number().int().min(1).max(2 ** 31 - 1) })).query(async ({ ctx, input }) => {
    try {
      return await ctx.services.changes.get(input.number);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
});
