/**
 * The framed transport's behaviour, registered once per set of stream classes so
 * the native and polyfilled runs prove the same things.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, TransportError } from '../../src/errors.js';
import {
  createFrameDecoder,
  createFrameEncoder,
  createMemoryPair,
  framed,
  useStreams,
  type StreamClasses,
} from '../../src/transport/index.js';
import { concat, feed, frame, nativeStreams, pattern, split, within } from './helpers.js';

/** Registers and runs the framed suite with `classes` installed. */
export function framedTests(label: string, classes: StreamClasses): void {
  const test = suite(`framed (${label})`);
  test.before.each(() => useStreams(classes));
  test.after.each(() => useStreams(nativeStreams));

  test('streams are built from the installed classes', () => {
    assert.ok(createFrameDecoder() instanceof classes.TransformStream);
  });

  const payloads = [pattern(5, 1), pattern(0), pattern(300, 7), pattern(1, 9), pattern(70_000, 3)];
  const wire = concat(payloads.map(frame));

  function assertPayloads(out: Uint8Array[]): void {
    assert.is(out.length, payloads.length);
    out.forEach((p, i) => assert.equal(Array.from(p), Array.from(payloads[i]), `payload ${i}`));
  }

  test('encoder then decoder round-trips payloads, empty ones included', async () => {
    const encoded = await feed(createFrameEncoder(), payloads);
    assert.is(encoded.error, undefined);
    const decoded = await feed(createFrameDecoder(), encoded.out);
    assert.is(decoded.error, undefined);
    assertPayloads(decoded.out);
  });

  test('encoder emits one chunk of 4 + n bytes per payload, prefix big-endian', async () => {
    const { out } = await feed(createFrameEncoder(), payloads);
    assert.is(out.length, payloads.length);
    out.forEach((chunk, i) => assert.equal(Array.from(chunk), Array.from(frame(payloads[i]))));
  });

  test('encoded frames are independent: a consumer writing into one does not touch the next', async () => {
    const { out } = await feed(createFrameEncoder(), [pattern(3, 1), pattern(3, 2)]);
    out[0].fill(0xee);
    assert.equal(Array.from(out[1]), Array.from(frame(pattern(3, 2))));
  });

  test('decoder reassembles frames fed in 1-byte chunks', async () => {
    const { out, error } = await feed(createFrameDecoder(), split(wire, 1));
    assert.is(error, undefined);
    assertPayloads(out);
  });

  test('decoder reassembles frames fed in 2-byte chunks', async () => {
    const { out, error } = await feed(createFrameDecoder(), split(wire, 2));
    assert.is(error, undefined);
    assertPayloads(out);
  });

  test('decoder reads a header split 1 + 3 across chunks', async () => {
    const bytes = frame(pattern(6, 2));
    const { out, error } = await feed(createFrameDecoder(), [bytes.slice(0, 1), bytes.slice(1, 4), bytes.slice(4)]);
    assert.is(error, undefined);
    assert.equal(out.map((p) => Array.from(p)), [Array.from(pattern(6, 2))]);
  });

  test('decoder handles uneven chunking around every boundary', async () => {
    for (const size of [3, 5, 7, 4099]) {
      const { out, error } = await feed(createFrameDecoder(), split(wire, size));
      assert.is(error, undefined, `chunk size ${size}`);
      assertPayloads(out);
    }
  });

  test('many frames in one chunk come out as views of that chunk, not copies', async () => {
    const { out, error } = await feed(createFrameDecoder(), [wire]);
    assert.is(error, undefined);
    assertPayloads(out);
    for (const p of out) assert.ok(p.buffer === wire.buffer, 'payload shares the input buffer');
  });

  test('only a frame that crosses chunks is copied; the frames after it are views', async () => {
    const a = frame(pattern(10, 1));
    const b = frame(pattern(10, 2));
    const c = frame(pattern(10, 3));
    const first = concat([a, b.subarray(0, 7)]);
    const second = concat([b.subarray(7), c]);
    const { out, error } = await feed(createFrameDecoder(), [first, second]);
    assert.is(error, undefined);
    assert.is(out.length, 3);
    assert.ok(out[0].buffer === first.buffer, 'first frame is a view');
    assert.ok(out[1].buffer !== first.buffer && out[1].buffer !== second.buffer, 'crossing frame is a copy');
    assert.ok(out[2].buffer === second.buffer, 'frame after the crossing one is a view');
    assert.equal(Array.from(out[1]), Array.from(pattern(10, 2)));
  });

  test('a frame of exactly maxFrameSize is accepted', async () => {
    const { out, error } = await feed(createFrameDecoder({ maxFrameSize: 8 }), [frame(pattern(8))]);
    assert.is(error, undefined);
    assert.is(out[0].length, 8);
  });

  test('an announced length over maxFrameSize errors as soon as the header is in, before any body', async () => {
    const header = frame(new Uint8Array(0));
    new DataView(header.buffer).setUint32(0, 0x7fff_ffff);
    // Input stays open and carries no body: only the header can have caused the error.
    const { out, error } = await feed(createFrameDecoder(), [header.subarray(0, 2), header.subarray(2)], false);
    assert.is(out.length, 0);
    assert.instance(error, FrameTooLargeError);
    const e = error as FrameTooLargeError;
    assert.is(e.code, 'FRAME_TOO_LARGE');
    assert.is(e.size, 0x7fff_ffff);
    assert.is(e.limit, 16_384_000);
    assert.is(e.message, 'frame of 2147483647 bytes exceeds the maximum of 16384000');
  });

  test('a custom maxFrameSize is enforced', async () => {
    const { error } = await feed(createFrameDecoder({ maxFrameSize: 100 }), [frame(pattern(101))]);
    assert.instance(error, FrameTooLargeError);
    assert.is((error as FrameTooLargeError).limit, 100);
  });

  test('a frame being announced does not allocate its body before the bytes arrive', async () => {
    const size = 15 * 1024 * 1024;
    const header = new Uint8Array(5);
    new DataView(header.buffer).setUint32(0, size);
    const decoder = createFrameDecoder();
    const writer = decoder.writable.getWriter();
    // A pending read lifts the transform's backpressure so the write reaches it.
    const read = decoder.readable.getReader().read().catch(() => ({ done: true }));
    const before = process.memoryUsage().arrayBuffers;
    await within(writer.write(header), 5000, 'the header write');
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 1024 * 1024, `arrayBuffers grew by ${grown} bytes`);
    await writer.abort();
    await within(read, 5000, 'the read to end');
  });

  test('a negative length (high bit set) errors with TransportError', async () => {
    const { error } = await feed(createFrameDecoder(), [new Uint8Array([0x80, 0, 0, 1, 0])], false);
    assert.instance(error, TransportError);
    assert.is((error as TransportError).code, 'TRANSPORT');
    assert.match((error as Error).message, /negative/);
  });

  test('input ending mid-frame errors with TransportError', async () => {
    const bytes = frame(pattern(10));
    const { out, error } = await feed(createFrameDecoder(), [frame(pattern(3)), bytes.subarray(0, 9)]);
    assert.is(out.length, 1);
    assert.instance(error, TransportError);
    assert.is((error as TransportError).code, 'TRANSPORT');
    assert.match((error as Error).message, /mid-frame/);
  });

  test('input ending mid-header errors with TransportError', async () => {
    const { error } = await feed(createFrameDecoder(), [new Uint8Array([0, 0])]);
    assert.instance(error, TransportError);
    assert.match((error as Error).message, /mid-frame/);
  });

  test('an invalid maxFrameSize is refused at construction', () => {
    assert.throws(() => createFrameDecoder({ maxFrameSize: -1 }), RangeError);
    assert.throws(() => createFrameDecoder({ maxFrameSize: 2 ** 31 }), RangeError);
  });

  test('framed() carries messages both ways over a memory pair', async () => {
    const [a, b] = createMemoryPair();
    const left = framed(a);
    const right = framed(b);
    const lw = left.writable.getWriter();
    const rr = right.readable.getReader();
    for (const p of payloads) await within(lw.write(p), 5000, 'a framed write');
    for (const p of payloads) {
      const { value } = await within(rr.read(), 5000, 'a framed read');
      assert.equal(Array.from(value!), Array.from(p));
    }
    const rw = right.writable.getWriter();
    const lr = left.readable.getReader();
    await rw.write(pattern(3, 5));
    assert.equal(Array.from((await within(lr.read(), 5000, 'the reply')).value!), [5, 6, 7]);
    await lw.close();
    assert.is((await within(rr.read(), 5000, 'end of stream')).done, true);
  });

  test.run();
}
