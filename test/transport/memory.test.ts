import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryPair } from '../../src/transport/index.js';
import { within } from './helpers.js';

test('what one side writes, the other reads, in both directions', async () => {
  const [a, b] = createMemoryPair();
  const aw = a.writable.getWriter();
  const bw = b.writable.getWriter();
  const ar = a.readable.getReader();
  const br = b.readable.getReader();
  await within(aw.write(new Uint8Array([1, 2])), 5000, 'a write');
  await within(bw.write(new Uint8Array([3])), 5000, 'b write');
  assert.equal(Array.from((await within(br.read(), 5000, 'b read')).value!), [1, 2]);
  assert.equal(Array.from((await within(ar.read(), 5000, 'a read')).value!), [3]);
});

test('a writer awaiting its write does not stall before the peer reads', async () => {
  const [a, b] = createMemoryPair();
  const aw = a.writable.getWriter();
  for (let i = 0; i < 10; i++) await within(aw.write(new Uint8Array(100)), 5000, `write ${i}`);
  const br = b.readable.getReader();
  for (let i = 0; i < 10; i++) assert.is((await within(br.read(), 5000, `read ${i}`)).value!.length, 100);
});

test('a peer that never reads pushes back on the writer until it reads', async () => {
  const [a, b] = createMemoryPair();
  const aw = a.writable.getWriter();
  await within(aw.write(new Uint8Array(64 * 1024)), 5000, 'the write that fills the pipe');
  let accepted = false;
  const second = aw.write(new Uint8Array(1)).then(() => { accepted = true; });
  // One full turn of the event loop: long enough for an unblocked write to settle.
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(accepted, false);
  assert.is(aw.desiredSize, 0);
  await within(b.readable.getReader().read(), 5000, 'the read');
  await within(second, 5000, 'the held write');
});

test('closing one side ends the other side’s readable', async () => {
  const [a, b] = createMemoryPair();
  await a.writable.close();
  assert.is((await within(b.readable.getReader().read(), 5000, 'end of stream')).done, true);
});

test.run();
