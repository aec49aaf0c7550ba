/**
 * One error hierarchy for every layer. Each class carries a stable string `code`
 * so callers can branch without `instanceof` across bundle boundaries.
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
  | 'TRANSPORT'
  | 'FRAME_TOO_LARGE'
  | 'IDL';

/** Base class of every error thrown by thrift-streams. */
export class ThriftError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** The connection closed (or failed) before the call settled. */
export class ConnectionClosedError extends ThriftError {
  constructor(message = 'connection closed', options?: { cause?: unknown }) {
    super(message, 'CONNECTION_CLOSED', options);
  }
}

/** The pool was closed; no more connections can be acquired from it. */
export class PoolClosedError extends ThriftError {
  constructor(message = 'pool closed', options?: { cause?: unknown }) {
    super(message, 'POOL_CLOSED', options);
  }
}

/** A call or connect attempt did not settle within its timeout. */
export class TimeoutError extends ThriftError {
  constructor(message = 'timed out', options?: { cause?: unknown }) {
    super(message, 'TIMEOUT', options);
  }
}

/** The caller's AbortSignal fired before the call settled. */
export class AbortError extends ThriftError {
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
  /** The numeric TProtocolException type (see {@link ProtocolErrorType}). */
  readonly type: number;
  constructor(message: string, type: number = ProtocolErrorType.INVALID_DATA, options?: { cause?: unknown }) {
    super(message, 'PROTOCOL', options);
    this.type = type;
  }
}

/** A byte-stream failure: bad framing, a socket error. */
export class TransportError extends ThriftError {
  constructor(message: string, code: 'TRANSPORT' | 'FRAME_TOO_LARGE' = 'TRANSPORT', options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** A frame (or unframed message) larger than the configured maximum. */
export class FrameTooLargeError extends TransportError {
  /** The size announced or accumulated. */
  readonly size: number;
  /** The configured maximum. */
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(`frame of ${size} bytes exceeds the maximum of ${limit}`, 'FRAME_TOO_LARGE');
    this.size = size;
    this.limit = limit;
  }
}

/** An IDL file that does not parse or resolve; names the place. */
export class IdlError extends ThriftError {
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
 * The first bytes of a connection are not what the server speaks: an HTTP
 * request or a TLS handshake on a plain Thrift port, bytes that match no Thrift
 * transport, or (on a server pinned to one framing and protocol) another
 * framing or protocol. Code 'PROTOCOL'.
 */
export class WireMismatchError extends ProtocolError {
  /** What the server expected, e.g. "framed binary", or "a Thrift message" for auto-detection. */
  readonly expected: string;
  /** What the bytes look like, e.g. "buffered compact", "an HTTP request", "a TLS handshake". */
  readonly received: string;
  constructor(message: string, expected: string, received: string) {
    super(message, ProtocolErrorType.INVALID_DATA);
    this.expected = expected;
    this.received = received;
  }
}
