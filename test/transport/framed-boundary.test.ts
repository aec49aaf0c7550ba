/**
 * The framed transport's size limit at its boundary, driven through FrameDecoder directly
 * (no stream in between, so every assertion is synchronous): the default 16_384_000, zero,
 * the i32 ceiling, announced in one chunk and with the header split across chunks.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, TransportError } from '../../src/errors.js';
import { DEFAULT_MAX_FRAME_SIZE, FrameDecoder } from '../../src/transport/index.js';

const test = suite('framed: maxFrameSize and reassembly at their boundaries');

function header(length: number): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, length);
  return h;
}

/** Feeds `chunks`, returns the frames and the error if one was thrown. */
function feed(decoder: FrameDecoder, chunks: Uint8Array[]): { frames: Uint8Array[]; error?: unknown } {
  const frames: Uint8Array[] = [];
  try {
    for (const chunk of chunks) decoder.transform(chunk, { enqueue: (f) => frames.push(f) });
  } catch (error) {
    return { frames, error };
  }
  return { frames };
}

function tooLarge(error: unknown, size: number, limit: number): void {
  assert.instance(error, FrameTooLargeError);
  assert.is((error as FrameTooLargeError).size, size);
  assert.is((error as FrameTooLargeError).limit, limit);
}

test('the default limit is 16_384_000: that length is announced without error, one more is refused at its header', () => {
  assert.is(DEFAULT_MAX_FRAME_SIZE, 16_384_000);
  const ok = new FrameDecoder();
  assert.is(feed(ok, [header(16_384_000)]).error, undefined);
  assert.ok(ok.hasPartial(), 'the decoder waits for the body');
  tooLarge(feed(new FrameDecoder(), [header(16_384_001)]).error, 16_384_001, 16_384_000);
});

for (const [name, split] of [['one chunk', (b: Uint8Array) => [b]], ['header split 1+1+1+1 behind a partial chunk', (b: Uint8Array) => [...b].map((x) => new Uint8Array([x]))]] as const) {
  test(`${name}: a frame of exactly maxFrameSize is delivered, maxFrameSize + 1 is FrameTooLargeError`, () => {
    const body = new Uint8Array(9).fill(7);
    const at = new Uint8Array([...header(9), ...body]);
    const { frames, error } = feed(new FrameDecoder({ maxFrameSize: 9 }), split(at));
    assert.is(error, undefined);
    assert.equal(frames.map((f) => [...f]), [[...body]]);
    const past = new Uint8Array([...header(10), ...new Uint8Array(10)]);
    const refused = feed(new FrameDecoder({ maxFrameSize: 9 }), split(past));
    assert.equal(refused.frames, []);
    tooLarge(refused.error, 10, 9);
  });
}

test('maxFrameSize 0 admits only empty frames', () => {
  const { frames, error } = feed(new FrameDecoder({ maxFrameSize: 0 }), [new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0])]);
  assert.is(error, undefined);
  assert.equal(frames.map((f) => f.length), [0, 0]);
  tooLarge(feed(new FrameDecoder({ maxFrameSize: 0 }), [header(1)]).error, 1, 0);
});

test('maxFrameSize accepts every integer in [0, 2^31 - 1] and refuses the rest with RangeError', () => {
  for (const ok of [0, 1, 2 ** 31 - 1]) new FrameDecoder({ maxFrameSize: ok });
  for (const bad of [-1, 2 ** 31, 1.5, Number.NaN, Infinity]) {
    assert.throws(() => new FrameDecoder({ maxFrameSize: bad }), (e: unknown) => e instanceof RangeError && /\[0, 2147483647\]/.test((e as Error).message));
  }
  // At the i32 ceiling the largest length a header can announce is accepted.
  const d = new FrameDecoder({ maxFrameSize: 2 ** 31 - 1 });
  assert.is(feed(d, [header(2 ** 31 - 1)]).error, undefined);
});

test('a refused frame leaves nothing buffered: the decoder reports no partial frame afterwards', () => {
  const d = new FrameDecoder({ maxFrameSize: 4 });
  const { error } = feed(d, [new Uint8Array([0, 0]), new Uint8Array([0, 5, 1])]);
  tooLarge(error, 5, 4);
  assert.is(d.hasPartial(), false);
  d.flush();
});

test('flush names what was missing: the frame length and the bytes received', () => {
  const d = new FrameDecoder();
  feed(d, [new Uint8Array([0, 0, 0, 10, 1, 2, 3])]);
  assert.throws(() => d.flush(), (e: unknown) => e instanceof TransportError && (e as Error).message === 'connection closed mid-frame: 3 bytes of a 10-byte frame received');
  const h = new FrameDecoder();
  feed(h, [new Uint8Array([0, 0, 0])]);
  assert.throws(() => h.flush(), (e: unknown) => e instanceof TransportError && (e as Error).message === 'connection closed mid-frame: 3 bytes of a frame header received');
  // flush() resets: a second flush finds nothing.
  h.flush();
});

test('a partial header counts as a partial frame; so does a header whose body has not started', () => {
  const d = new FrameDecoder();
  feed(d, [new Uint8Array([0, 0])]);
  assert.ok(d.hasPartial(), 'two header bytes');
  const h = new FrameDecoder();
  feed(h, [header(10)]);
  assert.ok(h.hasPartial(), 'a whole header, no body');
  assert.throws(() => h.flush(), (e: unknown) => e instanceof TransportError && (e as Error).message === 'connection closed mid-frame: 0 bytes of a 10-byte frame received');
});

test('a header split across chunks with its body whole in the last one leaves as a view of that chunk', () => {
  const last = new Uint8Array([0, 5, 1, 2, 3, 4, 5]);
  const { frames } = feed(new FrameDecoder(), [new Uint8Array([0, 0]), last]);
  assert.equal(frames.map((f) => [...f]), [[1, 2, 3, 4, 5]]);
  assert.ok(frames[0].buffer === last.buffer, 'a view, not a copy');
});

test('a frame crossing chunks takes only its own bytes from a chunk that also holds the next frame', () => {
  const body = Uint8Array.from({ length: 100 }, (_, i) => i);
  const next = Uint8Array.from({ length: 40 }, (_, i) => 200 + i);
  // 40 body bytes in the first chunk; the other 60 (over the 32-byte copy step), then a whole frame, in the second.
  const first = new Uint8Array([...header(100), ...body.subarray(0, 40)]);
  const second = new Uint8Array([...body.subarray(40), ...header(40), ...next]);
  const { frames, error } = feed(new FrameDecoder(), [first, second]);
  assert.is(error, undefined);
  assert.equal(frames.map((f) => [...f]), [[...body], [...next]]);
});

test.run();
