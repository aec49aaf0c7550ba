/**
 * peekStream: reads a stream's first bytes until a decision, then gives back a readable
 * that yields every byte again. Proven with streams fed chunk by chunk: the decision sees
 * the bytes joined, stops at maxBytes or the end, the replay loses and repeats nothing, and
 * a decision that does not come in time is a TimeoutError with the stream cancelled.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TimeoutError } from '../../src/errors.js';
import { peekStream } from '../../src/transport/index.js';
import { within } from '../helpers/wait.js';

/** A readable that yields `chunks`, then stays open (`end` false) or ends; records cancel(). */
function source(chunks: number[][], end = true) {
  const state = { cancelled: undefined as unknown, pulls: 0 };
  let i = 0;
  const readable = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        if (i < chunks.length) controller.enqueue(Uint8Array.from(chunks[i++]));
        else if (end) controller.close();
        else return new Promise(() => {});
      },
      cancel(reason) {
        state.cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { readable, state };
}

async function all(readable: ReadableStream<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  const r = readable.getReader();
  for (;;) {
    const { value, done } = await r.read();
    if (done) return out;
    out.push(...value);
  }
}

test('a decision on the first chunk: seen is that chunk, and the replay yields every byte once', async () => {
  const { readable } = source([[1, 2, 3], [4], [5, 6]]);
  let firsts = 0;
  const peeked = await peekStream(readable, (b) => (b[0] === 1 ? 'one' : undefined), { maxBytes: 16, onFirstBytes: () => firsts++ });
  assert.is(peeked.result, 'one');
  assert.equal([...peeked.seen], [1, 2, 3]);
  assert.is(firsts, 1);
  assert.equal(await all(peeked.readable), [1, 2, 3, 4, 5, 6]);
});

test('bytes split over chunks (empty chunks among them) are joined for the decision, which sees each length in turn', async () => {
  const { readable } = source([[0xaa], [], [0xbb], [0xcc, 0xdd], [0xee]]);
  const lengths: number[] = [];
  let firsts = 0;
  const peeked = await peekStream(readable, (b) => (lengths.push(b.length), b.length >= 4 ? [...b] : undefined), { maxBytes: 16, onFirstBytes: () => firsts++ });
  assert.equal(lengths, [1, 2, 4]);
  assert.equal(peeked.result, [0xaa, 0xbb, 0xcc, 0xdd]);
  assert.equal([...peeked.seen], [0xaa, 0xbb, 0xcc, 0xdd]);
  assert.is(firsts, 1, 'onFirstBytes once, at the first bytes');
  assert.equal(await all(peeked.readable), [0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
});

test('no decision: reading stops once maxBytes are seen, or at the end, with result undefined and every byte replayed', async () => {
  const capped = source([[1, 2], [3, 4], [5, 6]]);
  const atMax = await peekStream(capped.readable, () => undefined, { maxBytes: 4 });
  assert.is(atMax.result, undefined);
  assert.equal([...atMax.seen], [1, 2, 3, 4]);
  assert.is(capped.state.pulls, 2, 'nothing read past maxBytes');
  assert.equal(await all(atMax.readable), [1, 2, 3, 4, 5, 6]);
  const ended = await peekStream(source([[7], [8]]).readable, () => undefined, { maxBytes: 100 });
  assert.is(ended.result, undefined);
  assert.equal([...ended.seen], [7, 8]);
  assert.equal(await all(ended.readable), [7, 8]);
  const empty = await peekStream(source([]).readable, () => 'never', { maxBytes: 4 });
  assert.is(empty.result, undefined);
  assert.is(empty.seen.length, 0);
  assert.equal(await all(empty.readable), []);
});

test('no decision within the timeout after the first byte: TimeoutError naming it, and the stream is cancelled with it', async () => {
  const { readable, state } = source([[1]], false);
  const error = await within(peekStream(readable, () => undefined, { maxBytes: 16, timeout: 5 }).then(() => undefined, (e: unknown) => e), 5000, 'the timeout');
  assert.instance(error, TimeoutError);
  assert.is((error as Error).message, 'the first message did not show its transport and protocol within 5 ms');
  assert.is(state.cancelled, error);
});

test('a source that fails while peeking rejects with its error, and its lock is released', async () => {
  const boom = new Error('boom');
  const readable = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(boom);
    },
  });
  const error = await peekStream(readable, () => undefined, { maxBytes: 4 }).then(() => undefined, (e: unknown) => e);
  assert.is(error, boom);
  assert.not.ok(readable.locked);
});

test('the replay reads the source only when it is read: nothing is pulled ahead of the reader', async () => {
  const { readable, state } = source([[1], [2], [3]], false);
  const peeked = await peekStream(readable, () => 'yes', { maxBytes: 4 });
  assert.is(state.pulls, 1);
  const r = peeked.readable.getReader();
  assert.equal([...(await r.read()).value!], [1]);
  // Let any read-ahead the replay would start run to its end before counting.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.is(state.pulls, 1, 'the source was read ahead of the replay');
  assert.equal([...(await r.read()).value!], [2]);
  assert.is(state.pulls, 2);
  r.releaseLock();
});

test('cancelling the replay cancels the source with the same reason', async () => {
  const { readable, state } = source([[1], [2]], false);
  const peeked = await peekStream(readable, () => 'yes', { maxBytes: 4 });
  const reason = new Error('done with it');
  await peeked.readable.cancel(reason);
  assert.is(state.cancelled, reason);
});

test.run();
