/**
 * The buffered (unframed) transport's size limit at its boundary, driven through
 * MessageSplitter directly with the binary protocol's measure(): a message of exactly
 * maxMessageSize bytes passes whole, byte by byte and as a pending tail; one byte more is
 * FrameTooLargeError on every path; the option's default and its smallest legal value.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, TransportError } from '../../src/errors.js';
import { binaryProtocol, encodeMessage, MessageType } from '../../src/protocol/index.js';
import { DEFAULT_MAX_MESSAGE_SIZE, MessageSplitter } from '../../src/transport/buffered.js';
import { struct, T } from '../helpers/schema.js';

const test = suite('buffered: maxMessageSize at its boundary');

const Str = struct('S', [[1, 's', T.string]]);
const OVERHEAD = message('').length;

function message(s: string): Uint8Array {
  return encodeMessage(binaryProtocol.createWriter(), 'm', MessageType.CALL, 1, binaryProtocol.codecs.encoder(Str), { s }).slice();
}

/** A binary message of exactly `size` bytes. */
function sized(size: number): Uint8Array {
  const m = message('x'.repeat(size - OVERHEAD));
  assert.is(m.length, size);
  return m;
}

function splitter(maxMessageSize?: number): MessageSplitter {
  return new MessageSplitter({ measure: binaryProtocol.measure, maxMessageSize });
}

function feed(s: MessageSplitter, chunks: Uint8Array[]): { out: Uint8Array[]; error?: unknown } {
  const out: Uint8Array[] = [];
  try {
    for (const c of chunks) s.transform(c, { enqueue: (m) => out.push(m) });
  } catch (error) {
    return { out, error };
  }
  return { out };
}

const bytewise = (m: Uint8Array): Uint8Array[] => [...m].map((b) => new Uint8Array([b]));

function tooLarge(error: unknown, limit: number): void {
  assert.instance(error, FrameTooLargeError);
  assert.is((error as FrameTooLargeError).limit, limit);
  assert.ok((error as FrameTooLargeError).size > limit, `size ${(error as FrameTooLargeError).size}`);
  // Unframed: the words say message, not frame (there is none on this wire).
  assert.is((error as Error).message, `message of ${(error as FrameTooLargeError).size} bytes exceeds the maximum of ${limit}`);
}

const MAX = 200;

test('a whole message of exactly maxMessageSize in one chunk passes; one byte more is FrameTooLargeError', () => {
  const ok = feed(splitter(MAX), [sized(MAX)]);
  assert.is(ok.error, undefined);
  assert.equal(ok.out.map((m) => m.length), [MAX]);
  const past = feed(splitter(MAX), [sized(MAX + 1)]);
  assert.equal(past.out, []);
  tooLarge(past.error, MAX);
  assert.is((past.error as FrameTooLargeError).size, MAX + 1);
});

test('fed byte by byte, a message of exactly maxMessageSize passes; one byte more is FrameTooLargeError', () => {
  const ok = feed(splitter(MAX), bytewise(sized(MAX)));
  assert.is(ok.error, undefined);
  assert.equal(ok.out.map((m) => m.length), [MAX]);
  const past = feed(splitter(MAX), bytewise(sized(MAX + 1)));
  assert.equal(past.out, []);
  tooLarge(past.error, MAX);
});

test('a pending tail of exactly maxMessageSize bytes is kept; maxMessageSize + 1 bytes of one message are refused', () => {
  // The tail starts after a whole message in the same chunk, then completes in the next chunk.
  const first = sized(40);
  const second = sized(MAX);
  const chunk = new Uint8Array([...first, ...second.subarray(0, MAX - 1)]);
  const s = splitter(MAX);
  const kept = feed(s, [chunk]);
  assert.is(kept.error, undefined);
  assert.equal(kept.out.map((m) => m.length), [40]);
  assert.ok(s.hasPartial());
  assert.equal(feed(s, [second.subarray(MAX - 1)]).out.map((m) => m.length), [MAX]);
  assert.is(s.hasPartial(), false);
  // An announced string longer than the limit is refused from its header, before its bytes arrive.
  const big = sized(MAX + 50);
  tooLarge(feed(splitter(MAX), [big.subarray(0, OVERHEAD)]).error, MAX);
});

test('the default maxMessageSize is 16_384_000; the smallest accepted is 1, and 0 is a RangeError', () => {
  assert.is(DEFAULT_MAX_MESSAGE_SIZE, 16_384_000);
  // A string length announcing a message of exactly the default is waited for, one more is refused.
  const header = message('').subarray(0, OVERHEAD - 8);
  const announce = (n: number): Uint8Array => {
    const b = new Uint8Array(header.length + 1 + 2 + 4);
    b.set(header);
    b[header.length] = 11;
    new DataView(b.buffer).setInt16(header.length + 1, 1);
    new DataView(b.buffer).setInt32(header.length + 3, n);
    return b;
  };
  // The announced length commits the message to header + field header (3) + length (4) + n bytes
  // (its STOP byte is not known yet): exactly the default is waited for.
  const n = DEFAULT_MAX_MESSAGE_SIZE - (header.length + 3 + 4);
  const s = splitter();
  assert.is(feed(s, [announce(n)]).error, undefined);
  assert.ok(s.hasPartial());
  tooLarge(feed(splitter(), [announce(n + 1)]).error, DEFAULT_MAX_MESSAGE_SIZE);
  splitter(1);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => splitter(bad), RangeError);
});

test('a measure() answer outside its contract is a TransportError, not a loop or an overrun', () => {
  for (const answer of [0, 5, 2.5]) {
    const s = new MessageSplitter({ measure: () => answer, maxMessageSize: 100 });
    const { error } = feed(s, [new Uint8Array(4)]);
    assert.instance(error, TransportError);
    assert.is((error as Error).message, `measure() returned ${answer} for 4 available bytes`);
  }
});

test('flush inside a message names the bytes received', () => {
  const s = splitter(MAX);
  feed(s, [sized(50).subarray(0, 7)]);
  assert.throws(() => s.flush(), (e: unknown) => e instanceof TransportError && (e as Error).message === 'connection closed mid-message: 7 bytes of an incomplete message received');
  s.flush();
});

test.run();
