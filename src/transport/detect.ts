/**
 * Recognises a Thrift connection's framing and protocol from its first bytes,
 * as a server with `transport: 'auto'` and `protocol: 'auto'` does. The rules
 * (docs/detection.md has them as a table) rest on the first bytes each
 * transport and protocol writes:
 * - strict binary message: 0x80 0x01 (version word 0x8001_00TT, thrift-binary-protocol.md)
 * - compact message: 0x82, then version 1 in the low 5 bits (thrift-compact-protocol.md)
 * - JSON message: `[1,` (TJSONProtocol: an array whose first element is the version 1)
 * - old non-strict binary message: i32 name length, the name, the message type (1 call, 4 oneway)
 * - framed: an i32 length, then one of the messages above
 * - THeader: an i32 length, then the magic 0x0FFF (HeaderFormat.md)
 * Anything else is refused with a {@link WireMismatchError} that names what it
 * looks like: an HTTP request, a TLS handshake, or unknown bytes.
 */
import { FrameTooLargeError, WireMismatchError, type ThriftError } from '../errors.js';

/** How messages sit on the stream: unframed, length-prefixed, or THeader frames. */
export type WireFraming = 'buffered' | 'framed' | 'header';

/** The protocol of the messages; THeader frames name theirs in each frame. */
export type WireProtocol = 'binary' | 'compact' | 'json';

/** A recognised connection. */
export interface WireKind {
  readonly framing: WireFraming;
  /** The protocol; undefined for THeader, whose frames carry a protocol id each. */
  readonly protocol: WireProtocol | undefined;
  /** For messages: "framed compact", "THeader", "buffered binary (old non-strict)". */
  readonly what: string;
}

/** The outcome: a kind, or the error that refuses the connection. */
export type Detection = { readonly kind: WireKind; readonly error?: undefined } | { readonly kind?: undefined; readonly error: ThriftError };

/** Longest method name recognised in an unframed old non-strict binary message. */
const MAX_NON_STRICT_NAME = 255;

/** Most bytes detection may need: a non-strict binary header with the longest name. */
export const DETECT_WINDOW = 4 + MAX_NON_STRICT_NAME + 1;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PRI'];

function makeKind(framing: WireFraming, protocol: WireProtocol | undefined, note = ''): Detection {
  const what = framing === 'header' ? 'THeader' : `${framing} ${protocol}${note}`;
  return Object.freeze({ kind: Object.freeze({ framing, protocol, what }) });
}

// Every detection of a kind is the same frozen object: recognising a connection allocates nothing.
const byProtocol = (framing: WireFraming): Record<WireProtocol, Detection> => ({
  binary: makeKind(framing, 'binary'),
  compact: makeKind(framing, 'compact'),
  json: makeKind(framing, 'json'),
});
const BUFFERED = byProtocol('buffered');
const FRAMED = byProtocol('framed');
const HEADER = makeKind('header', undefined);
const OLD_BUFFERED = makeKind('buffered', 'binary', ' (old non-strict)');
const OLD_FRAMED = makeKind('framed', 'binary', ' (old non-strict)');

/** The first bytes as hex, e.g. "0x82 0x21 0x00 0x04", and as text when printable. */
export function showBytes(bytes: Uint8Array, max = 8): string {
  const head = bytes.subarray(0, max);
  const hex = Array.from(head, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ') + (bytes.length > max ? ' …' : '');
  return hex;
}

function printable(bytes: Uint8Array, max: number): string {
  let s = '';
  for (let i = 0; i < bytes.length && i < max; i++) {
    const b = bytes[i];
    if (b === 0x0d || b === 0x0a) break;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return bytes.length > max && s.length === max ? `${s}…` : s;
}

function refuse(message: string, received: string): Detection {
  return { error: new WireMismatchError(message, 'a Thrift message', received) };
}

/** The refusal for bytes that match nothing (also used when a connection ends before a decision). */
export function unknownBytes(bytes: Uint8Array): Detection {
  return refuse(`bytes that match no Thrift transport or protocol (${showBytes(bytes)}) on a Thrift socket port`, `unknown bytes ${showBytes(bytes)}`);
}

/** A message's first bytes at bytes[at..]: its protocol, or null when they are no message start, undefined when more are needed. */
function messageStart(bytes: Uint8Array, at: number): WireProtocol | null | undefined {
  if (bytes.length < at + 2) return bytes.length <= at ? undefined : bytes[at] === 0x80 || bytes[at] === 0x82 || bytes[at] === 0x5b ? undefined : null;
  const b0 = bytes[at];
  const b1 = bytes[at + 1];
  if (b0 === 0x80) return b1 === 0x01 ? 'binary' : null;
  if (b0 === 0x82) return (b1 & 0x1f) === 0x01 ? 'compact' : null;
  if (b0 === 0x5b) return b1 === 0x31 ? 'json' : null;
  return null;
}

/**
 * Decides from the bytes received so far; undefined while more are needed (never
 * past {@link DETECT_WINDOW} bytes). A recognised frame longer than
 * `maxMessageSize` is refused with FrameTooLargeError, as the framed transport would.
 */
export function detectWire(bytes: Uint8Array, maxMessageSize: number): Detection | undefined {
  const n = bytes.length;
  if (n === 0) return undefined;
  const b0 = bytes[0];
  const unframed = messageStart(bytes, 0);
  if (unframed === undefined) return undefined;
  if (unframed !== null) return BUFFERED[unframed];
  if (b0 === 0x16) {
    // TLS record type 22 (handshake), then version major 3 (RFC 8446 §5.1).
    if (n < 2) return undefined;
    if (bytes[1] === 0x03) {
      return refuse(
        `a TLS handshake (${showBytes(bytes, 3)}) on a plain Thrift port; connect without TLS, or give the server tls options`,
        'a TLS handshake',
      );
    }
  }
  if (b0 >= 0x41 && b0 <= 0x5a) {
    // An upper-case first byte is no frame length below 1 GiB: look for an HTTP request line.
    let token = '';
    for (let i = 0; i < n && i < 8; i++) {
      const b = bytes[i];
      if (b === 0x20) {
        if (HTTP_METHODS.includes(token)) {
          return refuse(
            `an HTTP request ("${printable(bytes, 48)}") on a Thrift socket port; use an HTTP client, or serve HTTP with createHttpServer`,
            'an HTTP request',
          );
        }
        return unknownBytes(bytes);
      }
      if (b < 0x41 || b > 0x5a) return unknownBytes(bytes);
      token += String.fromCharCode(b);
    }
    if (n < 8 && HTTP_METHODS.some((m) => m.startsWith(token))) return undefined;
    return unknownBytes(bytes);
  }
  if (n < 4) return undefined;
  const length = ((b0 << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) | 0;
  if (length <= 0) return unknownBytes(bytes);
  if (n < 5) return undefined;
  const framed = messageStart(bytes, 4);
  if (framed === undefined) return undefined;
  let found: Detection | undefined;
  if (framed !== null) found = FRAMED[framed];
  else if (bytes[4] === 0x0f) {
    if (n < 6) return undefined;
    // HEADER MAGIC 0x0FFF (HeaderFormat.md).
    if (bytes[5] === 0xff) found = HEADER;
  } else if (bytes[4] === 0x00) {
    // An old non-strict binary message in a frame: its i32 name length fits the frame.
    if (n < 8) return undefined;
    const nameLength = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) | 0;
    if (nameLength >= 0 && nameLength + 9 <= length) found = OLD_FRAMED;
  } else if (length <= MAX_NON_STRICT_NAME && bytes[4] >= 0x20) {
    // An old non-strict binary message, unframed: the name, then message type CALL (1) or ONEWAY (4).
    if (n < 4 + length + 1) return undefined;
    for (let i = 4; i < 4 + length; i++) if (bytes[i] < 0x20 || bytes[i] === 0x7f) return unknownBytes(bytes);
    const type = bytes[4 + length];
    if (type === 1 || type === 4) return OLD_BUFFERED;
  }
  if (found === undefined) return unknownBytes(bytes);
  if (length > maxMessageSize) return { error: new FrameTooLargeError(length, maxMessageSize) };
  return found;
}
