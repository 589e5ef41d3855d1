import { createCallerFactory, router } from '../trpc';
import { auditRouter } from './audit';
import { changesRouter } from './changes';
import { regionsRouter } from './regions';
import { releasesRouter } from './releases';
import { sessionRouter } from './session';

export const appRouter = router({
  regions: regionsRouter,
  changes: changesRouter,
  releases: releasesRouter,
  audit: auditRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (server components, specs): `createCaller(createContext({ session, services }))`. */
export const createCaller = createCallerFactory(appRouter);
