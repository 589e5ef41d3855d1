type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** What `run` throws, which must be a `type`: a spec fails when `run` returns, or throws anything else. */
export function thrown<E extends Error>(type: ErrorClass<E>, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`);
}

/** What `promise` rejects with, which must be a `type`: a spec fails when it resolves, or rejects with anything else. */
export async function rejection<E extends Error>(type: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a ${type.name}, but it resolved`);
  if (outcome.error instanceof type) return outcome.error;
  throw outcome.error;
}
