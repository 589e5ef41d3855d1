import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sessionFromCookieHeader } from '../../../../server/auth';
import { createContext } from '../../../../server/context';
import { ForgeError } from '../../../../server/forges/forge';
import { appRouter } from '../../../../server/routers/_app';
import { authSettings, services } from '../../../../server/services';

export const dynamic = 'force-dynamic';

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: () => createContext({ session: sessionFromCookieHeader(request.headers.get('cookie'), authSettings()), services: services() }),
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

export { handler as GET, handler as POST };
