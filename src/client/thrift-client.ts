/**
 * The client every factory returns. Calls are pipelined: each gets a sequence id,
 * replies are matched by it (doc/specs/SequenceNumbers.md), so any number of calls
 * may be in flight. This class makes each call its own exchange (HTTP, where a
 * request carries one call); the byte-stream client (client.ts) extends it with the
 * channel, the read loop, the shared timer and the first-reply check, so a bundle of
 * an HTTP client carries none of them.
 */
import { abortReason, AppErrorType, ConnectionClosedError, ProtocolError, ThriftAppError, TimeoutError, type ThriftError } from '../errors.js';
import { DEFAULT_CLOSE_TIMEOUT, Lifecycle, type Closable, type LifecycleState } from '../lifecycle.js';
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
import { composeInterceptors, type CallNext, type CallOptions, type CallPeer, type InterceptedCall, type Interceptor } from '../call/index.js';
import type { HeaderWire } from './header-wire.js';
import { arityError, arityOf, type Arity } from './arity.js';

/** Sends one encoded call as its own exchange and resolves with its reply (empty for a oneway call); see {@link ClientOptions.exchange}. */
export type Exchange = (
  message: Uint8Array,
  timeout: number,
  signal: AbortSignal | undefined,
  headers: Readonly<Record<string, string>> | undefined,
) => Promise<Uint8Array>;

/** What an exchanging client's calls go out through, ended with the client. */
export interface ExchangeLink {
  /** Graceful end, once no call is in flight. */
  close(): void;
  /** Hard stop: cancels what is in flight. */
  destroy(error?: Error): void;
}

/**
 * What the ThriftClient constructor takes, resolved by the factories: the
 * protocol as an object, THeader as its wire, the calls' exchange.
 */
export interface ClientWiring {
  /** Wire protocol (default: binary). */
  protocol?: Protocol;
  /** Largest reply accepted, in bytes; default 16_384_000. */
  maxMessageSize?: number;
  /** Default per-call timeout in ms; a call not settled by then rejects with TimeoutError. */
  timeout?: number;
  /**
   * How long close() waits for the replies in flight, in ms, before it destroys the
   * connection (those calls then reject); default 10,000, as the servers' closeTimeout.
   */
  closeTimeout?: number;
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
   * for a oneway call): HTTP, where a request carries one call (a duplex under the client
   * is then only closed with the client). A failed exchange fails
   * that call only; `timeout` is the call's effective one, which the exchange enforces;
   * `headers` are the call's own (CallOptions.headers: trace context...), for the
   * exchange's request headers. Required unless a subclass sends calls itself.
   */
  exchange?: Exchange;
  /** Ended with the client: closed once drained, destroyed by destroy(). */
  link?: ExchangeLink;
  /** THeader wrapping of every message. */
  header?: HeaderWire;
  /** Where the connection goes, shown to interceptors as `call.peer` (tracing); the factories set it. */
  peer?: CallPeer;
}

/** The options every client factory hands to its client as they are. */
type CallWiring = Pick<ClientWiring, 'timeout' | 'closeTimeout' | 'maxDepth' | 'service' | 'interceptors'>;

/** @internal The {@link CallWiring} part of a factory's options: listed once, so an option shared by every client reaches them all. */
export function callWiring(options: CallWiring): CallWiring {
  return { timeout: options.timeout, closeTimeout: options.closeTimeout, maxDepth: options.maxDepth, service: options.service, interceptors: options.interceptors };
}

/** Lifecycle of a client connection. */
export type ClientState = LifecycleState;

/** @internal One function of the service, as this client calls it. */
export interface Entry {
  readonly fn: FunctionDesc;
  /** How many arguments a call may pass. */
  readonly arity: Arity;
  readonly encodeArgs: StructEncoder;
  readonly decodeResult: StructDecoder;
  readonly messageType: number;
}

/** @internal One call awaiting its reply. */
export interface Pending {
  readonly entry: Entry;
  /** Settle it through {@link settle} only, which lets go of the caller's promise. */
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** When the shared timer should fail it (ms since epoch), or 0 when it has no deadline there. */
  readonly deadline: number;
  /** A per-call timer or abort listener to remove when it settles. */
  cleanup: (() => void) | undefined;
  /** Takes the reply's THeader info headers. */
  readonly onHeaders: ((headers: Readonly<Record<string, string>>) => void) | undefined;
}

const MAX_SEQID = 0x7fffffff;

const settledAlready = (): void => {};

/**
 * @internal Resolves (`ok`) or rejects a call's promise, then drops the Pending's hold on
 * it. A Pending can outlive its call in an old-generation object V8 has not collected yet
 * (a Map's replaced hash table, for one, keeps its entries), and the scavenger takes what
 * such objects reference as live. While a stale Pending still reached resolve → promise →
 * result, replies survived scavenges and were promoted: at 64 calls in flight of a 5.7 KB
 * reply, some runs kept ~5.5 MB per scavenge and spent half the client's CPU in GC (bench
 * case 2d, bench/echo-gc.ts); with the hold dropped, none did.
 */
export function settle(p: Pending, ok: boolean, value: unknown): void {
  const fn = ok ? p.resolve : p.reject;
  p.resolve = p.reject = settledAlready;
  fn(value);
}

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

/**
 * @internal How a client sends one encoded call (a symbol, so it takes no name a
 * service function might have: those become the client's methods).
 */
export const sendCall = Symbol('sendCall');
/** @internal How a client ends what its calls go out through: 'close' once drained (resolves when written out), 'abort' now, 'stop' reading. */
export const endLink = Symbol('endLink');

/** A client connection: `execute(name, ...args)`, plus one method per service function (see {@link createClient}). */
export class ThriftClient implements Closable {
  /** The service this client calls. */
  readonly service: ServiceDesc;
  private readonly life = new Lifecycle();
  /** Resolves when the connection has closed, with the error if it failed (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.life.closed;
  }
  protected readonly protocol: Protocol;
  protected readonly table: Map<string, Entry>;
  private readonly wire: ProtocolWriter;
  protected readonly decoder: ProtocolReader;
  protected readonly pending = new Map<number, Pending>();
  protected readonly timeout: number;
  private readonly onClose: ((error?: Error) => void) | undefined;
  protected readonly exchange: Exchange | undefined;
  private readonly link: ExchangeLink | undefined;
  private readonly peer: CallPeer | undefined;
  protected seqid = 0;
  /** Sequence ids have wrapped around: an unknown one may be a late reply after all. */
  protected wrapped = false;
  protected readonly prefix: string;
  /** The byte-stream client's shared call timer, cleared here whenever no call is left. */
  protected timer: ReturnType<typeof setTimeout> | undefined;
  private drained: (() => void) | undefined;
  /** Bounds a close() that waits for replies: a peer that never answers must not hold it (and `await using`) forever. */
  private closeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly closeTimeout: number;
  /** The interceptor chain, or undefined when none is configured (the plain path then runs as is). */
  private chain: CallNext | undefined;
  /** The sequence id an interceptor chain already showed for the call its innermost link is making, else 0. */
  private reserved = 0;
  /** THeader wrapping, when the client speaks it. */
  protected readonly header: HeaderWire | undefined;
  /** Why the connection ended when the server or the wire ended it, for the calls made after. */
  protected ended: Error | undefined;

  /** Use a connection factory (createHttpConnection, createClient...), which resolves the options into this wiring. */
  constructor(service: ServiceDesc, options: ClientWiring) {
    this.service = service;
    this.protocol = options.protocol ?? binaryProtocol;
    this.table = tableFor(service, this.protocol);
    this.header = options.header;
    this.wire = sharedWriter(this.protocol);
    this.decoder = sharedReader(this.protocol, options.maxDepth);
    this.timeout = options.timeout ?? 0;
    this.closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.onClose = options.onClose;
    this.exchange = options.exchange;
    this.link = options.link;
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
      if (this.header !== undefined) bytes = this.header.wrap(bytes, seqid, options?.headers);
    } catch (e) {
      return Promise.reject(e);
    }
    return this[sendCall](seqid, entry, bytes, options);
  }

  /** @internal Sends an encoded call as its own exchange: its failure is its own, the client stays open. */
  protected [sendCall](seqid: number, entry: Entry, bytes: Uint8Array, options: CallOptions | undefined): Promise<any> {
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
            settle(p, false, e);
          }
        },
        (error: unknown) => {
          if (this.pending.get(seqid) !== p) return;
          this.settled(seqid, p);
          settle(p, false, error);
        },
      );
    });
  }

  /**
   * @internal Puts the decoder at a reply's message, out of its THeader frame when the
   * client speaks THeader; returns the reply's info headers (undefined otherwise).
   */
  protected openReply(message: Uint8Array): Readonly<Record<string, string>> | undefined {
    if (this.header === undefined) {
      this.decoder.reset(message);
      return undefined;
    }
    const frame = this.header.unwrap(message);
    this.decoder.reset(frame.payload);
    return frame.headers;
  }

  /** Settles an exchanged call with its own reply, which must carry its sequence id. */
  private replyTo(seqid: number, p: Pending, message: Uint8Array): void {
    const headers = this.openReply(message);
    const r = this.decoder;
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
      oneway: entry?.fn.oneway ?? false,
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
      const finish = (): void => this.shutdown(new ConnectionClosedError('connection closed'), undefined, this[endLink]('close'));
      if (this.pending.size === 0) finish();
      else {
        this.drained = finish;
        const ms = this.closeTimeout;
        this.closeTimer = setTimeout(() => this.destroy(new TimeoutError(`the replies in flight did not come within closeTimeout (${ms} ms) of close()`)), ms);
      }
      return this.closed;
    });
  }

  /** Forceful close: every call in flight rejects with ConnectionClosedError now. */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    this[endLink]('abort', error);
    this.shutdown(new ConnectionClosedError(error ? `connection destroyed: ${error.message}` : 'connection destroyed', { cause: error }), error);
  }

  /** Alias of close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Ends the exchange link; a byte-stream client ends its channel instead. */
  protected [endLink](how: 'close' | 'abort' | 'stop', error?: Error): Promise<void> | undefined {
    if (how === 'close') this.link?.close();
    else if (how === 'abort') this.link?.destroy(error);
    return undefined;
  }

  /** @internal Settles a call with the reply whose header `r` has just read. */
  protected complete(p: Pending, name: string, type: number, r: ProtocolReader, headers: Readonly<Record<string, string>> | undefined): void {
    if (headers !== undefined && p.onHeaders !== undefined) {
      try {
        p.onHeaders(headers);
      } catch (e) {
        settle(p, false, e);
        return;
      }
    }
    if (type === MessageType.EXCEPTION) {
      try {
        settle(p, false, decodeAppError(this.protocol, r));
      } catch (e) {
        settle(p, false, e);
      }
      return;
    }
    if (type !== MessageType.REPLY) {
      settle(p, false, new ThriftAppError(AppErrorType.INVALID_MESSAGE_TYPE, `expected a reply to ${p.entry.fn.name}, got message type ${type}`));
      return;
    }
    if (name !== p.entry.fn.name && name !== this.prefix + p.entry.fn.name) {
      settle(p, false, new ThriftAppError(AppErrorType.WRONG_METHOD_NAME, `reply for ${name} to a call of ${p.entry.fn.name}`));
      return;
    }
    let result: unknown[];
    try {
      result = p.entry.decodeResult(r);
    } catch (e) {
      settle(p, false, e instanceof ProtocolError ? e : new ProtocolError(String(e)));
      return;
    }
    const fn = p.entry.fn;
    const first = fn.returns ? 1 : 0;
    for (let i = first; i < result.length; i++) {
      if (result[i] != null) {
        settle(p, false, result[i]);
        return;
      }
    }
    if (!fn.returns) settle(p, true, undefined);
    else if (result[0] !== undefined) settle(p, true, result[0]);
    else settle(p, false, new ThriftAppError(AppErrorType.MISSING_RESULT, `${fn.name} failed: unknown result`));
  }

  /** @internal Removes a call from the pending set and releases what watched it. */
  protected settled(seqid: number, p: Pending): void {
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

  /** @internal Ends the client: calls in flight reject with `error`; `flushed` resolves once the last writes are out. */
  protected shutdown(error: ThriftError, cause?: Error, flushed?: Promise<void>): void {
    if (!this.life.end(cause)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const p of calls) {
      p.cleanup?.();
      settle(p, false, error);
    }
    if (flushed === undefined) {
      this[endLink]('stop');
      this.onClose?.(cause);
    } else {
      // The channel's close() stops reading itself once the writes are out; cancelling the socket sooner would drop them.
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
