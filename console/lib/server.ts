import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AUTH_ROUTES, sessionFromCookieHeader } from '../server/auth';
import { createContext } from '../server/context';
import { createCaller } from '../server/routers/_app';
import { authSettings, services } from '../server/services';

/**
 * Server components call the same procedures the browser does, through `createCaller`, with the session the
 * request's cookie carries: one set of role checks for both.
 */
export async function serverCaller() {
  const session = sessionFromCookieHeader((await headers()).get('cookie'), authSettings());
  return { session, caller: createCaller(createContext({ session, services: services() })) };
}

/** A page that needs a signed-in user: anyone else goes to the sign-in page and comes back to `path`. */
export async function signedIn(path: string) {
  const { session, caller } = await serverCaller();
  if (!session) redirect(`${AUTH_ROUTES.signIn}?${new URLSearchParams({ next: path })}`);
  return { session, caller };
}

/** A tRPC or forge failure as one line for an error alert; anything else is a bug and is rethrown. */
export function failureMessage(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.message;
  throw error;
}
