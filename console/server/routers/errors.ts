import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { ChangeRequestError } from '../changes';
import { ForgeError, type ForgeErrorCode } from '../forges/forge';

const FORGE_CODES: Record<ForgeErrorCode, TRPC_ERROR_CODE_KEY> = {
  'rate-limited': 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
  conflict: 'CONFLICT',
  'not-found': 'NOT_FOUND',
  // The console's own credentials or request were refused: nothing the operator can fix by asking again.
  unauthorized: 'INTERNAL_SERVER_ERROR',
  validation: 'INTERNAL_SERVER_ERROR',
};

function forgeMessage(error: ForgeError): string {
  switch (error.code) {
    case 'rate-limited':
      return `The forge is rate-limiting the console${error.retryAfterSeconds === undefined ? '' : `; try again in ${error.retryAfterSeconds} s`} (${error.message}).`;
    case 'unavailable':
      return `The forge is unavailable (${error.message}). Try again: a repeated submit opens at most one pull request. If it stays down, follow the break-glass path in docs/runbooks.md (Region outage: the ARC Region switch plan).`;
    case 'unauthorized':
      return `The forge refused the console's credentials (${error.message}); an administrator checks MR_CONSOLE_FORGE_TOKEN or the GitHub App variables.`;
    case 'validation':
      return `The forge refused the console's request (${error.message}).`;
    default:
      return error.message;
  }
}

/**
 * What a procedure reports for a failure of a service: a change request the service cannot build as asked is
 * the caller's to fix, forge failures go by kind, anything else is an internal error.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof ChangeRequestError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof ForgeError) return new TRPCError({ code: FORGE_CODES[error.code], message: forgeMessage(error), cause: error });
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: error instanceof Error ? error.message : String(error), cause: error });
}
