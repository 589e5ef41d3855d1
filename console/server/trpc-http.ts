import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sessionFromCookieHeader, type AuthSettings } from './auth';
import { crossSite } from './auth/same-origin';
import { createContext, type Services } from './context';
import { ForgeError } from './forges/forge';
import { appRouter } from './routers/_app';

/** Where the route handler `app/api/trpc/[trpc]/route.ts` serves the procedures. */
const TRPC_ENDPOINT = '/api/trpc';

/** The largest change request the schemas admit is a few kilobytes; a body past this is not one, signed in or not. */
const MAX_BODY_BYTES = 64 * 1024;
/** Each procedure of a batch is a call of its own; the browser's batch link sends at most this many at once. */
export const MAX_BATCH_SIZE = 10;

/** The media type of a Content-Type header, without parameters such as charset. */
function mediaType(request: Request): string | undefined {
  return request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}

/**
 * Why a POST (a mutation) is refused before any procedure runs, or undefined when it may go on. A form on
 * another site can post form data or text with the session cookie without asking the browser's permission;
 * JSON it can send only after a CORS preflight the console never grants. The console's own client posts JSON
 * from its own origin. Refusing here, not in the procedure, keeps a forged request out of the audit log.
 */
function refusedMutation(request: Request): string | undefined {
  if (request.method !== 'POST') return undefined;
  if (crossSite(request)) return "Refused: a request posted from another site. Make changes from the console's own pages.";
  const type = mediaType(request);
  if (type !== 'application/json') return `Refused: the console takes posted requests as application/json only, not ${type ?? 'a body without a content type'}.`;
  return undefined;
}

const forbidden = (message: string) => Response.json({ error: { message, data: { code: 'FORBIDDEN', httpStatus: 403 } } }, { status: 403, headers: { 'Cache-Control': 'no-store' } });

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
  const refused = refusedMutation(request);
  if (refused) return forbidden(refused);
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
