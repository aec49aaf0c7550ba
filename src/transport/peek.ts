/**
 * Looks at a stream's first bytes without consuming them: reads until a
 * decision can be made, then hands back a readable that yields every byte
 * again, those read first included. What server-side detection builds on.
 */
import { armDeadline, type Disarm } from '../deadline.js';
import { streams } from './streams.js';

/** What {@link peekStream} resolves with. */
export interface Peeked<T> {
  /** The decision, or undefined when the stream ended (or reached `maxBytes`) first. */
  readonly result: T | undefined;
  /** The bytes read while deciding (one chunk's view when the first chunk sufficed). */
  readonly seen: Uint8Array;
  /** Every byte of the original stream, from the first. */
  readonly readable: ReadableStream<Uint8Array>;
}

/** Options for {@link peekStream}. */
export interface PeekOptions {
  /** Stop reading once this many bytes are buffered without a decision. */
  maxBytes: number;
  /** Milliseconds allowed from the first byte to the decision; 0 for no limit. */
  timeout?: number;
  /** Called once, when the first bytes arrive (an idle timer can stop there). */
  onFirstBytes?: () => void;
}

/**
 * Reads `readable` until `decide(bytes)` returns something other than undefined.
 * On a timeout the stream is cancelled and the promise rejects with TimeoutError.
 */
export async function peekStream<T>(readable: ReadableStream<Uint8Array>, decide: (bytes: Uint8Array) => T | undefined, options: PeekOptions): Promise<Peeked<T>> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let seen: Uint8Array = new Uint8Array(0);
  let result: T | undefined;
  let disarm: Disarm | undefined;
  let timedOut: unknown;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (timedOut !== undefined) throw timedOut;
      if (done) break;
      if (value.length === 0) continue;
      chunks.push(value);
      if (seen.length === 0) {
        seen = value;
        options.onFirstBytes?.();
        const ms = options.timeout ?? 0;
        disarm = armDeadline(
          { timeout: ms, timeoutMessage: `the first message did not show its transport and protocol within ${ms} ms`, abortMessage: 'detection aborted' },
          (error) => {
            timedOut = error;
            reader.cancel(error).catch(() => {});
          },
        );
      } else {
        // Only the few bytes detection needs are ever joined.
        const joined = new Uint8Array(seen.length + value.length);
        joined.set(seen);
        joined.set(value, seen.length);
        seen = joined;
      }
      result = decide(seen);
      if (result !== undefined || seen.length >= options.maxBytes) break;
    }
  } catch (e) {
    reader.releaseLock();
    throw e;
  } finally {
    disarm?.();
  }
  if (timedOut !== undefined) throw timedOut;
  return { result, seen, readable: replay(chunks, reader) };
}

/** A readable that yields `chunks`, then whatever `reader` still reads. */
function replay(chunks: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  const { ReadableStream } = streams();
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next < chunks.length) {
          controller.enqueue(chunks[next]);
          chunks[next++] = undefined as unknown as Uint8Array;
          return;
        }
        const { value, done } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Pull only when read: the peeked reader stays the one source of backpressure.
    { highWaterMark: 0 },
  );
}
