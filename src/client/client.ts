/**
 * A Thrift client over one byte duplex (a socket, a memory pair, a WebSocket):
 * calls go out on a channel and replies come back on it in any order, matched by
 * sequence id. The pipelining, the reply decoding and the lifecycle are
 * ThriftClient's (thrift-client.ts); this adds the channel, its read loop, the
 * shared call timer, and (from createClient) the check that names a framing or
 * protocol mismatch from the server's first bytes.
 */
import { ConnectionClosedError, ProtocolError, ThriftAppError, AppErrorType, ThriftError, TimeoutError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { binaryProtocol, type Protocol, type ServiceDesc } from '../protocol/index.js';
import { assertService } from '../protocol/schema.js';
import type { ClientOf } from '../protocol/schema.js';
import { framingOf, type DuplexStream, type Framing, type LinkSource, type MessageChannel, type MessageFraming, type MessageReceiver } from '../transport/index.js';
import { withServiceMethods } from './service-methods.js';
import type { CallOptions } from '../call/index.js';
import { HeaderWire, type ClientHeaderOptions } from './header-wire.js';
import { checkOptions, libraryHints, type OptionShape } from '../options.js';
import { describe } from '../describe.js';
import { ReplyCheck } from './reply-check.js';
import { endLink, sendCall, settle, ThriftClient, type ClientWiring, type Entry, type Exchange, type Pending, type ServiceClient } from './thrift-client.js';

export { ThriftClient, type ClientState, type ServiceClient } from './thrift-client.js';

/**
 * Options for a {@link ThriftClient} over a byte duplex: the wiring's (one text for
 * both), with the framing by name or object and THeader as options.
 */
export interface ClientOptions extends Omit<ClientWiring, 'link' | 'header'> {
  /** How messages sit on the byte stream: a name or a framing object (framedTransport...); default 'buffered'. */
  transport?: Framing | MessageFraming;
  /** Speak THeader (HeaderFormat.md) inside 'framed' framing: info headers per call, the zlib transform. */
  header?: ClientHeaderOptions;
  /**
   * Sends an encoded two-way call whose options carry `headers`, on a transport with
   * its own place for them (HTTP request headers); the reply comes back on the duplex.
   * Without it, per-call headers reach the wire only through THeader.
   */
  sendWithHeaders?: (message: Uint8Array, headers: Readonly<Record<string, string>>) => void;
}

/**
 * What a client over a duplex takes: {@link ClientOptions} with the framing as an
 * object, THeader as its wire and the first-reply check, resolved by createClient.
 * Resolving names there keeps them out of the WebSocket client, which builds its own.
 */
export interface StreamWiring extends Omit<ClientWiring, 'link'> {
  /** How messages sit on the byte stream. */
  framing: MessageFraming;
  /** Checks the server's first bytes against what the client speaks (socket clients). */
  check?: ReplyCheck;
  /** See {@link ClientOptions.sendWithHeaders}. */
  sendWithHeaders?: ClientOptions['sendWithHeaders'];
}

/** The shapes of {@link ClientOptions}. */
const clientOptionShapes = {
  protocol: 'object',
  transport: 'string|object',
  maxMessageSize: 'number',
  timeout: 'number',
  closeTimeout: 'number',
  maxDepth: 'number',
  onClose: 'function',
  service: 'string',
  interceptors: 'array',
  exchange: 'function',
  header: 'object',
  peer: 'object',
  sendWithHeaders: 'function',
} as const satisfies Record<keyof ClientOptions, OptionShape>;

/** A ThriftClient whose calls and replies travel on a channel over a byte duplex. */
class StreamClient extends ThriftClient {
  private readonly channel: MessageChannel;
  private readonly sendWithHeaders: ClientOptions['sendWithHeaders'];
  /** The first-reply check; undefined on message duplexes (WebSocket) and after the first reply matched. */
  private readonly check: ReplyCheck | undefined;
  /** Whether a reply has been matched to its call: failures before it are likely a framing or protocol mismatch. */
  private answered = false;
  /** Whether the server's first bytes were recognised as this client's framing and protocol: later failures are no mismatch. */
  private matched = false;
  private readonly sweepBound = this.sweep.bind(this);

  constructor(service: ServiceDesc, conn: DuplexStream, options: StreamWiring) {
    super(service, options);
    this.sendWithHeaders = options.sendWithHeaders;
    const check = options.check;
    this.check = check;
    this.channel = options.framing.open(conn, {
      measure: this.protocol.measure,
      maxMessageSize: options.maxMessageSize,
      maxDepth: options.maxDepth,
      inspect:
        check === undefined
          ? undefined
          : (head) => {
              const verdict = check.start(head);
              if (verdict === undefined) return false;
              if (verdict === 'match') this.matched = true;
              else if (verdict !== null) throw verdict;
              return true;
            },
    });
    this.channel.receive(new StreamClient.Receiver(this));
  }

  /**
   * What the channel hands replies and the stream's end to: one small object per
   * connection instead of a read promise and its closures (a pool may hold
   * thousands). Not the client itself, whose members would hide service methods of
   * the same names; declared in here so it may call the client's private methods.
   */
  private static readonly Receiver = class implements MessageReceiver {
    constructor(private readonly client: StreamClient) {}
    onMessage(message: Uint8Array): void {
      this.client.receive(message);
    }
    afterChunk(): undefined {
      return undefined;
    }
    onEnd(): void {
      // After the caller's turn, as a read loop's end was: whoever ended the stream finishes first.
      queueMicrotask(() => this.client.peerEnded());
    }
    onError(error: unknown): void {
      const e = error instanceof Error ? error : new Error(String(error));
      queueMicrotask(() => this.client.readFailed(e));
    }
    onWriteError(error: unknown): void {
      this.client.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };

  /** The server ended the stream while we had not closed: a loss, which `closed` reports. */
  private peerEnded(): void {
    const error = closedByServer(this.unanswered(), this.answered ? undefined : this.check);
    this.serverEnded(error, error);
  }

  protected override [sendCall](seqid: number, entry: Entry, bytes: Uint8Array, options: CallOptions | undefined): Promise<any> {
    if (this.exchange !== undefined) return super[sendCall](seqid, entry, bytes, options);
    if (entry.fn.oneway) {
      // No reply will come: the call is done once the bytes are handed to the transport.
      try {
        this.channel.send(bytes);
      } catch (e) {
        return Promise.reject(new ConnectionClosedError('connection closed before the oneway call was sent', { cause: e }));
      }
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const signal = options?.signal;
      const timeout = options?.timeout ?? this.timeout;
      const own = options?.timeout !== undefined || signal !== undefined;
      const p: Pending = {
        entry,
        resolve,
        reject,
        deadline: !own && timeout > 0 ? Date.now() + timeout : 0,
        cleanup: undefined,
        onHeaders: options?.onHeaders,
      };
      if (own) p.cleanup = this.watch(seqid, p, timeout, signal);
      else if (timeout > 0 && this.timer === undefined) this.arm(p.deadline);
      this.pending.set(seqid, p);
      try {
        const headers = options?.headers;
        if (headers !== undefined && this.sendWithHeaders !== undefined && this.header === undefined) this.sendWithHeaders(bytes, headers);
        else this.channel.send(bytes);
      } catch (e) {
        this.settled(seqid, p);
        reject(new ConnectionClosedError('connection can no longer be written', { cause: e }));
      }
    });
  }

  protected override [endLink](how: 'close' | 'abort' | 'stop', error?: Error): Promise<void> | undefined {
    if (how === 'close') return this.channel.close();
    if (how === 'abort') this.channel.abort(error);
    else this.channel.stopReading();
    return undefined;
  }

  private receive(message: Uint8Array): void {
    const headers = this.openReply(message);
    const r = this.decoder;
    // A header that cannot be read means the stream is out of step: fail the connection (the loop catches).
    const { name, type, seqid } = r.readMessageBegin();
    const p = this.pending.get(seqid);
    if (p === undefined) {
      // A sequence id never sent means the server is out of step with us: nothing it says can be trusted.
      if (!this.wrapped && (seqid <= 0 || seqid > this.seqid)) {
        throw new ThriftAppError(AppErrorType.BAD_SEQUENCE_ID, `reply to ${name} has sequence id ${seqid}, which was never sent`);
      }
      // Otherwise the call timed out or was aborted, and its late reply is dropped.
      return;
    }
    this.answered = true;
    this.settled(seqid, p);
    this.complete(p, name, type, r, headers);
  }

  /** A per-call deadline (see armDeadline), for calls with their own options. */
  private watch(seqid: number, p: Pending, timeout: number, signal: AbortSignal | undefined): () => void {
    const fail = (error: unknown): void => {
      if (this.pending.get(seqid) !== p) return;
      this.settled(seqid, p);
      settle(p, false, error);
    };
    return armDeadline({ timeout, signal, timeoutMessage: `${p.entry.fn.name} timed out after ${timeout} ms`, abortMessage: 'call aborted' }, fail);
  }

  /**
   * The shared timeout: calls made with the client's default timeout have deadlines
   * in sending order, so one timer set for the oldest covers them all.
   */
  private arm(at: number): void {
    this.timer = setTimeout(this.sweepBound, Math.max(0, at - Date.now()));
  }

  private sweep(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [seqid, p] of this.pending) {
      if (p.deadline === 0) continue;
      if (p.deadline > now) {
        this.arm(p.deadline);
        return;
      }
      this.settled(seqid, p);
      settle(p, false, new TimeoutError(`${p.entry.fn.name} timed out after ${this.timeout} ms`));
    }
  }

  /** Names of the calls awaiting replies, oldest first. */
  private unanswered(): string[] {
    return Array.from(this.pending.values(), (p) => p.entry.fn.name);
  }

  /**
   * The read loop failed: bytes the framing or protocol cannot read before any
   * reply are explained as a mismatch (a WireMismatchError, the cause of the
   * calls' ConnectionClosedError); a socket error then is the server going away
   * unanswered; later, the failure as it is.
   */
  private readFailed(error: Error): void {
    this.channel.abort(error);
    const check = this.check;
    if (!this.answered && check !== undefined) {
      // Bytes the framing or decoder refused (socket errors carry their cause and are told as they are).
      const unreadable = error instanceof ProtocolError || (error instanceof TransportError && error.cause === undefined);
      if (unreadable && !this.matched && this.channel.head.length > 0) {
        // Calls reject with ConnectionClosedError, as for any failed connection; the mismatch is its cause.
        const explained = check.explain(error, this.channel.head);
        return this.serverEnded(new ConnectionClosedError(explained.message, { cause: explained }), explained);
      }
      if (!(error instanceof ThriftError) && this.pending.size > 0) {
        const closed = check.unanswered(this.unanswered());
        return this.serverEnded(new ConnectionClosedError(`${closed.message} (${error.message})`, { cause: error }), error);
      }
    }
    this.serverEnded(new ConnectionClosedError(`connection failed: ${error.message}`, { cause: error }), error);
  }

  /** The server or the wire ended the connection: calls in flight, and those made after, reject with `error`. */
  private serverEnded(error: ThriftError, cause: Error | undefined): void {
    if (this.state !== 'closed') this.ended = error;
    this.shutdown(error, cause);
  }
}

/**
 * The server ended the connection with `calls` unanswered (oldest first). Before
 * any reply, `check` names the likely cause: a server that refused the client's
 * framing or protocol.
 */
function closedByServer(calls: readonly string[], check: ReplyCheck | undefined): ConnectionClosedError {
  const n = calls.length;
  if (n === 0) return new ConnectionClosedError('connection closed by the server');
  if (check !== undefined) return check.unanswered(calls);
  const shown = calls.slice(0, 3).join(', ') + (n > 3 ? ', …' : '');
  return new ConnectionClosedError(`the server closed the connection with ${n} call${n === 1 ? '' : 's'} unanswered (${shown})`);
}

/** Creates a client over a byte duplex (a socket, a memory pair...), with one method per service function. */
export function createClient<S extends ServiceDesc>(service: S, conn: DuplexStream, options: ClientOptions = {}): ServiceClient<ClientOf<S>> {
  assertService('createClient', service);
  const duplex = conn as (Partial<DuplexStream> & Partial<LinkSource>) | null | undefined;
  // A socket's streams are built when first read: one that offers its link is not asked for them.
  const isDuplex = duplex !== null && typeof duplex === 'object' && (typeof duplex.takeLink === 'function' ? 'readable' in duplex && 'writable' in duplex : typeof duplex.readable === 'object' && typeof duplex.writable === 'object');
  if (!isDuplex) {
    throw new TypeError(
      `createClient: the second argument must be a byte duplex { readable, writable } (a socket from connect(), a memory pair), got ${describe(conn)}; ` +
        "to dial a server use createConnection(service, { host, port }) — Apache's createConnection(host, port) + createClient(Svc, connection) is one call here",
    );
  }
  checkOptions('createClient', options, clientOptionShapes, libraryHints());
  const { transport, header, ...rest } = options;
  const protocol = options.protocol ?? binaryProtocol;
  let framing: MessageFraming;
  let wire: HeaderWire | undefined;
  if (header === undefined) framing = framingOf(transport);
  else {
    framing = framingOf(transport ?? 'framed');
    if (framing.name !== 'framed') {
      throw new TypeError(`THeader frames are length-prefixed: transport must be 'framed', got ${JSON.stringify(framing.name)}`);
    }
    wire = new HeaderWire(protocol, header, options.maxMessageSize);
  }
  // Whole-message framing has no first bytes to judge.
  const check = framing.name === 'message' ? undefined : new ReplyCheck(wire !== undefined ? 'header' : framing.name, protocol);
  return clientOn(service, conn, { ...rest, framing, header: wire, check });
}

/** A client over `conn` from resolved options: what createClient and the WebSocket connection share. */
export function clientOn<S extends ServiceDesc>(service: S, conn: DuplexStream, wiring: StreamWiring): ServiceClient<ClientOf<S>> {
  // Functions named like the client's own members stay reachable through execute().
  const Cls = withServiceMethods(StreamClient, service);
  return new Cls(service, conn, wiring) as ThriftClient as ServiceClient<ClientOf<S>>;
}
