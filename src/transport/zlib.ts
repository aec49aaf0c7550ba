/**
 * A zlib stream under the protocol, as Apache's TZlibTransport: one zlib
 * (RFC 1950) stream per direction for the whole connection, every write
 * followed by a sync flush (Z_SYNC_FLUSH) so each message can be inflated as
 * soon as it arrives. Python's TZlibTransport never ends its stream, so input
 * that stops at a flush point is a clean end, not an error.
 *
 * node:zlib is used where the platform has it, because the sync flush per
 * message is what RPC needs and CompressionStream cannot flush before close;
 * elsewhere the platform's CompressionStream / DecompressionStream ('deflate')
 * are used, whose compressed output only leaves when the stream closes (good
 * for one request per stream, such as a one-shot HTTP body).
 */
import { FrameTooLargeError, TransportError } from '../errors.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';

/** Options for {@link zlibTransforms} and {@link zlib}. */
export interface ZlibOptions {
  /** Compression level 0–9; default 6 (as Python's zlib). */
  level?: number;
  /** Largest inflated output accepted from one incoming chunk, in bytes (guards against zip bombs; FrameTooLargeError past it); default 64 MiB. */
  maxOutputLength?: number;
}

/** The two halves: `deflate` for what we send, `inflate` for what we receive. */
export interface ZlibTransforms {
  readonly deflate: TransformStream<Uint8Array, Uint8Array>;
  readonly inflate: TransformStream<Uint8Array, Uint8Array>;
}

interface NodeZlib {
  createDeflate(options: object): NodeZStream;
  createInflate(options: object): NodeZStream;
  constants: { Z_SYNC_FLUSH: number };
}

interface NodeZStream {
  on(event: string, listener: (...args: any[]) => void): unknown;
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  end(callback?: () => void): unknown;
  destroy(error?: Error): unknown;
}

function nodeZlib(): NodeZlib | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:zlib') as NodeZlib | undefined;
}

/**
 * Wraps a node:zlib stream as a TransformStream; each write settles once its output has been produced.
 * With `maxOutput`, more output than that from one incoming chunk fails the stream with
 * FrameTooLargeError: node:zlib's own maxOutputLength bounds only its one-shot calls, not streams.
 */
function fromNode(z: NodeZStream, what: string, maxOutput?: number): TransformStream<Uint8Array, Uint8Array> {
  const { TransformStream } = streams();
  let controller!: TransformStreamDefaultController<Uint8Array>;
  let failure: Error | undefined;
  let ended: (() => void) | undefined;
  // The write in progress: a failed zlib stream never calls its write callback, and a
  // TransformStream's pending write waits for transform() however the stream errored.
  let writing: ((error: Error) => void) | undefined;
  let produced = 0;
  const fail = (error: Error): void => {
    failure = error;
    try {
      controller.error(error);
    } catch {
      // Already errored or closed.
    }
    writing?.(error);
  };
  z.on('data', (chunk: Uint8Array) => {
    if (failure !== undefined) return;
    produced += chunk.byteLength;
    if (maxOutput !== undefined && produced > maxOutput) {
      fail(new FrameTooLargeError(produced, maxOutput, 'inflated data'));
      z.destroy();
      return;
    }
    try {
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch {
      // The readable side was cancelled: nobody wants the output.
    }
  });
  z.on('error', (e: Error) => {
    if (failure === undefined) fail(new TransportError(`${what} failed: ${e.message}`, 'TRANSPORT', { cause: e }));
  });
  z.on('end', () => ended?.());
  return new TransformStream<Uint8Array, Uint8Array>({
    start(c) {
      controller = c;
    },
    transform(chunk) {
      if (failure !== undefined) throw failure;
      produced = 0;
      return new Promise<void>((resolve, reject) => {
        writing = reject;
        z.write(chunk, (error) => {
          writing = undefined;
          if (error) reject(failure ?? error);
          else resolve();
        });
      });
    },
    flush() {
      if (failure !== undefined) throw failure;
      return new Promise<void>((resolve) => {
        ended = resolve;
        z.end();
      });
    },
  });
}

/** A deflate and an inflate TransformStream speaking TZlibTransport's wire format. */
export function zlibTransforms(options: ZlibOptions = {}): ZlibTransforms {
  const level = options.level ?? 6;
  if (!(Number.isInteger(level) && level >= 0 && level <= 9)) throw new RangeError(`zlib level must be an integer 0..9, got ${level}`);
  const maxOutputLength = options.maxOutputLength ?? 64 * 1024 * 1024;
  if (!(Number.isInteger(maxOutputLength) && maxOutputLength >= 1)) throw new RangeError(`zlib maxOutputLength must be a positive integer, got ${maxOutputLength}`);
  const z = nodeZlib();
  if (z !== undefined) {
    const sync = z.constants.Z_SYNC_FLUSH;
    return {
      deflate: fromNode(z.createDeflate({ level, flush: sync }), 'zlib deflate'),
      // finishFlush: a peer that closes at a flush point (never writing the final block) ends cleanly.
      inflate: fromNode(z.createInflate({ finishFlush: sync }), 'zlib inflate', maxOutputLength),
    };
  }
  const g = globalThis as { CompressionStream?: new (f: string) => TransformStream<Uint8Array, Uint8Array>; DecompressionStream?: new (f: string) => TransformStream<Uint8Array, Uint8Array> };
  if (g.CompressionStream === undefined || g.DecompressionStream === undefined) throw new TransportError('zlib: this platform has neither node:zlib nor CompressionStream');
  return { deflate: new g.CompressionStream('deflate'), inflate: new g.DecompressionStream('deflate') };
}

/** Puts a zlib stream (TZlibTransport) between a byte duplex and whatever reads and writes it. */
export function zlib(conn: DuplexStream, options?: ZlibOptions): DuplexStream {
  const { deflate, inflate } = zlibTransforms(options);
  deflate.readable.pipeTo(conn.writable).catch(() => {
    // The socket's own error reaches the reader through the readable side.
  });
  return { readable: conn.readable.pipeThrough(inflate), writable: deflate.writable };
}
