/**
 * Why a client's first reply failed, in words a user can act on. A misconfigured
 * client (framed against a buffered server, compact against binary, a socket
 * client on an HTTP port) otherwise sees only what its framing made of foreign
 * bytes ("negative frame length -2147418110"). The first bytes the server sends
 * are matched against the same rules a server uses to recognise its clients
 * (transport/detect.ts), plus an HTTP response line and a TLS record. Only
 * createClient builds a {@link ReplyCheck}, so clients over whole messages (HTTP,
 * WebSocket) carry neither this nor the detection rules.
 */
import { ConnectionClosedError, WireMismatchError, type ThriftError } from '../errors.js';
import type { Protocol } from '../protocol/index.js';
import { detectWire, showBytes, type WireFraming, type WireProtocol } from '../transport/index.js';

/** What a socket client speaks: its framing (THeader as 'header') and protocol. */
export interface ClientWire {
  readonly framing: WireFraming;
  /** undefined for a custom Protocol object: the bytes are never judged then. */
  readonly protocol: WireProtocol | undefined;
}

const HTTP = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/": an HTTP response's status line (RFC 9112 §4)
// Frame lengths up to the i32 maximum are read as such: the framing reports its own size limit.
const ANY_SIZE = 0x7fff_ffff;

/** The wire of a client with this framing and protocol. */
export function clientWire(framing: WireFraming, protocol: Protocol): ClientWire {
  // By name, not identity: importing the protocol objects here would put compact and JSON in every browser bundle.
  const name = protocol.name === 'binary' || protocol.name === 'compact' || protocol.name === 'json' ? protocol.name : undefined;
  return { framing, protocol: name };
}

/** "framed compact", "THeader (binary inside)". */
export function describeWire(wire: ClientWire): string {
  const protocol = wire.protocol ?? 'custom protocol';
  return wire.framing === 'header' ? `THeader (${protocol} inside)` : `${wire.framing} ${protocol}`;
}

/** "transport (framed) and protocol (compact)", the settings to check. */
function settings(wire: ClientWire): string {
  return `transport (${wire.framing === 'header' ? 'header' : wire.framing}) and protocol (${wire.protocol ?? 'custom'})`;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean | undefined {
  for (let i = 0; i < prefix.length; i++) {
    if (i >= bytes.length) return undefined;
    if (bytes[i] !== prefix[i]) return false;
  }
  return true;
}

function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0d || b === 0x0a) break;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return s;
}

/**
 * Judges the first bytes of a server's answer: undefined while more are needed,
 * 'match' when they are what `wire` speaks, null when they cannot be placed (the
 * framing then decides), or the WireMismatchError that names what the server speaks instead.
 */
export function checkReplyStart(head: Uint8Array, wire: ClientWire): WireMismatchError | 'match' | null | undefined {
  const expected = describeWire(wire);
  const http = startsWith(head, HTTP);
  if (http === undefined) return undefined;
  if (http) {
    return new WireMismatchError(
      `the server answered with HTTP ("${printable(head)}"): this is an HTTP port, not a Thrift socket; use createHttpConnection with its URL, or the server's socket port`,
      expected,
      'an HTTP response',
    );
  }
  if (head.length >= 2 && (head[0] === 0x15 || head[0] === 0x16) && head[1] === 0x03) {
    // TLS record types 21 (alert) and 22 (handshake), version major 3 (RFC 8446 §5.1).
    return new WireMismatchError(`the server answered with TLS (${showBytes(head, 3)}): it expects TLS; give the client tls options`, expected, 'TLS');
  }
  if (wire.protocol === undefined) return null;
  const found = detectWire(head, ANY_SIZE);
  if (found === undefined) return undefined;
  const kind = found.kind;
  if (kind === undefined) return null;
  if (kind.framing === wire.framing && (kind.protocol === undefined || kind.protocol === wire.protocol)) return 'match';
  const fix = kind.framing === 'header' ? `transport: 'header', protocol: '${wire.protocol}'` : `transport: '${kind.framing}', protocol: '${kind.protocol}'`;
  const why = wire.framing === 'header' ? 'not THeader: the server does not speak THeader' : `but this client speaks ${expected}`;
  return new WireMismatchError(
    `the server answered in ${kind.what} (${showBytes(head, 6)}), ${why}; set the client's ${fix} to match the server`,
    expected,
    kind.what,
  );
}

/** A failure while reading the first reply, explained: what the client expected and the bytes it got. */
export function explainFirstReply(error: Error, head: Uint8Array, wire: ClientWire): ThriftError {
  if (error instanceof WireMismatchError) return error;
  const expected = describeWire(wire);
  return new WireMismatchError(
    `the server's answer is not a ${expected} reply (${showBytes(head, 6)}: ${error.message}); check that ${settings(wire)} match the server's`,
    expected,
    `unknown bytes ${showBytes(head)}`,
  );
}

/**
 * The server ended the connection, before any reply, with `unanswered` calls
 * (oldest first, at least one): it refused the connection (maxConnections, or it is
 * closing), or it could not read the client's framing or protocol.
 */
export function closedUnanswered(wire: ClientWire, unanswered: readonly string[]): ConnectionClosedError {
  const n = unanswered.length;
  const what = n === 1 ? 'the first request' : `any of the first ${n} requests`;
  return new ConnectionClosedError(
    `the server closed the connection without answering ${what} (${unanswered[0]}): it refused the connection (at its maxConnections, or closing), ` +
      `or could not read the request; if every connection ends so, check that ${settings(wire)} match the server's`,
  );
}

/** The first-reply checks of a socket client with this framing and protocol, as the byte-stream client calls them. */
export class ReplyCheck {
  /** What the client speaks. */
  readonly wire: ClientWire;
  constructor(framing: WireFraming, protocol: Protocol) {
    this.wire = clientWire(framing, protocol);
  }

  /** See {@link checkReplyStart}. */
  start(head: Uint8Array): WireMismatchError | 'match' | null | undefined {
    return checkReplyStart(head, this.wire);
  }

  /** See {@link explainFirstReply}. */
  explain(error: Error, head: Uint8Array): ThriftError {
    return explainFirstReply(error, head, this.wire);
  }

  /** See {@link closedUnanswered}. */
  unanswered(calls: readonly string[]): ConnectionClosedError {
    return closedUnanswered(this.wire, calls);
  }
}
