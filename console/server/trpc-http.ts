import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sessionFromCookieHeader, type AuthSettings } from './auth';
import { createContext, type Services } from './context';
import { ForgeError } from './forges/forge';
import { appRouter } from './routers/_app';

/** Where the route handler `app/api/trpc/[trpc]/route.ts` serves the procedures. */
const TRPC_ENDPOINT = '/api/trpc';

/**
 * Answers one HTTP request for the procedures: batched queries and mutations, and subscriptions as
 * Server-Sent Events. `resolve` hands over the process's services and auth settings when the request needs them.
 */
export function handleTrpcRequest(request: Request, resolve: () => { services: Services; auth: AuthSettings }): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: () => {
      const { services, auth } = resolve();
      return createContext({ session: sessionFromCookieHeader(request.headers.get('cookie'), auth), services });
    },
    responseMeta({ errors }) {
      const retryAfter = errors.map((error) => (error.cause instanceof ForgeError ? error.cause.retryAfterSeconds : undefined)).find((seconds) => seconds !== undefined);
      return {
        headers: new Headers({
          // Every answer depends on the signed-in user and on live data.
          'Cache-Control': 'no-store',
          ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
        }),
      };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`console tRPC ${path ?? '(no procedure)'}: ${error.message}`, error.cause ?? '');
    },
  });
}
