/**
 * The buffered (unframed) transport's behaviour with a toy protocol, registered
 * once per set of stream classes so the native and polyfilled runs share it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, ProtocolError, TransportError } from '../../src/errors.js';
import {
  buffered,
  createMemoryPair,
  createMessageSplitter,
  useStreams,
  type MeasureFn,
  type StreamClasses,
} from '../../src/transport/index.js';
import { concat, feed, nativeStreams, pattern, split, within } from './helpers.js';

/** Toy protocol: a 2-byte big-endian body length, then the body; a length of 0xffff is malformed. */
const measure: MeasureFn = (bytes, start, end) => {
  if (end - start < 2) return -1;
  const length = (bytes[start] << 8) | bytes[start + 1];
  if (length === 0xffff) throw new ProtocolError('toy: reserved length');
  return end - start >= 2 + length ? 2 + length : -1;
};

/** A toy message carrying `body`. */
function message(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  out[0] = body.length >>> 8;
  out[1] = body.length;
  out.set(body, 2);
  return out;
}

/** Registers and runs the buffered suite with `classes` installed. */
export function bufferedTests(label: string, classes: StreamClasses): void {
  const test = suite(`buffered (${label})`);
  test.before.each(() => useStreams(classes));
  test.after.each(() => useStreams(nativeStreams));

  test('streams are built from the installed classes', () => {
    assert.ok(createMessageSplitter({ measure }) instanceof classes.TransformStream);
  });

  const messages = [message(pattern(3, 1)), message(pattern(0)), message(pattern(500, 2)), message(pattern(1, 3)), message(pattern(40_000, 4))];
  const wire = concat(messages);

  function assertMessages(out: Uint8Array[]): void {
    assert.is(out.length, messages.length);
    out.forEach((m, i) => assert.equal(Array.from(m), Array.from(messages[i]), `message ${i}`));
  }

  test('whole messages in one chunk come out as views of it', async () => {
    const { out, error } = await feed(createMessageSplitter({ measure }), [wire]);
    assert.is(error, undefined);
    assertMessages(out);
    for (const m of out) assert.ok(m.buffer === wire.buffer);
  });

  test('messages fed in 1-byte chunks are reassembled', async () => {
    const { out, error } = await feed(createMessageSplitter({ measure }), split(wire, 1));
    assert.is(error, undefined);
    assertMessages(out);
  });

  test('messages fed in 2-byte chunks are reassembled', async () => {
    const { out, error } = await feed(createMessageSplitter({ measure }), split(wire, 2));
    assert.is(error, undefined);
    assertMessages(out);
  });

  test('uneven chunk sizes, including ones larger than the copy step, are reassembled', async () => {
    for (const size of [3, 7, 1000, 1025, 5000, 65_536]) {
      const { out, error } = await feed(createMessageSplitter({ measure }), split(wire, size));
      assert.is(error, undefined, `chunk size ${size}`);
      assertMessages(out);
    }
  });

  test('after a message that crosses chunks, the following ones are views of the new chunk', async () => {
    const a = message(pattern(4, 1));
    const b = message(pattern(4, 2));
    const first = concat([a, b.subarray(0, 3)]);
    const second = concat([b.subarray(3), a, a]);
    const { out, error } = await feed(createMessageSplitter({ measure }), [first, second]);
    assert.is(error, undefined);
    assert.is(out.length, 4);
    assert.ok(out[0].buffer === first.buffer);
    assert.equal(Array.from(out[1]), Array.from(b));
    assert.ok(out[2].buffer === second.buffer && out[3].buffer === second.buffer);
  });

  test('a partial message over maxMessageSize errors with FrameTooLargeError', async () => {
    const big = message(pattern(100));
    const { out, error } = await feed(createMessageSplitter({ measure, maxMessageSize: 50 }), [big.subarray(0, 30), big.subarray(30, 60)], false);
    assert.is(out.length, 0);
    assert.instance(error, FrameTooLargeError);
    assert.is((error as FrameTooLargeError).code, 'FRAME_TOO_LARGE');
    assert.is((error as FrameTooLargeError).limit, 50);
  });

  test('a whole message over maxMessageSize errors too', async () => {
    const { error } = await feed(createMessageSplitter({ measure, maxMessageSize: 50 }), [message(pattern(60))], false);
    assert.instance(error, FrameTooLargeError);
  });

  test('an error thrown by measure errors the stream unchanged', async () => {
    const { out, error } = await feed(createMessageSplitter({ measure }), [concat([message(pattern(2)), new Uint8Array([0xff, 0xff])])], false);
    assert.is(out.length, 1);
    assert.instance(error, ProtocolError);
    assert.is((error as ProtocolError).message, 'toy: reserved length');
  });

  test('input ending mid-message errors with TransportError', async () => {
    const { out, error } = await feed(createMessageSplitter({ measure }), [message(pattern(2)), message(pattern(9)).subarray(0, 5)]);
    assert.is(out.length, 1);
    assert.instance(error, TransportError);
    assert.is((error as TransportError).code, 'TRANSPORT');
    assert.match((error as Error).message, /mid-message/);
  });

  test('a measure that breaks its contract errors instead of looping', async () => {
    const { error } = await feed(createMessageSplitter({ measure: () => 0 }), [new Uint8Array(3)], false);
    assert.instance(error, TransportError);
    const over = await feed(createMessageSplitter({ measure: (_b, s, e) => e - s + 1 }), [new Uint8Array(3)], false);
    assert.instance(over.error, TransportError);
  });

  test('options are validated at construction', () => {
    assert.throws(() => createMessageSplitter({} as never), TypeError);
    assert.throws(() => createMessageSplitter({ measure, maxMessageSize: 0 }), RangeError);
  });

  test('buffered() splits messages read from a memory pair and passes writes through', async () => {
    const [a, b] = createMemoryPair();
    const left = buffered(a, { measure });
    const right = buffered(b, { measure });
    const lw = left.writable.getWriter();
    const rr = right.readable.getReader();
    // Written as one blob, read back as messages: the boundaries come from measure.
    await within(lw.write(wire), 5000, 'the write');
    for (const m of messages) {
      const { value } = await within(rr.read(), 5000, 'a message');
      assert.equal(Array.from(value!), Array.from(m));
    }
    await lw.close();
    assert.is((await within(rr.read(), 5000, 'end of stream')).done, true);
  });

  test.run();
}
