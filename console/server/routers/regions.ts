import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { slug } from '../../../schemas';
import { historyRangeSchema, type MetricsService, type Overview } from '../metrics';
import { router, viewerProcedure } from '../trpc';
import { toTRPCError } from './errors';

/** `range` is the metrics service's own schema: up to a week back, at most 11,000 points. */
export const historyInputSchema = z.strictObject({ region: slug, range: historyRangeSchema });

/**
 * The overview now, then every refreshed one until the client goes away. A slow client gets the latest
 * overview, never a backlog: each one is a whole snapshot.
 */
export async function* liveOverviews(metrics: MetricsService, signal: AbortSignal | undefined): AsyncGenerator<Overview> {
  let latest: Overview | undefined;
  let wake: (() => void) | undefined;
  const unsubscribe = metrics.subscribe((overview) => {
    latest = overview;
    wake?.();
  });
  const stop = () => wake?.();
  signal?.addEventListener('abort', stop);
  try {
    yield await metrics.overview();
    while (!signal?.aborted) {
      if (!latest) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (latest && !signal?.aborted) {
        const next = latest;
        latest = undefined;
        yield next;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    unsubscribe();
  }
}

export const regionsRouter = router({
  overview: viewerProcedure.query(({ ctx }) => ctx.services.metrics.overview()),

  history: viewerProcedure.input(historyInputSchema).query(async ({ ctx, input }) => {
    const { regions } = await ctx.services.metrics.overview();
    if (!regions.some((region) => region.region === input.region)) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `No region ${input.region}; the model has ${regions.map((region) => region.region).join(', ')}.` });
    }
    try {
      return await ctx.services.metrics.history(input.region, input.range);
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  /** Server-Sent Events through `httpSubscriptionLink`: one Overview per refresh. */
  live: viewerProcedure.subscription(({ ctx, signal }) => liveOverviews(ctx.services.metrics, signal)),
});
