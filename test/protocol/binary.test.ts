import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, ProtocolErrorType } from '../../src/errors.js';
import { binaryProtocol, CodecCache, createBinaryProtocol, encodeMessage, MessageType, TType } from '../../src/protocol/index.js';
import { struct, T } from '../helpers/schema.js';

const Inner = struct('Inner', [[1, 'a', T.i32, 'required'], [2, 'b', T.string]]);
const All = struct('All', [
  [1, 'b', T.bool],
  [2, 'y', T.byte],
  [3, 's16', T.i16],
  [4, 's32', T.i32],
  [5, 's64', T.i64],
  [6, 'd', T.double],
  [7, 'str', T.string],
  [8, 'bin', T.binary],
  [9, 'u', T.uuid],
  [10, 'l', T.list(T.i32)],
  [11, 'st', T.set(T.string)],
  [12, 'm', T.map(T.string, T.list(T.struct(Inner)))],
  [13, 'inner', T.struct(Inner)],
  [-1, 'neg', T.i32],
]);

const sample = {
  b: true,
  y: -128,
  s16: -32768,
  s32: 2147483647,
  s64: -9223372036854775808n,
  d: -0.5,
  str: 'héllo wörld ✓ 𝄞',
  bin: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)),
  u: '00112233-4455-6677-8899-aabbccddeeff',
  l: [1, -1, 0],
  st: new Set(['x', 'y']),
  m: new Map([['k', [{ a: 1, b: 'one' }]]]),
  inner: { a: 7, b: undefined },
  neg: 5,
};

function encode(desc = All, value: unknown = sample, protocol = binaryProtocol): Uint8Array {
  return encodeMessage(protocol.createWriter(), 'method', MessageType.CALL, 42, protocol.codecs.encoder(desc), value).slice();
}

function decode(bytes: Uint8Array, desc = All, limits?: { maxDepth?: number }) {
  const r = binaryProtocol.createReader(limits);
  r.reset(bytes);
  const header = r.readMessageBegin();
  return { header, value: binaryProtocol.codecs.decoder(desc)(r) };
}

const codec = suite('binary codec');

codec('every base type and container round-trips', () => {
  const { header, value } = decode(encode());
  assert.equal(header, { name: 'method', type: MessageType.CALL, seqid: 42 });
  assert.equal(value, sample);
});

codec('writes the spec layout: strict header, field header, big-endian i32, STOP', () => {
  const S = struct('S', [[1, 'x', T.i32]]);
  const bytes = encode(S, { x: 1 });
  // 80 01 00 01 | len 6 "method" | seqid 42 | type 8, id 1, value 1 | STOP
  assert.equal(
    [...bytes],
    [0x80, 1, 0, 1, 0, 0, 0, 6, ...Buffer.from('method'), 0, 0, 0, 42, 8, 0, 1, 0, 0, 0, 1, 0],
  );
});

codec('non-strict headers are written on request and read always', () => {
  const S = struct('S', [[1, 'x', T.i32]]);
  const bytes = encode(S, { x: 9 }, createBinaryProtocol({ strictWrite: false }));
  assert.equal([...bytes.subarray(0, 11)], [0, 0, 0, 6, ...Buffer.from('method'), MessageType.CALL]);
  const { header, value } = decode(bytes, S);
  assert.equal(header, { name: 'method', type: MessageType.CALL, seqid: 42 });
  assert.equal(value, { x: 9 });
});

codec('i64 accepts safe-integer numbers and decodes them as bigint', () => {
  const S = struct('S', [[1, 'v', T.i64]]);
  for (const n of [0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 4294967296, -4294967297]) {
    assert.is(decode(encode(S, { v: n }), S).value.v, BigInt(n));
  }
});

codec('unknown fields of every type are skipped, so newer peers can add fields', () => {
  const bytes = encode();
  const Old = struct('Old', [[4, 's32', T.i32]]);
  assert.equal(decode(bytes, Old).value, { s32: 2147483647 });
});

codec('a field whose wire type differs from the schema is skipped', () => {
  const AsString = struct('AsString', [[4, 's32', T.string], [7, 'str', T.string]]);
  assert.equal(decode(encode(), AsString).value, { s32: undefined, str: sample.str });
});

codec('binary values are views into the message, not copies', () => {
  const bytes = encode();
  const { value } = decode(bytes);
  assert.is(value.bin.buffer, bytes.buffer);
});

const errors = suite('binary codec errors');

function throwsProtocol(fn: () => unknown, type: number, match: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).code, 'PROTOCOL');
    assert.is((e as ProtocolError).type, type, (e as Error).message);
    assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable('expected a ProtocolError');
}

errors('a value of the wrong type names the field path and writes nothing', () => {
  const w = binaryProtocol.createWriter();
  const enc = binaryProtocol.codecs.encoder(All);
  throwsProtocol(() => encodeMessage(w, 'm', 1, 1, enc, { ...sample, inner: { a: 'seven' } }), ProtocolErrorType.INVALID_DATA, /All\.inner: Inner\.a: expected i32, got string "seven"/);
  // The writer was rewound: the next message starts clean.
  const S = struct('S', [[1, 'x', T.i32]]);
  const next = encodeMessage(w, 'm', 1, 1, binaryProtocol.codecs.encoder(S), { x: 1 });
  assert.is(next.length, 4 + 4 + 1 + 4 + 7 + 1);
});

errors('out-of-range integers are rejected', () => {
  const S = struct('S', [[1, 'y', T.byte], [2, 'h', T.i16], [3, 'i', T.i32], [4, 'l', T.i64]]);
  throwsProtocol(() => encode(S, { y: 128 }), ProtocolErrorType.INVALID_DATA, /expected byte/);
  throwsProtocol(() => encode(S, { h: 40000 }), ProtocolErrorType.INVALID_DATA, /expected i16/);
  throwsProtocol(() => encode(S, { i: 1.5 }), ProtocolErrorType.INVALID_DATA, /expected i32/);
  throwsProtocol(() => encode(S, { l: 2n ** 63n }), ProtocolErrorType.INVALID_DATA, /expected i64/);
  throwsProtocol(() => encode(S, { l: 2 ** 60 }), ProtocolErrorType.INVALID_DATA, /expected i64/);
});

errors('a missing required field fails on write and on read', () => {
  throwsProtocol(() => encode(Inner, { b: 'x' }), ProtocolErrorType.INVALID_DATA, /required field Inner\.a is not set/);
  const Loose = struct('Inner', [[2, 'b', T.string]]);
  const bytes = encode(Loose, { b: 'x' });
  throwsProtocol(() => decode(bytes, Inner), ProtocolErrorType.INVALID_DATA, /required field Inner\.a is not set/);
});

errors('a union with two fields set cannot be written', () => {
  const U = struct('U', [[1, 'a', T.i32], [2, 'b', T.string]], 'union');
  encode(U, { a: 1 });
  throwsProtocol(() => encode(U, { a: 1, b: 'x' }), ProtocolErrorType.INVALID_DATA, /union U must have at most one field set, has 2/);
});

errors('truncated input at every length is a typed error, never a crash', () => {
  const bytes = encode();
  for (let n = 0; n < bytes.length; n++) {
    try {
      decode(bytes.subarray(0, n));
      assert.unreachable(`decoded a message truncated to ${n} bytes`);
    } catch (e) {
      assert.instance(e, ProtocolError, `at ${n}: ${e}`);
    }
  }
});

errors('a huge container count is rejected before anything is allocated for it', () => {
  const L = struct('L', [[1, 'l', T.list(T.i64)]]);
  const bytes = encode(L, { l: [1n] });
  // Patch the list size (after header 4+4+6+4, field header 3, elem type 1) to 2^31-1.
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setInt32(4 + 4 + 6 + 4 + 3 + 1, 0x7fffffff);
  throwsProtocol(() => decode(bytes, L), ProtocolErrorType.SIZE_LIMIT, /2147483647 elements/);
  view.setInt32(4 + 4 + 6 + 4 + 3 + 1, -1);
  throwsProtocol(() => decode(bytes, L), ProtocolErrorType.NEGATIVE_SIZE, /negative/);
});

errors('a negative string length is rejected', () => {
  const S = struct('S', [[1, 's', T.string]]);
  const bytes = encode(S, { s: 'abc' });
  new DataView(bytes.buffer, bytes.byteOffset).setInt32(4 + 4 + 6 + 4 + 3, -5);
  throwsProtocol(() => decode(bytes, S), ProtocolErrorType.NEGATIVE_SIZE, /negative length -5/);
});

errors('nesting deeper than the limit is rejected, for known and skipped fields', () => {
  const Node = struct('Node', []);
  (Node.fields as unknown[]).push({ id: 1, name: 'next', type: T.struct(Node), requiredness: 'default', annotations: {} });
  let v: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) v = { next: v };
  const bytes = encode(Node, v);
  assert.ok(decode(bytes, Node, { maxDepth: 200 }).value.next);
  throwsProtocol(() => decode(bytes, Node), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 64/);
  throwsProtocol(() => decode(bytes, struct('Empty', [])), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 64/);
});

errors('a bad version in a strict header is rejected', () => {
  const bytes = encode(struct('S', []), {});
  bytes[1] = 2;
  throwsProtocol(() => decode(bytes, struct('S', [])), ProtocolErrorType.BAD_VERSION, /bad binary protocol version/);
});

errors('an unknown wire type is rejected when skipped', () => {
  const S = struct('S', [[1, 'x', T.i32]]);
  const bytes = encode(S, { x: 1 });
  bytes[4 + 4 + 6 + 4] = 99;
  throwsProtocol(() => decode(bytes, S), ProtocolErrorType.INVALID_DATA, /unknown wire type 99/);
});

const measure = suite('binary measure');

measure('finds the exact end of a message and asks for more on every prefix', () => {
  const bytes = encode();
  assert.is(binaryProtocol.measure(bytes, 0, bytes.length), bytes.length);
  for (let n = 0; n < bytes.length; n++) assert.is(binaryProtocol.measure(bytes, 0, n), -1, `prefix ${n}`);
});

measure('measures from an offset inside a larger buffer', () => {
  const a = encode();
  const b = encode(struct('S', [[1, 'x', T.i32]]), { x: 1 });
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  assert.is(binaryProtocol.measure(both, 0, both.length), a.length);
  assert.is(binaryProtocol.measure(both, a.length, both.length), b.length);
});

measure('measures non-strict messages and rejects garbage', () => {
  const bytes = encode(All, sample, createBinaryProtocol({ strictWrite: false }));
  assert.is(binaryProtocol.measure(bytes, 0, bytes.length), bytes.length);
  const bad = new Uint8Array([0x80, 0x02, 0, 1, 0, 0, 0, 0]);
  try {
    binaryProtocol.measure(bad, 0, bad.length);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ProtocolError);
  }
});

measure('rejects unknown wire types and excessive nesting', () => {
  const head = [0x80, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
  assert.throws(() => binaryProtocol.measure(new Uint8Array([...head, 77, 0, 1]), 0, 15), (e: unknown) => e instanceof ProtocolError);
  const deep = [...head];
  for (let i = 0; i < 70; i++) deep.push(TType.STRUCT, 0, 1);
  assert.throws(() => binaryProtocol.measure(new Uint8Array(deep), 0, deep.length), (e: unknown) => e instanceof ProtocolError && e.type === ProtocolErrorType.DEPTH_LIMIT);
});

codec.run();
errors.run();
measure.run();

const interpreted = suite('interpreted codecs (no eval)');

interpreted('closure-built codecs write the same bytes and read the same values as compiled ones', () => {
  const cache = new CodecCache({ interpret: true });
  const compiled = encode();
  const w = binaryProtocol.createWriter();
  const ours = encodeMessage(w, 'method', MessageType.CALL, 42, cache.encoder(All), sample);
  assert.equal([...ours], [...compiled]);
  const r = binaryProtocol.createReader();
  r.reset(compiled);
  r.readMessageBegin();
  assert.equal(cache.decoder(All)(r), sample);
});

interpreted('closure-built codecs raise the same errors', () => {
  const cache = new CodecCache({ interpret: true });
  const w = binaryProtocol.createWriter();
  throwsProtocol(() => encodeMessage(w, 'm', 1, 1, cache.encoder(All), { ...sample, inner: { a: 'seven' } }), ProtocolErrorType.INVALID_DATA, /All\.inner: Inner\.a: expected i32, got string "seven"/);
  throwsProtocol(() => encodeMessage(w, 'm', 1, 1, cache.encoder(Inner), { b: 'x' }), ProtocolErrorType.INVALID_DATA, /required field Inner\.a is not set/);
  const U = struct('U', [[1, 'a', T.i32], [2, 'b', T.string]], 'union');
  throwsProtocol(() => encodeMessage(w, 'm', 1, 1, cache.encoder(U), { a: 1, b: 'x' }), ProtocolErrorType.INVALID_DATA, /union U must have at most one field set, has 2/);
  const Loose = struct('Inner', [[2, 'b', T.string]]);
  const bytes = encode(Loose, { b: 'x' });
  const r = binaryProtocol.createReader();
  r.reset(bytes);
  r.readMessageBegin();
  throwsProtocol(() => cache.decoder(Inner)(r), ProtocolErrorType.INVALID_DATA, /required field Inner\.a is not set/);
});

interpreted('a forbidden eval falls back to closures by itself', () => {
  const original = globalThis.Function;
  const cache = new CodecCache();
  // What a Content-Security-Policy without 'unsafe-eval' does to new Function.
  globalThis.Function = function () {
    throw new EvalError('Code generation from strings disallowed for this context');
  } as unknown as FunctionConstructor;
  let enc;
  try {
    enc = cache.encoder(All);
  } finally {
    globalThis.Function = original;
  }
  const w = binaryProtocol.createWriter();
  assert.equal([...encodeMessage(w, 'method', MessageType.CALL, 42, enc, sample)], [...encode()]);
});

interpreted.run();
