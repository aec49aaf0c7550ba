/**
 * Where a server's errors go when no `onError` is given: to stderr
 * (console.error), so a handler's bug or a refused client is never lost
 * silently, but rate-limited, so a flood of bad connections cannot flood the log.
 */

/** Options for {@link createErrorLog}. */
export interface ErrorLogOptions {
  /** Errors written per interval; the rest are counted. Default 10. */
  max?: number;
  /** Length of the interval in ms; default 60_000. */
  interval?: number;
  /** Where lines go; default console.error. */
  write?: (...parts: unknown[]) => void;
}

/** A rate-limited error sink: `(error, method?)`, the shape of `onError`. */
export type ErrorLog = (error: unknown, method?: string) => void;

/**
 * A sink that writes at most `max` errors per `interval`; past that, one line
 * saying the rest are held back, and at the end of the interval one with their count.
 */
export function createErrorLog(options: ErrorLogOptions = {}): ErrorLog {
  const max = options.max ?? 10;
  const interval = options.interval ?? 60_000;
  const write = options.write ?? ((...parts: unknown[]) => console.error(...parts));
  let windowStart = 0;
  let written = 0;
  let suppressed = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const report = (): void => {
    timer = undefined;
    if (suppressed > 0) write(`thrift-streams: ${suppressed} more error${suppressed === 1 ? '' : 's'} suppressed in the last ${interval / 1000} s (pass onError to see every one)`);
    suppressed = 0;
  };
  return (error, method) => {
    const now = Date.now();
    if (now - windowStart >= interval) {
      windowStart = now;
      written = 0;
    }
    if (written < max) {
      written++;
      write(`thrift-streams: ${method === undefined ? 'error' : `unhandled error in ${method}`} (pass onError to handle it):`, error);
      return;
    }
    // Holding back is said at once, so the log never goes quiet without a word.
    if (suppressed++ === 0) write(`thrift-streams: ${max} error${max === 1 ? '' : 's'} in ${interval / 1000} s; further ones are counted, not written, until the interval ends (pass onError to see every one)`);
    if (timer === undefined) {
      timer = setTimeout(report, windowStart + interval - now);
      // The count is reported if the process lives on; it never keeps a process alive.
      (timer as { unref?: () => void }).unref?.();
    }
  };
}

/** The process-wide sink every server and processor without `onError` shares. */
export const defaultErrorLog: ErrorLog = createErrorLog();
