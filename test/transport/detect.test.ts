/**
 * The detection table (docs/detection.md): first bytes → framing and protocol,
 * or a refusal naming what was seen. Every case is also fed one byte at a time:
 * no decision is made before its bytes are there, and it is the same after.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, WireMismatchError } from '../../src/errors.js';
import { binaryProtocol, compactProtocol, jsonProtocol, encodeMessage, MessageType } from '../../src/protocol/index.js';
import { detectWire, DETECT_WINDOW, type Detection } from '../../src/transport/index.js';

const MAX = 16_384_000;
const ascii = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));

function message(protocol: typeof binaryProtocol): Uint8Array {
  return encodeMessage(protocol.createWriter(), 'ping', MessageType.CALL, 1, () => {}, []).slice();
}
function framed(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}
// An old non-strict binary call: i32 name length, name, type CALL, i32 seqid, then the empty args struct.
const nonStrict = hex('00000004 70696e67 01 00000001 00');

const TABLE: [string, Uint8Array, string][] = [
  ['buffered strict binary', message(binaryProtocol), 'buffered binary'],
  ['buffered compact', message(compactProtocol), 'buffered compact'],
  ['buffered JSON', message(jsonProtocol), 'buffered json'],
  ['buffered old non-strict binary', nonStrict, 'buffered binary (old non-strict)'],
  ['framed strict binary', framed(message(binaryProtocol)), 'framed binary'],
  ['framed compact', framed(message(compactProtocol)), 'framed compact'],
  ['framed JSON', framed(message(jsonProtocol)), 'framed json'],
  ['framed old non-strict binary', framed(nonStrict), 'framed binary (old non-strict)'],
  ['THeader', hex('00000012 0fff 0000 00000001 0001 00000000 80010001'), 'THeader'],
];

function decideByteByByte(bytes: Uint8Array, max = MAX): { at: number; d: Detection } {
  for (let n = 1; n <= bytes.length; n++) {
    const d = detectWire(bytes.subarray(0, n), max);
    if (d !== undefined) return { at: n, d };
  }
  throw new Error(`no decision after all ${bytes.length} bytes`);
}

for (const [name, bytes, what] of TABLE) {
  test(`${name} is recognised as ${what}`, () => {
    const whole = detectWire(bytes, MAX);
    assert.is(whole?.kind?.what, what);
    const { at, d } = decideByteByByte(bytes);
    assert.is(d.kind?.what, what, `byte by byte (decided at ${at})`);
    assert.ok(at <= DETECT_WINDOW);
  });
}

const REFUSED: [string, Uint8Array, RegExp, string][] = [
  ['an HTTP POST', ascii('POST /thrift HTTP/1.1\r\nHost: x\r\n\r\n'), /^an HTTP request \("POST \/thrift HTTP\/1\.1"\) on a Thrift socket port; use an HTTP client/, 'an HTTP request'],
  ['an HTTP GET', ascii('GET / HTTP/1.1\r\n'), /^an HTTP request \("GET \/ HTTP\/1\.1"\)/, 'an HTTP request'],
  ['an HTTP/2 preface', ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), /^an HTTP request \("PRI \* HTTP\/2\.0"\)/, 'an HTTP request'],
  ['a TLS ClientHello', hex('16 0301 00f1 01 0000ed 0303'), /^a TLS handshake \(0x16 0x03 0x01 …\) on a plain Thrift port; connect without TLS, or give the server tls options$/, 'a TLS handshake'],
  ['a bad binary version', hex('8009 0001 deadbeef'), /^bytes that match no Thrift transport or protocol \(0x80 0x09/, 'unknown bytes 0x80 0x09 0x00 0x01 0xde 0xad 0xbe 0xef'],
  ['upper-case text that is no HTTP method', ascii('HELLO world'), /match no Thrift transport/, 'unknown bytes 0x48 0x45 0x4c 0x4c 0x4f 0x20 0x77 0x6f …'],
  ['a negative length', hex('ffffff fe 0000'), /match no Thrift transport/, 'unknown bytes 0xff 0xff 0xff 0xfe 0x00 0x00'],
  ['a frame of unknown content', hex('00000010 1234 5678'), /match no Thrift transport/, 'unknown bytes 0x00 0x00 0x00 0x10 0x12 0x34 0x56 0x78'],
];

for (const [name, bytes, message, received] of REFUSED) {
  test(`${name} is refused with a WireMismatchError naming it`, () => {
    const d = detectWire(bytes, MAX)!;
    assert.instance(d.error, WireMismatchError);
    assert.match(d.error!.message, message);
    assert.is((d.error as WireMismatchError).received, received);
    assert.is((d.error as WireMismatchError).expected, 'a Thrift message');
    // Byte by byte, the same refusal comes as soon as it is certain (quoting fewer bytes).
    const early = decideByteByByte(bytes).d;
    assert.instance(early.error, WireMismatchError);
    assert.is((early.error as WireMismatchError).received.split(' ')[0], received.split(' ')[0]);
  });
}

test('a recognised frame longer than maxMessageSize is refused with FrameTooLargeError', () => {
  const bytes = hex('00001001 80010001');
  const { d } = decideByteByByte(bytes, 4096);
  assert.instance(d.error, FrameTooLargeError);
  assert.is((d.error as FrameTooLargeError).size, 4097);
  assert.is(detectWire(bytes, 4097)?.kind?.what, 'framed binary');
});

test('nothing is decided on too few bytes', () => {
  for (const prefix of ['80', '82', '5b', '16', '000000', '00000010', '0000001000', '50 4f 53']) {
    assert.is(detectWire(hex(prefix), MAX), undefined, prefix);
  }
});

test.run();
