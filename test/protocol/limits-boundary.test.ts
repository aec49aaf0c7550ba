/**
 * Every reader limit at its exact value (accepted) and one past it (refused with the typed
 * error), in the binary, compact and JSON protocols: nesting depth (default 64, explicit, and
 * the 1024 cap of the stack-based readers), the depth given back when a container ends,
 * container counts against the bytes left, string lengths against the bytes left, and the
 * size limit measure() applies to a length announced before its bytes arrive.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, ProtocolError, ProtocolErrorType } from '../../src/errors.js';
import {
  binaryProtocol,
  compactProtocol,
  encodeMessage,
  jsonProtocol,
  MessageType,
  TType,
  type Protocol,
  type StructDesc,
  type TypeDesc,
} from '../../src/protocol/index.js';
import { struct, T } from '../helpers/schema.js';

const protocols: [string, Protocol][] = [['binary', binaryProtocol], ['compact', compactProtocol], ['json', jsonProtocol]];

function encode(protocol: Protocol, desc: StructDesc, value: unknown): Uint8Array {
  return encodeMessage(protocol.createWriter(), 'm', MessageType.CALL, 1, protocol.codecs.encoder(desc), value).slice();
}

function decode(protocol: Protocol, bytes: Uint8Array, desc: StructDesc, limits?: { maxDepth?: number }): unknown {
  const r = protocol.createReader(limits);
  r.reset(bytes);
  r.readMessageBegin();
  return protocol.codecs.decoder(desc)(r);
}

function protocolError(fn: () => unknown, type: number, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).type, type, (e as Error).message);
    if (message) assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ProtocolError type ${type}`);
}

/** A struct whose one field nests `lists` lists: the message body is `lists + 1` levels deep. */
function nested(lists: number): { desc: StructDesc; value: unknown } {
  let type: TypeDesc = T.i32;
  let value: unknown = 1;
  for (let i = 0; i < lists; i++) {
    type = T.list(type);
    value = [value];
  }
  return { desc: struct('Deep', [[1, 'v', type]]), value: { v: value } };
}

const depth = suite('reader depth limit at its boundary');

for (const [name, protocol] of protocols) {
  depth(`${name}: default maxDepth is 64: 64 levels decode and measure, 65 are DEPTH_LIMIT`, () => {
    const ok = nested(63);
    const bytes = encode(protocol, ok.desc, ok.value);
    assert.equal(decode(protocol, bytes, ok.desc), ok.value);
    assert.is(protocol.measure(bytes, 0, bytes.length), bytes.length);
    const past = nested(64);
    const deep = encode(protocol, past.desc, past.value);
    protocolError(() => decode(protocol, deep, past.desc), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 64/);
    protocolError(() => protocol.measure(deep, 0, deep.length), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 64/);
  });

  depth(`${name}: an explicit maxDepth accepts exactly that depth and refuses one more`, () => {
    const three = nested(2);
    const bytes = encode(protocol, three.desc, three.value);
    assert.equal(decode(protocol, bytes, three.desc, { maxDepth: 3 }), three.value);
    assert.is(protocol.measure(bytes, 0, bytes.length, { maxDepth: 3 }), bytes.length);
    protocolError(() => decode(protocol, bytes, three.desc, { maxDepth: 2 }), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 2/);
    protocolError(() => protocol.measure(bytes, 0, bytes.length, { maxDepth: 2 }), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 2/);
  });

  depth(`${name}: every container gives its level back when it ends, so siblings do not add up`, () => {
    // struct(1) > list(2), then set(2), map(2), list(2): depth 2 suffices only if each end decrements.
    const desc = struct('Siblings', [
      [1, 'a', T.list(T.i32)],
      [2, 'b', T.set(T.i32)],
      [3, 'c', T.map(T.i32, T.i32)],
      [4, 'd', T.list(T.string)],
      [5, 'e', T.struct(struct('Leaf', [[1, 'x', T.i32]]))],
      [6, 'f', T.list(T.i32)],
    ]);
    const value = { a: [1], b: new Set([2]), c: new Map([[3, 4]]), d: ['x'], e: { x: 5 }, f: [6] };
    const bytes = encode(protocol, desc, value);
    assert.equal(decode(protocol, bytes, desc, { maxDepth: 2 }), value);
    assert.is(protocol.measure(bytes, 0, bytes.length, { maxDepth: 2 }), bytes.length);
  });
}

/** A self-referencing struct: a chain of n of them is n levels deep. */
const Node: StructDesc = struct('Node', []);
(Node.fields as unknown[]).push(...struct('N', [[1, 'next', T.struct(Node)]]).fields);

/**
 * A chain of `levels` Nodes, written by hand: the writers refuse to go past the cap themselves.
 * Compact: field header 0x1c (id delta 1, struct) per level, then one STOP per level.
 */
const deepChain: Record<string, (levels: number) => Uint8Array> = {
  compact: (levels) => new Uint8Array([0x82, 0x21, 1, 1, 0x6d, ...new Array(levels - 1).fill(0x1c), ...new Array(levels).fill(0)]),
  json: (levels) => new TextEncoder().encode(`[1,"m",1,1,${'{"1":{"rec":'.repeat(levels - 1)}{}${'}}'.repeat(levels - 1)}]`),
};

function levels(value: unknown): number {
  let n = 0;
  for (let v = value as { next?: unknown } | undefined; v; v = v.next as typeof v) n++;
  return n;
}

for (const [name, protocol] of protocols.filter(([n]) => n !== 'binary')) {
  depth(`${name}: maxDepth is capped at 1024 levels (the reader's fixed stack)`, () => {
    const bytes = deepChain[name](1024);
    assert.is(levels(decode(protocol, bytes, Node, { maxDepth: 5000 })), 1024);
    assert.is(protocol.measure(bytes, 0, bytes.length, { maxDepth: 5000 }), bytes.length);
    const deep = deepChain[name](1025);
    protocolError(() => decode(protocol, deep, Node, { maxDepth: 5000 }), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 1024/);
    protocolError(() => protocol.measure(deep, 0, deep.length, { maxDepth: 5000 }), ProtocolErrorType.DEPTH_LIMIT, /nesting deeper than 1024/);
  });
}

depth.run();

const counts = suite('container counts and lengths against the bytes left');

/** `bytes` placed at offset 3 of a larger buffer, so positions differ from offsets in the message. */
function offset(bytes: number[]): Uint8Array {
  const buf = new Uint8Array(bytes.length + 6);
  buf.set(bytes, 3);
  return buf.subarray(3, 3 + bytes.length);
}

counts('binary: a list of n i32 is read when exactly 4n bytes follow, and is SIZE_LIMIT with one byte fewer', () => {
  const r = binaryProtocol.createReader();
  r.reset(offset([TType.I32, 0, 0, 0, 3, ...new Array(12).fill(0)]));
  assert.is(r.readListBegin(), 3);
  r.reset(offset([TType.I32, 0, 0, 0, 3, ...new Array(11).fill(0)]));
  protocolError(() => r.readListBegin(), ProtocolErrorType.SIZE_LIMIT, /^container of 3 elements exceeds the 11 bytes left$/);
  // The count is checked against the bytes left, not the count divided by the element size.
  r.reset(offset([TType.I32, 0, 0, 0, 10, ...new Array(20).fill(0)]));
  protocolError(() => r.readListBegin(), ProtocolErrorType.SIZE_LIMIT, /^container of 10 elements exceeds the 20 bytes left$/);
});

counts('binary: a map of n i32->i64 is read when exactly 12n bytes follow, and is SIZE_LIMIT with one fewer', () => {
  const r = binaryProtocol.createReader();
  r.reset(offset([TType.I32, TType.I64, 0, 0, 0, 2, ...new Array(24).fill(0)]));
  assert.is(r.readMapBegin(), 2);
  r.reset(offset([TType.I32, TType.I64, 0, 0, 0, 2, ...new Array(23).fill(0)]));
  protocolError(() => r.readMapBegin(), ProtocolErrorType.SIZE_LIMIT, /^container of 2 elements exceeds the 23 bytes left$/);
});

counts('compact: a list of n varints is read when exactly n bytes follow, and is SIZE_LIMIT with one fewer', () => {
  const r = compactProtocol.createReader();
  r.reset(offset([0x35, 1, 2, 3]));
  assert.is(r.readListBegin(), 3);
  r.reset(offset([0x35, 1, 2]));
  protocolError(() => r.readListBegin(), ProtocolErrorType.SIZE_LIMIT, /^container of 3 elements exceeds the 2 bytes left$/);
});

counts('binary: a string of n bytes is read when exactly n follow, and is truncation (INVALID_DATA) with one fewer', () => {
  const r = binaryProtocol.createReader();
  r.reset(offset([0, 0, 0, 5, 104, 101, 108, 108, 111]));
  assert.is(r.readString(), 'hello');
  assert.is(r.remaining(), 0);
  r.reset(offset([0, 0, 0, 5, 104, 101, 108, 108]));
  protocolError(() => r.readString(), ProtocolErrorType.INVALID_DATA, /^message truncated: need 5 bytes at offset 4, have 4$/);
});

counts('compact: a binary of n bytes is read when exactly n follow, and is truncation with one fewer', () => {
  const r = compactProtocol.createReader();
  r.reset(offset([3, 7, 8, 9]));
  assert.equal([...r.readBinary()], [7, 8, 9]);
  r.reset(offset([3, 7, 8]));
  protocolError(() => r.readBinary(), ProtocolErrorType.INVALID_DATA, /^message truncated: need 3 bytes at offset 1, have 2$/);
});

counts.run();

const size = suite('measure(): maxSize against a length announced before its bytes arrive');

for (const [name, protocol] of protocols.filter(([n]) => n !== 'json')) {
  size(`${name}: a message of exactly maxSize bytes is waited for; maxSize - 1 is FrameTooLargeError at once`, () => {
    const desc = struct('Blob', [[1, 'b', T.binary]]);
    const bytes = encode(protocol, desc, { b: new Uint8Array(1000) });
    const total = bytes.length;
    // Only the header and the announced length have arrived: the body is 1000 bytes short.
    const head = bytes.subarray(0, total - 1000 + 1);
    // The binary (its bytes announced) ends the message by one STOP byte after the blob.
    const announced = total - 1;
    assert.is(protocol.measure(head, 0, head.length, { maxSize: announced }), -1);
    try {
      protocol.measure(head, 0, head.length, { maxSize: announced - 1 });
      assert.unreachable('expected FrameTooLargeError');
    } catch (e) {
      assert.instance(e, FrameTooLargeError);
      assert.is((e as FrameTooLargeError).size, announced);
      assert.is((e as FrameTooLargeError).limit, announced - 1);
    }
    assert.is(protocol.measure(bytes, 0, total, { maxSize: total }), total);
  });
}

size.run();
