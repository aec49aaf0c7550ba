/**
 * TJSONProtocol against Apache's Node library (npm `thrift`, code from Debian's
 * `thrift --gen js:node`): calls Apache's client writes decode with our reader,
 * and calls we write go through Apache's processor, whose replies we decode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load, ProtocolError } from '../../src/index.js';
import { encodeMessage, jsonProtocol, MessageType, type FunctionDesc } from '../../src/protocol/index.js';
import { needs } from '../helpers/peers.js';

needs('thrift-compiler', "json apache node: TJSONProtocol against Apache's Node library (code from thrift --gen js:node)");

const idl = fileURLToPath(new URL('../fixtures/echo.thrift', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(repoRoot, 'package.json'));
const mod = load(idl);
const fns = new Map<string, FunctionDesc>(mod.Echo.functions.map((f: FunctionDesc) => [f.name, f]));

const genDir = mkdtempSync(join(tmpdir(), 'thrift-json-node-'));
process.once('exit', () => rmSync(genDir, { recursive: true, force: true }));
execFileSync('thrift', ['--gen', 'js:node', '-out', genDir, idl], { stdio: ['ignore', 'ignore', 'ignore'] });
// The generated files require('thrift') from the temp dir: link it to this repo's copy (the same module instance).
if (!existsSync(join(genDir, 'node_modules'))) symlinkSync(join(repoRoot, 'node_modules'), join(genDir, 'node_modules'), 'dir');

const thrift = require('thrift');
const Int64 = require('node-int64');
const Echo = require(join(genDir, 'Echo.js'));
const types = require(join(genDir, 'echo_types.js'));

/** The bytes Apache's Node client writes for one call. */
function apacheCall(method: string, ...args: unknown[]): Uint8Array {
  let out: Buffer | undefined;
  const trans = new thrift.TBufferedTransport(undefined, (msg: Buffer) => (out = msg));
  const client = new Echo.Client(trans, thrift.TJSONProtocol);
  // A callback keeps the 0.17-generated client off its promise path (thrift.Q is gone from 0.24).
  client[method](...args, () => {});
  return new Uint8Array(out!);
}

/** Feeds our call bytes to Apache's Node processor with an echoing handler; returns its reply and what the handler got. */
function apacheEcho(bytes: Uint8Array): { reply: Uint8Array; received: unknown } {
  let received: unknown;
  const echo = (v: unknown, cb: (e: unknown, r: unknown) => void) => {
    received = v;
    cb(null, v);
  };
  const handler = new Proxy({}, { get: () => echo });
  const input = new thrift.TBufferedTransport();
  input.inBuf = Buffer.from(bytes);
  input.writeCursor = bytes.length;
  let out: Buffer | undefined;
  const output = new thrift.TBufferedTransport(undefined, (msg: Buffer) => (out = msg));
  new Echo.Processor(handler).process(new thrift.TJSONProtocol(input), new thrift.TJSONProtocol(output));
  return { reply: new Uint8Array(out!), received };
}

function decodeCall(bytes: Uint8Array, part: 'args' | 'result') {
  const r = jsonProtocol.createReader();
  r.reset(bytes);
  const header = r.readMessageBegin();
  const fn = fns.get(header.name)!;
  const body = jsonProtocol.codecs.argsCodec(part === 'args' ? fn.args : fn.result).decode(r);
  assert.is(r.remaining(), 0);
  assert.is(jsonProtocol.measure(bytes, 0, bytes.length), bytes.length);
  return { header, body };
}

function ourCall(fnName: string, seqid: number, args: unknown[]): Uint8Array {
  const codec = jsonProtocol.codecs.argsCodec(fns.get(fnName)!.args);
  return encodeMessage(jsonProtocol.createWriter(), fnName, MessageType.CALL, seqid, codec.encode, args).slice();
}

const ourBag = () =>
  new mod.Bag({
    b: false,
    y: 127,
    s16: -300,
    s32: -2147483648,
    s64: -(2n ** 63n),
    d: -0.1,
    str: 'héllo ✓ 𝄞 "quoted" \\ / \n\t',
    bin: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)),
    points: [new mod.Point({ x: 1, y: 2 }), new mod.Point({ x: -1, y: -2, label: 'p', color: mod.Color.BLUE })],
    tags: new Set(['only']),
    index: new Map([['k', [1, 2, 3]], ['empty', []]]),
    byId: new Map([[7, new mod.Point({ x: 7, y: 7 })], [-1, new mod.Point({ x: 0, y: 0 })]]),
    nested: [[1n, 2n ** 63n - 1n], [], [3n]],
    origin: new mod.Point({ x: 0, y: 0 }),
  });

const apacheBag = () =>
  new types.Bag({
    b: false,
    y: 127,
    s16: -300,
    s32: -2147483648,
    s64: new Int64('8000000000000000'),
    d: -0.1,
    str: 'héllo ✓ 𝄞 "quoted" \\ / \n\t',
    bin: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    points: [new types.Point({ x: 1, y: 2 }), new types.Point({ x: -1, y: -2, label: 'p', color: types.Color.BLUE })],
    tags: ['only'],
    index: { k: [1, 2, 3], empty: [] },
    byId: { 7: new types.Point({ x: 7, y: 7 }), [-1]: new types.Point({ x: 0, y: 0 }) },
    nested: [[new Int64(1), new Int64('7fffffffffffffff')], [], [new Int64(3)]],
    origin: new types.Point({ x: 0, y: 0 }),
  });

/** [function, Apache's argument, ours] for calls both sides can write. */
const calls: [string, unknown, unknown][] = [
  ['echoBool', true, true],
  ['echoByte', -128, -128],
  ['echoI16', 32767, 32767],
  ['echoI32', -2147483648, -2147483648],
  ['echoI64', new Int64('7fffffffffffffff'), 2n ** 63n - 1n],
  ['echoI64', new Int64('8000000000000000'), -(2n ** 63n)],
  ['echoI64', new Int64(-1), -1n],
  ['echoDouble', 0.1, 0.1],
  ['echoDouble', 1e-300, 1e-300],
  ['echoDouble', 1.7976931348623157e308, 1.7976931348623157e308],
  ['echoString', '', ''],
  ['echoString', 'ünïcödé ✓ 𝄞 中文 "\\/\b\f\n\r\t', 'ünïcödé ✓ 𝄞 中文 "\\/\b\f\n\r\t'],
  ['echoBinary', Buffer.from([0, 255, 1]), new Uint8Array([0, 255, 1])],
  ['echoList', [], []],
  ['echoList', [1, -2, 3], [1, -2, 3]],
  ['echoSet', ['a', 'b'], new Set(['a', 'b'])],
  ['echoMap', { one: 1, two: 2 }, new Map([['one', 1], ['two', 2]])],
  ['echoEnum', types.Color.BLUE, mod.Color.BLUE],
  ['echoPoint', new types.Point({ x: 1, y: 2, label: 'l' }), new mod.Point({ x: 1, y: 2, label: 'l' })],
  ['echoBag', apacheBag(), ourBag()],
];

calls.forEach(([fnName, theirs, ours], i) => {
  test(`${fnName} #${i}: we decode Apache's Node call to the same value`, () => {
    const { header, body } = decodeCall(apacheCall(fnName, theirs), 'args');
    assert.equal(header, { name: fnName, type: MessageType.CALL, seqid: 1 });
    assert.equal(body, [ours]);
  });

  test(`${fnName} #${i}: Apache's Node processor reads our call, and we read its reply`, () => {
    const { reply } = apacheEcho(ourCall(fnName, 9, [ours]));
    const { header, body } = decodeCall(reply, 'result');
    assert.equal(header, { name: fnName, type: MessageType.REPLY, seqid: 9 });
    assert.equal(body[0], ours);
  });
});

test("Apache's Node processor reads NaN, the infinities and -0 as we write them", () => {
  for (const v of [NaN, Infinity, -Infinity, -0]) {
    const { received } = apacheEcho(ourCall('echoDouble', 1, [v]));
    assert.ok(Object.is(received, v), `${v}: Apache got ${String(received)}`);
  }
});

test("Apache's Node peer writes NaN and the infinities as bare words, which are not JSON: we refuse them", () => {
  for (const v of [NaN, Infinity, -Infinity]) {
    const bytes = apacheCall('echoDouble', v);
    assert.match(Buffer.from(bytes).toString(), new RegExp(`"dbl":${String(v)}}`));
    assert.throws(() => decodeCall(bytes, 'args'), (e: unknown) => e instanceof ProtocolError);
  }
});

test.run();
