/**
 * One deadline helper for every call, connect and acquire path: a timeout and
 * an AbortSignal watched together, turned into one typed error (TimeoutError,
 * or what {@link abortReason} makes of the signal's reason), with one cleanup.
 * A leaf next to errors.ts: every layer may import it.
 */
import { abortReason, TimeoutError } from './errors.js';

/** What a deadline reports, and how it names the operation in its errors. */
export interface DeadlineOptions {
  /** Milliseconds before it fails with a TimeoutError; 0 or undefined: no timer. */
  readonly timeout?: number;
  /** Fails it with the signal's reason when aborted. */
  readonly signal?: AbortSignal;
  /** Message of the TimeoutError, e.g. `connect to host:9090 timed out after 500 ms`. */
  readonly timeoutMessage: string;
  /** Message of the AbortError made from the signal, e.g. `call aborted`. */
  readonly abortMessage: string;
}

/** Disarms a deadline: clears its timer and removes its abort listener (idempotent). */
export type Disarm = () => void;

const noop: Disarm = () => {};

/**
 * Arms a timer and an abort listener; the first to fire disarms both and calls
 * `onExpire` once with the typed error. The caller disarms when the operation
 * settles first. With neither a timeout nor a signal this costs nothing.
 */
export function armDeadline(options: DeadlineOptions, onExpire: (error: unknown) => void): Disarm {
  const { timeout, signal } = options;
  const timed = timeout !== undefined && timeout > 0;
  if (!timed && signal === undefined) return noop;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armed = true;
  const disarm = (): void => {
    if (!armed) return;
    armed = false;
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  const expire = (error: unknown): void => {
    if (!armed) return;
    disarm();
    onExpire(error);
  };
  function onAbort(): void {
    expire(abortReason(signal!, options.abortMessage));
  }
  if (timed) timer = setTimeout(() => expire(new TimeoutError(options.timeoutMessage)), timeout);
  signal?.addEventListener('abort', onAbort, { once: true });
  return disarm;
}

/** Throws what an already-aborted signal means (see {@link abortReason}); nothing otherwise. */
export function throwIfAborted(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw abortReason(signal, message);
}
