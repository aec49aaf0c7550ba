import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, ProtocolErrorType } from '../../src/errors.js';
import { encodeMessage, jsonProtocol, MessageType, resolveProtocol, TType, type StructDesc } from '../../src/protocol/index.js';
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
  [14, 'nested', T.list(T.list(T.list(T.i64)))],
  [15, 'byI64', T.map(T.i64, T.double)],
  [16, 'byDouble', T.map(T.double, T.bool)],
  [17, 'byBool', T.map(T.bool, T.byte)],
  [18, 'byBin', T.map(T.binary, T.uuid)],
  [19, 'byList', T.map(T.list(T.i16), T.set(T.i32))],
  [20, 'byStruct', T.map(T.struct(Inner), T.map(T.i32, T.string))],
  [21, 'structs', T.list(T.struct(Inner))],
]);

const bytes256 = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));

const sample = () => ({
  b: true,
  y: -128,
  s16: -32768,
  s32: 2147483647,
  s64: -9223372036854775808n,
  d: -0.5,
  str: 'héllo wörld ✓ 𝄞 "q" \\ / \b\f\n\r\t \x00\x01\x1f\x7f 中文 😀',
  bin: bytes256,
  u: '00112233-4455-6677-8899-aabbccddeeff',
  l: [1, -1, 0, 2147483647, -2147483648],
  st: new Set(['x', 'y', '']),
  m: new Map([['k', [{ a: 1, b: 'one' }, { a: -2, b: undefined }]], ['empty', []]]),
  inner: { a: 7, b: undefined },
  neg: 5,
  nested: [[[1n, 2n ** 63n - 1n], []], [], [[-(2n ** 63n)]]],
  byI64: new Map([[2n ** 63n - 1n, NaN], [-(2n ** 63n), Infinity], [0n, -Infinity], [-1n, -0], [1n, 1e-300], [2n, 5e-324], [3n, 1.7976931348623157e308], [4n, 0.1]]),
  byDouble: new Map([[NaN, true], [Infinity, false], [-Infinity, true], [-0.25, false], [1e21, true]]),
  byBool: new Map([[true, 1], [false, -1]]),
  byBin: new Map([[new Uint8Array([1, 2, 3]), 'ffffffff-ffff-ffff-ffff-ffffffffffff'], [new Uint8Array(0), '00000000-0000-0000-0000-000000000000']]),
  byList: new Map([[[1, -2], new Set([3])], [[], new Set<number>()]]),
  byStruct: new Map([[{ a: 1, b: 'k' }, new Map([[1, 'one'], [-7, '']])]]),
  structs: [{ a: 1, b: 'x' }, { a: 2, b: undefined }],
});

const utf8 = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function encode(desc: StructDesc = All, value: unknown = sample(), name = 'method', seqid = 42): Uint8Array {
  return encodeMessage(jsonProtocol.createWriter(), name, MessageType.CALL, seqid, jsonProtocol.codecs.encoder(desc), value).slice();
}

function decode(bytes: Uint8Array | string, desc: StructDesc = All, limits?: { maxDepth?: number }) {
  const r = jsonProtocol.createReader(limits);
  r.reset(typeof bytes === 'string' ? utf8.encode(bytes) : bytes);
  const header = r.readMessageBegin();
  const value = jsonProtocol.codecs.decoder(desc)(r);
  return { header, value, remaining: r.remaining() };
}

function protocolError(fn: () => unknown, type?: number): ProtocolError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new assert.Assertion({ message: `expected ProtocolError, got ${String(e)}`, operator: 'throws', expects: 'ProtocolError', actual: e });
    if (type !== undefined) assert.is(e.type, type, `error type of "${e.message}"`);
    return e;
  }
  assert.unreachable('expected a ProtocolError');
  throw new Error('unreachable');
}

const codec = suite('json codec');

codec("is registered as protocol: 'json'", () => {
  assert.is(resolveProtocol('json'), jsonProtocol);
  assert.is(jsonProtocol.name, 'json');
});

codec('every base type and container round-trips, edge values included', () => {
  const { header, value, remaining } = decode(encode());
  assert.equal(header, { name: 'method', type: MessageType.CALL, seqid: 42 });
  assert.equal(value, sample());
  assert.is(remaining, 0);
  const byI64 = (value as ReturnType<typeof sample>).byI64;
  assert.ok(Object.is(byI64.get(-1n), -0), 'negative zero keeps its sign');
  assert.ok(Number.isNaN(byI64.get(2n ** 63n - 1n)));
});

codec('writes the layout Apache defines: message array, field objects keyed by id, typed wrappers', () => {
  const S = struct('S', [[1, 'x', T.i32], [2, 'l', T.list(T.string)], [3, 'm', T.map(T.i32, T.bool)], [4, 'e', T.set(T.i64)], [5, 'p', T.struct(Inner)]]);
  const out = text(encode(S, { x: -1, l: ['a', 'b'], m: new Map([[1, true], [-2, false]]), e: new Set(), p: { a: 3 } }));
  assert.is(
    out,
    '[1,"method",1,42,{"1":{"i32":-1},"2":{"lst":["str",2,"a","b"]},"3":{"map":["i32","tf",2,{"1":1,"-2":0}]},"4":{"set":["i64",0]},"5":{"rec":{"1":{"i32":3}}}}]',
  );
});

codec('escapes strings as Java does: \\" \\\\ \\b \\t \\n \\f \\r, other controls as \\u00XX, the rest raw', () => {
  const S = struct('S', [[1, 's', T.string]]);
  const out = text(encode(S, { s: '"\\/\b\t\n\f\r\x00\x1f\x7f é𝄞' }));
  assert.is(out, '[1,"method",1,42,{"1":{"str":"\\"\\\\/\\b\\t\\n\\f\\r\\u0000\\u001f\x7f é𝄞"}}]');
});

codec('doubles: special values as strings, negative zero as -0, shortest round-trip digits', () => {
  const S = struct('S', [[1, 'l', T.list(T.double)]]);
  const out = text(encode(S, { l: [NaN, Infinity, -Infinity, -0, 0.1, 1e21, 1e-7, 2 ** 53, 1.5] }));
  assert.is(out, '[1,"method",1,42,{"1":{"lst":["dbl",9,"NaN","Infinity","-Infinity",-0,0.1,1e+21,1e-7,9007199254740992,1.5]}}]');
});

codec('i64 travels as an exact JSON number, quoted as a map key', () => {
  const S = struct('S', [[1, 'm', T.map(T.i64, T.i64)]]);
  const out = text(encode(S, { m: new Map<bigint, bigint | number>([[2n ** 63n - 1n, -(2n ** 63n)], [9007199254740993n, 123]]) }));
  assert.is(out, '[1,"method",1,42,{"1":{"map":["i64","i64",2,{"9223372036854775807":-9223372036854775808,"9007199254740993":123}]}}]');
  assert.equal(decode(out, S).value.m, new Map([[2n ** 63n - 1n, -(2n ** 63n)], [9007199254740993n, 123n]]));
});

codec('binary is padded base64 and every byte value survives', () => {
  const S = struct('S', [[1, 'l', T.list(T.binary)]]);
  const list = [new Uint8Array(0), new Uint8Array([0xff]), new Uint8Array([0, 0xfe]), new Uint8Array([1, 2, 3]), bytes256];
  const out = text(encode(S, { l: list }));
  assert.ok(out.startsWith('[1,"method",1,42,{"1":{"lst":["str",5,"","/w==","AP4=","AQID","AAECAwQF'), out.slice(0, 80));
  assert.equal(decode(out, S).value, { l: list });
});

codec('reads base64 with or without padding, and with escaped slashes', () => {
  const S = struct('S', [[1, 'l', T.list(T.binary)]]);
  const { value } = decode('[1,"m",1,0,{"1":{"lst":["str",4,"/w","AP4","\\/w==","AQID"]}}]', S);
  assert.equal(value, { l: [new Uint8Array([0xff]), new Uint8Array([0, 0xfe]), new Uint8Array([0xff]), new Uint8Array([1, 2, 3])] });
});

codec('reads every JSON escape, surrogate pairs included, and upper-case hex', () => {
  const S = struct('S', [[1, 's', T.string]]);
  const { value } = decode('[1,"m",1,0,{"1":{"str":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u4E2D\\ud834\\udd1e\\uD83D\\uDE00"}}]', S);
  assert.is(value.s, '"\\/\b\f\n\r\tAé中𝄞😀');
});

codec('long strings and binaries full of escapes round-trip (the unescape buffer grows mid-string)', () => {
  const S = struct('S', [[1, 's', T.list(T.string)], [2, 'b', T.binary]]);
  const s = ['"\\\n\x01é𝄞/'.repeat(5000), ']}"'.repeat(1000), 'x'.repeat(300) + '"'];
  assert.equal(decode(encode(S, { s, b: bytes256 }), S).value, { s, b: bytes256 });
  const slashed = '[1,"m",1,0,{"2":{"str":"' + Buffer.from(new Uint8Array(3000).fill(0xff)).toString('base64').replace(/\//g, '\\/') + '"}}]';
  assert.equal(decode(slashed, S).value.b, new Uint8Array(3000).fill(0xff));
});

codec('accepts whitespace between tokens and raw control characters in strings', () => {
  const S = struct('S', [[1, 's', T.string], [2, 'm', T.map(T.i32, T.list(T.double))]]);
  const pretty = ' \n[ 1 , "m" ,\t1 , 0 ,\r\n { "1" : { "str" : "a\x01\tb" } ,\n "2" : { "map" : [ "i32" , "lst" , 1 , { "5" : [ "dbl" , 2 , 1.5 , "NaN" ] } ] } } ]';
  const { value } = decode(pretty, S);
  assert.equal(value, { s: 'a\x01\tb', m: new Map([[5, [1.5, NaN]]]) });
  const bytes = utf8.encode(pretty + '[1');
  assert.is(jsonProtocol.measure(bytes, 0, bytes.length), bytes.length - 2);
});

codec('integers may carry leading zeros, as Apache\'s Node peer writes some negative i64 values', () => {
  const S = struct('S', [[1, 'w', T.i64], [2, 'i', T.i32], [3, 'l', T.list(T.i64)]]);
  const { value } = decode('[1,"m",1,0,{"1":{"i64":-000000000001},"2":{"i32":007},"3":{"lst":["i64",2,-0000000000000000000009223372036854775808,00]}}]', S);
  assert.equal(value, { w: -1n, i: 7, l: [-(2n ** 63n), 0n] });
});

codec('parses doubles exactly: fast path and long forms agree with JavaScript', () => {
  const S = struct('S', [[1, 'd', T.double]]);
  const inputs = ['0', '-0', '0.1', '0.10000000000000001', '1e-300', '1E+21', '4.9406564584124654e-324', '1.7976931348623157e+308', '123456789012345678901234567890', '0.000001', '9007199254740993', '1e400', '-1e-400', '3.14159265358979323846', '12.5e-1', '100e-2'];
  for (const s of inputs) {
    const v = decode(`[1,"m",1,0,{"1":{"dbl":${s}}}]`, S).value.d;
    assert.ok(Object.is(v, Number(s)), `${s}: got ${v}, want ${Number(s)}`);
  }
});

codec('a writer is reusable after an encoding error in the middle of a container', () => {
  const S = struct('S', [[1, 'l', T.list(T.list(T.i32))]]);
  const w = jsonProtocol.createWriter();
  const enc = jsonProtocol.codecs.encoder(S);
  assert.throws(() => encodeMessage(w, 'm', MessageType.CALL, 1, enc, { l: [[1], [2, 'x']] }), (e: unknown) => e instanceof ProtocolError);
  const first = encodeMessage(w, 'm', MessageType.CALL, 2, enc, { l: [[1]] });
  const copy = first.slice();
  const second = encodeMessage(w, 'm', MessageType.CALL, 3, enc, { l: [] });
  assert.is(text(first), '[1,"m",1,2,{"1":{"lst":["lst",1,["i32",1,1]]}}]');
  assert.is(text(second), '[1,"m",1,3,{"1":{"lst":["lst",0]}}]');
  assert.equal([...first], [...copy], 'a finished message is never rewritten');
});

codec('the writer rejects values that do not fit their type', () => {
  const cases: [StructDesc, unknown][] = [
    [struct('S', [[1, 'x', T.i32]]), { x: 2 ** 31 }],
    [struct('S', [[1, 'x', T.byte]]), { x: 128 }],
    [struct('S', [[1, 'x', T.i64]]), { x: 2n ** 63n }],
    [struct('S', [[1, 'x', T.i64]]), { x: 2 ** 60 }],
    [struct('S', [[1, 'x', T.uuid]]), { x: 'not-a-uuid' }],
    [struct('S', [[1, 'x', T.double]]), { x: '1' }],
    [struct('S', [[1, 'x', T.bool]]), { x: 1 }],
  ];
  for (const [desc, value] of cases) protocolError(() => encode(desc, value));
});

const skipping = suite('json skip');

skipping('unknown fields of every type are skipped, wherever they stand', () => {
  const Narrow = struct('Narrow', [[4, 's32', T.i32], [21, 'structs', T.list(T.struct(Inner))]]);
  const { value, remaining } = decode(encode(), Narrow);
  assert.equal(value, { s32: 2147483647, structs: [{ a: 1, b: 'x' }, { a: 2, b: undefined }] });
  assert.is(remaining, 0);
  const Empty = struct('Empty', []);
  assert.equal(decode(encode(), Empty).value, {});
});

skipping('a field whose wire type differs from the IDL is skipped, not misread', () => {
  const Wide = struct('Wide', [[1, 'x', T.string], [2, 'y', T.map(T.string, T.double)]]);
  const Narrow = struct('Narrow', [[1, 'x', T.i32], [2, 'y', T.list(T.double)], [3, 'z', T.i32]]);
  const { value } = decode(encode(Wide, { x: '5', y: new Map([['NaN', NaN]]) }), Narrow);
  assert.equal(value, { x: undefined, y: undefined, z: undefined });
});

skipping('skip() walks each wire type by itself', () => {
  const bodies: [number, string][] = [
    [TType.BOOL, '1'],
    [TType.BYTE, '-128'],
    [TType.I16, '32767'],
    [TType.I32, '-2147483648'],
    [TType.I64, '-9223372036854775808'],
    [TType.DOUBLE, '"-Infinity"'],
    [TType.STRING, '"a\\"\\u00e9\\ud834\\udd1e"'],
    [TType.UUID, '"00112233-4455-6677-8899-AABBCCDDEEFF"'],
    [TType.STRUCT, '{"1":{"rec":{}},"2":{"lst":["map",1,["i32","str",1,{"1":"x"}]]}}'],
    [TType.LIST, '["set",2,["dbl",1,1.5],["dbl",0]]'],
    [TType.SET, '["uid",0]'],
    [TType.MAP, '["dbl","rec",2,{"NaN":{},"-0.5":{"1":{"tf":0}}}]'],
  ];
  for (const [t, body] of bodies) {
    const r = jsonProtocol.createReader();
    r.reset(utf8.encode(`["i32",2,${body},7]`));
    assert.is(r.readListBegin(), 2);
    r.skip(t);
    assert.is(r.readI32(), 7, `after skipping ${body}`);
    r.readListEnd();
    assert.is(r.remaining(), 0);
  }
});

const malformed = suite('json malformed input');

const good = encode();

malformed('every truncation is a ProtocolError, and measure() waits for it', () => {
  for (let n = 0; n < good.length; n++) {
    const cut = good.subarray(0, n);
    protocolError(() => decode(cut));
    assert.is(jsonProtocol.measure(cut, 0, cut.length), -1, `measure of a ${n}-byte prefix`);
  }
  assert.is(jsonProtocol.measure(good, 0, good.length), good.length);
});

malformed('measure() finds each message in a stream of several, at any offset', () => {
  const a = encode(Inner, { a: 1, b: 'x]"}' }, 'one', 1);
  const b = encode(All, sample(), 'two', 2);
  const stream = new Uint8Array(a.length + b.length + 3);
  stream.set(a, 0);
  stream.set(b, a.length);
  stream.set(utf8.encode('[1,'), a.length + b.length);
  assert.is(jsonProtocol.measure(stream, 0, stream.length), a.length);
  assert.is(jsonProtocol.measure(stream, a.length, stream.length), b.length);
  assert.is(jsonProtocol.measure(stream, a.length + b.length, stream.length), -1);
  for (let end = a.length; end < a.length + b.length; end++) assert.is(jsonProtocol.measure(stream, a.length, end), -1);
});

malformed('bad tokens, wrong types and out-of-range numbers are ProtocolErrors', () => {
  const S = struct('S', [
    [1, 'i', T.i32], [2, 'y', T.byte], [3, 'b', T.bool], [4, 's', T.string], [5, 'd', T.double], [6, 'l', T.list(T.i32)],
    [7, 'm', T.map(T.i32, T.string)], [8, 'x', T.binary], [9, 'u', T.uuid], [10, 'w', T.i64], [11, 'h', T.i16], [12, 'st', T.struct(Inner)],
  ]);
  const bad = [
    '{"1":{"i32":1}}',
    '[2,"m",1,0,{}]',
    '["1","m",1,0,{}]',
    '[1,m,1,0,{}]',
    '[1,"m",1,0,[]]',
    '[1,"m",1,0,{}}',
    '[1,"m",1,0,{},]',
    '[1,"m",1.5,0,{}]',
    '[1,"m",1,2147483648,{}]',
    '[1,"m",1,0,{1:{"i32":1}}]',
    '[1,"m",1,0,{"x":{"i32":1}}]',
    '[1,"m",1,0,{"40000":{"i32":1}}]',
    '[1,"m",1,0,{"1":{"i33":1}}]',
    '[1,"m",1,0,{"1":{"i32x":1}}]',
    '[1,"m",1,0,{"1":{"":1}}]',
    '[1,"m",1,0,{"1":{"i32":1,"i32":2}}]',
    '[1,"m",1,0,{"1":{"i32":1}"2":{"i32":1}}]',
    '[1,"m",1,0,{"1":{"i32":"1"}}]',
    '[1,"m",1,0,{"1":{"i32":-}}]',
    '[1,"m",1,0,{"1":{"i32":+1}}]',
    '[1,"m",1,0,{"1":{"i32":1e3}}]',
    '[1,"m",1,0,{"1":{"i32":2147483648}}]',
    '[1,"m",1,0,{"1":{"i32":99999999999999999999}}]',
    '[1,"m",1,0,{"1":{"i32":true}}]',
    '[1,"m",1,0,{"2":{"i8":128}}]',
    '[1,"m",1,0,{"2":{"i8":-129}}]',
    '[1,"m",1,0,{"11":{"i16":32768}}]',
    '[1,"m",1,0,{"3":{"tf":2}}]',
    '[1,"m",1,0,{"3":{"tf":true}}]',
    '[1,"m",1,0,{"4":{"str":"\\x"}}]',
    '[1,"m",1,0,{"4":{"str":"\\u12"}}]',
    '[1,"m",1,0,{"4":{"str":"\\u12g4"}}]',
    '[1,"m",1,0,{"4":{"str":"\\udc00"}}]',
    '[1,"m",1,0,{"4":{"str":"\\ud800"}}]',
    '[1,"m",1,0,{"4":{"str":"\\ud800\\u0041"}}]',
    '[1,"m",1,0,{"4":{"str":5}}]',
    '[1,"m",1,0,{"5":{"dbl":"1.5"}}]',
    '[1,"m",1,0,{"5":{"dbl":"nan"}}]',
    '[1,"m",1,0,{"5":{"dbl":NaN}}]',
    '[1,"m",1,0,{"5":{"dbl":.5}}]',
    '[1,"m",1,0,{"5":{"dbl":1.}}]',
    '[1,"m",1,0,{"5":{"dbl":1e}}]',
    '[1,"m",1,0,{"5":{"dbl":00.5}}]',
    '[1,"m",1,0,{"6":{"lst":["i32",2,1]}}]',
    '[1,"m",1,0,{"6":{"lst":["i32",1,1,2]}}]',
    '[1,"m",1,0,{"6":{"lst":["i32",-1]}}]',
    '[1,"m",1,0,{"6":{"lst":["i32",2147483647,1]}}]',
    '[1,"m",1,0,{"6":{"lst":["i32" 0]}}]',
    '[1,"m",1,0,{"6":{"lst":["xyz",0]}}]',
    '[1,"m",1,0,{"6":{"lst":["i32",1,"1"]}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",1,{1:"a"}]}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",1,{"1":"a","2":"b"}]}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",1,{"1","a"}]}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",1,{"a":"a"}]}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",0,{}}}]',
    '[1,"m",1,0,{"7":{"map":["i32","str",1000000,{"1":"a"}]}}]',
    '[1,"m",1,0,{"8":{"str":"A"}}]',
    '[1,"m",1,0,{"8":{"str":"A*=="}}]',
    '[1,"m",1,0,{"8":{"str":"A=A="}}]',
    '[1,"m",1,0,{"9":{"uid":"0011223344556677-8899-aabbccddeeff"}}]',
    '[1,"m",1,0,{"10":{"i64":9223372036854775808}}]',
    '[1,"m",1,0,{"10":{"i64":-9223372036854775809}}]',
    '[1,"m",1,0,{"10":{"i64":12345678901234567890}}]',
    '[1,"m",1,0,{"10":{"i64":1.0}}]',
    '[1,"m",1,0,{"12":{"rec":{"2":{"str":"x"}}}}]',
    '[1,"m",1,0,{"12":{"rec":{"1":{"i32":1}}}]',
    '[1,"m",1,0,{"99":{"foo":1}}]',
    '[1,"m",1,0,{"99":{"str":"\\q"}}]',
    '[1,"m",1,0,{"99":{"lst":["i32",1,"x"]}}]',
    '[1,"m",1,0,{"99":{"map":["str","i32",1,{"a":"b"}]}}]',
  ];
  for (const input of bad) {
    const bytes = utf8.encode(input);
    protocolError(() => decode(bytes, S));
    // measure() must not mistake a bad message for a complete one unless its structure really ends there.
    try {
      const n = jsonProtocol.measure(bytes, 0, bytes.length);
      assert.ok(n === -1 || (n > 0 && n <= bytes.length), `${input}: measure returned ${n}`);
    } catch (e) {
      assert.instance(e, ProtocolError, `${input}: ${String(e)}`);
    }
  }
});

malformed('error types: bad version, negative size, size limit, depth limit', () => {
  const S = struct('S', [[1, 'l', T.list(T.i32)]]);
  protocolError(() => decode('[2,"m",1,0,{}]', S), ProtocolErrorType.BAD_VERSION);
  protocolError(() => decode('[1,"m",1,0,{"1":{"lst":["i32",-1]}}]', S), ProtocolErrorType.NEGATIVE_SIZE);
  protocolError(() => decode('[1,"m",1,0,{"1":{"lst":["i32",2147483647,1]}}]', S), ProtocolErrorType.SIZE_LIMIT);
  const deep = '[1,"m",1,0,{"1":{"lst":' + '["lst",1,'.repeat(100) + '["i32",0]' + ']'.repeat(100) + '}}]';
  protocolError(() => decode(deep, struct('S', [])), ProtocolErrorType.DEPTH_LIMIT);
  protocolError(() => jsonProtocol.measure(utf8.encode(deep), 0, deep.length), ProtocolErrorType.DEPTH_LIMIT);
  const deepStructs = '[1,"m",1,0,' + '{"1":{"rec":'.repeat(70) + '{}' + '}}'.repeat(70) + ']';
  protocolError(() => decode(deepStructs, struct('S', [])), ProtocolErrorType.DEPTH_LIMIT);
  assert.equal(decode(deepStructs, struct('S', []), { maxDepth: 80 }).value, {});
});

malformed('a huge announced count is refused before anything is allocated for it', () => {
  const S = struct('S', [[1, 'm', T.map(T.string, T.string)]]);
  const e = protocolError(() => decode('[1,"m",1,0,{"1":{"map":["str","str",2147483647,{}]}}]', S), ProtocolErrorType.SIZE_LIMIT);
  assert.match(e.message, /2147483647/);
  assert.is(jsonProtocol.measure(utf8.encode('[1,"m",1,0,{"1":{"map":["str","str",2147483647,{'), 0, 44), -1);
});

malformed('randomly corrupted messages only ever fail with ProtocolError', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = utf8.encode('[]{}",:0123456789-.eE\\u"NaIfty tfi8i16i32i64dblstrlstsetmaprecuid/+= \x00\xff');
  for (let i = 0; i < 3000; i++) {
    const bytes = good.slice();
    const edits = 1 + rand(3);
    for (let k = 0; k < edits; k++) bytes[rand(bytes.length)] = alphabet[rand(alphabet.length)];
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
    }
    try {
      const n = jsonProtocol.measure(bytes, 0, bytes.length);
      assert.ok(n === -1 || (n > 0 && n <= bytes.length));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
    }
  }
});

codec.run();
skipping.run();
malformed.run();
