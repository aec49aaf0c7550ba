/**
 * The compact protocol's bytes at each boundary of its encodings, written here from
 * apache/thrift doc/specs/thrift-compact-protocol.md rather than by our writer: field-id
 * deltas 1–15 in the header and the long form otherwise, list sizes 0–14 in the header and
 * 15 on as a varint, varint lengths at 127/128, 16,383/16,384 and 2^21, the message header,
 * and each malformed input the reader refuses, with its words.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameTooLargeError, ProtocolError, ProtocolErrorType } from '../../src/errors.js';
import { compactProtocol, measureCompact, MessageType, TType, type ProtocolWriter } from '../../src/protocol/index.js';

/** Unsigned base-128 varint, least significant group first. */
function varint(n: bigint): number[] {
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

const zigzag = (n: bigint, bits: bigint): bigint => BigInt.asUintN(Number(bits), (n << 1n) ^ (n >> (bits - 1n)));

function writtenBytes(write: (w: ProtocolWriter) => void): Uint8Array {
  const w = compactProtocol.createWriter();
  w.begin();
  write(w);
  return w.finish();
}

const written = (write: (w: ProtocolWriter) => void): number[] => [...writtenBytes(write)];

function reader(bytes: number[] | Uint8Array) {
  const r = compactProtocol.createReader();
  r.reset(Uint8Array.from(bytes));
  return r;
}

function refused(read: () => unknown, message: string, type?: number): void {
  try {
    read();
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as Error).message, message);
    if (type !== undefined) assert.is((e as ProtocolError).type, type);
    return;
  }
  assert.unreachable(`read, expected: ${message}`);
}

test('message header: 0x82, the type in the top 3 bits over version 1, the seqid as a uint32 varint, then the name', () => {
  assert.equal(written((w) => w.writeMessageBegin('ab', MessageType.ONEWAY, 300)), [0x82, 0x81, 0xac, 0x02, 2, 0x61, 0x62]);
  assert.equal(written((w) => w.writeMessageBegin('', MessageType.CALL, -1)), [0x82, 0x21, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
  assert.equal(reader([0x82, 0x81, 0xac, 0x02, 2, 0x61, 0x62]).readMessageBegin(), { name: 'ab', type: MessageType.ONEWAY, seqid: 300 });
  assert.equal(reader([0x82, 0x21, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]).readMessageBegin(), { name: '', type: MessageType.CALL, seqid: -1 });
  refused(() => reader([0x80, 0x21, 0, 0]).readMessageBegin(), 'bad compact protocol id 0x80 (expected 0x82)', ProtocolErrorType.BAD_VERSION);
  refused(() => reader([0x82, 0x22, 0, 0]).readMessageBegin(), 'bad compact protocol version 2', ProtocolErrorType.BAD_VERSION);
});

test('field headers: a delta of 1 to 15 shares the type byte; 16, 0 and negative deltas take the zigzag i16 after it', () => {
  const fields = (ids: number[]) =>
    written((w) => {
      w.writeStructBegin();
      for (const id of ids) {
        w.writeFieldBegin(TType.BYTE, id);
        w.writeByte(1);
      }
      w.writeFieldStop();
      w.writeStructEnd();
    });
  assert.equal(fields([1, 16, 32, 32, 31]), [0x13, 1, 0xf3, 1, 0x03, 0x40, 1, 0x03, 0x40, 1, 0x03, 0x3e, 1, 0]);
  assert.equal(fields([-1, 32767]), [0x03, 0x01, 1, 0x03, 0xfe, 0xff, 0x03, 1, 0]);
  const r = reader([0x13, 1, 0xf3, 1, 0x03, 0x40, 1, 0x03, 0x3e, 1, 0]);
  r.readStructBegin();
  const ids: number[] = [];
  while (r.readFieldBegin() !== TType.STOP) {
    ids.push(r.fieldId);
    r.readByte();
  }
  assert.equal(ids, [1, 16, 32, 31]);
  // Nested structs keep their own last id: the outer struct's next delta counts from 2.
  const nested = written((w) => {
    w.writeStructBegin();
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeStructBegin();
    w.writeFieldBegin(TType.BYTE, 9);
    w.writeByte(0);
    w.writeFieldStop();
    w.writeStructEnd();
    w.writeFieldBegin(TType.BYTE, 3);
    w.writeByte(0);
    w.writeFieldStop();
    w.writeStructEnd();
  });
  assert.equal(nested, [0x2c, 0x93, 0, 0, 0x13, 0, 0]);
});

test('bools: a field carries its value in the type nibble (1 true, 2 false); a list element is a byte, 1 the only true', () => {
  const bytes = written((w) => {
    w.writeStructBegin();
    w.writeFieldBegin(TType.BOOL, 1);
    w.writeBool(true);
    w.writeFieldBegin(TType.BOOL, 2);
    w.writeBool(false);
    w.writeFieldBegin(TType.LIST, 3);
    w.writeListBegin(TType.BOOL, 2);
    w.writeBool(true);
    w.writeBool(false);
    w.writeFieldStop();
    w.writeStructEnd();
  });
  assert.equal(bytes, [0x11, 0x12, 0x19, 0x21, 1, 2, 0]);
  const r = reader(bytes);
  r.readStructBegin();
  assert.is(r.readFieldBegin(), TType.BOOL);
  assert.is(r.readBool(), true);
  assert.is(r.readFieldBegin(), TType.BOOL);
  assert.is(r.readBool(), false);
  assert.is(r.readFieldBegin(), TType.LIST);
  assert.is(r.readListBegin(), 2);
  assert.equal([r.readBool(), r.readBool()], [true, false]);
  assert.equal([reader([0]).readBool(), reader([3]).readBool()], [false, false]);
});

test('list and set sizes 0 to 14 share the type byte; 15 and more are 0xF then a varint; a map is a varint size, then key and value types unless empty', () => {
  assert.equal(written((w) => w.writeListBegin(TType.I32, 0)), [0x05]);
  assert.equal(written((w) => w.writeListBegin(TType.I32, 14)), [0xe5]);
  assert.equal(written((w) => w.writeSetBegin(TType.STRING, 15)), [0xf8, 15]);
  assert.equal(written((w) => w.writeListBegin(TType.STRUCT, 128)), [0xfc, 0x80, 0x01]);
  assert.equal(written((w) => w.writeMapBegin(TType.STRING, TType.I64, 0)), [0]);
  assert.equal(written((w) => w.writeMapBegin(TType.STRING, TType.I64, 200)), [0xc8, 0x01, 0x86]);
  const fourteen = reader([0xe3, ...new Array(14).fill(1)]);
  assert.is(fourteen.readListBegin(), 14);
  assert.is(fourteen.elemType, TType.BYTE);
  const fifteen = reader([0xf3, 15, ...new Array(15).fill(1)]);
  assert.is(fifteen.readListBegin(), 15);
  const map = reader([2, 0x86, 0, 0, 0, 0]);
  assert.is(map.readMapBegin(), 2);
  assert.equal([map.keyType, map.valueType], [TType.STRING, TType.I64]);
  const empty = reader([0]);
  assert.is(empty.readMapBegin(), 0);
  assert.equal([empty.keyType, empty.valueType], [0, 0]);
  refused(() => reader([0x1e]).readListBegin(), 'unknown compact element type 14', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([1, 0x8f]).readMapBegin(), 'unknown compact map types 0x8f', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([1, 0xf8]).readMapBegin(), 'unknown compact map types 0xf8', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([0xf5, 0x80, 0x80, 0x80, 0x80, 0x08]).readListBegin(), 'negative size -2147483648', ProtocolErrorType.NEGATIVE_SIZE);
  // 2^31 - 1 is a size, not a negative one: it fails only for want of bytes.
  refused(() => reader([0xf5, 0xff, 0xff, 0xff, 0xff, 0x07]).readListBegin(), 'container of 2147483647 elements exceeds the 0 bytes left', ProtocolErrorType.SIZE_LIMIT);
});

test('string and binary lengths are varints: 1 byte to 127, 2 from 128, 3 from 16,384, 4 from 2^21; the bytes follow unmoved', () => {
  for (const length of [0, 42, 43, 127, 128, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21]) {
    // Letters that differ byte to byte: a payload left unshifted after its length shows.
    const s = 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(length / 26)).slice(0, length);
    const prefix = varint(BigInt(length));
    const ws = writtenBytes((w) => w.writeString(s));
    assert.equal([...ws.subarray(0, prefix.length)], prefix, `string of ${length}`);
    assert.is(ws.length, prefix.length + length, `string of ${length}`);
    assert.ok(Buffer.from(ws.subarray(prefix.length)).equals(Buffer.from(s)), `string of ${length}: its bytes follow the length`);
    assert.is(reader(ws).readString(), s);
    const wb = writtenBytes((w) => w.writeBinary(new Uint8Array(length).fill(7)));
    assert.equal([...wb.subarray(0, prefix.length)], prefix, `binary of ${length}`);
    assert.is(wb.length, prefix.length + length);
  }
  // 43 characters of 3 bytes: the long path, its length shifted to one byte.
  const wide = '✓'.repeat(43);
  assert.equal(written((w) => w.writeString(wide)).slice(0, 3), [129, 1, 0xe2]);
});

test('i16 and i32 are zigzag varints at their edges, i64 too at every power of two, as number and as bigint', () => {
  for (const v of [0, -1, 1, 63, -64, 64, -32768, 32767]) assert.equal(written((w) => w.writeI16(v)), varint(zigzag(BigInt(v), 32n)), `i16 ${v}`);
  for (const v of [-(2 ** 31), 2 ** 31 - 1, 2 ** 28, -(2 ** 28) - 1]) assert.equal(written((w) => w.writeI32(v)), varint(zigzag(BigInt(v), 32n)), `i32 ${v}`);
  for (let k = 0n; k < 64n; k++) {
    for (const v of [2n ** k - 1n, -(2n ** k), 2n ** k, -(2n ** k) - 1n]) {
      if (v >= 2n ** 63n || v < -(2n ** 63n)) continue;
      const expected = varint(zigzag(v, 64n));
      assert.equal(written((w) => w.writeI64(v)), expected, `i64 ${v}n`);
      if (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n) assert.equal(written((w) => w.writeI64(Number(v))), expected, `i64 ${v}`);
      assert.is(reader(expected).readI64(), v, `read i64 ${v}`);
    }
  }
  assert.equal(written((w) => w.writeDouble(1.5)), [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
  refused(() => reader(varint(zigzag(32768n, 32n))).readI16(), 'i16 value 32768 out of range');
  refused(() => reader(varint(zigzag(-32769n, 32n))).readI16(), 'i16 value -32769 out of range');
  assert.equal([reader(varint(zigzag(-32768n, 32n))).readI16(), reader(varint(zigzag(32767n, 32n))).readI16()], [-32768, 32767]);
});

test('varints: a 5-byte i32 and a 10-byte i64 are read, one byte more is refused, and a varint cut short is truncation', () => {
  assert.is(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).readI32(), -(2 ** 31));
  refused(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).readI32(), 'varint longer than 5 bytes', ProtocolErrorType.INVALID_DATA);
  assert.is(reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).readI64(), -(2n ** 63n));
  refused(() => reader([...new Array(10).fill(0x80), 0x01]).readI64(), 'varint longer than 10 bytes', ProtocolErrorType.INVALID_DATA);
  // The missing byte is the one after the last read: the message names its offset (it once said
  // "need 1 bytes at offset 0, have 1", the offset where the varint began).
  refused(() => reader([0x80]).readI64(), 'message truncated: need 1 bytes at offset 1, have 0', ProtocolErrorType.INVALID_DATA);
  refused(() => reader(new Array(8).fill(0x80)).readI64(), 'message truncated: need 1 bytes at offset 8, have 0', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([0x80, 0x80]).readI32(), 'message truncated: need 1 bytes at offset 2, have 0', ProtocolErrorType.INVALID_DATA);
  // Skipping walks the same bytes: 10 are skipped, 11 refused.
  const ten = reader([...new Array(9).fill(0x80), 0x01, 0x2a]);
  ten.skip(TType.I64);
  assert.is(ten.readByte(), 0x2a);
  refused(() => reader([...new Array(10).fill(0x80), 0x01]).skip(TType.I64), 'varint longer than 10 bytes', ProtocolErrorType.INVALID_DATA);
});

test('skip() steps over each type by its encoding, and a field of an unknown compact type or an id past i16 is refused', () => {
  const r = reader([1, 0x81, 0x01, 0x02, 0x80, 0x01, ...new Array(8).fill(0), ...new Array(16).fill(0), 3, 0x61, 0x62, 0x63, 0x7f]);
  r.skip(TType.BOOL);
  r.skip(TType.I16);
  r.skip(TType.I32);
  r.skip(TType.I64);
  r.skip(TType.DOUBLE);
  r.skip(TType.UUID);
  r.skip(TType.STRING);
  assert.is(r.readByte(), 0x7f);
  refused(() => reader([0x1e]).readFieldBegin(), 'unknown compact type 14', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([0x1f]).readFieldBegin(), 'unknown compact type 15', ProtocolErrorType.INVALID_DATA);
  refused(() => reader([0x03, ...varint(zigzag(32768n, 32n))]).readFieldBegin(), 'field id 32768 out of range');
  refused(() => reader([0x03, ...varint(zigzag(-32769n, 32n))]).readFieldBegin(), 'field id -32769 out of range');
  for (const id of [-32768, 32767]) {
    const edge = reader([0x03, ...varint(zigzag(BigInt(id), 32n))]);
    assert.is(edge.readFieldBegin(), TType.BYTE);
    assert.is(edge.fieldId, id);
  }
});

test('begin() and reset() start afresh after a message left midway: field ids, a pending bool, the nesting', () => {
  const fresh = written((w) => {
    w.writeStructBegin();
    w.writeFieldBegin(TType.BOOL, 1);
    w.writeBool(true);
    w.writeFieldStop();
    w.writeStructEnd();
  });
  const w = compactProtocol.createWriter();
  // 1,025 messages abandoned inside a struct, after field 5, with a bool field header waiting.
  for (let i = 0; i < 1025; i++) {
    w.begin();
    w.writeStructBegin();
    w.writeFieldBegin(TType.BYTE, 5);
    w.writeByte(1);
    w.writeFieldBegin(TType.BOOL, 6);
    w.abort();
  }
  w.begin();
  w.writeStructBegin();
  w.writeFieldBegin(TType.BOOL, 1);
  w.writeBool(true);
  w.writeFieldStop();
  w.writeStructEnd();
  assert.equal([...w.finish()], fresh);
  // A message that begins with a bool list element, after one abandoned with a bool header waiting.
  w.begin();
  w.writeStructBegin();
  w.writeFieldBegin(TType.BOOL, 2);
  w.abort();
  w.begin();
  w.writeListBegin(TType.BOOL, 1);
  w.writeBool(true);
  assert.equal([...w.finish()], [0x11, 1]);
  const r = reader([0x13, 1, 0x21]);
  r.readStructBegin();
  r.readFieldBegin();
  r.readByte();
  assert.is(r.readFieldBegin(), TType.BOOL);
  // Reset before the bool's value was taken: the next message starts with no field read.
  r.reset(Uint8Array.from([0x13, 2, 0]));
  r.readStructBegin();
  assert.is(r.readFieldBegin(), TType.BYTE);
  assert.is(r.fieldId, 1);
  assert.is(r.readByte(), 2);
  r.reset(Uint8Array.from([2]));
  assert.is(r.readBool(), false, 'a list bool read from its byte, not the header read before reset');
});

test('a field of a TType with no compact id (1, 5, 7, 9) is written as compact type 15, which the reader refuses rather than misreads', () => {
  for (const ttype of [1, 5, 7, 9]) {
    const bytes = written((w) => {
      w.writeStructBegin();
      w.writeFieldBegin(ttype, 1);
    });
    assert.equal(bytes, [0xff], `TType ${ttype}`);
    const r = reader(bytes);
    r.readStructBegin();
    refused(() => r.readFieldBegin(), 'unknown compact type 15', ProtocolErrorType.INVALID_DATA);
  }
});

test('reader: an empty map sets its key and value types to 0, also after a map that had types', () => {
  const r = reader([1, 0x55, 2, 4, 0]);
  assert.is(r.readMapBegin(), 1);
  assert.equal([r.keyType, r.valueType], [TType.I32, TType.I32]);
  r.readI32();
  r.readI32();
  r.readMapEnd();
  assert.is(r.readMapBegin(), 0);
  assert.equal([r.keyType, r.valueType], [0, 0]);
});

test('reader: a map of n i32 pairs needs 2n bytes left (one byte per varint key and value)', () => {
  assert.is(reader([3, 0x55, 1, 1, 1, 1, 1, 1]).readMapBegin(), 3);
  refused(() => reader([3, 0x55, 1, 1, 1, 1, 1]).readMapBegin(), 'container of 3 elements exceeds the 5 bytes left', ProtocolErrorType.SIZE_LIMIT);
});

test('skip(): a bool field takes no byte (its value was in the header), a byte takes one even past 0x7f, an i32 varint at most 5', () => {
  // Field 1 bool true, field 2 i32 42, stop.
  const r = reader([0x11, 0x15, 0x54, 0]);
  r.readStructBegin();
  assert.is(r.readFieldBegin(), TType.BOOL);
  r.skip(TType.BOOL);
  assert.is(r.readFieldBegin(), TType.I32);
  assert.is(r.fieldId, 2);
  assert.is(r.readI32(), 42);
  const bytes = reader([0xff, 0x81, 0x01]);
  bytes.skip(TType.BYTE);
  assert.is(bytes.readI32(), -65);
  refused(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).skip(TType.I32), 'varint longer than 5 bytes', ProtocolErrorType.INVALID_DATA);
});

test('measureCompact: a list whose count needs more bytes than have arrived is incomplete (-1), not a size error', () => {
  const message = written((w) => {
    w.writeMessageBegin('m', MessageType.CALL, 1);
    w.writeStructBegin();
    w.writeFieldBegin(TType.LIST, 1);
    w.writeListBegin(TType.I64, 100);
    for (let i = 0; i < 100; i++) w.writeI64(i);
    w.writeFieldStop();
    w.writeStructEnd();
  });
  const bytes = Uint8Array.from(message);
  assert.is(measureCompact(bytes, 0, 20), -1);
  assert.is(measureCompact(bytes, 0, bytes.length), bytes.length);
});

test('the writer nests structs 1,024 deep and refuses the next', () => {
  const w = compactProtocol.createWriter();
  w.begin();
  for (let i = 0; i < 1024; i++) w.writeStructBegin();
  try {
    w.writeStructBegin();
    assert.unreachable('nesting 1,025 deep was written');
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as Error).message, 'nesting deeper than 1024');
    assert.is((e as ProtocolError).type, ProtocolErrorType.DEPTH_LIMIT);
  }
  w.abort();
});

test('measureCompact: -1 until the whole message is there, its length then, and FrameTooLargeError once a length announced runs past maxSize, before its bytes arrive', () => {
  const message = written((w) => {
    w.writeMessageBegin('m', MessageType.CALL, 1);
    w.writeStructBegin();
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('x'.repeat(200));
    w.writeFieldStop();
    w.writeStructEnd();
  });
  const bytes = Uint8Array.from([9, 9, ...message, 9]);
  for (let end = 2; end < 2 + message.length; end++) assert.is(measureCompact(bytes, 2, end), -1, `${end - 2} bytes`);
  assert.is(measureCompact(bytes, 2, bytes.length), message.length);
  assert.is(measureCompact(bytes, 2, bytes.length, { maxSize: message.length }), message.length);
  // Exactly maxSize announced: still waiting, not too large.
  assert.is(measureCompact(bytes, 2, 12, { maxSize: message.length }), -1);
  try {
    // The string's length (200) is known after 8 bytes: a limit of 100 is exceeded before its bytes arrive.
    measureCompact(bytes, 2, 12, { maxSize: 100 });
    assert.unreachable('a message past maxSize was measured');
  } catch (e) {
    assert.instance(e, FrameTooLargeError);
  }
});

test.run();
