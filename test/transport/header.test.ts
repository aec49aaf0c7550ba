/**
 * THeader frames (apache/thrift doc/specs/HeaderFormat.md) against golden bytes
 * written by Debian's python3-thrift (test/fixtures/header/make-golden.py), frames
 * reassembled from 1–2-byte chunks, and every limit with its typed error.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, FrameTooLargeError, ProtocolError, ProtocolErrorType, ThriftAppError } from '../../src/errors.js';
import { FrameDecoder, HeaderCodec, HeaderProtocolId, HeaderTransformId } from '../../src/transport/index.js';
import { nodeZlibCodec } from '../../src/node/index.js';

const zlibCodec = nodeZlibCodec;

interface Golden {
  name: string;
  protocol: 'binary' | 'compact';
  seqid: number;
  zlib: boolean;
  headers: Record<string, string>;
  message: string;
  frame: string;
}

const golden: Golden[] = JSON.parse(readFileSync(new URL('../fixtures/header/golden.json', import.meta.url), 'utf8'));
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const idOf = (p: Golden['protocol']) => (p === 'binary' ? HeaderProtocolId.BINARY : HeaderProtocolId.COMPACT);

function withLength(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

test('the golden set covers both protocols, info headers and zlib', () => {
  assert.ok(golden.length >= 5);
  assert.ok(golden.some((g) => g.zlib) && golden.some((g) => !g.zlib));
  assert.ok(golden.some((g) => g.protocol === 'compact') && golden.some((g) => Object.keys(g.headers).length > 1));
});

for (const g of golden) {
  test(`decodes python3-thrift's frame: ${g.name}`, () => {
    const frame = hex(g.frame);
    const length = new DataView(frame.buffer).getInt32(0);
    assert.is(length, frame.length - 4, 'the length prefix counts the rest');
    const decoded = new HeaderCodec({ zlibCodec }).decode(frame.subarray(4));
    assert.is(decoded.seqid, g.seqid);
    assert.is(decoded.flags, 0);
    assert.is(decoded.protocolId, idOf(g.protocol));
    assert.equal(decoded.transforms, g.zlib ? [HeaderTransformId.ZLIB] : []);
    assert.equal(decoded.headers, g.headers);
    assert.is(toHex(decoded.payload), g.message);
  });

  test(`encodes what python3-thrift writes: ${g.name}`, () => {
    const ours = new HeaderCodec({ zlibCodec }).encode(hex(g.message), {
      flags: 0,
      seqid: g.seqid,
      protocolId: idOf(g.protocol),
      transforms: g.zlib ? [HeaderTransformId.ZLIB] : [],
      headers: g.headers,
    });
    if (!g.zlib) {
      assert.is(toHex(withLength(ours)), g.frame);
      return;
    }
    // Node bundles its own zlib, whose deflate output differs from Debian's libz in the bytes
    // (not the meaning): the header must match byte for byte, the payload after inflating.
    const theirs = hex(g.frame).subarray(4);
    const headerEnd = 10 + ((theirs[8] << 8) | theirs[9]) * 4;
    assert.is(toHex(ours.subarray(0, headerEnd)), toHex(theirs.subarray(0, headerEnd)));
    assert.is(toHex(new HeaderCodec({ zlibCodec }).decode(ours).payload), g.message);
  });
}

test('frames split into 1- and 2-byte chunks are reassembled and decode the same', () => {
  const stream = Buffer.concat(golden.map((g) => hex(g.frame)));
  const frames: Uint8Array[] = [];
  const decoder = new FrameDecoder();
  for (let i = 0, step = 1; i < stream.length; i += step, step = step === 1 ? 2 : 1) {
    decoder.transform(stream.subarray(i, Math.min(i + step, stream.length)), { enqueue: (f) => frames.push(f.slice()) });
  }
  decoder.flush();
  assert.is(frames.length, golden.length);
  const codec = new HeaderCodec({ zlibCodec });
  frames.forEach((f, i) => {
    const d = codec.decode(f);
    assert.is(toHex(d.payload), golden[i].message);
    assert.equal(d.headers, golden[i].headers);
  });
});

/** A frame body: fixed header with `words` header words, then `header` bytes (padded) and `payload`. */
function body(header: number[], payload: number[] = [], words?: number): Uint8Array {
  const padded = [...header];
  while (padded.length % 4 !== 0) padded.push(0);
  const w = words ?? padded.length / 4;
  return Uint8Array.from([0x0f, 0xff, 0, 0, 0, 0, 0, 1, w >> 8, w & 0xff, ...padded, ...payload]);
}

function throwsWith(fn: () => unknown, check: (e: unknown) => boolean, what: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(check(e), `${what}: got ${String(e)}`);
    return;
  }
  assert.unreachable(`${what}: nothing thrown`);
}

test('a header past maxHeaderSize is refused before it is read (SIZE_LIMIT)', () => {
  const frame = body([0, 0], [], 0x100);
  throwsWith(() => new HeaderCodec({ maxHeaderSize: 512 }).decode(frame), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.SIZE_LIMIT && /1024 bytes exceeds maxHeaderSize 512/.test((e as Error).message), 'big header');
});

test('a header of exactly maxHeaderSize bytes is read; 4 bytes more (one header word) is refused', () => {
  const exact = [0, 0, ...new Array(510).fill(0)];
  assert.equal([...new HeaderCodec({ maxHeaderSize: 512 }).decode(body(exact, [7])).payload], [7]);
  throwsWith(() => new HeaderCodec({ maxHeaderSize: 512 }).decode(body([...exact, 0, 0, 0, 0], [7])), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.SIZE_LIMIT && /516 bytes exceeds maxHeaderSize 512/.test((e as Error).message), 'one word more');
});

test('the default maxHeaderSize is 65,536 bytes: exactly that is read, one word more refused', () => {
  const exact = [0, 0, ...new Array(65_534).fill(0)];
  assert.equal([...new HeaderCodec().decode(body(exact, [7])).payload], [7]);
  throwsWith(() => new HeaderCodec().decode(body([...exact, 0, 0, 0, 0], [7])), (e) => e instanceof ProtocolError && /65540 bytes exceeds maxHeaderSize 65536/.test((e as Error).message), 'one word more');
});

test('writing a header of exactly maxHeaderSize bytes succeeds; one byte more (padded to a word more) fails', () => {
  const meta = (value: string) => ({ flags: 0, seqid: 1, protocolId: 0, transforms: [], headers: { k: value } });
  // protocol id, transform count, info id, key count, key length, 'k', a 2-byte value length: 8 bytes.
  const frame = new HeaderCodec({ maxHeaderSize: 1024 }).encode(new Uint8Array(1), meta('v'.repeat(1016)));
  assert.is(((frame[8] << 8) | frame[9]) * 4, 1024, 'the header is exactly 1024 bytes');
  throwsWith(() => new HeaderCodec({ maxHeaderSize: 1024 }).encode(new Uint8Array(1), meta('v'.repeat(1017))), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.SIZE_LIMIT && /1028 bytes exceeds maxHeaderSize 1024/.test((e as Error).message), 'one byte more');
});

test('a header size larger than the frame is refused', () => {
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(body([0, 0], [], 4)), (e) => e instanceof ProtocolError && /larger than its/.test((e as Error).message), 'short frame');
});

test('more info headers than maxHeaders are refused', () => {
  const header = [0, 0, 1, 3, 1, 0x61, 0, 1, 0x62, 0, 1, 0x63, 0];
  throwsWith(() => new HeaderCodec({ maxHeaders: 2 }).decode(body(header)), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.SIZE_LIMIT, 'too many');
  assert.equal(new HeaderCodec({ maxHeaders: 3 }).decode(body(header)).headers, { a: '', b: '', c: '' });
});

test('an info string running past the header, and a truncated varint, are ProtocolErrors', () => {
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(body([0, 0, 1, 1, 50, 0x61])), (e) => e instanceof ProtocolError && /runs past the header/.test((e as Error).message), 'long string');
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(body([0x80, 0x80, 0x80, 0x80])), (e) => e instanceof ProtocolError, 'varint');
});

test('an unknown transform is an INVALID_TRANSFORM application error (the server answers it)', () => {
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(body([0, 1, 3])), (e) => e instanceof ThriftAppError && e.type === AppErrorType.INVALID_TRANSFORM, 'snappy');
});

test('unknown info ids end the info list; padding is skipped', () => {
  const d = new HeaderCodec({ zlibCodec }).decode(body([0, 0, 1, 1, 1, 0x6b, 1, 0x76, 9, 0xaa], [0x80, 1]));
  assert.equal(d.headers, { k: 'v' });
  assert.equal([...d.payload], [0x80, 1]);
});

test('a zlib payload inflating past maxMessageSize is refused (FrameTooLargeError)', () => {
  const bomb = deflateSync(new Uint8Array(100_000));
  const frame = body([0, 1, 1], [...bomb]);
  throwsWith(() => new HeaderCodec({ maxMessageSize: 10_000, zlibCodec }).decode(frame), (e) => e instanceof FrameTooLargeError && e.limit === 10_000, 'bomb');
  assert.is(new HeaderCodec({ zlibCodec }).decode(frame).payload.length, 100_000);
});

test('a bad magic and a frame shorter than its fixed header are ProtocolErrors', () => {
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(Uint8Array.from([0x0f, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0])), (e) => e instanceof ProtocolError && /magic 0x0ffe/.test((e as Error).message), 'magic');
  throwsWith(() => new HeaderCodec({ zlibCodec }).decode(Uint8Array.from([0x0f, 0xff, 0])), (e) => e instanceof ProtocolError, 'short');
});

test('writing info headers past maxHeaderSize fails before anything is sent', () => {
  const headers = { big: 'x'.repeat(2000) };
  throwsWith(() => new HeaderCodec({ maxHeaderSize: 1024 }).encode(new Uint8Array(1), { flags: 0, seqid: 1, protocolId: 0, transforms: [], headers }), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.SIZE_LIMIT, 'encode');
});

test('without a zlib codec a zlib frame is an INVALID_TRANSFORM error', () => {
  const frame = hex(golden.find((g) => g.zlib)!.frame).subarray(4);
  throwsWith(() => new HeaderCodec().decode(frame), (e) => e instanceof ThriftAppError && e.type === AppErrorType.INVALID_TRANSFORM && /pass zlibCodec/.test((e as Error).message), 'no codec');
});

test('a codec passed as zlibCodec is the one used', () => {
  let used = 0;
  const codec = new HeaderCodec({
    zlibCodec: {
      deflate: (b) => (used++, Uint8Array.from([...b].reverse())),
      inflate: (b) => (used++, Uint8Array.from([...b].reverse())),
    },
  });
  const out = codec.encode(Uint8Array.from([1, 2, 3]), { flags: 0, seqid: 5, protocolId: 2, transforms: [HeaderTransformId.ZLIB], headers: {} });
  assert.equal([...codec.decode(out).payload], [1, 2, 3]);
  assert.is(used, 2);
});

test.run();
