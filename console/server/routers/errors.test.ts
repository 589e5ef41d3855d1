import { describe, expect, it } from 'vitest';
import type * as ChangeServiceModule from '../changes/service';
import type * as ForgeModule from '../forges/forge';
import { ForgeError } from '../forges/forge';
import { toTRPCError } from './errors';

// Next.js compiles the services into each entry's bundle (instrumentation, route handlers, pages): the error a
// service throws may come from another copy of its module than the one the router imports.
/** A second instance of a module, as another bundle would hold it (the query makes it a distinct module). */
function anotherCopy(file: string): Promise<unknown> {
  const specifier = `${file}?another-bundle`;
  return import(/* @vite-ignore */ specifier);
}

describe('toTRPCError across module copies', () => {
  it('maps a ForgeError from another copy of the forge module by its code', async () => {
    const copy = (await anotherCopy('../forges/forge.ts')) as typeof ForgeModule;
    expect(copy.ForgeError).not.toBe(ForgeError);
    const error = toTRPCError(new copy.ForgeError('not-found', 'pull request 7 is not on a console/ branch'));
    expect(error.code).toBe('NOT_FOUND');
    expect(toTRPCError(new copy.ForgeError('rate-limited', 'secondary rate limit', 30)).code).toBe('TOO_MANY_REQUESTS');
  });

  it('maps a ChangeRequestError from another copy of the change service to BAD_REQUEST', async () => {
    const copy = (await anotherCopy('../changes/service.ts')) as typeof ChangeServiceModule;
    expect(toTRPCError(new copy.ChangeRequestError('the idempotency key was used for another request')).code).toBe('BAD_REQUEST');
  });

  it('leaves any other error internal', () => {
    expect(toTRPCError(new Error('boom')).code).toBe('INTERNAL_SERVER_ERROR');
  });
});
