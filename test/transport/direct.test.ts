import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TransportError } from '../../src/errors.js';
import { FrameDecoder, MessageSplitter } from '../../src/transport/index.js';
import { concat, frame, pattern, split } from './helpers.js';

test('FrameDecoder works without a stream: transform() into any sink, flush() at the end', () => {
  const out: Uint8Array[] = [];
  const sink = { enqueue: (f: Uint8Array) => out.push(f) };
  const decoder = new FrameDecoder();
  for (const chunk of split(concat([frame(pattern(7, 1)), frame(pattern(300, 2))]), 3)) decoder.transform(chunk, sink);
  decoder.flush();
  assert.equal(out.map((f) => f.length), [7, 300]);
  assert.equal(Array.from(out[1]), Array.from(pattern(300, 2)));
  decoder.transform(new Uint8Array([0, 0]), sink);
  assert.throws(() => decoder.flush(), (e: unknown) => e instanceof TransportError);
});

test('MessageSplitter works without a stream', () => {
  const out: Uint8Array[] = [];
  const splitter = new MessageSplitter({ measure: (b, s, e) => (e - s >= 1 && e - s >= 1 + b[s] ? 1 + b[s] : -1) });
  for (const chunk of split(new Uint8Array([2, 9, 9, 0, 1, 5]), 1)) splitter.transform(chunk, { enqueue: (m) => out.push(m) });
  splitter.flush();
  assert.equal(out.map((m) => Array.from(m)), [[2, 9, 9], [0], [1, 5]]);
});

test.run();
