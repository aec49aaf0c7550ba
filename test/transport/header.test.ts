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

test('limits must be positive integers, each named in its RangeError; 1 is the smallest accepted', () => {
  for (const name of ['maxHeaderSize', 'maxHeaders', 'maxMessageSize'] as const) {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new HeaderCodec({ [name]: bad }), (e: unknown) => e instanceof RangeError && e.message === `${name} must be a positive integer, got ${bad}`, `${name} ${bad}`);
    }
    assert.ok(new HeaderCodec({ [name]: 1 }));
  }
});

test('malformed headers are refused with words that name the fault', () => {
  const refuses = (frame: Uint8Array, message: string) =>
    throwsWith(() => new HeaderCodec().decode(frame), (e) => e instanceof ProtocolError && (e as Error).message === message, message);
  refuses(Uint8Array.from([0x0f, 0xff, 0]), 'THeader frame of 3 bytes is shorter than its 10-byte fixed header');
  refuses(body([0, 9]), 'THeader announces 9 transforms in a 4-byte header');
  refuses(body([0x80, 0x80, 0x80, 0x80]), 'THeader header ends inside a varint');
  // The byte after the header is the payload's: a varint may not run on into it.
  refuses(body([0, 0x80, 0x80, 0x80], [0, 1]), 'THeader header ends inside a varint');
  refuses(body([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'THeader varint longer than 5 bytes');
  refuses(body([0, 0, 1, 1, 4, 0x61], [0x62, 0x63, 0x64]), 'THeader info header string of 4 bytes runs past the header');
  throwsWith(() => new HeaderCodec({ maxHeaders: 2 }).decode(body([0, 0, 1, 3, 1, 0x61, 0, 1, 0x62, 0, 1, 0x63, 0])), (e) => (e as Error).message === 'THeader frame carries more than maxHeaders 2 info headers', 'maxHeaders');
});

test('info headers that fill the header to its last byte end there: the payload is not read as one', () => {
  const d = new HeaderCodec().decode(body([0, 0, 1, 1, 1, 0x6b, 1, 0x76], [0x80, 1]));
  assert.equal(d.headers, { k: 'v' });
  assert.equal([...d.payload], [0x80, 1]);
});

test('lengths of 127, 128 and 16,384 bytes and a count of 128 headers take 1, 2, 3 and 2 varint bytes, and read back', () => {
  for (const [length, bytes] of [[127, [0x7f]], [128, [0x80, 0x01]], [16_384, [0x80, 0x80, 0x01]]] as const) {
    const frame = new HeaderCodec().encode(new Uint8Array([9]), { flags: 0, seqid: 1, protocolId: 0, transforms: [], headers: { k: 'v'.repeat(length) } });
    // protocol id, transform count, info id, pair count, key length, 'k', then the value's length.
    assert.equal([...frame.subarray(10 + 6, 10 + 6 + bytes.length)], [...bytes], `length ${length}`);
    assert.is(new HeaderCodec().decode(frame).headers.k, 'v'.repeat(length));
  }
  // 128 info headers: the pair count itself takes two varint bytes.
  const many = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, `${i}`]));
  const frame = new HeaderCodec().encode(new Uint8Array([9]), { flags: 0, seqid: 1, protocolId: 0, transforms: [], headers: many });
  assert.equal([...frame.subarray(10 + 3, 10 + 5)], [0x80, 0x01]);
  assert.equal(new HeaderCodec().decode(frame).headers, many);
});

test('writing an unknown transform is INVALID_TRANSFORM naming it; a header past 65,535 words is refused whatever maxHeaderSize says', () => {
  throwsWith(() => new HeaderCodec().encode(new Uint8Array(1), { flags: 0, seqid: 1, protocolId: 0, transforms: [7], headers: {} }), (e) => e instanceof ThriftAppError && e.type === AppErrorType.INVALID_TRANSFORM && (e as Error).message === 'Unknown transform: 7', 'transform 7');
  const meta = (n: number) => ({ flags: 0, seqid: 1, protocolId: 0, transforms: [], headers: { k: 'v'.repeat(n) } });
  const big = new HeaderCodec({ maxHeaderSize: 1 << 20 });
  // 9 bytes around the value (its length takes 3): exactly 65,535 words, then one byte more.
  const frame = big.encode(new Uint8Array(1), meta(0xffff * 4 - 9));
  assert.is(((frame[8] << 8) | frame[9]) * 4, 0xffff * 4);
  throwsWith(() => big.encode(new Uint8Array(1), meta(0xffff * 4 - 8)), (e) => e instanceof ProtocolError && (e as Error).message === `THeader header of ${0xffff * 4 + 4} bytes exceeds maxHeaderSize ${0xffff * 4}`, 'past 65,535 words');
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
