/**
 * A Thrift client over one message duplex. Calls are pipelined: each gets a
 * sequence id, replies are matched by it (doc/specs/SequenceNumbers.md), so any
 * number of calls may be in flight and replies may arrive in any order.
 */
import { abortReason, AppErrorType, ConnectionClosedError, ProtocolError, ThriftAppError, ThriftError, TimeoutError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
import {
  binaryProtocol,
  decodeAppError,
  encodeMessage,
  MessageType,
  serviceFunctions,
  type FunctionDesc,
  type Protocol,
  type ProtocolReader,
  type ProtocolWriter,
  type ServiceDesc,
  type StructDecoder,
  type StructEncoder,
} from '../protocol/index.js';
import { assertService } from '../protocol/schema.js';
import type { ClientOf } from '../protocol/schema.js';
import { framingOf, MessageChannel, type DuplexStream, type Framing, type LinkSource, type MessageFraming, type MessageReceiver } from '../transport/index.js';
import { withServiceMethods } from './service-methods.js';
import { composeInterceptors, type CallNext, type CallOptions, type CallPeer, type InterceptedCall, type Interceptor } from '../call/index.js';
import { HeaderWire, type ClientHeaderOptions } from './header-wire.js';
import { checkOptions, type OptionShape } from '../options.js';
import { describe } from '../describe.js';
import { arityError, arityOf, type Arity } from './arity.js';
import { checkReplyStart, clientWire, closedByServer, explainFirstReply, type ClientWire } from './reply-check.js';

/** Options for a {@link ThriftClient}. */
export interface ClientOptions {
  /** Wire protocol (default: binary). */
  protocol?: Protocol;
  /** How messages sit on the byte stream: a name or a framing object (framedTransport...); default 'buffered'. */
  transport?: Framing | MessageFraming;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Default per-call timeout in ms; a call not settled by then rejects with TimeoutError. */
  timeout?: number;
  /** Deepest struct/container nesting accepted in replies; default 64. */
  maxDepth?: number;
  /** Called once when the connection closes, with the error if it failed. */
  onClose?: (error?: Error) => void;
  /** Call a service of a multiplexed server: method names go out as `service:method` (Apache's TMultiplexedProtocol). */
  service?: string;
  /** Wrapped around every call, first outermost (see {@link Interceptor}); none costs nothing. */
  interceptors?: readonly Interceptor[];
  /**
   * Sends each encoded call as its own exchange and resolves with its reply (empty
   * for a oneway call): HTTP, where a request carries one call. The duplex is then
   * only closed with the client. A failed exchange fails that call only; `timeout`
   * is the call's effective one, which the exchange enforces; `headers` are the call's
   * own (CallOptions.headers: trace context...), for the exchange's request headers.
   */
  exchange?: (
    message: Uint8Array,
    timeout: number,
    signal: AbortSignal | undefined,
    headers: Readonly<Record<string, string>> | undefined,
  ) => Promise<Uint8Array>;
  /** Speak THeader (HeaderFormat.md) inside 'framed' framing: info headers per call, the zlib transform. */
  header?: ClientHeaderOptions;
  /** Where the connection goes, shown to interceptors as `call.peer` (tracing); the factories set it. */
  peer?: CallPeer;
  /**
   * Sends an encoded two-way call whose options carry `headers`, on a transport with
   * its own place for them (HTTP request headers); the reply comes back on the duplex.
   * Without it, per-call headers reach the wire only through THeader.
   */
  sendWithHeaders?: (message: Uint8Array, headers: Readonly<Record<string, string>>) => void;
}

/**
 * What the ThriftClient constructor takes: {@link ClientOptions} with the framing as an
 * object and THeader as its wire, resolved by createClient. Resolving names there keeps
 * them out of the HTTP and WebSocket clients, which build theirs directly.
 */
export interface ClientWiring extends Omit<ClientOptions, 'transport' | 'header'> {
  /** How messages sit on the byte stream. */
  framing: MessageFraming;
  /** THeader wrapping of every message (inside 'framed' framing). */
  header?: HeaderWire;
}

/** The shapes of {@link ClientOptions}. */
const clientOptionShapes = {
  protocol: 'object',
  transport: 'string|object',
  maxMessageSize: 'number',
  timeout: 'number',
  maxDepth: 'number',
  onClose: 'function',
  service: 'string',
  interceptors: 'array',
  exchange: 'function',
  header: 'object',
  peer: 'object',
  sendWithHeaders: 'function',
} as const satisfies Record<keyof ClientOptions, OptionShape>;

/** Lifecycle of a client connection. */
export type ClientState = LifecycleState;

interface Entry {
  readonly fn: FunctionDesc;
  /** How many arguments a call may pass. */
  readonly arity: Arity;
  readonly encodeArgs: StructEncoder;
  readonly decodeResult: StructDecoder;
  readonly messageType: number;
}

/** One call awaiting its reply. */
interface Pending {
  readonly entry: Entry;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When the shared timer should fail it (ms since epoch), or 0 when it has no deadline there. */
  readonly deadline: number;
  /** A per-call timer or abort listener to remove when it settles. */
  cleanup: (() => void) | undefined;
  /** Takes the reply's THeader info headers. */
  readonly onHeaders: ((headers: Readonly<Record<string, string>>) => void) | undefined;
}

const MAX_SEQID = 0x7fffffff;

/** Dispatch tables per (service, protocol), built once. */
const tables = new WeakMap<ServiceDesc, WeakMap<Protocol, Map<string, Entry>>>();

function tableFor(service: ServiceDesc, protocol: Protocol): Map<string, Entry> {
  let byProtocol = tables.get(service);
  if (!byProtocol) tables.set(service, (byProtocol = new WeakMap()));
  let table = byProtocol.get(protocol);
  if (table) return table;
  table = new Map();
  for (const fn of serviceFunctions(service).values()) {
    table.set(fn.name, {
      fn,
      arity: arityOf(fn),
      encodeArgs: protocol.codecs.argsCodec(fn.args).encode,
      decodeResult: protocol.codecs.argsCodec(fn.result).decode,
      messageType: fn.oneway ? MessageType.ONEWAY : MessageType.CALL,
    });
  }
  byProtocol.set(protocol, table);
  return table;
}

/** A client connection: `execute(name, ...args)`, plus one method per service function (see {@link createClient}). */
export class ThriftClient implements Closable {
  /** The service this client calls. */
  readonly service: ServiceDesc;
  private readonly life = new Lifecycle();
  /** Resolves when the connection has closed, with the error if it failed (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  private readonly protocol: Protocol;
  private readonly table: Map<string, Entry>;
  private readonly channel: MessageChannel;
  private readonly wire: ProtocolWriter;
  private readonly decoder: ProtocolReader;
  private readonly pending = new Map<number, Pending>();
  private readonly timeout: number;
  private readonly onClose: ((error?: Error) => void) | undefined;
  private readonly exchange: ClientOptions['exchange'];
  private readonly sendWithHeaders: ClientOptions['sendWithHeaders'];
  private readonly peer: CallPeer | undefined;
  private seqid = 0;
  /** Sequence ids have wrapped around: an unknown one may be a late reply after all. */
  private wrapped = false;
  private readonly prefix: string;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private drained: (() => void) | undefined;
  private readonly sweepBound = this.sweep.bind(this);
  /** The interceptor chain, or undefined when none is configured (the plain path then runs as is). */
  private chain: CallNext | undefined;
  /** The sequence id an interceptor chain already showed for the call its innermost link is making, else 0. */
  private reserved = 0;
  /** THeader wrapping, when the client speaks it. */
  private readonly header: HeaderWire | undefined;
  /** The framing and protocol spoken, for errors that name them; undefined on message duplexes (HTTP, WebSocket). */
  private readonly wireKind: ClientWire | undefined;
  /** Whether a reply has been matched to its call: failures before it are likely a framing or protocol mismatch. */
  private answered = false;
  /** Whether the server's first bytes were recognised as this client's framing and protocol: later failures are no mismatch. */
  private matched = false;
  /** Why the connection ended when the server or the wire ended it, for the calls made after. */
  private ended: Error | undefined;

  /** Use createClient (or a connection factory), which resolves {@link ClientOptions} into this wiring. */
  constructor(service: ServiceDesc, conn: DuplexStream, options: ClientWiring) {
    this.service = service;
    this.protocol = options.protocol ?? binaryProtocol;
    this.table = tableFor(service, this.protocol);
    this.header = options.header;
    const framing = options.framing.name;
    const wire = framing === 'message' ? undefined : clientWire(this.header !== undefined ? 'header' : framing, this.protocol);
    this.wireKind = wire;
    this.channel = options.framing.open(conn, {
      measure: this.protocol.measure,
      maxMessageSize: options.maxMessageSize,
      maxDepth: options.maxDepth,
      inspect:
        wire === undefined
          ? undefined
          : (head) => {
              const verdict = checkReplyStart(head, wire);
              if (verdict === undefined) return false;
              if (verdict === 'match') this.matched = true;
              else if (verdict !== null) throw verdict;
              return true;
            },
    });
    this.wire = sharedWriter(this.protocol);
    this.decoder = sharedReader(this.protocol, options.maxDepth);
    this.timeout = options.timeout ?? 0;
    this.onClose = options.onClose;
    this.exchange = options.exchange;
    this.sendWithHeaders = options.sendWithHeaders;
    this.peer = options.peer;
    this.prefix = options.service === undefined ? '' : `${options.service}:`;
    const interceptors = options.interceptors;
    if (interceptors !== undefined && interceptors.length > 0) {
      this.chain = composeInterceptors(interceptors, (c: InterceptedCall) => {
        this.reserved = c.seqid;
        return ThriftClient.prototype.call.call(this, c.method, c.args, c.options);
      });
      // Only intercepted clients get their own call(): the prototype's stays the plain path.
      this.call = this.callIntercepted;
    }
    this.channel.receive(new ThriftClient.Receiver(this));
  }

  /**
   * What the channel hands replies and the stream's end to: one small object per
   * connection instead of a read promise and its closures (a pool may hold
   * thousands). Not the client itself, whose members would hide service methods of
   * the same names; declared in here so it may call the client's private methods.
   */
  private static readonly Receiver = class implements MessageReceiver {
    constructor(private readonly client: ThriftClient) {}
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
    const error = closedByServer(this.wireKind, this.answered, this.unanswered());
    this.serverEnded(error, error);
  }

  /** 'open' while calls may be made; 'closing' while the last replies arrive; 'closed' after. */
  get state(): ClientState {
    return this.life.state;
  }

  /** Calls in flight. */
  get inflight(): number {
    return this.pending.size;
  }

  /** Calls `name` with positional arguments; reaches functions whose names clash with the client's own. */
  execute(name: string, ...args: unknown[]): Promise<any> {
    return this.call(name, args);
  }

  /** Calls `name` with an argument array and per-call options (timeout, AbortSignal). */
  call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any> {
    // Set only by an interceptor chain's innermost link, which hands over the id its interceptors saw.
    const reserved = this.reserved;
    this.reserved = 0;
    if (this.state !== 'open') {
      const why = this.ended === undefined ? '' : `: ${this.ended.message}`;
      return Promise.reject(new ConnectionClosedError(`connection is ${this.state}${why}`, { cause: this.ended }));
    }
    const entry = this.table.get(name);
    if (entry === undefined) {
      return Promise.reject(new ThriftAppError(AppErrorType.UNKNOWN_METHOD, `${this.service.name} has no function ${name}`));
    }
    const n = args.length;
    if (n > entry.arity.max || n < entry.arity.min) return Promise.reject(arityError(this.service.name, entry.fn, entry.arity, n));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, 'call aborted'));
    let seqid = reserved;
    if (seqid === 0) {
      if (this.seqid >= MAX_SEQID) {
        this.seqid = 0;
        this.wrapped = true;
      }
      seqid = ++this.seqid;
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(this.wire, this.prefix === '' ? name : this.prefix + name, entry.messageType, seqid, entry.encodeArgs, args);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.header !== undefined) {
      try {
        bytes = this.header.wrap(bytes, seqid, options?.headers);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (this.exchange !== undefined) return this.callExchange(seqid, entry, bytes, options);
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

  /** A call made as its own exchange (HTTP): its failure is its own, the client stays open. */
  private callExchange(seqid: number, entry: Entry, bytes: Uint8Array, options: CallOptions | undefined): Promise<any> {
    // Under THeader the call's headers are in the message already.
    const headers = this.header === undefined ? options?.headers : undefined;
    const sent = this.exchange!(bytes, options?.timeout ?? this.timeout, options?.signal, headers);
    // Oneway: the server's answer says it was delivered.
    if (entry.fn.oneway) return sent.then(() => undefined);
    return new Promise((resolve, reject) => {
      // Tracked so close() drains it and destroy() rejects it; the exchange owns the deadline.
      const p: Pending = { entry, resolve, reject, deadline: 0, cleanup: undefined, onHeaders: options?.onHeaders };
      this.pending.set(seqid, p);
      sent.then(
        (reply) => {
          if (this.pending.get(seqid) !== p) return;
          this.settled(seqid, p);
          try {
            this.replyTo(seqid, p, reply);
          } catch (e) {
            reject(e);
          }
        },
        (error: unknown) => {
          if (this.pending.get(seqid) !== p) return;
          this.settled(seqid, p);
          reject(error);
        },
      );
    });
  }

  /** Settles an exchanged call with its own reply, which must carry its sequence id. */
  private replyTo(seqid: number, p: Pending, message: Uint8Array): void {
    let headers: Readonly<Record<string, string>> | undefined;
    if (this.header !== undefined) {
      const frame = this.header.unwrap(message);
      message = frame.payload;
      headers = frame.headers;
    }
    const r = this.decoder;
    r.reset(message);
    const begin = r.readMessageBegin();
    if (begin.seqid !== seqid) {
      throw new ThriftAppError(AppErrorType.BAD_SEQUENCE_ID, `reply to ${begin.name} has sequence id ${begin.seqid}, the call ${p.entry.fn.name} was sent with ${seqid}`);
    }
    this.complete(p, begin.name, begin.type, r, headers);
  }

  /** call() of a client with interceptors: the sequence id is taken first so they can see it. */
  private callIntercepted(name: string, args: readonly unknown[], options?: CallOptions): Promise<any> {
    // A call with the wrong arguments fails before any interceptor sees it (the plain path checks again, after them).
    const entry = this.table.get(name);
    if (entry !== undefined && (args.length > entry.arity.max || args.length < entry.arity.min)) {
      return Promise.reject(arityError(this.service.name, entry.fn, entry.arity, args.length));
    }
    if (this.seqid >= MAX_SEQID) {
      this.seqid = 0;
      this.wrapped = true;
    }
    const call: InterceptedCall = {
      side: 'client',
      service: this.service.name,
      method: name,
      args,
      seqid: ++this.seqid,
      oneway: this.table.get(name)?.fn.oneway ?? false,
      options,
      peer: this.peer,
    };
    try {
      return this.chain!(call);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Graceful close: new calls are refused, calls in flight get their replies, then the connection closes. */
  close(): Promise<void> {
    return this.life.close(() => {
      // The socket ends once the writes are out: a oneway call made just before close() still reaches the server.
      const finish = (): void => this.shutdown(new ConnectionClosedError('connection closed'), undefined, this.channel.close());
      if (this.pending.size === 0) finish();
      else this.drained = finish;
      return this.closed;
    });
  }

  /** Forceful close: every call in flight rejects with ConnectionClosedError now. */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    this.channel.abort(error);
    this.shutdown(new ConnectionClosedError(error ? `connection destroyed: ${error.message}` : 'connection destroyed', { cause: error }), error);
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private receive(message: Uint8Array): void {
    let headers: Readonly<Record<string, string>> | undefined;
    if (this.header !== undefined) {
      const frame = this.header.unwrap(message);
      message = frame.payload;
      headers = frame.headers;
    }
    const r = this.decoder;
    r.reset(message);
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

  /** Settles a call with the reply whose header `r` has just read. */
  private complete(p: Pending, name: string, type: number, r: ProtocolReader, headers: Readonly<Record<string, string>> | undefined): void {
    if (headers !== undefined && p.onHeaders !== undefined) {
      try {
        p.onHeaders(headers);
      } catch (e) {
        p.reject(e);
        return;
      }
    }
    if (type === MessageType.EXCEPTION) {
      try {
        p.reject(decodeAppError(this.protocol, r));
      } catch (e) {
        p.reject(e);
      }
      return;
    }
    if (type !== MessageType.REPLY) {
      p.reject(new ThriftAppError(AppErrorType.INVALID_MESSAGE_TYPE, `expected a reply to ${p.entry.fn.name}, got message type ${type}`));
      return;
    }
    if (name !== p.entry.fn.name && name !== this.prefix + p.entry.fn.name) {
      p.reject(new ThriftAppError(AppErrorType.WRONG_METHOD_NAME, `reply for ${name} to a call of ${p.entry.fn.name}`));
      return;
    }
    let result: unknown[];
    try {
      result = p.entry.decodeResult(r);
    } catch (e) {
      p.reject(e instanceof ProtocolError ? e : new ProtocolError(String(e)));
      return;
    }
    const fn = p.entry.fn;
    const first = fn.returns ? 1 : 0;
    for (let i = first; i < result.length; i++) {
      if (result[i] != null) {
        p.reject(result[i]);
        return;
      }
    }
    if (!fn.returns) p.resolve(undefined);
    else if (result[0] !== undefined) p.resolve(result[0]);
    else p.reject(new ThriftAppError(AppErrorType.MISSING_RESULT, `${fn.name} failed: unknown result`));
  }

  /** Removes a call from the pending set and releases what watched it. */
  private settled(seqid: number, p: Pending): void {
    this.pending.delete(seqid);
    if (p.cleanup !== undefined) p.cleanup();
    if (this.pending.size === 0) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      if (this.drained !== undefined) {
        const drained = this.drained;
        this.drained = undefined;
        drained();
      }
    }
  }

  /** A per-call deadline (see armDeadline), for calls with their own options. */
  private watch(seqid: number, p: Pending, timeout: number, signal: AbortSignal | undefined): () => void {
    const fail = (error: unknown): void => {
      if (this.pending.get(seqid) !== p) return;
      this.settled(seqid, p);
      p.reject(error);
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
      p.reject(new TimeoutError(`${p.entry.fn.name} timed out after ${this.timeout} ms`));
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
    const wire = this.wireKind;
    if (!this.answered && wire !== undefined) {
      // Bytes the framing or decoder refused (socket errors carry their cause and are told as they are).
      const unreadable = error instanceof ProtocolError || (error instanceof TransportError && error.cause === undefined);
      if (unreadable && !this.matched && this.channel.head.length > 0) {
        // Calls reject with ConnectionClosedError, as for any failed connection; the mismatch is its cause.
        const explained = explainFirstReply(error, this.channel.head, wire);
        return this.serverEnded(new ConnectionClosedError(explained.message, { cause: explained }), explained);
      }
      if (!(error instanceof ThriftError) && this.pending.size > 0) {
        const closed = closedByServer(wire, false, this.unanswered());
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

  private shutdown(error: ThriftError, cause?: Error, flushed?: Promise<void>): void {
    if (!this.life.end(cause)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const p of calls) {
      p.cleanup?.();
      p.reject(error);
    }
    if (flushed === undefined) {
      this.channel.stopReading();
      this.onClose?.(cause);
    } else {
      // channel.close() stops reading itself once the writes are out; cancelling the socket sooner would drop them.
      void flushed.then(() => this.onClose?.(cause));
    }
  }
}

/**
 * The methods a client gets for a service: one per function, returning promises.
 * `Methods` comes from generated code (ClientOf a TypedService); functions
 * named like the client's own members are left to execute().
 */
export type ServiceClient<Methods extends object = { [method: string]: any }> = ThriftClient & Omit<Methods, keyof ThriftClient>;

// One writer and one reader per protocol serve every client, as they serve every
// connection of a server: encoding and decoding are synchronous, and a finished
// message's bytes are never written again. Per connection, the writer's 64 KiB slab
// (a pool of 2,000 idle connections held 128 MiB of them) and the reader's hold on
// the last reply's buffer need not be paid.
const writers = new WeakMap<Protocol, ProtocolWriter>();
const readers = new WeakMap<Protocol, Map<number | undefined, ProtocolReader>>();

function sharedWriter(protocol: Protocol): ProtocolWriter {
  let w = writers.get(protocol);
  if (w === undefined) writers.set(protocol, (w = protocol.createWriter()));
  return w;
}

function sharedReader(protocol: Protocol, maxDepth: number | undefined): ProtocolReader {
  let byDepth = readers.get(protocol);
  if (byDepth === undefined) readers.set(protocol, (byDepth = new Map()));
  let r = byDepth.get(maxDepth);
  if (r === undefined) byDepth.set(maxDepth, (r = protocol.createReader({ maxDepth })));
  return r;
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
  checkOptions('createClient', options, clientOptionShapes);
  const { transport, header, ...rest } = options;
  let framing: MessageFraming;
  let wire: HeaderWire | undefined;
  if (header === undefined) framing = framingOf(transport);
  else {
    framing = framingOf(transport ?? 'framed');
    if (framing.name !== 'framed') {
      throw new TypeError(`THeader frames are length-prefixed: transport must be 'framed', got ${JSON.stringify(framing.name)}`);
    }
    wire = new HeaderWire(options.protocol ?? binaryProtocol, header, options.maxMessageSize);
  }
  return clientOn(service, conn, { ...rest, framing, header: wire });
}

/** A client over `conn` from resolved options: what createClient and the HTTP and WebSocket connections share. */
export function clientOn<S extends ServiceDesc>(service: S, conn: DuplexStream, wiring: ClientWiring): ServiceClient<ClientOf<S>> {
  // Functions named like the client's own members stay reachable through execute().
  const Cls = withServiceMethods(ThriftClient, service);
  return new Cls(service, conn, wiring) as ServiceClient<ClientOf<S>>;
}
