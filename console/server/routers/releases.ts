import { TRPCError } from '@trpc/server';
import { planPromotion } from '../../../modules/promotion';
import { regionsOfApp, wavesOf, type BarrierRecord, type Model, type Release } from '../../../schemas';
import { router, viewerProcedure } from '../trpc';

/** What advancing a release does next, by `npm run promote`'s own plan. */
export type NextStep =
  | { kind: 'advance'; wave: number; regions: string[]; barrier: string[] }
  | { kind: 'finish'; image: string; barrier: string[] };

export interface ReleaseInFlight {
  app: string;
  digest: string;
  /** Regions already switched to the digest. */
  regions: string[];
  startedBy?: string;
  /** The app's waves in order, as `delivery.waves` narrowed to its regions. */
  waves: string[][];
  barriers: BarrierRecord[];
  /** The step `advance` would take; `abandon` is always possible. Both go through changes.preview/submit. */
  next: NextStep;
}

function nextStep(model: Model, release: Release): NextStep {
  const step = planPromotion(model, { app: release.app, digest: release.digest });
  switch (step.kind) {
    case 'advance':
      return { kind: 'advance', wave: step.wave, regions: step.release.regions.filter((id) => !release.regions.includes(id)), barrier: step.barrier };
    case 'finish':
      return { kind: 'finish', image: step.image, barrier: step.barrier };
    default:
      // A release in flight, asked for its own digest, only ever advances or finishes.
      throw new Error(`the promotion plan for ${release.app} ${release.digest} is to ${step.kind}, which a release in flight never is`);
  }
}

function inFlight(model: Model, release: Release): ReleaseInFlight {
  const app = model.apps.find((candidate) => candidate.name === release.app)!;
  return {
    app: release.app,
    digest: release.digest,
    regions: release.regions,
    ...(release.startedBy ? { startedBy: release.startedBy } : {}),
    waves: wavesOf(model.global.delivery.waves, regionsOfApp(model, app).map((region) => region.id)),
    barriers: release.barriers ?? [],
    next: nextStep(model, release),
  };
}

export const releasesRouter = router({
  /** Releases in flight (`apps/releases.yaml`) on the model the overview shows, with the step advancing each would take. */
  list: viewerProcedure.query(async ({ ctx }): Promise<ReleaseInFlight[]> => {
    let model: Model;
    try {
      ({ model } = await ctx.services.metrics.model());
    } catch (error) {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `The releases cannot be read: ${(error as Error).message}`, cause: error });
    }
    return model.releases.map((release) => inFlight(model, release));
  }),
});
