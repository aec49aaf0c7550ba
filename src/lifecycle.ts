/**
 * One lifecycle for everything that opens and closes (a connection, a pool, the
 * balanced and reconnecting clients, a server, a served connection), after
 * undici's dispatcher-base: `close()` is graceful and idempotent (every call gets
 * the same promise, settled once all work is done), `destroy(error?)` is the hard
 * stop, and `closed` is state, resolving with the failure if there was one.
 * A leaf next to errors.ts: every layer may import it.
 */

/** 'open' while work is accepted; 'closing' while work in flight finishes; 'closed' after. */
export type LifecycleState = 'open' | 'closing' | 'closed';

/** How long a graceful close() waits for the calls in flight, in ms, before it destroys (clients and servers alike). */
export const DEFAULT_CLOSE_TIMEOUT = 10_000;

/** The surface every closable object shares. */
export interface Closable {
  /** Where it is in its lifecycle. */
  readonly state: LifecycleState;
  /** Resolves once closed, with the error that closed it if it failed (never rejects). */
  readonly closed: Promise<Error | undefined>;
  /** Graceful close: new work is refused, work in flight finishes; the same promise on every call. */
  close(): Promise<void>;
  /** Hard stop: work in flight fails now (with `error`, or a closed error). */
  destroy(error?: Error): void;
  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const noop = (): void => {};

/**
 * @internal Follows many closables without a promise each: told when one ends, so a
 * server can forget a connection (thousands of them idle) at the cost of a pointer.
 */
export interface Tracker {
  /** Follows `closable` from now on (it calls untrack when it ends). */
  track(closable: Closable): void;
  /** `closable` ended (closed or destroyed), or handed over to another. */
  untrack(closable: Closable): void;
}

/**
 * The state machine a {@link Closable} keeps: owners delegate to it and add their own
 * draining. The `closed` promise is made only when someone asks for it: an idle
 * served connection that nobody awaits costs no promise.
 */
export class Lifecycle {
  /** Where it is; moves only forward. */
  state: LifecycleState = 'open';
  /** The `closed` promise, its resolver and close()'s promise: made when first asked for. */
  private waited: { promise: Promise<Error | undefined>; settle: (error: Error | undefined) => void; closing?: Promise<void> } | undefined = undefined;
  private owner: Closable | undefined = undefined;
  private tracker: Tracker | undefined = undefined;

  /** Resolves once {@link end} ran, with its error (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.waiters().promise;
  }

  /** @internal Whether someone asked for `closed` (a promise is waiting to be settled). */
  get awaited(): boolean {
    return this.waited !== undefined;
  }

  /** @internal Tells `tracker` when this lifecycle ends, naming `owner`; replaces an earlier tracker. */
  watch(owner: Closable, tracker: Tracker): void {
    this.owner = owner;
    this.tracker = tracker;
  }

  /**
   * Starts the graceful close once: moves to 'closing' and runs `drain`, then
   * ends. Every call returns the same promise, settled when closed (whether the
   * drain finished, or a destroy() cut it short).
   */
  close(drain: () => Promise<unknown> | void): Promise<void> {
    const waiters = this.waiters();
    if (waiters.closing !== undefined) return waiters.closing;
    const closing = (waiters.closing = waiters.promise.then(noop));
    if (this.state === 'open') {
      this.state = 'closing';
      let drained: Promise<unknown> | void;
      try {
        drained = drain();
      } catch (e) {
        this.end(asError(e));
        return closing;
      }
      Promise.resolve(drained).then(
        () => this.end(),
        (e: unknown) => this.end(asError(e)),
      );
    }
    return closing;
  }

  /** Moves to 'closed' and settles `closed` with `error`; false when it already was closed. */
  end(error?: Error): boolean {
    if (this.state === 'closed') return false;
    // A failure is kept in the promise, made now if nobody asked yet; a clean end needs nothing kept.
    if (error !== undefined) this.waiters();
    this.state = 'closed';
    this.waited?.settle(error);
    const tracker = this.tracker;
    if (tracker !== undefined) {
      this.tracker = undefined;
      tracker.untrack(this.owner!);
      this.owner = undefined;
    }
    return true;
  }

  private waiters(): NonNullable<Lifecycle['waited']> {
    let waited = this.waited;
    if (waited === undefined) {
      let settle!: (error: Error | undefined) => void;
      const promise = new Promise<Error | undefined>((resolve) => (settle = resolve));
      this.waited = waited = { promise, settle };
      if (this.state === 'closed') settle(undefined);
    }
    return waited;
  }
}

/** Anything thrown, as an Error. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
