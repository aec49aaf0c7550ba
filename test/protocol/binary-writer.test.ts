/**
 * The writers used directly (as generated code and hand-written codecs use them), without a
 * codec in front that checks values first: each refuses a value its type cannot hold, with
 * the type and the value named; the slab they write into grows for a value larger than it
 * and moves a message that runs past its end, and never changes a message it handed out;
 * begin() and abort() discard what they promise to. Both the binary and the compact writer
 * (they share the slab) are proven here.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, ProtocolErrorType } from '../../src/errors.js';
import { BinaryWriter, binaryProtocol, compactProtocol, createBinaryProtocol, MessageType, type Protocol, type ProtocolReader, type ProtocolWriter } from '../../src/protocol/index.js';

const SLAB = 64 * 1024;

function refuses(write: () => void, message: string): void {
  try {
    write();
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).type, ProtocolErrorType.INVALID_DATA);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`no error, expected: ${message}`);
}

/** A value of each size class, as the reader must give it back. */
function text(length: number, unit: string): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

for (const [name, protocol] of [['binary', binaryProtocol], ['compact', compactProtocol]] as [string, Protocol][]) {
  const test = suite(`${name} writer`);

  test('a value its type cannot hold is refused, the type and the value named, and nothing is written', () => {
    const w = protocol.createWriter();
    w.begin();
    refuses(() => w.writeBool('yes' as never), 'expected bool, got string "yes"');
    refuses(() => w.writeByte(128), 'expected byte, got number 128');
    refuses(() => w.writeByte(-129), 'expected byte, got number -129');
    refuses(() => w.writeByte('1' as never), 'expected byte, got string "1"');
    refuses(() => w.writeI16(32768), 'expected i16, got number 32768');
    refuses(() => w.writeI16(-32769), 'expected i16, got number -32769');
    refuses(() => w.writeI16(null as never), 'expected i16, got null');
    refuses(() => w.writeI32(2 ** 31), 'expected i32, got number 2147483648');
    refuses(() => w.writeI32(1.5), 'expected i32, got number 1.5');
    refuses(() => w.writeI32('7' as never), 'expected i32, got string "7"');
    refuses(() => w.writeI64(2 ** 53), 'expected i64, got number 9007199254740992');
    refuses(() => w.writeI64(0.5), 'expected i64, got number 0.5');
    refuses(() => w.writeI64(2n ** 63n), 'expected i64, got bigint 9223372036854775808n');
    refuses(() => w.writeI64(-(2n ** 63n) - 1n), 'expected i64, got bigint -9223372036854775809n');
    refuses(() => w.writeI64('1' as never), 'expected i64, got string "1"');
    // Values BigInt() cannot convert: refused as i64, not a SyntaxError or TypeError from BigInt.
    refuses(() => w.writeI64(undefined as never), 'expected i64, got undefined');
    refuses(() => w.writeI64({} as never), 'expected i64, got object {}');
    refuses(() => w.writeDouble('1.5' as never), 'expected double, got string "1.5"');
    refuses(() => w.writeString(5 as never), 'expected string, got number 5');
    refuses(() => w.writeBinary(5 as never), 'expected binary, got number 5');
    refuses(() => w.writeBinary([1, 2] as never), 'expected binary, got array of 2');
    assert.is(w.finish().length, 0);
  });

  test('the edges of each integer type are written and read back', () => {
    const w = protocol.createWriter();
    w.begin();
    for (const v of [-128, 127]) w.writeByte(v);
    for (const v of [-32768, 32767]) w.writeI16(v);
    for (const v of [-(2 ** 31), 2 ** 31 - 1]) w.writeI32(v);
    for (const v of [-(2 ** 53) + 1, 2 ** 53 - 1, -(2n ** 63n), 2n ** 63n - 1n]) w.writeI64(v);
    const r = protocol.createReader();
    r.reset(w.finish());
    assert.equal([r.readByte(), r.readByte(), r.readI16(), r.readI16(), r.readI32(), r.readI32()], [-128, 127, -32768, 32767, -(2 ** 31), 2 ** 31 - 1]);
    assert.equal([r.readI64(), r.readI64(), r.readI64(), r.readI64()], [-(2n ** 53n) + 1n, 2n ** 53n - 1n, -(2n ** 63n), 2n ** 63n - 1n]);
  });

  test('one value larger than a slab: the slab grows for it (a string of 1- and 3-byte characters, a binary)', () => {
    const ascii = text(SLAB + 4000, 'abcdefg');
    // 3 bytes per UTF-16 unit: the writer's worst case, 90,000 bytes for 30,000 units.
    const wide = text(30_000, '✓');
    const bytes = Uint8Array.from({ length: 2 * SLAB + 7 }, (_, i) => (i * 31) & 0xff);
    const cases: [string, (w: ProtocolWriter) => void, (r: ProtocolReader) => unknown, unknown][] = [
      ['ascii string', (w) => w.writeString(ascii), (r) => r.readString(), ascii],
      ['3-byte string', (w) => w.writeString(wide), (r) => r.readString(), wide],
      ['binary', (w) => w.writeBinary(bytes), (r) => r.readBinary(), bytes],
    ];
    for (const [what, write, read, expected] of cases) {
      const w = protocol.createWriter();
      w.begin();
      w.writeI32(7);
      write(w);
      w.writeI32(8);
      const r = protocol.createReader();
      r.reset(w.finish());
      assert.is(r.readI32(), 7, what);
      assert.equal(read(r), expected, what);
      assert.is(r.readI32(), 8, what);
    }
  });

  test('a message that runs past the end of its slab is moved whole, and the messages handed out before it never change', () => {
    const w = protocol.createWriter();
    const handed: { bytes: Uint8Array; copy: Uint8Array; seqid: number; parts: string[] }[] = [];
    // Messages of ~1,000 bytes in 13 pieces: some start within 1 KiB of a slab's end
    // (after earlier messages, so the slab's start is not 0) and must cross it.
    for (let seqid = 0; seqid < 300; seqid++) {
      const parts = Array.from({ length: 13 }, (_, k) => text(60 + ((seqid * 7 + k * 13) % 31), String.fromCharCode(97 + ((seqid + k) % 26))));
      w.begin();
      w.writeMessageBegin('m', MessageType.CALL, seqid);
      for (const p of parts) w.writeString(p);
      const bytes = w.finish();
      handed.push({ bytes, copy: bytes.slice(), seqid, parts });
    }
    for (const { bytes, copy, seqid, parts } of handed) {
      assert.equal(bytes, copy, `message ${seqid} changed after it was handed out`);
      const r = protocol.createReader();
      r.reset(bytes);
      assert.equal(r.readMessageBegin(), { name: 'm', type: MessageType.CALL, seqid });
      assert.equal(parts.map(() => r.readString()), parts, `message ${seqid}`);
    }
  });

  test('begin() discards bytes written since the last finish(); abort() discards the message begun', () => {
    const w = protocol.createWriter();
    w.begin();
    w.writeI32(1);
    w.finish();
    w.writeI32(2);
    w.begin();
    w.writeI32(3);
    const only = protocol.createWriter();
    only.begin();
    only.writeI32(3);
    assert.equal(w.finish(), only.finish(), 'only the message begun');
    w.begin();
    w.writeString('dropped');
    w.abort();
    assert.is(w.finish().length, 0);
  });

  test.run();
}

const strict = suite('binary message header');

strict('strict by default, from the protocol and from new BinaryWriter(): version 1 and the type in one i32, then the name, then the seqid', () => {
  for (const w of [binaryProtocol.createWriter(), new BinaryWriter()]) {
    w.begin();
    w.writeMessageBegin('ab', MessageType.REPLY, 7);
    assert.equal([...w.finish()], [0x80, 0x01, 0x00, 0x02, 0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 7]);
  }
  const old = createBinaryProtocol({ strictWrite: false }).createWriter();
  old.begin();
  old.writeMessageBegin('ab', MessageType.REPLY, 7);
  assert.equal([...old.finish()], [0, 0, 0, 2, 0x61, 0x62, 0x02, 0, 0, 0, 7]);
});

strict('an old non-strict header with an empty name is read (length 0 is not a version word)', () => {
  const r = binaryProtocol.createReader();
  r.reset(Uint8Array.from([0, 0, 0, 0, MessageType.ONEWAY, 0, 0, 0, 9]));
  assert.equal(r.readMessageBegin(), { name: '', type: MessageType.ONEWAY, seqid: 9 });
});

strict.run();
