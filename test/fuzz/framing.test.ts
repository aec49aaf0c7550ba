/**
 * Property tests over the two reassemblers: the framed transport's FrameDecoder
 * and the unframed MessageSplitter (with each protocol's measure). Any split of
 * valid input gives back exactly the messages sent; any damaged input fails with
 * a TransportError or ProtocolError only, and never buffers past the limit.
 */
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError } from '../../src/errors.js';
import { binaryProtocol, compactProtocol, type Protocol } from '../../src/protocol/index.js';
import { FrameDecoder, MessageSplitter } from '../../src/transport/index.js';
import { assertTyped, concat, cuts, encode, mutate, mutation, RUNS, split, wireMessage } from './wire.js';

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** Feeds chunks to a transformer and collects what it emits; errors propagate. */
function feed(t: { transform(c: Uint8Array, s: { enqueue(m: Uint8Array): void }): void; flush(): void }, chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sink = { enqueue: (m: Uint8Array) => out.push(m.slice()) };
  for (const c of chunks) t.transform(c, sink);
  t.flush();
  return out;
}

const framedSuite = suite('fuzz FrameDecoder');

framedSuite('frames split anywhere, in 1-9 byte pieces, come back whole and in order', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 }), cuts, (payloads, sizes) => {
      const wire = concat(...payloads.map(frame));
      const out = feed(new FrameDecoder({ maxFrameSize: 100 }), split(wire, sizes));
      assert.equal(out.map((p) => [...p]), payloads.map((p) => [...p]));
    }),
    { numRuns: RUNS },
  );
});

framedSuite('damaged framed input: only TransportError, never a frame over the limit', () => {
  const max = 64;
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }),
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      cuts,
      (payloads, mutations, sizes) => {
        const wire = mutations.reduce(mutate, concat(...payloads.map(frame)));
        try {
          for (const f of feed(new FrameDecoder({ maxFrameSize: max }), split(wire, sizes))) assert.ok(f.length <= max);
        } catch (e) {
          assertTyped(e, 'FrameDecoder');
        }
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

framedSuite('a huge or negative frame header is refused from its 4 bytes alone', () => {
  fc.assert(
    fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }).filter((n) => n < 0 || n > 1000), (n) => {
      const header = new Uint8Array(4);
      new DataView(header.buffer).setInt32(0, n);
      const d = new FrameDecoder({ maxFrameSize: 1000 });
      // Header bytes one at a time: the error comes with the fourth, before any body.
      for (let i = 0; i < 3; i++) d.transform(header.subarray(i, i + 1), { enqueue: () => assert.unreachable() });
      try {
        d.transform(header.subarray(3), { enqueue: () => assert.unreachable() });
        assert.unreachable('accepted the header');
      } catch (e) {
        assertTyped(e, 'FrameDecoder');
        if (n > 0) assert.instance(e, FrameTooLargeError);
      }
    }),
    { numRuns: RUNS },
  );
});

for (const [label, protocol] of [['binary', binaryProtocol], ['compact', compactProtocol]] as [string, Protocol][]) {
  const test = suite(`fuzz MessageSplitter (${label})`);
  const measure = protocol.measure.bind(protocol);

  test('unframed messages split anywhere come back whole and in order', () => {
    fc.assert(
      fc.property(fc.array(wireMessage, { minLength: 1, maxLength: 5 }), cuts, (messages, sizes) => {
        const encoded = messages.map((m) => encode(() => protocol.createWriter(), m));
        const out = feed(new MessageSplitter({ measure, maxMessageSize: 1 << 20 }), split(concat(...encoded), sizes));
        assert.equal(out.map((p) => [...p]), encoded.map((p) => [...p]));
      }),
      { numRuns: RUNS },
    );
  });

  test('damaged unframed input: only ProtocolError or TransportError, never a message over the limit', () => {
    const max = 256;
    fc.assert(
      fc.property(
        fc.array(wireMessage, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        cuts,
        (messages, mutations, sizes) => {
          const wire = mutations.reduce(mutate, concat(...messages.map((m) => encode(() => protocol.createWriter(), m))));
          try {
            for (const m of feed(new MessageSplitter({ measure, maxMessageSize: max }), split(wire, sizes))) assert.ok(m.length <= max);
          } catch (e) {
            assertTyped(e, 'MessageSplitter');
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('a message announcing more than maxMessageSize is refused once that many bytes are buffered', () => {
    const w = protocol.createWriter();
    const big = encode(() => w, { name: 'echoString', type: 1, seqid: 1, body: { t: 12, fields: [[1, { t: 11 }]] }, value: ['y'.repeat(5000)] });
    const splitter = new MessageSplitter({ measure, maxMessageSize: 1000 });
    let fed = 0;
    try {
      for (const c of split(big, [100])) {
        splitter.transform(c, { enqueue: () => assert.unreachable() });
        fed += c.length;
      }
      assert.unreachable('buffered the whole message');
    } catch (e) {
      assertTyped(e, 'MessageSplitter');
      assert.instance(e, FrameTooLargeError);
      assert.ok(fed <= 1100, `refused after ${fed} bytes`);
    }
  });

  test.run();
}

framedSuite.run();
