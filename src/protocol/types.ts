/**
 * The interfaces every protocol implements. Compiled struct codecs call these
 * methods and nothing else, so one code generator serves binary and compact.
 */

import type { CodecCache } from './codec.js';

/** The header of a Thrift message (doc/specs/thrift-rpc.md). */
export interface MessageHeader {
  name: string;
  type: number;
  seqid: number;
}

/** Writes one message at a time into a growing buffer. */
export interface ProtocolWriter {
  /** Starts a new message; bytes written since the last finish() or abort() are discarded. */
  begin(): void;
  /** Returns the message written since begin(). The bytes are never reused by the writer. */
  finish(): Uint8Array;
  /** Discards what was written since begin() (after an encoding error). */
  abort(): void;
  writeMessageBegin(name: string, type: number, seqid: number): void;
  writeStructBegin(): void;
  writeStructEnd(): void;
  writeFieldBegin(ttype: number, id: number): void;
  writeFieldStop(): void;
  writeBool(value: boolean): void;
  writeByte(value: number): void;
  writeI16(value: number): void;
  writeI32(value: number): void;
  writeI64(value: bigint | number): void;
  writeDouble(value: number): void;
  writeString(value: string): void;
  writeBinary(value: Uint8Array | string): void;
  writeUuid(value: string): void;
  writeListBegin(elemType: number, size: number): void;
  writeSetBegin(elemType: number, size: number): void;
  writeMapBegin(keyType: number, valueType: number, size: number): void;
}

/** Reads values from one complete message held in memory. */
export interface ProtocolReader {
  /** Field id of the field header last read by readFieldBegin(). */
  fieldId: number;
  /** Element type of the list/set header last read. */
  elemType: number;
  /** Key and value types of the map header last read. */
  keyType: number;
  valueType: number;
  /** Points the reader at a new message. */
  reset(bytes: Uint8Array): void;
  readMessageBegin(): MessageHeader;
  /** Enters a struct; throws when the nesting limit is exceeded. */
  readStructBegin(): void;
  readStructEnd(): void;
  /** Returns the field's wire type (0 = STOP) and sets fieldId. */
  readFieldBegin(): number;
  readBool(): boolean;
  readByte(): number;
  readI16(): number;
  readI32(): number;
  readI64(): bigint;
  readDouble(): number;
  readString(): string;
  readBinary(): Uint8Array;
  readUuid(): string;
  /** Returns the element count and sets elemType; enters one nesting level. */
  readListBegin(): number;
  readListEnd(): void;
  readSetBegin(): number;
  readSetEnd(): void;
  /** Returns the entry count and sets keyType and valueType; enters one nesting level. */
  readMapBegin(): number;
  readMapEnd(): void;
  /** Skips one value of the given wire type, containers and structs included. */
  skip(ttype: number): void;
  /** Bytes left unread in the message. */
  remaining(): number;
}

/** Limits applied while reading, from untrusted input. */
export interface ReaderLimits {
  /** Maximum struct/container nesting (default 64). */
  maxDepth?: number;
}

/** A protocol: a way to put Thrift values into bytes, with its compiled struct codecs. */
export interface Protocol {
  readonly name: string;
  /** Struct codecs compiled for this protocol's reader and writer. */
  readonly codecs: CodecCache;
  createWriter(): ProtocolWriter;
  createReader(limits?: ReaderLimits): ProtocolReader;
  /**
   * Length of the complete message starting at `start` in bytes[start..end),
   * or -1 when more bytes are needed: how unframed (buffered) reads find message ends.
   * Throws FrameTooLargeError once the message must exceed `limits.maxSize`, and
   * ProtocolError past `limits.maxDepth` (default 64) or on malformed bytes.
   */
  measure(bytes: Uint8Array, start: number, end: number, limits?: { maxSize?: number; maxDepth?: number }): number;
}
