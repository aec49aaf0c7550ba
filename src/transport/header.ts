/**
 * THeader: Apache's header transport (apache/thrift doc/specs/HeaderFormat.md).
 * A THeader message is a TFramedTransport frame whose payload starts with the
 * magic 0x0FFF, 16 bits of flags, the i32 sequence id, the header size in
 * 4-byte words, then the header (varint protocol id, varint transform ids,
 * info headers, zero padding) and the payload. This module reads and writes
 * that payload; the length prefix is the framed transport's.
 *
 * Universal: nothing here reaches a Node module. The zlib transform needs a
 * synchronous codec, because messages are handed over synchronously as each
 * chunk arrives (see channel.ts) and CompressionStream can only answer
 * asynchronously; so the codec is injected ({@link HeaderOptions.zlibCodec}).
 * The socket client and server pass node:zlib's (src/node/zlib-codec.ts);
 * elsewhere pass one (for example fflate's `zlibSync`/`unzlibSync`), or frames
 * asking for zlib fail with INVALID_TRANSFORM.
 */
import { AppErrorType, FrameTooLargeError, ProtocolError, ProtocolErrorType, ThriftAppError } from '../errors.js';

/** The 16-bit magic that opens a THeader frame's payload (HeaderFormat.md). */
export const HEADER_MAGIC = 0x0fff;

/** Largest THeader frame: 0x3FFFFFFF, "slightly less than HTTP_MAGIC" (HeaderFormat.md, PADDING). */
export const MAX_HEADER_FRAME_SIZE = 0x3fff_ffff;

/** Protocol ids of the THeader protocol-id field (lib/cpp THeaderTransport.h, THeaderTransport.py). */
export const HeaderProtocolId = { BINARY: 0, JSON: 1, COMPACT: 2 } as const;

/** Transform ids (HeaderFormat.md, "Transform IDs"); only ZLIB is implemented, as in Apache's Python. */
export const HeaderTransformId = { ZLIB: 1, HMAC: 2, SNAPPY: 3 } as const;

/** Info id of key/value string pairs (HeaderFormat.md, "Info IDs"). */
export const INFO_KEYVALUE = 1;

/** Bytes before the variable header: magic, flags, sequence id, header size. */
const FIXED = 10;
/** The header-size field is a u16 count of 4-byte words. */
const MAX_HEADER_WORDS = 0xffff;

/** A synchronous zlib (RFC 1950) codec, as Python's zlib.compress / zlib.decompress. */
export interface ZlibCodec {
  /** Compresses one whole payload. */
  deflate(bytes: Uint8Array): Uint8Array;
  /** Inflates one whole payload; must refuse output past `maxOutputLength` bytes. */
  inflate(bytes: Uint8Array, maxOutputLength: number): Uint8Array;
}

/** Limits and codecs for reading and writing THeader frames. */
export interface HeaderOptions {
  /** Largest variable header (protocol id, transforms, info headers, padding) accepted, in bytes; default 65,536. */
  maxHeaderSize?: number;
  /** Most info headers accepted in one frame; default 1,000. */
  maxHeaders?: number;
  /** Largest payload after inflating, in bytes; default 16,384,000 (the framed transport's maximum). */
  maxMessageSize?: number;
  /** The zlib codec (createServer and createConnection pass node:zlib's); without one, zlib frames fail with INVALID_TRANSFORM. */
  zlibCodec?: ZlibCodec;
}

/** What a THeader frame says besides its payload. */
export interface HeaderMeta {
  /** The 16-bit flags field (HeaderFormat.md; no flag is defined there, peers echo it). */
  flags: number;
  /** The sequence id in the header; Apache writes the message's own. */
  seqid: number;
  /** The inner protocol ({@link HeaderProtocolId}). */
  protocolId: number;
  /** Transform ids, in the order they were applied when writing. */
  transforms: readonly number[];
  /** Info headers (INFO_KEYVALUE), key → value. */
  headers: Readonly<Record<string, string>>;
}

/** One decoded frame: its header and its payload, transforms undone. */
export interface HeaderFrame extends HeaderMeta {
  /** The inner protocol's message. */
  payload: Uint8Array;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Reads and writes THeader frames with fixed limits; one per connection or server. */
export class HeaderCodec {
  private readonly maxHeaderSize: number;
  private readonly maxHeaders: number;
  private readonly maxMessageSize: number;
  private readonly zlib: ZlibCodec | undefined;

  constructor(options: HeaderOptions = {}) {
    this.maxHeaderSize = positiveInt('maxHeaderSize', options.maxHeaderSize, 65_536);
    this.maxHeaders = positiveInt('maxHeaders', options.maxHeaders, 1000);
    this.maxMessageSize = positiveInt('maxMessageSize', options.maxMessageSize, 16_384_000);
    this.zlib = options.zlibCodec;
  }

  /**
   * Decodes a frame's payload (what follows the 4-byte length). Throws
   * ProtocolError on a malformed header or a header past the limits, and
   * ThriftAppError INVALID_TRANSFORM / INVALID_PROTOCOL when the frame asks for
   * what this side cannot do (the server answers those, HeaderFormat.md).
   */
  decode(frame: Uint8Array): HeaderFrame {
    const n = frame.length;
    if (n < FIXED) throw new ProtocolError(`THeader frame of ${n} bytes is shorter than its ${FIXED}-byte fixed header`);
    const magic = (frame[0] << 8) | frame[1];
    if (magic !== HEADER_MAGIC) throw new ProtocolError(`not a THeader frame: magic 0x${hex(magic, 4)} instead of 0x0fff`);
    const flags = (frame[2] << 8) | frame[3];
    const seqid = (frame[4] << 24) | (frame[5] << 16) | (frame[6] << 8) | frame[7];
    const headerSize = ((frame[8] << 8) | frame[9]) * 4;
    if (headerSize > this.maxHeaderSize) {
      throw new ProtocolError(`THeader header of ${headerSize} bytes exceeds maxHeaderSize ${this.maxHeaderSize}`, ProtocolErrorType.SIZE_LIMIT);
    }
    const end = FIXED + headerSize;
    if (end > n) throw new ProtocolError(`THeader header of ${headerSize} bytes is larger than its ${n}-byte frame`, ProtocolErrorType.SIZE_LIMIT);
    const r = { p: FIXED };
    const protocolId = varint(frame, r, end);
    const count = varint(frame, r, end);
    if (count > headerSize) throw new ProtocolError(`THeader announces ${count} transforms in a ${headerSize}-byte header`);
    const transforms: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = varint(frame, r, end);
      if (id !== HeaderTransformId.ZLIB) throw new ThriftAppError(AppErrorType.INVALID_TRANSFORM, `Unknown transform: ${id}`);
      transforms.push(id);
    }
    const headers: Record<string, string> = {};
    let seen = 0;
    // Info entries until the padding: an id we do not know ends the list (HeaderFormat.md, "Info's should be oldest ... first").
    while (r.p < end && frame[r.p] !== 0) {
      const infoId = varint(frame, r, end);
      if (infoId !== INFO_KEYVALUE) break;
      const pairs = varint(frame, r, end);
      seen += pairs;
      if (seen > this.maxHeaders) throw new ProtocolError(`THeader frame carries more than maxHeaders ${this.maxHeaders} info headers`, ProtocolErrorType.SIZE_LIMIT);
      for (let i = 0; i < pairs; i++) {
        const key = varstring(frame, r, end);
        headers[key] = varstring(frame, r, end);
      }
    }
    let payload = frame.subarray(end);
    // Transforms were applied in list order when writing, so they are undone in reverse.
    for (let i = transforms.length - 1; i >= 0; i--) payload = this.codec().inflate(payload, this.maxMessageSize);
    return { flags, seqid, protocolId, transforms, headers, payload };
  }

  /** Encodes one frame's payload (without the 4-byte length, which the framed transport writes). */
  encode(payload: Uint8Array, meta: HeaderMeta): Uint8Array {
    let body = payload;
    for (const id of meta.transforms) {
      if (id !== HeaderTransformId.ZLIB) throw new ThriftAppError(AppErrorType.INVALID_TRANSFORM, `Unknown transform: ${id}`);
      body = this.codec().deflate(body);
    }
    const header: number[] = [];
    pushVarint(header, meta.protocolId);
    pushVarint(header, meta.transforms.length);
    for (const id of meta.transforms) pushVarint(header, id);
    const keys = Object.keys(meta.headers);
    const strings: Uint8Array[] = [];
    if (keys.length > 0) {
      pushVarint(header, INFO_KEYVALUE);
      pushVarint(header, keys.length);
    }
    let size = header.length;
    for (const k of keys) {
      const key = utf8Encoder.encode(k);
      const value = utf8Encoder.encode(String(meta.headers[k]));
      strings.push(key, value);
      size += varintSize(key.length) + key.length + varintSize(value.length) + value.length;
    }
    const padded = (size + 3) & ~3;
    if (padded > this.maxHeaderSize || padded / 4 > MAX_HEADER_WORDS) {
      throw new ProtocolError(`THeader header of ${padded} bytes exceeds maxHeaderSize ${Math.min(this.maxHeaderSize, MAX_HEADER_WORDS * 4)}`, ProtocolErrorType.SIZE_LIMIT);
    }
    const total = FIXED + padded + body.length;
    if (total > MAX_HEADER_FRAME_SIZE) throw new FrameTooLargeError(total, MAX_HEADER_FRAME_SIZE);
    const out = new Uint8Array(total);
    out[0] = HEADER_MAGIC >>> 8;
    out[1] = HEADER_MAGIC & 0xff;
    out[2] = meta.flags >>> 8;
    out[3] = meta.flags;
    out[4] = meta.seqid >>> 24;
    out[5] = meta.seqid >>> 16;
    out[6] = meta.seqid >>> 8;
    out[7] = meta.seqid;
    out[8] = padded >>> 10;
    out[9] = padded >>> 2;
    let p = FIXED;
    for (const b of header) out[p++] = b;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i];
      p = writeVarint(out, p, s.length);
      out.set(s, p);
      p += s.length;
    }
    // The padding is already zero: a fresh array.
    out.set(body, FIXED + padded);
    return out;
  }

  private codec(): ZlibCodec {
    const z = this.zlib;
    if (z === undefined) throw new ThriftAppError(AppErrorType.INVALID_TRANSFORM, 'THeader zlib transform: no zlib codec; pass zlibCodec in the header options');
    return z;
  }
}

function hex(v: number, digits: number): string {
  return v.toString(16).padStart(digits, '0');
}

/** An unsigned LEB128 varint32 (the compact protocol's, thrift-compact-protocol.md) from frame[r.p..end). */
function varint(frame: Uint8Array, r: { p: number }, end: number): number {
  let result = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (r.p >= end) throw new ProtocolError('THeader header ends inside a varint');
    const b = frame[r.p++];
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result >>> 0;
  }
  throw new ProtocolError('THeader varint longer than 5 bytes');
}

function varstring(frame: Uint8Array, r: { p: number }, end: number): string {
  const length = varint(frame, r, end);
  if (length > end - r.p) throw new ProtocolError(`THeader info header string of ${length} bytes runs past the header`);
  const s = utf8Decoder.decode(frame.subarray(r.p, r.p + length));
  r.p += length;
  return s;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

function pushVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

function writeVarint(out: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    out[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[p++] = v;
  return p;
}
