/**
 * Serves one socket of a {@link createServer} server: peeks at its first bytes,
 * recognises the framing and protocol (transport/detect.ts), and builds the
 * chain that answers in kind. With `transport: 'auto'` / `protocol: 'auto'`
 * (the defaults) every Apache client is served; pinned values keep strict
 * behaviour, and a connection that plainly speaks something else is refused
 * with a WireMismatchError naming both.
 */
import { armDeadline, type Disarm } from '../deadline.js';
import { WireMismatchError, type ThriftError } from '../errors.js';
import { Lifecycle, type Closable, type LifecycleState, type Tracker } from '../lifecycle.js';
import type { MessageProcessor } from '../processor/index.js';
import { binaryProtocol, compactProtocol, jsonProtocol, type Protocol } from '../protocol/index.js';
import {
  detectWire,
  DETECT_WINDOW,
  HeaderCodec,
  HeaderProtocolId,
  linkedDuplex,
  linkOf,
  showBytes,
  unknownBytes,
  type ByteLink,
  type Detection,
  type DuplexStream,
  type HeaderOptions,
  type LinkReceiver,
  type WireFraming,
  type WireKind,
  type WireProtocol,
} from '../transport/index.js';
import { messageTimeoutOf } from './defaults.js';
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
  /** The served-connection options (the transport is set per connection). */
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
 * lifecycle, which the server tracks (`tracker`). Refusals go to
 * `plan.serve.onError` and tear down `accepted` (the connection the listener
 * accepted, under any layer put on it). `plan` is shared by every connection.
 */
export function serveDetected(socket: DuplexStream, plan: WirePlan, accepted: Teardown, tracker: Tracker): Closable {
  return new DetectedConnection(socket, plan, accepted, tracker);
}

/** What a refused connection is torn down with. */
export interface Teardown {
  destroy(error?: Error): void;
}

const NO_BYTES = new Uint8Array(0);

/** The served-connection options of a plan, one object per framing for all its connections. */
const servedOptions = new WeakMap<WirePlan, Partial<Record<WireFraming, ServeConnectionOptions>>>();

function optionsFor(plan: WirePlan, framing: WireFraming): ServeConnectionOptions {
  let byFraming = servedOptions.get(plan);
  if (byFraming === undefined) servedOptions.set(plan, (byFraming = {}));
  return (byFraming[framing] ??= { ...plan.serve, transport: framing === 'header' ? 'framed' : framing });
}

/**
 * A connection whose chain is built once its first bytes are known. It reads them
 * straight from the connection's link (a socket's own events, no stream), then
 * hands the link, and the bytes it read, to the {@link ServedConnection} it builds,
 * which the server tracks from then on in its place.
 */
class DetectedConnection implements Closable, LinkReceiver {
  private readonly life = new Lifecycle();
  private inner: ServedConnection | undefined;
  /** Set once the chain is built or the connection ended without one. */
  private done = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Stops the deadline on recognising the first message, while one is armed. */
  private disarmDetect: Disarm | undefined;
  private readonly socket: DuplexStream;
  private readonly plan: WirePlan;
  private readonly accepted: Teardown;
  private readonly tracker: Tracker;
  private link: ByteLink | undefined;
  /** Every byte read while detecting; undefined once a decision is made. */
  private seen: Uint8Array | undefined = NO_BYTES;

  constructor(socket: DuplexStream, plan: WirePlan, accepted: Teardown, tracker: Tracker) {
    this.socket = socket;
    this.plan = plan;
    this.accepted = accepted;
    this.tracker = tracker;
    this.life.watch(this, tracker);
    const name = protocolName(plan.protocol);
    // A custom Protocol object pinned with a pinned framing: nothing to recognise, serve at once.
    if (name === undefined && plan.transport !== 'auto') {
      this.seen = undefined;
      this.serve(socket, undefined, { framing: plan.transport, protocol: undefined, what: '' });
      return;
    }
    const idle = plan.serve.idleTimeout;
    if (idle !== undefined && idle > 0) {
      this.idleTimer = setTimeout(() => this.finish(), idle);
      this.idleTimer.unref?.();
    }
    const link = (this.link = linkOf(socket));
    link.attach(this);
    link.resume();
  }

  /** 'open' while detecting or serving; 'closing' while the served connection drains; 'closed' after. */
  get state(): LifecycleState {
    return this.inner !== undefined && this.life.state !== 'closed' ? this.inner.state : this.life.state;
  }

  /** Resolves once closed, with the error that closed it (a refusal, a failure), if any. */
  get closed(): Promise<Error | undefined> {
    return this.inner !== undefined ? this.inner.closed : this.life.closed;
  }

  /** Graceful close: a connection still being recognised has no call to answer and ends now. */
  close(): Promise<void> {
    if (this.inner !== undefined) return this.inner.close();
    return this.life.close(() => this.finish());
  }

  /** Hard stop, of the served connection or of the socket still being recognised. */
  destroy(error?: Error): void {
    if (this.inner === undefined) this.finish(error);
    else this.inner.destroy(error);
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Bytes while detecting: decides as soon as they allow. */
  onData(chunk: Uint8Array): void {
    const had = this.seen;
    if (had === undefined || chunk.length === 0) return;
    let seen: Uint8Array;
    if (had.length === 0) {
      seen = chunk;
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    } else {
      // Only the few bytes detection needs are ever joined.
      seen = new Uint8Array(had.length + chunk.length);
      seen.set(had);
      seen.set(chunk, had.length);
    }
    this.seen = seen;
    const result = this.decide(seen);
    if (result !== undefined || seen.length >= DETECT_WINDOW) this.decided(result, seen);
    else if (had.length === 0) this.armDetectTimer();
  }

  /** The first bytes left the kind open: the rest must come within messageTimeout (the first chunk usually decides, and arms nothing). */
  private armDetectTimer(): void {
    const ms = messageTimeoutOf(this.plan.serve);
    this.disarmDetect = armDeadline(
      { timeout: ms, timeoutMessage: `the first message did not show its transport and protocol within ${ms} ms`, abortMessage: 'detection aborted' },
      (error) => this.refuse(error as Error),
    );
  }

  /** @internal The peer ended before a decision. */
  onEnd(): void {
    const seen = this.seen;
    if (seen === undefined) return;
    // The peer closed without a byte (a port probe): nothing to report.
    if (seen.length === 0) return this.finish();
    this.decided(undefined, seen);
  }

  /** @internal The connection failed before a decision. */
  onFail(error: Error): void {
    if (this.seen === undefined) return;
    this.refuse(error);
  }

  /** @internal */
  onDrain(): void {}

  private decide(bytes: Uint8Array): Detection | undefined {
    const max = this.plan.serve.maxMessageSize ?? 16_384_000;
    const found = detectWire(bytes, max);
    const framedPin = this.plan.transport === 'framed' || this.plan.transport === 'header';
    if (found !== undefined || !framedPin || bytes.length < 4) return found;
    // A pinned frame length that is already wrong is the framed chain's to report, without waiting for more.
    const length = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) | 0;
    return length <= 0 || length > max ? unknownBytes(bytes) : undefined;
  }

  /** Detection is over (a result, or the bytes ran out): serve in kind, or refuse. */
  private decided(result: Detection | undefined, seen: Uint8Array): void {
    this.stopDetecting();
    const detection: Detection = result ?? unknownBytes(seen);
    const plan = this.plan;
    if (plan.transport === 'auto' && plan.protocol === 'auto') {
      if (detection.error !== undefined) return this.refuse(detection.error);
      return this.serve(this.socket, seen, detection.kind);
    }
    if (detection.kind !== undefined) {
      // What agrees with the plan has the pinned framing already.
      if (agrees(plan, detection.kind)) return this.serve(this.socket, seen, detection.kind);
      const pinned = describePinned(plan);
      return this.refuse(
        new WireMismatchError(
          `expected ${pinned}, received what looks like ${detection.kind.what} (${showBytes(seen, 6)}); set the client's transport and protocol to match, or leave the server's at 'auto'`,
          pinned,
          detection.kind.what,
        ),
      );
    }
    const pinned = describePinned(plan);
    const error = detection.error;
    if (error instanceof WireMismatchError && !error.received.startsWith('unknown')) {
      return this.refuse(new WireMismatchError(`expected ${pinned}, received ${error.message}`, pinned, error.received));
    }
    if (plan.transport === 'auto') return this.refuse(error);
    // Bytes detection cannot place, or a frame over the limit: the pinned chain reports them in its own terms.
    this.serve(this.socket, seen, { framing: plan.transport, protocol: undefined, what: pinned });
  }

  private stopDetecting(): void {
    this.seen = undefined;
    this.disarmDetect?.();
    this.disarmDetect = undefined;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Builds the chain for `kind` over the link (bytes `seen` already read from it), and hands the connection to it. */
  private serve(socket: DuplexStream, seen: Uint8Array | undefined, kind: WireKind): void {
    if (this.done) return;
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
    const link = this.link;
    const conn = link === undefined ? socket : linkedDuplex(link);
    // The served connection reports its end to the server itself: this one steps aside.
    const inner = new ServedConnection(conn, processor, optionsFor(plan, kind.framing), this.accepted, this.tracker, seen);
    this.inner = inner;
    if (this.life.awaited) void inner.closed.then((error) => this.life.end(error));
    this.link = undefined;
    this.tracker.track(inner);
    this.tracker.untrack(this);
  }

  private refuse(error: Error | ThriftError): void {
    if (this.done) return;
    this.stopDetecting();
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
    const link = this.link!;
    let ended: Promise<void>;
    try {
      link.write(answer);
      ended = link.end();
    } catch (e) {
      ended = Promise.reject(e);
    }
    ended.catch(() => {}).finally(() => this.finish(error));
  }

  /** Ends a connection that never got a chain. */
  private finish(error?: Error): void {
    if (this.done) return;
    this.done = true;
    this.stopDetecting();
    this.link = undefined;
    this.accepted.destroy(error);
    this.life.end(error);
  }
}
