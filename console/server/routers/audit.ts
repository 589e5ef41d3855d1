import { z } from 'zod';
import { intRange } from '../../../schemas';
import type { AuditPage } from '../audit/audit-log';
import { router, viewerProcedure } from '../trpc';

/** `cursor` is the name TanStack Query's infinite queries pass the next page's position in. */
export const auditListInputSchema = z.strictObject({
  limit: intRange(1, 200).default(50),
  cursor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
});

export const auditRouter = router({
  /** Change attempts, newest first; pass `nextCursor` back as `cursor` for the next page. */
  list: viewerProcedure.input(auditListInputSchema).query(({ ctx, input }): Promise<AuditPage> =>
    ctx.services.audit.list({ limit: input.limit, ...(input.cursor == null ? {} : { before: input.cursor }) }),
  ),
});
