/**
 * An in-process connection: two byte pipes crossed over, for tests and for
 * running a client and a server in one process without a socket.
 */
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';

// Enough slack that a writer awaiting each write does not stall before the peer
// reads, while a peer that never reads still pushes back.
const PIPE_HIGH_WATER_MARK = 64 * 1024;

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

function pipe(): TransformStream<Uint8Array, Uint8Array> {
  const { TransformStream } = streams();
  return new TransformStream<Uint8Array, Uint8Array>(undefined, undefined, {
    highWaterMark: PIPE_HIGH_WATER_MARK,
    size: byteLength,
  });
}

/** Two connected in-memory duplex pairs: what one writes, the other reads. */
export function createMemoryPair(): [DuplexStream, DuplexStream] {
  const ab = pipe();
  const ba = pipe();
  return [
    { readable: ba.readable, writable: ab.writable },
    { readable: ab.readable, writable: ba.writable },
  ];
}
