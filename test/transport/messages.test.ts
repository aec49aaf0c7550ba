import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryPair, messages, type MeasureFn } from '../../src/transport/index.js';
import { concat, pattern, within } from './helpers.js';

const measure: MeasureFn = (b, s, e) => (e - s >= 1 && e - s >= 1 + b[s] ? 1 + b[s] : -1);

for (const framing of ['framed', 'buffered'] as const) {
  test(`messages() with '${framing}' carries whole messages over a memory pair`, async () => {
    const [a, b] = createMemoryPair();
    const left = messages(a, { framing, measure });
    const right = messages(b, { framing, measure });
    const sent = [concat([new Uint8Array([3]), pattern(3)]), new Uint8Array([0])];
    const writer = left.writable.getWriter();
    for (const m of sent) await within(writer.write(m), 'a write');
    const reader = right.readable.getReader();
    for (const m of sent) assert.equal(Array.from((await within(reader.read(), 'a read')).value!), Array.from(m));
  });
}

test('messages() refuses an unknown framing', () => {
  const [a] = createMemoryPair();
  assert.throws(() => messages(a, { framing: 'zlib' as never, measure }), TypeError);
});

test.run();
