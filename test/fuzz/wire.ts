/**
 * Arbitraries for the fuzz tests: random Thrift messages of any shape (a random
 * type tree, then a random value of it), written with a protocol's own writer,
 * and mutations of them (flipped bytes, huge lengths, invalid types, cuts).
 */
import fc from 'fast-check';
import { ProtocolError, TransportError } from '../../src/errors.js';
import { TType, type ProtocolWriter } from '../../src/protocol/index.js';

/** Runs per property: small for CI, raise with FUZZ_RUNS=100000 for a long run. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** A wire-level type tree: what a message on the wire may hold, independent of any IDL. */
export type WireType =
  | { t: 2 | 3 | 4 | 6 | 8 | 10 | 11 | 16 }
  | { t: 12; fields: [number, WireType][] }
  | { t: 13; key: WireType; value: WireType }
  | { t: 14 | 15; elem: WireType };

const leaf = fc.constantFrom(2, 3, 4, 6, 8, 10, 11, 16).map((t) => ({ t }) as WireType);

/** Random type trees, a few levels deep. */
export const wireType: fc.Arbitrary<WireType> = fc.letrec<{ type: WireType }>((tie) => ({
  type: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'wire' },
    leaf,
    fc.record({ t: fc.constant(12 as const), fields: fc.array(fc.tuple(fc.integer({ min: -32768, max: 32767 }), tie('type')), { maxLength: 5 }) }),
    fc.record({ t: fc.constant(13 as const), key: tie('type'), value: tie('type') }),
    fc.record({ t: fc.constantFrom(14 as const, 15 as const), elem: tie('type') }),
  ),
})).type;

/** A random value of `type`. */
export function valueOf(type: WireType): fc.Arbitrary<unknown> {
  switch (type.t) {
    case TType.BOOL: return fc.boolean();
    case TType.BYTE: return fc.integer({ min: -128, max: 127 });
    case TType.DOUBLE: return fc.double();
    case TType.I16: return fc.integer({ min: -32768, max: 32767 });
    case TType.I32: return fc.integer();
    case TType.I64: return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case TType.STRING: return fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
    case TType.UUID: return fc.uuid();
    case TType.STRUCT: return fc.tuple(...type.fields.map(([, f]) => valueOf(f)));
    case TType.MAP: return fc.array(fc.tuple(valueOf(type.key), valueOf(type.value)), { maxLength: 4 });
    default: return fc.array(valueOf(type.elem), { maxLength: 4 });
  }
}

/** Writes `value` of `type` with the protocol writer's own methods. */
export function writeValue(w: ProtocolWriter, type: WireType, value: any): void {
  switch (type.t) {
    case TType.BOOL: w.writeBool(value); return;
    case TType.BYTE: w.writeByte(value); return;
    case TType.DOUBLE: w.writeDouble(value); return;
    case TType.I16: w.writeI16(value); return;
    case TType.I32: w.writeI32(value); return;
    case TType.I64: w.writeI64(value); return;
    case TType.STRING: w.writeString(value); return;
    case TType.UUID: w.writeUuid(value); return;
    case TType.STRUCT:
      w.writeStructBegin();
      type.fields.forEach(([id, f], i) => {
        w.writeFieldBegin(f.t, id);
        writeValue(w, f, value[i]);
      });
      w.writeFieldStop();
      w.writeStructEnd();
      return;
    case TType.MAP:
      w.writeMapBegin(type.key.t, type.value.t, value.length);
      for (const [k, v] of value) {
        writeValue(w, type.key, k);
        writeValue(w, type.value, v);
      }
      return;
    default:
      if (type.t === TType.SET) w.writeSetBegin(type.elem.t, value.length);
      else w.writeListBegin(type.elem.t, value.length);
      for (const v of value) writeValue(w, type.elem, v);
  }
}

/** A whole message: header, then a struct body of a random shape. */
export interface WireMessage {
  name: string;
  type: number;
  seqid: number;
  body: WireType & { t: 12 };
  value: unknown[];
}

const body = fc.array(fc.tuple(fc.integer({ min: -32768, max: 32767 }), wireType), { maxLength: 6 }).map((fields) => ({ t: 12 as const, fields }));

/** Random messages of any body shape. */
export const wireMessage: fc.Arbitrary<WireMessage> = fc
  .record({
    name: fc.string({ maxLength: 10 }),
    type: fc.integer({ min: 1, max: 4 }),
    seqid: fc.integer(),
    body,
  })
  .chain((m) => valueOf(m.body).map((value) => ({ ...m, value: value as unknown[] })));

/** Encodes `m` with a fresh writer from `createWriter`. */
export function encode(createWriter: () => ProtocolWriter, m: WireMessage): Uint8Array {
  const w = createWriter();
  w.begin();
  w.writeMessageBegin(m.name, m.type, m.seqid);
  writeValue(w, m.body, m.value);
  return w.finish().slice();
}

/** One way of damaging a valid message. */
export type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'length'; at: number; value: number }
  | { op: 'varint'; at: number }
  | { op: 'type'; at: number; byte: number }
  | { op: 'cut'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number };

/** Lengths an attacker would announce: huge, negative, just past the end. */
const hugeLength = fc.constantFrom(0x7fffffff, -1, -0x80000000, 0x40000000, 0x10000, 0xffff, 0x1000000);

/** Random damage, positions as fractions resolved against the message at hand. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('length' as const), at: fc.nat(), value: hugeLength }),
  fc.record({ op: fc.constant('varint' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('type' as const), at: fc.nat(), byte: fc.constantFrom(0, 1, 5, 7, 9, 13, 14, 15, 17, 0x1f, 0xff) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 6 }) }),
);

/** Applies `m` to a copy of `bytes`. */
export function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  if (n === 0) return bytes;
  const at = m.at % n;
  const out = bytes.slice();
  switch (m.op) {
    case 'flip': out[at] ^= m.byte || 1; return out;
    case 'type': out[at] = m.byte; return out;
    case 'length':
      if (at + 4 > n) return out;
      new DataView(out.buffer).setInt32(at, m.value);
      return out;
    // A 5-byte varint announcing 2^32 - 1 (compact sizes and lengths).
    case 'varint': return concat(out.subarray(0, at), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), out.subarray(at));
    case 'cut': return out.slice(0, at);
    case 'insert': return concat(out.subarray(0, at), m.bytes, out.subarray(at));
    case 'delete': return concat(out.subarray(0, at), out.subarray(Math.min(n, at + m.n)));
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Fails unless `error` is one of the typed errors untrusted bytes may cause. */
export function assertTyped(error: unknown, where: string): void {
  if (error instanceof ProtocolError || error instanceof TransportError) return;
  const e = error as Error;
  throw new Error(`${where} threw ${e?.constructor?.name ?? typeof e}: ${e?.message ?? String(e)}`, { cause: error });
}

/** Runs `fn`; a typed error is an acceptable outcome and returns undefined, any other escapes. */
export function typed<T>(fn: () => T, where: string): T | undefined {
  try {
    return fn();
  } catch (e) {
    assertTyped(e, where);
    return undefined;
  }
}

/** Random ways to cut `bytes` into chunks (1–2 byte pieces included). */
export const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 });

/** Splits `bytes` into chunks whose sizes cycle through `sizes`. */
export function split(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0, i = 0; p < bytes.length; i++) {
    const n = Math.min(sizes[i % sizes.length], bytes.length - p);
    out.push(bytes.slice(p, p + n));
    p += n;
  }
  return out;
}
