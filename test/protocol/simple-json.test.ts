/**
 * Reading simple JSON with the schema: names to fields, keys to their types,
 * i64 extremes exact, unknown fields skipped, NaN and infinities in both
 * spellings, typed errors naming the path, bounded nesting, and measure()
 * finding a value's end from input that arrives 1–2 bytes at a time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSimpleJson, load, ProtocolError, ProtocolErrorType, toSimpleJson } from '../../src/index.js';
import { measureSimpleJson, simpleJsonProtocol } from '../../src/protocol/index.js';

const tt = load(new URL('../idl/fixtures/ThriftTest.thrift', import.meta.url).pathname);
const enc = new TextEncoder();

function throwsProtocol(fn: () => unknown, message: string | RegExp, type: number = ProtocolErrorType.INVALID_DATA): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).type, type);
    if (typeof message === 'string') assert.is((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable('expected a ProtocolError');
}

test('i64 extremes survive both ways, never through a double', () => {
  for (const v of [9223372036854775807n, -9223372036854775808n, 9007199254740993n, -9007199254740993n]) {
    const x = new tt.Xtruct({ i64_thing: v });
    const text = toSimpleJson(x);
    assert.is(text, `{"i64_thing":${v}}`);
    assert.is(fromSimpleJson(tt.Xtruct, text).i64_thing, v);
  }
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, '{"i64_thing":9223372036854775808}'), 'Xtruct.i64_thing: i64 out of range: 9223372036854775808');
});

test('field names map to fields; whitespace, unknown fields of any shape and nulls are skipped', () => {
  const x = fromSimpleJson(tt.Xtruct2, ` { "extra" : {"a":[1,{"b":null}],"c":"}"} , "byte_thing": 1,
    "struct_thing": {"string_thing": "s", "unknown": [[[]]], "i32_thing": null}, "i32_thing": 3, "z": -1.5e3, "t": true } `);
  assert.equal(x, new tt.Xtruct2({ byte_thing: 1, struct_thing: new tt.Xtruct({ string_thing: 's' }), i32_thing: 3 }));
});

test('control characters: written \\u00XX (JSON), read raw too (as Python writes them)', () => {
  const x = new tt.Xtruct({ string_thing: '\u0001\n\u001f' });
  assert.is(toSimpleJson(x), '{"string_thing":"\\u0001\\n\\u001f"}');
  assert.is(fromSimpleJson(tt.Xtruct, '{"string_thing":"\u0001\\n\u001f"}').string_thing, '\u0001\n\u001f');
  assert.is(fromSimpleJson(tt.Xtruct, '{"string_thing":"\u0001"}').string_thing, '\u0001');
});

test('map keys come back as their types: enum, i32, binary, double, bool; enum names accepted', () => {
  const ins = fromSimpleJson(tt.Insanity, '{"userMap":{"5":5,"EIGHT":8}}');
  assert.equal([...ins.userMap], [[5, 5n], [8, 8n]]);
  const b = fromSimpleJson(tt.OptionalBinary, '{"bin_map":{"YWI=":1,"YWI":2}}');
  // Binary keys are Uint8Arrays, distinct by identity: padded and unpadded base64 give two equal-byte keys.
  assert.equal([...b.bin_map].map(([k, v]: [Uint8Array, number]) => [[...k], v]), [[[0x61, 0x62], 1], [[0x61, 0x62], 2]]);
  const v = fromSimpleJson(tt.VersioningTestV2, '{"newmap":{"-2":2},"newset":[3,1],"newlist":[]}');
  assert.equal(v.newmap, new Map([[-2, 2]]));
  assert.equal(v.newset, new Set([3, 1]));
});

test('NaN and infinities: written quoted, read quoted and as Python\'s bare words', () => {
  for (const [value, text] of [[NaN, '"NaN"'], [Infinity, '"Infinity"'], [-Infinity, '"-Infinity"']] as const) {
    const json = toSimpleJson(new tt.VersioningTestV2({ newdouble: value }));
    assert.is(json, `{"newdouble":${text}}`);
    JSON.parse(json);
    assert.ok(Object.is(fromSimpleJson(tt.VersioningTestV2, json).newdouble, value));
  }
  assert.ok(Number.isNaN(fromSimpleJson(tt.VersioningTestV2, '{"newdouble":nan}').newdouble));
  assert.is(fromSimpleJson(tt.VersioningTestV2, '{"newdouble":inf}').newdouble, Infinity);
  assert.is(fromSimpleJson(tt.VersioningTestV2, '{"newdouble":-inf}').newdouble, -Infinity);
});

test('a value of the wrong type is a ProtocolError naming its path', () => {
  throwsProtocol(() => fromSimpleJson(tt.Insanity, '{"userMap":{"2":"x"}}'), 'Insanity.userMap[2]: expected i64, got string');
  throwsProtocol(() => fromSimpleJson(tt.Insanity, '{"xtructs":[{},{"byte_thing":300}]}'), 'Insanity.xtructs[1].byte_thing: byte out of range: 300');
  throwsProtocol(() => fromSimpleJson(tt.Xtruct2, '{"struct_thing":[]}'), 'Xtruct2.struct_thing: expected struct Xtruct, got array');
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, '{"i32_thing":1.5}'), 'Xtruct.i32_thing: expected i32, got 1.5');
  throwsProtocol(() => fromSimpleJson(tt.Insanity, '{"userMap":{"x":1}}'), /^Insanity\.userMap\[x\]: /);
  throwsProtocol(() => fromSimpleJson(tt.StructB, '{"ab":{}}'), 'StructB.ab: required field StructA.s is not set');
  throwsProtocol(() => fromSimpleJson(tt.StructB, '{"aa":{"s":"a"}}'), 'StructB: required field StructB.ab is not set');
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, '{"string_thing":"a"} x'), /after the value/);
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, '{"string_thing":"a"'), /expected ',' or '}'/);
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, '{"string_thing":"a\\q"}'), /bad escape/);
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, Uint8Array.of(0x7b, 0xff, 0x7d)), /not valid UTF-8/);
  throwsProtocol(() => fromSimpleJson(tt.CrazyNesting, '{"binary_field":"A"}'), /^CrazyNesting\.binary_field: /);
});

test('nesting is bounded: unknown fields and values alike', () => {
  const deep = '['.repeat(100) + ']'.repeat(100);
  throwsProtocol(() => fromSimpleJson(tt.Xtruct, `{"x":${deep}}`), /nesting deeper than 64/, ProtocolErrorType.DEPTH_LIMIT);
  throwsProtocol(() => fromSimpleJson(tt.NestedListsI32x3, '{"integerlist":[[[]]]}', { maxDepth: 3 }), /nesting deeper than 3/, ProtocolErrorType.DEPTH_LIMIT);
  assert.equal(fromSimpleJson(tt.NestedListsI32x3, '{"integerlist":[[[]]]}', { maxDepth: 4 }).integerlist, [[[]]]);
});

test('struct and container map keys travel as the string of their simple JSON, and read back', () => {
  const key = new Set([1, 2]);
  const crazy = new tt.CrazyNesting({ list_field: [new Map([[key, new Map([[7, new Set([[new Map([[new tt.Insanity({ xtructs: [] }), 's']])]])]])]])] });
  const text = toSimpleJson(crazy);
  assert.is(text, '{"list_field":[{"[1,2]":{"7":[[{"{\\"xtructs\\":[]}":"s"}]]}}]}');
  JSON.parse(text);
  assert.equal(fromSimpleJson(tt.CrazyNesting, text), crazy);
});

test('writing a bad value is a ProtocolError naming the field; the helpers refuse non-classes', () => {
  throwsProtocol(() => toSimpleJson(new tt.Xtruct({ i32_thing: 'x' })), 'Xtruct.i32_thing: expected i32, got string "x"');
  throwsProtocol(() => toSimpleJson(new tt.StructA()), 'required field StructA.s is not set');
  assert.throws(() => toSimpleJson({ s: 'a' }), TypeError);
  assert.throws(() => fromSimpleJson({} as any, '{}'), TypeError);
});

test('the protocol object: no header, schema-less reads refuse', () => {
  assert.is(simpleJsonProtocol.name, 'simple-json');
  const w = simpleJsonProtocol.createWriter();
  w.begin();
  w.writeMessageBegin('add', 1, 0);
  simpleJsonProtocol.codecs.encoder(tt.StructA.schema)(w, new tt.StructA({ s: 'a' }));
  assert.is(new TextDecoder().decode(w.finish()), '{"s":"a"}');
  const r = simpleJsonProtocol.createReader();
  r.reset(enc.encode('{"s":"a"}'));
  throwsProtocol(() => r.readMessageBegin(), /no field ids/, ProtocolErrorType.NOT_IMPLEMENTED);
  r.reset(enc.encode('{"s":"a"}'));
  assert.equal(simpleJsonProtocol.codecs.decoder(tt.StructA.schema)(r), new tt.StructA({ s: 'a' }));
});

test('measure finds each value of a stream fed 1 and 2 bytes at a time', () => {
  const values = [toSimpleJson(new tt.Xtruct2({ struct_thing: new tt.Xtruct({ string_thing: '}{"\\' }) })), ' {"a":[{}]}', '\n{}'];
  const all = enc.encode(values.join(''));
  for (const step of [1, 2]) {
    const found: number[] = [];
    let start = 0;
    for (let end = 0; end <= all.length; end = Math.min(all.length, end + step)) {
      for (;;) {
        const n = measureSimpleJson(all, start, end);
        if (n < 0) break;
        found.push(n);
        start += n;
      }
      if (end === all.length) break;
    }
    assert.equal(found, values.map((v) => enc.encode(v).length));
  }
  throwsProtocol(() => measureSimpleJson(enc.encode('[1]'), 0, 3), /is an object/);
  throwsProtocol(() => measureSimpleJson(enc.encode('{"a":' + '['.repeat(70)), 0, 76), /nesting deeper than 64/, ProtocolErrorType.DEPTH_LIMIT);
});

test.run();
