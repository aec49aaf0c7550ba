/** Waiting on events in tests: every wait has a deadline that fails the test instead of hanging it. */

/** Resolves with `promise`, or rejects when it has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The rejection reason of `promise`; fails when it resolves instead. */
export async function rejection(promise: Promise<unknown>, ms = 5000): Promise<any> {
  try {
    const value = await within(promise, ms, 'a rejection');
    throw new Error(`expected a rejection, got ${String(value)}`);
  } catch (e) {
    if (e instanceof Error && /^expected a rejection|^timed out after/.test(e.message)) throw e;
    return e;
  }
}

/** A promise with its resolve function, for handlers that signal the test. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
