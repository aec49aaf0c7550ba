/**
 * Property tests over the binary and compact decoders and their measure()
 * functions: random messages, mutations of them (flipped bytes, huge lengths,
 * invalid types, insertions, deletions), truncations and plain noise. Untrusted
 * bytes may only ever raise ProtocolError, and measure() must agree with the
 * decoder byte for byte. Runs per property: FUZZ_RUNS (default 300).
 */
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from '../../src/index.js';
import { Processor } from '../../src/processor/index.js';
import {
  binaryProtocol,
  compactProtocol,
  createBinaryProtocol,
  encodeMessage,
  MessageType,
  serviceFunctions,
  TType,
  type Protocol,
} from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { assertTyped, concat, encode, mutate, mutation, RUNS, typed, wireMessage } from './wire.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const names = [...serviceFunctions(mod.Echo).keys()];

/** Reads one message structurally (header, then skip the body); returns the bytes it consumed. */
function skipRead(protocol: Protocol, bytes: Uint8Array): number {
  const r = protocol.createReader();
  r.reset(bytes);
  r.readMessageBegin();
  r.skip(TType.STRUCT);
  return bytes.length - r.remaining();
}

/** Valid requests for the Echo service, written by the real codecs: seeds for mutation. */
function seeds(protocol: Protocol): Uint8Array[] {
  const w = protocol.createWriter();
  const call = (name: string, args: unknown[]): Uint8Array => {
    const fn = serviceFunctions(mod.Echo).get(name)!;
    return encodeMessage(w, name, MessageType.CALL, 7, protocol.codecs.argsCodec(fn.args).encode, args).slice();
  };
  const bag = new mod.Bag({
    b: true, y: -1, s16: 300, s32: -70000, s64: 2n ** 40n, d: 1.5, str: 'ünï', bin: new Uint8Array([0, 255]),
    points: [new mod.Point({ x: 1, y: 2, label: 'p' })], tags: new Set(['a', 'b']),
    index: new Map([['k', [1, 2, 3]]]), byId: new Map([[9, new mod.Point({ x: 9, y: 9 })]]),
    nested: [[1n, -2n], []], origin: new mod.Point({ x: 0, y: 0 }),
  });
  return [
    call('echoBag', [bag]),
    call('echoList', [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]]),
    call('echoMap', [new Map([['a', 1], ['bb', 2]])]),
    call('echoString', ['x'.repeat(40)]),
    call('find', [3]),
    call('add', [1, 2n]),
  ];
}

// The server's processor, whose handler never waits on a timer so every reply settles at once.
function processorFor(protocol: Protocol): Processor {
  return new Processor(mod.Echo, { ...echoHandler(mod), delayed: (v: number) => v }, { protocol });
}

const protocols: [string, Protocol][] = [
  ['binary', binaryProtocol],
  ['binary (non-strict writes)', createBinaryProtocol({ strictWrite: false })],
  ['compact', compactProtocol],
];

for (const [label, protocol] of protocols) {
  const test = suite(`fuzz ${label} decoder`);
  const measure = protocol.measure.bind(protocol);
  const seedBytes = seeds(protocol);

  test('a valid message measures to its exact length, and the decoder reads exactly that many bytes', () => {
    fc.assert(
      fc.property(wireMessage, fc.uint8Array({ maxLength: 8 }), (m, tail) => {
        const bytes = encode(() => protocol.createWriter(), m);
        assert.is(measure(bytes, 0, bytes.length), bytes.length);
        assert.is(skipRead(protocol, bytes), bytes.length);
        // Bytes of the next message behind it change nothing.
        const more = concat(bytes, tail);
        assert.is(measure(more, 0, more.length), bytes.length);
        // And at an offset inside a larger buffer.
        const shifted = concat(new Uint8Array(3), more);
        assert.is(measure(shifted, 3, shifted.length), bytes.length);
      }),
      { numRuns: RUNS },
    );
  });

  test('every strict prefix of a valid message measures -1 (wait for more), never throws', () => {
    fc.assert(
      fc.property(wireMessage, (m) => {
        const bytes = encode(() => protocol.createWriter(), m);
        for (let cut = 0; cut < bytes.length; cut++) {
          const size = measure(bytes, 0, cut);
          if (size !== -1) throw new Error(`measure of a ${cut}-byte prefix of a ${bytes.length}-byte message returned ${size}`);
          // The decoder on the same prefix reports truncation as a ProtocolError.
          try {
            skipRead(protocol, bytes.subarray(0, cut));
            throw new Error(`decoder accepted a ${cut}-byte prefix of a ${bytes.length}-byte message`);
          } catch (e) {
            assertTyped(e, 'decoder on a prefix');
          }
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test('mutated messages: only ProtocolError, and measure agrees with the decoder', () => {
    const message = fc.oneof(
      wireMessage.map((m) => encode(() => protocol.createWriter(), m)),
      fc.constantFrom(...seedBytes),
    );
    fc.assert(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 3 }), (valid, mutations) => {
        const bytes = mutations.reduce(mutate, valid);
        checkAgreement(protocol, bytes);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('random noise: only ProtocolError, and measure agrees with the decoder', () => {
    const header = protocol === compactProtocol ? new Uint8Array([0x82, 0x21]) : new Uint8Array([0x80, 0x01, 0x00, 0x01]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (noise, withHeader) => {
        checkAgreement(protocol, withHeader ? concat(header, noise) : noise);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('the compiled codecs and the processor: any bytes give a reply or a ProtocolError', async () => {
    const processor = processorFor(protocol);
    const replies: Promise<unknown>[] = [];
    const named = wireMessage.chain((m) => fc.constantFrom(...names).map((name) => encode(() => protocol.createWriter(), { ...m, name, type: MessageType.CALL })));
    const message = fc.oneof(named, fc.constantFrom(...seedBytes));
    fc.assert(
      fc.property(message, fc.array(mutation, { maxLength: 2 }), (valid, mutations) => {
        const bytes = mutations.reduce(mutate, valid);
        // Every function's argument decoder, whatever the header says.
        for (const fn of serviceFunctions(mod.Echo).values()) {
          typed(() => {
            const r = protocol.createReader();
            r.reset(bytes);
            r.readMessageBegin();
            return protocol.codecs.argsCodec(fn.args).decode(r);
          }, `${fn.name}_args decoder`);
        }
        const out = typed(() => processor.process(bytes), 'Processor.process');
        if (out instanceof Promise) replies.push(out);
        else if (out !== undefined) assert.instance(out, Uint8Array);
      }),
      { numRuns: RUNS * 2 },
    );
    // Async handlers (find) must settle with a reply, never reject.
    const settled = await within(Promise.all(replies), 5000, 'async replies');
    for (const reply of settled) assert.instance(reply, Uint8Array);
  });

  test('huge announced lengths and counts fail at once, without allocating for them', () => {
    const w = protocol.createWriter();
    w.begin();
    w.writeMessageBegin('echoList', MessageType.CALL, 1);
    w.writeStructBegin();
    w.writeFieldBegin(TType.LIST, 1);
    w.writeListBegin(TType.I32, 0);
    const head = w.finish().slice();
    // Overwrite the element count with the largest the format can carry.
    const count = protocol === compactProtocol
      ? concat(head.subarray(0, head.length - 1), new Uint8Array([0xf5, 0xff, 0xff, 0xff, 0xff, 0x07]))
      : (() => {
          const b = head.slice();
          new DataView(b.buffer).setInt32(b.length - 4, 0x7fffffff);
          return b;
        })();
    const before = process.memoryUsage().arrayBuffers;
    const e = (() => {
      try {
        skipRead(protocol, count);
      } catch (error) {
        return error;
      }
    })();
    assertTyped(e, 'huge count');
    assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20, 'nothing sized by the count was allocated');
    assert.is(measure(count, 0, count.length), -1, 'measure waits: the elements may still arrive');
  });

  test('nesting deeper than maxDepth is a DEPTH_LIMIT ProtocolError, in the decoder and in measure', () => {
    const w = protocol.createWriter();
    w.begin();
    w.writeMessageBegin('x', MessageType.CALL, 1);
    for (let i = 0; i < 100; i++) {
      w.writeStructBegin();
      w.writeFieldBegin(TType.STRUCT, 1);
    }
    w.writeStructBegin();
    w.writeFieldStop();
    for (let i = 0; i < 100; i++) {
      w.writeStructEnd();
      w.writeFieldStop();
    }
    w.writeStructEnd();
    const bytes = w.finish().slice();
    for (const run of [() => skipRead(protocol, bytes), () => measure(bytes, 0, bytes.length)]) {
      try {
        run();
        assert.unreachable('accepted 101 levels of nesting');
      } catch (e) {
        assertTyped(e, 'deep nesting');
        assert.match((e as Error).message, /nesting deeper than 64/);
      }
    }
  });

  test.run();
}

/**
 * measure() and the decoder on the same bytes: both fail only with typed errors;
 * measure n >= 0 means the decoder reads exactly n bytes (of the prefix and of the
 * whole); measure -1 means the decoder runs out of bytes; a decoder that reads k
 * bytes cleanly means measure says k.
 */
function checkAgreement(protocol: Protocol, bytes: Uint8Array): void {
  let size: number | undefined;
  let measureError: unknown;
  try {
    size = protocol.measure(bytes, 0, bytes.length);
  } catch (e) {
    assertTyped(e, 'measure');
    measureError = e;
  }
  let read: number | undefined;
  let readError: unknown;
  try {
    read = skipRead(protocol, bytes);
  } catch (e) {
    assertTyped(e, 'decoder');
    readError = e;
  }
  if (size !== undefined && size >= 0) {
    if (!(size >= 1 && size <= bytes.length)) throw new Error(`measure returned ${size} for ${bytes.length} bytes`);
    if (read !== size) throw new Error(`measure said ${size} bytes, the decoder ${readError ? `failed: ${(readError as Error).message}` : `read ${read}`}`);
    const exact = skipRead(protocol, bytes.subarray(0, size));
    if (exact !== size) throw new Error(`decoder read ${exact} of the ${size} bytes measure found`);
  } else if (size === -1) {
    if (readError === undefined) throw new Error(`measure wants more than ${bytes.length} bytes, the decoder read ${read}`);
  } else if (read !== undefined) {
    throw new Error(`decoder read ${read} bytes that measure rejected: ${(measureError as Error).message}`);
  }
}
