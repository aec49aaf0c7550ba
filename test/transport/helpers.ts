/** Shared test helpers for the transport layer: feeding transforms and bounding waits. */
import type { StreamClasses } from '../../src/transport/index.js';
import { within } from '../helpers/wait.js';

// One within() for every test: test/helpers/wait.ts's (promise, ms, what).
export { within };

/** The runtime's own stream classes, to restore after a run with a polyfill. */
export const nativeStreams: StreamClasses = {
  ReadableStream: globalThis.ReadableStream,
  WritableStream: globalThis.WritableStream,
  TransformStream: globalThis.TransformStream,
};

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits bytes into chunks of `size` (the last may be shorter). */
export function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

/** Bytes 0, 1, 2, ... of the given length (mod 256), seeded so payloads differ. */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i + seed) & 0xff;
  return out;
}

/** A 4-byte big-endian frame around `payload`, written by hand as the golden wire form. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** What came out of a transform, and the error it ended with, if any. */
export interface Outcome {
  out: Uint8Array[];
  error: unknown;
}

/**
 * Writes `chunks` into `stream` (closing it unless `close` is false), reads until
 * the readable ends or errors, and reports both, bounded by a timeout.
 */
export async function feed(
  stream: TransformStream<Uint8Array, Uint8Array>,
  chunks: Uint8Array[],
  close = true,
): Promise<Outcome> {
  const writer = stream.writable.getWriter();
  // Write one chunk at a time while reading: a long queue of pending writes costs
  // quadratic time in Node's stream queues and would measure the harness, not us.
  // Write errors mirror the readable's error, which is what the tests inspect.
  (async () => {
    for (const chunk of chunks) await writer.write(chunk);
    if (close) await writer.close();
  })().catch(() => {});
  const reader = stream.readable.getReader();
  const out: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await within(reader.read(), 5000, 'the transform to emit');
      if (done) return { out, error: undefined };
      out.push(value);
    }
  } catch (error) {
    return { out, error };
  }
}
