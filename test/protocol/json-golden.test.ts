/**
 * TJSONProtocol byte-level compatibility with Apache's Python library (Debian's
 * python3-thrift, code from Debian's thrift compiler): our bytes equal Python's,
 * we decode Python's bytes to the same values, and Python reads what we write.
 * Python's bytes are committed (test/fixtures/golden/protocol-python-json.json,
 * rewritten by `npm run golden`); only the last check needs the live peer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import { golden } from '../helpers/golden.js';
import { has } from '../helpers/peers.js';
import * as assert from 'uvu/assert';
import { AppErrorType, load, ThriftAppError } from '../../src/index.js';
import { jsonProtocol } from '../../src/protocol/json.js';
import { encodeAppError, encodeMessage, MessageType, type FunctionDesc } from '../../src/protocol/index.js';

const idl = new URL('../fixtures/echo.thrift', import.meta.url).pathname;
const script = new URL('./json-golden.py', import.meta.url).pathname;
const mod = load(idl);
const fns = new Map<string, FunctionDesc>(mod.Echo.functions.map((f: FunctionDesc) => [f.name, f]));

const live = has(['thrift-compiler', 'python3-thrift'], 'json golden: Python reads what we write');
let genDir: string | undefined;

function python(args: string[], input?: string): string {
  if (genDir === undefined) {
    const dir = (genDir = mkdtempSync(join(tmpdir(), 'thrift-json-golden-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFileSync('thrift', ['--gen', 'py', '-out', dir, idl], { stdio: ['ignore', 'ignore', 'ignore'] });
  }
  // A fixed hash seed fixes Python's set order, so the committed bytes can be made again exactly.
  return execFileSync('/usr/bin/python3', [script, genDir, ...args], { encoding: 'utf8', input, env: { ...process.env, PYTHONHASHSEED: '0' } });
}

const pythonBytes: Record<string, string> = golden('protocol-python-json', 'json', ['thrift-compiler', 'python3-thrift'], () => JSON.parse(python([])));

const bag = () =>
  new mod.Bag({
    b: true,
    y: -7,
    s16: -300,
    s32: 123456789,
    s64: -9223372036854775808n,
    d: 3.25,
    str: 'héllo ✓ 𝄞',
    bin: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)),
    points: [new mod.Point({ x: 1, y: 2 }), new mod.Point({ x: -1, y: -2, label: 'p', color: mod.Color.BLUE })],
    tags: new Set(['only']),
    index: new Map([['k', [1, 2, 3]], ['empty', []]]),
    byId: new Map([[7, new mod.Point({ x: 7, y: 7 })], [-1, new mod.Point({ x: 0, y: 0 })]]),
    nested: [[1n, 2n], [], [3n]],
    origin: new mod.Point({ x: 0, y: 0 }),
  });

/** [case, function, message type, seqid, args or result, body as positional fields] */
const cases: [string, string, number, number, 'args' | 'result', unknown[]][] = [
  ['echoBag_call', 'echoBag', MessageType.CALL, 1, 'args', [bag()]],
  ['echoBag_reply', 'echoBag', MessageType.REPLY, 2, 'result', [bag()]],
  ['add_call', 'add', MessageType.CALL, 3, 'args', [-5, 2n ** 40n]],
  ['find_notfound_reply', 'find', MessageType.REPLY, 4, 'result', [undefined, new mod.NotFound({ message: 'gone', code: 404 }), undefined]],
  ['ping_call', 'ping', MessageType.CALL, 2147483647, 'args', []],
  ['notify_oneway', 'notify', MessageType.ONEWAY, 5, 'args', ['e']],
  ['echoBool_false', 'echoBool', MessageType.CALL, 7, 'args', [false]],
  ['echoByte_min', 'echoByte', MessageType.CALL, 8, 'args', [-128]],
  ['echoI16_min', 'echoI16', MessageType.CALL, 9, 'args', [-32768]],
  ['echoI32_min', 'echoI32', MessageType.CALL, -2147483648, 'args', [-2147483648]],
  ['echoI64_min', 'echoI64', MessageType.CALL, 10, 'args', [-(2n ** 63n)]],
  ['echoI64_max', 'echoI64', MessageType.CALL, 11, 'args', [2n ** 63n - 1n]],
  ['echoI64_2p53', 'echoI64', MessageType.CALL, 12, 'args', [2n ** 53n + 1n]],
  ['echoDouble_exact', 'echoDouble', MessageType.CALL, 13, 'args', [-0.5]],
  ['echoDouble_zero', 'echoDouble', MessageType.CALL, 14, 'args', [0]],
  ['echoDouble_neg_zero', 'echoDouble', MessageType.CALL, 15, 'args', [-0]],
  ['echoDouble_int', 'echoDouble', MessageType.CALL, 16, 'args', [1024]],
  ['echoString_empty', 'echoString', MessageType.CALL, 17, 'args', ['']],
  ['echoString_escapes', 'echoString', MessageType.CALL, 18, 'args', ['"\\/\b\f\n\r\t end']],
  ['echoString_unicode', 'echoString', MessageType.CALL, 19, 'args', ['é中文 𝄞 😀 \x7f']],
  ['echoString_long', 'echoString', MessageType.CALL, 20, 'args', ['é'.repeat(300)]],
  ['echoBinary_empty', 'echoBinary', MessageType.CALL, 21, 'args', [new Uint8Array(0)]],
  ['echoBinary_one', 'echoBinary', MessageType.CALL, 22, 'args', [new Uint8Array([0xff])]],
  ['echoBinary_two', 'echoBinary', MessageType.CALL, 23, 'args', [new Uint8Array([0, 0xfe])]],
  ['echoList_long', 'echoList', MessageType.CALL, 24, 'args', [Array.from({ length: 40 }, (_, i) => i - 20)]],
  ['echoList_empty', 'echoList', MessageType.CALL, 25, 'args', [[]]],
  ['echoMap', 'echoMap', MessageType.CALL, 26, 'args', [new Map([['one', 1], ['two', 2], ['', -3]])]],
  ['echoEnum', 'echoEnum', MessageType.CALL, 27, 'args', [mod.Color.BLUE]],
  ['echoPoint_label', 'echoPoint', MessageType.CALL, 28, 'args', [new mod.Point({ x: 1, y: 2, label: 'l' })]],
];

/** Cases Python writes differently (17-digit doubles, raw control characters, hash-ordered sets): decoded only. */
const decodeOnly: [string, string, number, unknown][] = [
  ['decode:echoDouble_tenth', 'echoDouble', 30, 0.1],
  ['decode:echoDouble_tiny', 'echoDouble', 31, 1e-300],
  ['decode:echoDouble_max', 'echoDouble', 32, 1.7976931348623157e308],
  ['decode:echoDouble_denormal', 'echoDouble', 33, 5e-324],
  ['decode:echoDouble_big', 'echoDouble', 34, 1e21],
  ['decode:echoDouble_third', 'echoDouble', 35, 1 / 3],
  ['decode:echoString_controls', 'echoString', 36, '\x00\x01\x1f\x7f'],
  ['decode:echoSet', 'echoSet', 37, new Set(['a', 'b', 'c', 'd'])],
];

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const text = (h: string) => Buffer.from(h, 'hex').toString('utf8');

function encode(fnName: string, type: number, seqid: number, part: 'args' | 'result', body: unknown[]): Uint8Array {
  const fn = fns.get(fnName)!;
  const codec = jsonProtocol.codecs.argsCodec(part === 'args' ? fn.args : fn.result);
  return encodeMessage(jsonProtocol.createWriter(), fnName, type, seqid, codec.encode, body);
}

function decode(h: string, fnName: string, part: 'args' | 'result') {
  const fn = fns.get(fnName)!;
  const r = jsonProtocol.createReader();
  const bytes = new Uint8Array(Buffer.from(h, 'hex'));
  r.reset(bytes);
  const header = r.readMessageBegin();
  const body = jsonProtocol.codecs.argsCodec(part === 'args' ? fn.args : fn.result).decode(r);
  assert.is(r.remaining(), 0, 'the whole message is consumed');
  assert.is(jsonProtocol.measure(bytes, 0, bytes.length), bytes.length, 'measure finds the whole message');
  return { header, body };
}

for (const [name, fnName, type, seqid, part, body] of cases) {
  test(`${name}: our bytes equal the Python peer's`, () => {
    assert.is(text(hex(encode(fnName, type, seqid, part, body))), text(pythonBytes[name]));
  });

  test(`${name}: we decode the Python peer's bytes to the same values`, () => {
    const { header, body: decoded } = decode(pythonBytes[name], fnName, part);
    assert.equal(header, { name: fnName, type, seqid });
    assert.equal(decoded, body);
    if (fnName === 'echoDouble') assert.ok(Object.is(decoded[0], body[0]), 'the sign of zero survives');
  });
}

for (const [name, fnName, seqid, value] of decodeOnly) {
  test(`${name}: we decode the Python peer's bytes to the same value`, () => {
    const { header, body } = decode(pythonBytes[name], fnName, 'args');
    assert.equal(header, { name: fnName, type: MessageType.CALL, seqid });
    assert.equal(body, [value]);
  });
}

test('app_exception: our TApplicationException equals the Python peer\'s', () => {
  const w = jsonProtocol.createWriter();
  const ours = encodeAppError(jsonProtocol, w, 'nope', 6, new ThriftAppError(AppErrorType.UNKNOWN_METHOD, 'Unknown function nope'));
  assert.is(text(hex(ours)), text(pythonBytes.app_exception));
});

if (live) test('Python reads what we write where our bytes differ from its own, and gets the same values', () => {
  const ours: [string, unknown][] = [
    ['echoDouble', 0.1],
    ['echoDouble', 5e-324],
    ['echoDouble', 1.7976931348623157e308],
    ['echoDouble', -1e-300],
    ['echoDouble', 123456789.123],
    ['echoString', '\x00\x01\x1f\x7f "\\ 𝄞'],
    ['echoSet', new Set(['x', 'y', 'z'])],
    ['echoBag', bag()],
    ['echoMap', new Map([['a', 1]])],
  ];
  const sent = ours.map(([fnName, v], i) => hex(encode(fnName, MessageType.CALL, 100 + i, 'args', [v])));
  const back: string[] = JSON.parse(python(['reencode'], JSON.stringify(sent)));
  assert.is(back.length, ours.length);
  back.forEach((h, i) => {
    const [fnName, v] = ours[i];
    const { header, body } = decode(h, fnName, 'args');
    assert.equal(header, { name: fnName, type: MessageType.CALL, seqid: 100 + i });
    assert.equal(body, [v]);
  });
});

test.run();
