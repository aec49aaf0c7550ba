/**
 * The payloads of issue 5, built once as our runtime values. Peers get the
 * very same content by decoding our encoding with their own decoder, so each
 * library benchmarks its own natural representation (bigint, node-int64, Buffer…).
 */
import type { ThriftModule } from '../src/index.js';

/** Names of the codec cases and the struct each one encodes. */
export const CODEC_CASES = [
  { id: 'small', struct: 'Small', label: '1a small struct' },
  { id: 'nested', struct: 'Nested', label: '1b nested (100 items, map 100, set 20)' },
  { id: 'ints', struct: 'Ints', label: '1c list<i32> x 10,000' },
  { id: 'blob', struct: 'Blob', label: '1d binary 1 MiB' },
] as const;

/** One of the codec case ids. */
export type CodecCaseId = (typeof CODEC_CASES)[number]['id'];

/** A deterministic byte generator (xorshift32), so every run encodes the same bytes. */
function bytes(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Builds the payload of a case as an instance of the loaded struct class. */
export function makePayload(mod: ThriftModule, id: CodecCaseId): unknown {
  const m = mod as any;
  switch (id) {
    case 'small':
      return new m.Small({ name: 'thrift-streams', flag: 7, count: 123_456, id: 1_234_567_890_123_456_789n });
    case 'nested':
      return makeNested(m);
    case 'ints': {
      // A spread of magnitudes, so compact's varints are not all one byte long.
      const values = new Array<number>(10_000);
      for (let i = 0; i < values.length; i++) values[i] = ((i * 2_654_435_761) >>> (i % 31)) | 0;
      return new m.Ints({ values });
    }
    case 'blob':
      return new m.Blob({ data: bytes(1 << 20) });
  }
}

/** Case 1b's value, also the argument and result of the echo RPC. */
export function makeNested(m: any): unknown {
  const items = [];
  for (let i = 0; i < 100; i++) {
    items.push(new m.Item({ id: i, name: `item-${i}`, score: i * 1.25, active: i % 2 === 0 }));
  }
  const counts = new Map<string, bigint>();
  for (let i = 0; i < 100; i++) counts.set(`key-${i}`, BigInt(i) * 1_000_003n);
  const tags = new Set<string>();
  for (let i = 0; i < 20; i++) tags.add(`tag-${i}`);
  return new m.Nested({ items, counts, tags, label: 'nested payload' });
}
