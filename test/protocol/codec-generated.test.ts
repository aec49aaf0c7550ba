/**
 * The generated struct codecs (src/protocol/codec.ts) at the edges the wire tests leave alone:
 * the exact words of every refusal, 31 and 32 required fields (bit mask, then a Set), a Set
 * given for a list, sets nested in sets, the `interpret` option and the fallback when
 * `new Function` is forbidden (a CSP page): the same bytes as the generated codecs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, ThriftAppError } from '../../src/errors.js';
import { binaryProtocol, CodecCache, type StructDesc } from '../../src/protocol/index.js';
import { struct, T, type F } from '../helpers/schema.js';

/** Encodes `value` as `desc` with `cache` (default: generated codecs) and gives the bytes. */
function encode(desc: StructDesc, value: unknown, cache = new CodecCache()): Uint8Array {
  const w = binaryProtocol.createWriter();
  w.begin?.();
  cache.encoder(desc)(w, value);
  return w.finish().slice();
}

function decode(desc: StructDesc, bytes: Uint8Array, cache = new CodecCache()): any {
  const r = binaryProtocol.createReader();
  r.reset(bytes);
  return cache.decoder(desc)(r);
}

function refusal(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

const Inner = struct('Inner', [[1, 'n', T.i32]]);
const Outer = struct('Outer', [
  [1, 'inner', T.struct(Inner)],
  [2, 'list', T.list(T.i32)],
  [3, 'set', T.set(T.string)],
  [4, 'map', T.map(T.string, T.i64)],
  [5, 'sets', T.set(T.set(T.list(T.i32)))],
]);

test('refusals name the struct, the field and what was given, with the cause kept', () => {
  assert.is(refusal(() => encode(Outer, 7)).message, 'expected struct Outer, got number 7');
  assert.is(refusal(() => encode(Outer, { map: [1] })).message, 'Outer.map: expected map (Map or plain object), got array of 1');
  assert.is(refusal(() => encode(Outer, { set: 'x' })).message, 'Outer.set: expected set (Set or Array), got string "x"');
  // A Set where a list is declared is refused, not written as the set it is.
  assert.is(refusal(() => encode(Outer, { list: new Set([1]) })).message, 'Outer.list: expected list (Array), got Set');
  const nested = refusal(() => encode(Outer, { inner: { n: 'x' } }));
  assert.is(nested.message, 'Outer.inner: Inner.n: expected i32, got string "x"');
  assert.instance(nested, ProtocolError);
  // A ThriftError from below passes as it is; anything else is wrapped with the field named and kept as cause.
  const app = new ThriftAppError(1, 'from below');
  const Thrower = struct('Thrower', [[1, 'x', T.i32]]);
  const boom = new RangeError('odd');
  assert.is(refusal(() => encode(Thrower, { get x() { throw app; } })), app);
  const wrapped = refusal(() => encode(Thrower, { get x() { throw boom; } }));
  assert.is(wrapped.message, 'Thrower.x: odd');
  assert.is(wrapped.cause, boom);
  // A ProtocolError from below is renamed with the field, its type and cause kept.
  const deep = refusal(() => encode(Thrower, { get x() { throw new ProtocolError('deep', 4, { cause: boom }); } }));
  assert.equal([deep.message, (deep as ProtocolError).type, deep.cause], ['Thrower.x: deep', 4, boom]);
});

test('a container of the wrong wire type is refused naming the element or entry types', () => {
  const asStrings = struct('Outer', [[2, 'list', T.list(T.string)], [4, 'map', T.map(T.i32, T.i64)]]);
  const bytes = encode(asStrings, { list: ['a'] });
  assert.is(refusal(() => decode(Outer, bytes)).message, 'list element: expected wire type 8, got 11');
  const mapBytes = encode(asStrings, { map: new Map([[1, 2n]]) });
  // Expected and got are keyType * 256 + valueType: string (11) and i64 (10) declared, i32 (8) and i64 sent.
  assert.is(refusal(() => decode(Outer, mapBytes)).message, `map entry: expected wire type ${11 * 256 + 10}, got ${8 * 256 + 10}`);
});

test('sets nested in sets of lists round-trip (loop variables per depth)', () => {
  const value = { sets: new Set([new Set([[1, 2], [3]]), new Set([[4]])]) };
  const back = decode(Outer, encode(Outer, value));
  assert.equal([...back.sets].map((s: Set<number[]>) => [...s]), [[[1, 2], [3]], [[4]]]);
});

/** A struct with `n` required i32 fields f1..fn. */
const required = (n: number): StructDesc => struct(`R${n}`, Array.from({ length: n }, (_, i): F => [i + 1, `f${i + 1}`, T.i32, 'required']));

for (const n of [30, 31, 32, 40]) {
  test(`${n} required fields: all present decode; each one missing is named (${n <= 31 ? 'a bit mask' : 'a Set'} tracks them)`, () => {
    const desc = required(n);
    const all = Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i + 1}`, i]));
    assert.equal(decode(desc, encode(desc, all)).f1, 0);
    const Partial = struct(`R${n}`, Array.from({ length: n }, (_, i): F => [i + 1, `f${i + 1}`, T.i32]));
    for (const missing of [1, n - 1, n]) {
      const bytes = encode(Partial, { ...all, [`f${missing}`]: undefined });
      assert.is(refusal(() => decode(desc, bytes)).message, `required field R${n}.f${missing} is not set`, `f${missing} of ${n}`);
    }
    // The same field twice does not count as two: one missing is still found.
    const Twice = struct(`R${n}`, [...Array.from({ length: n - 1 }, (_, i): F => [i + 1, `f${i + 1}`, T.i32]), [1, 'again', T.i32]]);
    const twice = encode(Twice, { ...all, again: 5 });
    assert.is(refusal(() => decode(desc, twice)).message, `required field R${n}.f${n} is not set`);
  });
}

test('interpret: true gives the generated codecs\' bytes and values; a forbidden new Function falls back to it', () => {
  const value = { inner: { n: 1 }, list: [1, 2], set: new Set(['a']), map: new Map([['k', 3n]]), sets: new Set([new Set([[9]])]) };
  const generated = encode(Outer, value);
  assert.equal(encode(Outer, value, new CodecCache({ interpret: true })), generated);
  assert.equal(decode(Outer, generated, new CodecCache({ interpret: true })).map, new Map([['k', 3n]]));
  // A Content-Security-Policy without 'unsafe-eval' makes new Function throw an EvalError.
  const original = globalThis.Function;
  let tried = 0;
  globalThis.Function = function () {
    tried++;
    throw new EvalError('Code generation from strings disallowed');
  } as unknown as FunctionConstructor;
  try {
    const csp = new CodecCache();
    assert.equal(encode(Outer, value, csp), generated);
    const first = tried;
    assert.ok(first > 0, 'generation was tried');
    encode(struct('Other', [[1, 'y', T.i32]]), { y: 1 }, csp);
    assert.is(tried, first, 'and not tried again for another struct once refused');
  } finally {
    globalThis.Function = original;
  }
  // Other errors from new Function are not taken for a CSP.
  globalThis.Function = function () {
    throw new TypeError('broken');
  } as unknown as FunctionConstructor;
  try {
    assert.is(refusal(() => encode(Inner, { n: 1 })).message, 'broken');
  } finally {
    globalThis.Function = original;
  }
});

test.run();
