import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sessionFromCookieHeader, type AuthSettings } from './auth';
import { createContext, type Services } from './context';
import { ForgeError } from './forges/forge';
import { appRouter } from './routers/_app';

/** Where the route handler `app/api/trpc/[trpc]/route.ts` serves the procedures. */
const TRPC_ENDPOINT = '/api/trpc';

/** The largest change request the schemas admit is a few kilobytes; a body past this is not one, signed in or not. */
const MAX_BODY_BYTES = 64 * 1024;
/** Each procedure of a batch is a call of its own; the browser's batch link sends at most this many at once. */
export const MAX_BATCH_SIZE = 10;

const tooLarge = () => Response.json({ error: { message: `A request body of at most ${MAX_BODY_BYTES} bytes` } }, { status: 413 });

/** The request with its body cut off past `MAX_BODY_BYTES`, whether or not it declared its length. */
function bounded(request: Request): Request | undefined {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return undefined;
  if (!request.body) return request;
  let seen = 0;
  const body = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > MAX_BODY_BYTES) controller.error(new Error(`request body past ${MAX_BODY_BYTES} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request, { body, duplex: 'half' } as RequestInit);
}

/**
 * Answers one HTTP request for the procedures: batched queries and mutations, and subscriptions as
 * Server-Sent Events. `resolve` hands over the process's services and auth settings when the request needs them.
 */
export async function handleTrpcRequest(request: Request, resolve: () => { services: Services; auth: AuthSettings }): Promise<Response> {
  const req = bounded(request);
  if (!req) return tooLarge();
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
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
