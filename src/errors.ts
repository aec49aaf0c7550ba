/**
 * One error hierarchy for every layer. Each class carries its own stable string
 * `code` and a fixed `name` (a string literal, so minified bundles still print
 * `ConnectionClosedError`). `instanceof` also holds between two copies of the
 * library (the ESM and CommonJS builds, or two bundles): each class carries a
 * brand under a `Symbol.for` key, and `Symbol.hasInstance` compares brands.
 * This file is a leaf: it imports nothing, every layer may import it.
 */

/** Stable codes carried by every {@link ThriftError}. */
export type ErrorCode =
  | 'CONNECTION_CLOSED'
  | 'POOL_CLOSED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'APPLICATION'
  | 'PROTOCOL'
  | 'WIRE_MISMATCH'
  | 'TRANSPORT'
  | 'FRAME_TOO_LARGE'
  | 'HTTP_STATUS'
  | 'MISSING_DEPENDENCY'
  | 'IDL';

/**
 * The static property every copy of this file names its classes' brands by, so brands
 * match across builds. A string literal, written out in each class: with a computed
 * key (a symbol) bundlers could not prove a class free of side effects, and every
 * error class would land in every bundle.
 */
const BRAND = 'thrift-streams.error';

/** The brand a class declares itself (inherited statics do not count). */
function ownBrand(cls: object): string | undefined {
  return Object.prototype.hasOwnProperty.call(cls, BRAND) ? (cls as { [BRAND]: string })[BRAND] : undefined;
}

/** Base class of every error thrown by thrift-streams. */
export class ThriftError extends Error {
  /** @internal The class's name, fixed here rather than read from the (minifiable) constructor. */
  static readonly 'thrift-streams.error': string = 'ThriftError';
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // Not enumerable, like Error's own message; a user's subclass without a brand keeps its class name.
    Object.defineProperty(this, 'name', { value: ownBrand(new.target) ?? new.target.name, writable: true, configurable: true });
  }

  /** `instanceof` by brand, so an error made by another copy of the library (ESM vs CommonJS) still matches. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const brand = ownBrand(this);
    if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (typeof value !== 'object' || value === null) return false;
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const ctor = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : undefined;
      if (ctor != null && ownBrand(ctor) === brand) return true;
    }
    return false;
  }
}

/** The connection closed (or failed) before the call settled. */
export class ConnectionClosedError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'ConnectionClosedError';
  constructor(message = 'connection closed', options?: { cause?: unknown }) {
    super(message, 'CONNECTION_CLOSED', options);
  }
}

/** The pool was closed; no more connections can be acquired from it. */
export class PoolClosedError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'PoolClosedError';
  constructor(message = 'pool closed', options?: { cause?: unknown }) {
    super(message, 'POOL_CLOSED', options);
  }
}

/** A call or connect attempt did not settle within its timeout. */
export class TimeoutError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'TimeoutError';
  constructor(message = 'timed out', options?: { cause?: unknown }) {
    super(message, 'TIMEOUT', options);
  }
}

/** The caller's AbortSignal fired before the call settled. */
export class AbortError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'AbortError';
  constructor(message = 'aborted', options?: { cause?: unknown }) {
    super(message, 'ABORTED', options);
  }
}

/**
 * What an operation cancelled by `signal` rejects with: a TimeoutError for
 * `AbortSignal.timeout()`, an AbortError (code 'ABORTED') for a plain `abort()`, both
 * with the reason as cause; a caller's own Error given to `abort(error)` as it is.
 */
export function abortReason(signal: AbortSignal, message = 'aborted'): unknown {
  const reason = signal.reason;
  if (reason instanceof ThriftError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new TimeoutError(`${message}: the signal timed out`, { cause: reason });
  return reason instanceof Error && reason.name !== 'AbortError' ? reason : new AbortError(message, { cause: reason });
}

/**
 * TApplicationException type codes, as Apache Thrift defines them
 * (lib/*\/TApplicationException; doc/specs/thrift-rpc.md).
 */
export const AppErrorType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INVALID_MESSAGE_TYPE: 2,
  WRONG_METHOD_NAME: 3,
  BAD_SEQUENCE_ID: 4,
  MISSING_RESULT: 5,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
  INVALID_TRANSFORM: 8,
  INVALID_PROTOCOL: 9,
  UNSUPPORTED_CLIENT_TYPE: 10,
} as const;

/** A TApplicationException: sent by the server, or raised locally for the same cases. */
export class ThriftAppError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'ThriftAppError';
  /** The numeric TApplicationException type (see {@link AppErrorType}). */
  readonly type: number;
  constructor(type: number, message = '', options?: { cause?: unknown }) {
    super(message, 'APPLICATION', options);
    this.type = type;
  }
}

/** TProtocolException type codes, as Apache Thrift defines them. */
export const ProtocolErrorType = {
  UNKNOWN: 0,
  INVALID_DATA: 1,
  NEGATIVE_SIZE: 2,
  SIZE_LIMIT: 3,
  BAD_VERSION: 4,
  NOT_IMPLEMENTED: 5,
  DEPTH_LIMIT: 6,
} as const;

/** Bytes that do not decode (or values that do not encode) under the protocol. */
export class ProtocolError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'ProtocolError';
  /** The numeric TProtocolException type (see {@link ProtocolErrorType}). */
  readonly type: number;
  constructor(message: string, type: number = ProtocolErrorType.INVALID_DATA, options?: { cause?: unknown }, code: 'PROTOCOL' | 'WIRE_MISMATCH' = 'PROTOCOL') {
    super(message, code, options);
    this.type = type;
  }
}

/** A byte-stream failure: bad framing, a socket error. */
export class TransportError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'TransportError';
  constructor(message: string, code: 'TRANSPORT' | 'FRAME_TOO_LARGE' | 'HTTP_STATUS' = 'TRANSPORT', options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** A frame (or unframed message) larger than the configured maximum. */
export class FrameTooLargeError extends TransportError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'FrameTooLargeError';
  /** The size announced or accumulated. */
  readonly size: number;
  /** The configured maximum. */
  readonly limit: number;
  /** `what` names the unit: 'frame' (framed, THeader), 'message' (unframed, HTTP, WebSocket), 'inflated data' (zlib). */
  constructor(size: number, limit: number, what = 'frame') {
    super(`${what} of ${size} bytes exceeds the maximum of ${limit}`, 'FRAME_TOO_LARGE');
    this.size = size;
    this.limit = limit;
  }
}

/** The server answered a Thrift POST with a status other than 200 or 204 (no Thrift reply in it). */
export class HttpStatusError extends TransportError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'HttpStatusError';
  /** The HTTP status code, e.g. 404 or 503. */
  readonly status: number;
  /** The URL that answered. */
  readonly url: string;
  /** The start of the answer's text/plain body (the server's reason, e.g. `bad Thrift request: …`), one line of at most 200 characters; undefined when it sent none. */
  readonly text: string | undefined;
  /** `text` is the error body as received: it is cut to one line of ERROR_TEXT_CHARS characters here, so every requester quotes it alike. */
  constructor(url: string, status: number, statusText = '', text?: string) {
    const line = text === undefined ? '' : oneLine(text);
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} from ${url}${line ? `: ${line}` : ''}`, 'HTTP_STATUS');
    this.status = status;
    this.url = url;
    this.text = line || undefined;
  }
}

/** How much of an error body a message quotes: enough for a reason, too little for a page to flood a log. */
const ERROR_TEXT_CHARS = 200;

/** `text` as one line (control characters and whitespace runs become one space), cut to ERROR_TEXT_CHARS with an ellipsis. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length > ERROR_TEXT_CHARS ? `${line.slice(0, ERROR_TEXT_CHARS - 1)}…` : line;
}

/** An optional peer dependency a feature needs is not installed; the message names the package. */
export class MissingDependencyError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'MissingDependencyError';
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, feature: string, options?: { cause?: unknown }) {
    super(`${feature} needs the optional package ${packageName}: npm install ${packageName}`, 'MISSING_DEPENDENCY', options);
    this.packageName = packageName;
  }
}

/** An IDL file that does not parse or resolve; names the place. */
export class IdlError extends ThriftError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'IdlError';
  /** File path (or `<source>` for loadSource). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  constructor(message: string, file: string, line: number, column: number, options?: { cause?: unknown }) {
    super(`${file}:${line}:${column}: ${message}`, 'IDL', options);
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/**
 * The first bytes of a connection are not what this side speaks. On a server: an
 * HTTP request or a TLS handshake on a plain Thrift port, bytes that match no Thrift
 * transport, or (on a server pinned to one framing and protocol) another framing or
 * protocol. On a client (as the cause of its calls' ConnectionClosedError): a
 * server answering in another framing or protocol, with HTTP or TLS. A
 * {@link ProtocolError} with its own code, 'WIRE_MISMATCH'.
 */
export class WireMismatchError extends ProtocolError {
  /** @internal */
  static override readonly 'thrift-streams.error': string = 'WireMismatchError';
  /** What this side speaks, e.g. "framed binary", or "a Thrift message" for a server's auto-detection. */
  readonly expected: string;
  /** What the bytes look like, e.g. "buffered compact", "an HTTP request", "an HTTP response", "a TLS handshake". */
  readonly received: string;
  constructor(message: string, expected: string, received: string) {
    super(message, ProtocolErrorType.INVALID_DATA, undefined, 'WIRE_MISMATCH');
    this.expected = expected;
    this.received = received;
  }
}
