/**
 * Byte-level compatibility: messages written by Apache's Python library (Debian's
 * python3-thrift, code from Debian's thrift compiler), binary and compact, equal
 * ours byte for byte, and ours decode theirs to the same values. Python's bytes are
 * committed (test/fixtures/golden/protocol-python.json, rewritten by `npm run golden`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import { golden } from '../helpers/golden.js';
import * as assert from 'uvu/assert';
import { load } from '../../src/index.js';
import { binaryProtocol, compactProtocol, createBinaryProtocol, encodeMessage, MessageType, type FunctionDesc, type Protocol } from '../../src/protocol/index.js';

const idl = new URL('../fixtures/echo.thrift', import.meta.url).pathname;
const mod = load(idl);
const fns = new Map<string, FunctionDesc>(mod.Echo.functions.map((f: FunctionDesc) => [f.name, f]));

function pythonGolden(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'thrift-golden-'));
  try {
    execFileSync('thrift', ['--gen', 'py', '-out', dir, idl]);
    // A fixed hash seed fixes Python's set order, so the committed bytes can be made again exactly.
    const out = execFileSync('/usr/bin/python3', [new URL('./golden.py', import.meta.url).pathname, dir], { encoding: 'utf8', env: { ...process.env, PYTHONHASHSEED: '0' } });
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const python = golden('protocol-python', 'binary and compact', ['thrift-compiler', 'python3-thrift'], pythonGolden);

const bag = () =>
  new mod.Bag({
    b: true,
    y: -7,
    s16: -300,
    s32: 123456789,
    s64: -9223372036854775808n,
    d: 3.25,
    str: 'héllo ✓',
    bin: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)),
    points: [new mod.Point({ x: 1, y: 2 }), new mod.Point({ x: -1, y: -2, label: 'p', color: mod.Color.BLUE })],
    tags: new Set(['only']),
    index: new Map([['k', [1, 2, 3]]]),
    byId: new Map([[7, new mod.Point({ x: 7, y: 7 })]]),
    nested: [[1n, 2n], [], [3n]],
    origin: new mod.Point({ x: 0, y: 0 }),
  });

/** [case, function, message type, seqid, body as positional struct fields, protocol] */
const cases: [string, string, number, number, 'args' | 'result', unknown[], Protocol][] = [
  ['echoBag_call', 'echoBag', MessageType.CALL, 1, 'args', [bag()], binaryProtocol],
  ['echoBag_reply', 'echoBag', MessageType.REPLY, 2, 'result', [bag()], binaryProtocol],
  ['add_call_nonstrict', 'add', MessageType.CALL, 3, 'args', [-5, 2n ** 40n], createBinaryProtocol({ strictWrite: false })],
  ['find_notfound_reply', 'find', MessageType.REPLY, 4, 'result', [undefined, new mod.NotFound({ message: 'gone', code: 404 }), undefined], binaryProtocol],
  ['ping_call', 'ping', MessageType.CALL, 2147483647, 'args', [], binaryProtocol],
  ['notify_oneway', 'notify', MessageType.ONEWAY, 5, 'args', ['e'], binaryProtocol],
  ['compact:echoBag_call', 'echoBag', MessageType.CALL, 1, 'args', [bag()], compactProtocol],
  ['compact:echoBag_reply', 'echoBag', MessageType.REPLY, 2, 'result', [bag()], compactProtocol],
  ['compact:add_call', 'add', MessageType.CALL, 3, 'args', [-5, 2n ** 40n], compactProtocol],
  ['compact:find_notfound_reply', 'find', MessageType.REPLY, 4, 'result', [undefined, new mod.NotFound({ message: 'gone', code: 404 }), undefined], compactProtocol],
  ['compact:ping_call', 'ping', MessageType.CALL, 2147483647, 'args', [], compactProtocol],
  ['compact:notify_oneway', 'notify', MessageType.ONEWAY, 5, 'args', ['e'], compactProtocol],
  ['compact:echoBool_false', 'echoBool', MessageType.CALL, 6, 'args', [false], compactProtocol],
  ['compact:echoI64_min', 'echoI64', MessageType.CALL, 7, 'args', [-(2n ** 63n)], compactProtocol],
  ['compact:echoI64_max', 'echoI64', MessageType.CALL, 8, 'args', [2n ** 63n - 1n], compactProtocol],
  ['compact:echoList_long', 'echoList', MessageType.CALL, 9, 'args', [Array.from({ length: 40 }, (_, i) => i - 20)], compactProtocol],
  ['compact:echoString_long', 'echoString', MessageType.CALL, 10, 'args', ['é'.repeat(300)], compactProtocol],
];

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

for (const [name, fnName, type, seqid, part, body, protocol] of cases) {
  const fn = fns.get(fnName)!;
  const desc = part === 'args' ? fn.args : fn.result;

  test(`${name}: our bytes equal the Python peer's`, () => {
    const ours = encodeMessage(protocol.createWriter(), fnName, type, seqid, protocol.codecs.argsCodec(desc).encode, body);
    assert.is(hex(ours), python[name]);
  });

  test(`${name}: we decode the Python peer's bytes to the same values`, () => {
    const r = (name.startsWith('compact:') ? compactProtocol : binaryProtocol).createReader();
    r.reset(new Uint8Array(Buffer.from(python[name], 'hex')));
    assert.equal(r.readMessageBegin(), { name: fnName, type, seqid });
    const decoded = binaryProtocol.codecs.argsCodec(desc).decode(r);
    assert.equal(decoded, body);
  });
}

test.run();
