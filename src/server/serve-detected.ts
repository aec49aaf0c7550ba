/**
 * Serves one socket of a {@link createServer} server: peeks at its first bytes,
 * recognises the framing and protocol (transport/detect.ts), and builds the
 * chain that answers in kind. With `transport: 'auto'` / `protocol: 'auto'`
 * (the defaults) every Apache client is served; pinned values keep strict
 * behaviour, and a connection that plainly speaks something else is refused
 * with a WireMismatchError naming both.
 */
import { WireMismatchError, type ThriftError } from '../errors.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import type { MessageProcessor } from '../processor/index.js';
import { binaryProtocol, compactProtocol, jsonProtocol, type Protocol } from '../protocol/index.js';
import {
  detectWire,
  DETECT_WINDOW,
  HeaderCodec,
  HeaderProtocolId,
  peekStream,
  showBytes,
  unknownBytes,
  type Detection,
  type DuplexStream,
  type HeaderOptions,
  type WireFraming,
  type WireKind,
  type WireProtocol,
} from '../transport/index.js';
import { HeaderProcessor } from './header-processor.js';
import { ServedConnection, type ServeConnectionOptions } from './serve-connection.js';

/** Server transport choices: detected per connection, or pinned. */
export type ServerTransport = 'auto' | WireFraming;

/** How a server answers its connections. */
export interface WirePlan {
  /** 'auto' or the pinned framing. */
  transport: ServerTransport;
  /** 'auto', a pinned protocol name, or a custom Protocol object (never checked against the bytes). */
  protocol: 'auto' | WireProtocol | Protocol;
  /** The processor for a protocol, built once per protocol. */
  processorFor: (protocol: Protocol) => MessageProcessor;
  /** THeader limits and zlib codec. */
  header?: HeaderOptions;
  /** The served-connection options (the transport is set per connection); `destroy` tears down the socket. */
  serve: ServeConnectionOptions;
}

const BY_NAME: Record<WireProtocol, Protocol> = { binary: binaryProtocol, compact: compactProtocol, json: jsonProtocol };
const BY_HEADER_ID: Record<number, WireProtocol> = { [HeaderProtocolId.BINARY]: 'binary', [HeaderProtocolId.COMPACT]: 'compact', [HeaderProtocolId.JSON]: 'json' };

function protocolName(p: WirePlan['protocol']): WireProtocol | 'auto' | undefined {
  if (typeof p === 'string') return p;
  for (const [name, known] of Object.entries(BY_NAME)) if (known === p) return name as WireProtocol;
  return undefined;
}

function describePinned(plan: WirePlan): string {
  const name = protocolName(plan.protocol) ?? 'custom-protocol';
  if (plan.transport === 'header') return name === 'auto' ? 'THeader' : `THeader (${name} inside)`;
  if (name === 'auto') return `${plan.transport} (any protocol)`;
  if (plan.transport === 'auto') return `${name} (any transport)`;
  return `${plan.transport} ${name}`;
}

/** Whether a detected kind is what a pinned plan speaks. */
function agrees(plan: WirePlan, kind: WireKind): boolean {
  if (plan.transport !== 'auto' && plan.transport !== kind.framing) return false;
  const name = protocolName(plan.protocol);
  // THeader frames name their protocol per frame: checked there.
  return name === 'auto' || kind.protocol === undefined || name === kind.protocol;
}

// RFC 9112 §4 allows any reason phrase; this one is what an HTTP client pointed at a socket port shows its user.
const HTTP_REASON = 'Bad Request: a Thrift socket port, not HTTP';

/**
 * Starts serving `socket` per `plan`; returns at once with the connection's
 * lifecycle, which the server tracks. Refusals go to `plan.serve.onError` and
 * close the socket (through `plan.serve.destroy`).
 */
export function serveDetected(socket: DuplexStream, plan: WirePlan): Closable {
  return new DetectedConnection(socket, plan);
}

/**
 * A connection whose chain is built once its first bytes are known: until then
 * its own lifecycle, after that the {@link ServedConnection}'s, which it follows.
 */
class DetectedConnection implements Closable {
  private readonly life = new Lifecycle();
  /** Resolves once closed, with the error that closed it (a refusal, a failure), if any. */
  readonly closed: Promise<Error | undefined> = this.life.closed;
  private inner: ServedConnection | undefined;
  /** Set once the chain is built or the connection ended without one. */
  private done = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: DuplexStream,
    private readonly plan: WirePlan,
  ) {
    const name = protocolName(plan.protocol);
    // A custom Protocol object pinned with a pinned framing: nothing to recognise, serve at once.
    if (name === undefined && plan.transport !== 'auto') {
      this.serve(socket, { framing: plan.transport, protocol: undefined, what: '' });
      return;
    }
    const idle = plan.serve.idleTimeout;
    if (idle !== undefined && idle > 0) {
      this.idleTimer = setTimeout(() => this.finish(), idle);
      this.idleTimer.unref?.();
    }
    void this.detect();
  }

  /** 'open' while detecting or serving; 'closing' while the served connection drains; 'closed' after. */
  get state(): LifecycleState {
    return this.inner !== undefined && this.life.state !== 'closed' ? this.inner.state : this.life.state;
  }

  /** Graceful close: a connection still being recognised has no call to answer and ends now. */
  close(): Promise<void> {
    return this.life.close(() => (this.inner === undefined ? this.finish() : this.inner.close()));
  }

  /** Hard stop, of the served connection or of the socket still being recognised. */
  destroy(error?: Error): void {
    if (this.inner === undefined) this.finish(error);
    else {
      this.inner.destroy(error);
      this.life.end(error);
    }
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async detect(): Promise<void> {
    const max = this.plan.serve.maxMessageSize ?? 16_384_000;
    let peeked;
    try {
      const framedPin = this.plan.transport === 'framed' || this.plan.transport === 'header';
      const decide = (bytes: Uint8Array): Detection | undefined => {
        const found = detectWire(bytes, max);
        if (found !== undefined || !framedPin || bytes.length < 4) return found;
        // A pinned frame length that is already wrong is the framed chain's to report, without waiting for more.
        const length = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) | 0;
        return length <= 0 || length > max ? unknownBytes(bytes) : undefined;
      };
      peeked = await peekStream(this.socket.readable, decide, {
        maxBytes: DETECT_WINDOW,
        timeout: this.plan.serve.messageTimeout ?? 30_000,
        onFirstBytes: () => {
          if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
        },
      });
    } catch (e) {
      if (this.done) return;
      this.refuse(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (this.done) {
      peeked.readable.cancel().catch(() => {});
      return;
    }
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    // The peer closed without a byte (a port probe): nothing to report.
    if (peeked.seen.length === 0) return this.finish();
    const detection: Detection = peeked.result ?? unknownBytes(peeked.seen);
    const conn: DuplexStream = { readable: peeked.readable, writable: this.socket.writable };
    const plan = this.plan;
    if (plan.transport === 'auto' && plan.protocol === 'auto') {
      if (detection.error !== undefined) return this.refuse(detection.error);
      return this.serve(conn, detection.kind);
    }
    const pinned = describePinned(plan);
    if (detection.kind !== undefined) {
      if (!agrees(plan, detection.kind)) {
        return this.refuse(
          new WireMismatchError(
            `expected ${pinned}, received what looks like ${detection.kind.what} (${showBytes(peeked.seen, 6)}); set the client's transport and protocol to match, or leave the server's at 'auto'`,
            pinned,
            detection.kind.what,
          ),
        );
      }
      return this.serve(conn, { ...detection.kind, framing: plan.transport === 'auto' ? detection.kind.framing : plan.transport });
    }
    const error = detection.error;
    if (error instanceof WireMismatchError && !error.received.startsWith('unknown')) {
      return this.refuse(new WireMismatchError(`expected ${pinned}, received ${error.message}`, pinned, error.received));
    }
    if (plan.transport === 'auto') return this.refuse(error);
    // Bytes detection cannot place, or a frame over the limit: the pinned chain reports them in its own terms.
    this.serve(conn, { framing: plan.transport, protocol: undefined, what: pinned });
  }

  private serve(conn: DuplexStream, kind: WireKind): void {
    const plan = this.plan;
    let processor: MessageProcessor;
    const pinnedName = protocolName(plan.protocol);
    const pinnedProtocol = typeof plan.protocol === 'object' ? plan.protocol : pinnedName !== undefined && pinnedName !== 'auto' ? BY_NAME[pinnedName] : undefined;
    if (kind.framing === 'header') {
      const codec = new HeaderCodec({ maxMessageSize: plan.serve.maxMessageSize, ...plan.header });
      processor = new HeaderProcessor(codec, (id) => {
        const name = BY_HEADER_ID[id];
        if (name === undefined) return undefined;
        if (pinnedName !== 'auto' && pinnedName !== name) return undefined;
        return plan.processorFor(BY_NAME[name]);
      });
    } else {
      processor = plan.processorFor(pinnedProtocol ?? BY_NAME[kind.protocol ?? 'binary']);
    }
    this.done = true;
    this.inner = new ServedConnection(conn, processor, { ...plan.serve, transport: kind.framing === 'header' ? 'framed' : kind.framing });
    void this.inner.closed.then((error) => this.life.end(error));
  }

  private refuse(error: Error | ThriftError): void {
    if (this.done) return;
    this.plan.serve.onError?.(error);
    if (error instanceof WireMismatchError && error.received === 'an HTTP request') return this.answerHttp(error);
    this.finish(error);
  }

  /**
   * An HTTP client on a socket port would see only a dropped connection: it gets a
   * 400 whose reason phrase and body say why (HTTP clients show the reason phrase),
   * then the close. A peer that never reads cannot hold it open: finish() runs after
   * the write or its failure, and the idle timer still applies meanwhile.
   */
  private answerHttp(error: WireMismatchError): void {
    const body = new TextEncoder().encode(`${error.message}\n`);
    const head = new TextEncoder().encode(
      `HTTP/1.1 400 ${HTTP_REASON}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
    );
    const answer = new Uint8Array(head.length + body.length);
    answer.set(head);
    answer.set(body, head.length);
    const writer = this.socket.writable.getWriter();
    writer.write(answer).then(() => writer.close()).catch(() => {}).finally(() => this.finish(error));
  }

  /** Ends a connection that never got a chain. */
  private finish(error?: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.plan.serve.destroy?.(error);
    this.life.end(error);
  }
}
