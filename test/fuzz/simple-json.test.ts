/**
 * Property tests of simple JSON over echo.thrift's Bag (every base type, lists,
 * sets, maps with string and i32 keys, nested structs): our output is always
 * JSON (JSON.parse accepts it) and reads back to the same value; and any text,
 * mutated or random, only ever raises ProtocolError. Runs per property: FUZZ_RUNS (default 300).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSimpleJson, load, toSimpleJson } from '../../src/index.js';
import { assertTyped, RUNS } from './wire.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

const i32 = fc.integer({ min: -2147483648, max: 2147483647 });
const point = fc
  .record({ x: i32, y: i32, label: fc.option(fc.string(), { nil: undefined }), color: fc.constantFrom(1, 2, 10) })
  .map((p) => new mod.Point(p));
const bag = fc
  .record(
    {
      b: fc.boolean(),
      y: fc.integer({ min: -128, max: 127 }),
      s16: fc.integer({ min: -32768, max: 32767 }),
      s32: i32,
      s64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      d: fc.double(),
      str: fc.string({ unit: 'binary' }),
      bin: fc.uint8Array({ maxLength: 40 }),
      points: fc.array(point, { maxLength: 4 }),
      tags: fc.array(fc.string(), { maxLength: 4 }).map((a) => new Set(a)),
      index: fc.array(fc.tuple(fc.string(), fc.array(i32, { maxLength: 4 })), { maxLength: 4 }).map((e) => new Map(e)),
      byId: fc.array(fc.tuple(i32, point), { maxLength: 4 }).map((e) => new Map(e)),
      nested: fc.array(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 3 }), { maxLength: 3 }),
      origin: point,
    },
    { requiredKeys: [] },
  )
  .map((init) => new mod.Bag(init));

test('our simple JSON is JSON, and reads back to the value written', () => {
  fc.assert(
    fc.property(bag, (value) => {
      const text = toSimpleJson(value);
      JSON.parse(text);
      const back = fromSimpleJson(mod.Bag, text);
      // Text equality covers NaN, which deep equality cannot.
      assert.is(toSimpleJson(back), text);
      if (!Number.isNaN(value.d)) assert.equal(back, value);
    }),
    { numRuns: RUNS },
  );
});

test('mutated and random text only ever raises ProtocolError', () => {
  const mutated = fc.tuple(bag, fc.nat(), fc.string({ maxLength: 3 })).map(([value, at, insert]) => {
    const text = toSimpleJson(value);
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + (at % 3));
  });
  fc.assert(
    fc.property(fc.oneof(mutated, fc.string(), fc.json()), (text) => {
      try {
        fromSimpleJson(mod.Bag, text);
      } catch (e) {
        assertTyped(e, text);
      }
    }),
    { numRuns: RUNS },
  );
});

test.run();
