/**
 * TSimpleJSONProtocol bytes equal python3-thrift's for every ThriftTest struct.
 * The golden text is committed (test/protocol/fixtures/simple-json-golden.json,
 * made by scripts/simple-json-golden.py with Debian's python3-thrift), so this
 * runs without the peer; the values below mirror the script's case by case.
 * Every case also reads back to the value written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSimpleJson, load, toSimpleJson } from '../../src/index.js';

const tt = load(new URL('../idl/fixtures/ThriftTest.thrift', import.meta.url).pathname);
const golden: Record<string, unknown> = JSON.parse(readFileSync(new URL('./fixtures/simple-json-golden.json', import.meta.url), 'utf8'));

const TEXT = 'Zé"\\\n\t\r\b\f/ ✓ 𝄞';
const xtruct = new tt.Xtruct({ string_thing: TEXT, byte_thing: -128, i32_thing: -2147483648, i64_thing: 1152921504606846976n });
const bonk = new tt.Bonk({ message: 'bonk', type: 7 });
const N = tt.Numberz;

/** The script's values, by the same case names. */
const cases: Record<string, object> = {
  'Xtruct': xtruct,
  'Xtruct.i64max': new tt.Xtruct({ string_thing: '', byte_thing: 127, i32_thing: 2147483647, i64_thing: 9223372036854775807n }),
  'Xtruct.i64min': new tt.Xtruct({ i64_thing: -9223372036854775808n }),
  'Xtruct.unset': new tt.Xtruct(),
  'Xtruct2': new tt.Xtruct2({ byte_thing: 1, struct_thing: xtruct, i32_thing: 3 }),
  'Xtruct3': new tt.Xtruct3({ string_thing: 'x', changed: -1, i32_thing: 0, i64_thing: -9007199254740993n }),
  'Insanity': new tt.Insanity({ userMap: new Map([[N.FIVE, 5n], [N.EIGHT, -9223372036854775808n]]), xtructs: [xtruct, new tt.Xtruct({ string_thing: '' })] }),
  'Insanity.empty': new tt.Insanity({ userMap: new Map(), xtructs: [] }),
  'CrazyNesting': new tt.CrazyNesting({ string_field: 'crazy', set_field: new Set([new tt.Insanity()]), list_field: [new Map()], binary_field: Uint8Array.of(0, 1, 0xfe, 0xff) }),
  'Bonk': bonk,
  'Bools': new tt.Bools({ im_true: true, im_false: false }),
  'BoolTest': new tt.BoolTest(),
  'SomeUnion.map': new tt.SomeUnion({ map_thing: new Map([[N.ONE, 1n], [N.TWO, 2n]]) }),
  'SomeUnion.xtruct': new tt.SomeUnion({ xtruct_thing: new tt.Xtruct3({ string_thing: 'u', changed: 1, i32_thing: 2, i64_thing: 3n }) }),
  'Xception': new tt.Xception({ errorCode: 1001, message: 'Xception' }),
  'Xception2': new tt.Xception2({ errorCode: 2002, struct_thing: new tt.Xtruct({ string_thing: 'This is an Xception2' }) }),
  'EmptyStruct': new tt.EmptyStruct(),
  'OneField': new tt.OneField({ field: new tt.EmptyStruct() }),
  'VersioningTestV1': new tt.VersioningTestV1({ begin_in_both: 1, old_string: 'old', end_in_both: 12 }),
  'VersioningTestV2': new tt.VersioningTestV2({
    begin_in_both: 1, newint: 2, newbyte: 3, newshort: -4, newlong: 5n, newdouble: 6.5, newstruct: bonk,
    newlist: [1, 2, 3], newset: new Set([1, 2, 3]), newmap: new Map([[1, -1], [-2, 2]]), newstring: 'new', end_in_both: 12,
  }),
  'ListTypeVersioningV1': new tt.ListTypeVersioningV1({ myints: [0, -1, 2147483647], hello: 'hello' }),
  'ListTypeVersioningV2': new tt.ListTypeVersioningV2({ strings: ['a', '', 'é'], hello: 'hello' }),
  'GuessProtocolStruct': new tt.GuessProtocolStruct({ map_field: new Map([['a', 'b'], ['é', '"']]) }),
  'LargeDeltas': new tt.LargeDeltas({
    b1: new tt.Bools({ im_true: true }), check_true: true, b1000: new tt.Bools(), check_false: false,
    a_set2500: new Set(['set']), big_numbers: [2147483647, -2147483648],
  }),
  'NestedListsI32x2': new tt.NestedListsI32x2({ integerlist: [[1, 2], [], [3]] }),
  'NestedListsI32x3': new tt.NestedListsI32x3({ integerlist: [[[1], []], [[2, 3]]] }),
  'NestedMixedx2': new tt.NestedMixedx2({
    int_set_list: [new Set([1, 2]), new Set()],
    map_int_strset: new Map([[1, new Set(['a'])], [-2, new Set()]]),
    map_int_strset_list: [new Map([[3, new Set(['b'])]]), new Map()],
  }),
  'ListBonks': new tt.ListBonks({ bonk: [bonk, new tt.Bonk()] }),
  'NestedListsBonk': new tt.NestedListsBonk({ bonk: [[[bonk], []], []] }),
  'StructA': new tt.StructA({ s: 'a' }),
  'StructB': new tt.StructB({ aa: new tt.StructA({ s: 'a' }), ab: new tt.StructA({ s: 'b' }) }),
  'OptionalSetDefaultTest': new tt.OptionalSetDefaultTest(),
  'OptionalBinary': new tt.OptionalBinary({ bin_set: new Set([Uint8Array.of(0, 0xff)]), bin_map: new Map([[Uint8Array.of(0x61, 0x62), 1]]) }),
};
const doubles = golden.$doubles as string[];
doubles.forEach((text, i) => {
  cases[`VersioningTestV2.double${i}`] = new tt.VersioningTestV2({ newdouble: Number(text) });
});

test('the fixture covers every case and every ThriftTest struct', () => {
  const names = Object.keys(golden).filter((k) => k !== '$doubles').sort();
  assert.equal(Object.keys(cases).sort(), names);
  const structs = new Set(Object.keys(cases).map((k) => k.split('.')[0]));
  for (const s of ['Bonk', 'Bools', 'Xtruct', 'Xtruct2', 'Xtruct3', 'Insanity', 'CrazyNesting', 'SomeUnion', 'Xception', 'Xception2',
    'EmptyStruct', 'OneField', 'VersioningTestV1', 'VersioningTestV2', 'ListTypeVersioningV1', 'ListTypeVersioningV2',
    'GuessProtocolStruct', 'LargeDeltas', 'NestedListsI32x2', 'NestedListsI32x3', 'NestedMixedx2', 'ListBonks',
    'NestedListsBonk', 'BoolTest', 'StructA', 'StructB', 'OptionalSetDefaultTest', 'OptionalBinary']) {
    assert.ok(structs.has(s), s);
  }
});

for (const [name, value] of Object.entries(cases)) {
  test(`${name}: our bytes equal python3-thrift's, and read back to the value`, () => {
    const text = toSimpleJson(value);
    assert.is(text, golden[name]);
    JSON.parse(text);
    const back = fromSimpleJson(value.constructor as any, text);
    assert.ok(back instanceof (value.constructor as any));
    assert.equal(back, value);
    assert.is(toSimpleJson(back as object), text);
  });
}

/** Whether the Python peer (python3-thrift and the thrift compiler) is installed. */
function hasPythonPeer(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import thrift.protocol.TJSONProtocol'], { stdio: 'ignore' });
    execFileSync('thrift', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (hasPythonPeer()) {
  test('the committed fixture is what python3-thrift writes today', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simple-json-golden-'));
    try {
      const out = join(dir, 'golden.json');
      const script = new URL('../../scripts/simple-json-golden.py', import.meta.url).pathname;
      execFileSync('/usr/bin/python3', [script, new URL('../idl/fixtures/ThriftTest.thrift', import.meta.url).pathname, out], { stdio: 'ignore' });
      assert.equal(JSON.parse(readFileSync(out, 'utf8')), golden);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  console.log('simple-json-golden: python3-thrift or thrift missing, the fixture freshness check is not run (the committed bytes are still checked)');
}

test.run();
