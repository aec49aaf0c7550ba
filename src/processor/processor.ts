/**
 * Dispatches decoded calls to a user handler and encodes the reply:
 * the return value, a declared exception, or a TApplicationException.
 */
import { AppErrorType, ThriftAppError } from '../errors.js';
import {
  binaryProtocol,
  encodeAppError,
  encodeMessage,
  MessageType,
  serviceFunctions,
  type FunctionDesc,
  type Protocol,
  type ProtocolReader,
  type ProtocolWriter,
  type ServiceDesc,
  type StructCtor,
  type StructDecoder,
  type StructEncoder,
} from '../protocol/index.js';
import { defaultErrorLog } from './error-log.js';
import { composeInterceptors, withCallContext, type CallNext, type InterceptedCall, type Interceptor, type ServerCallContext, type CallOrigin } from '../call/index.js';

/** What a client is told of an undeclared exception unless errors are exposed: Apache's processors' wording (python3-thrift's generated Processor). */
const INTERNAL_ERROR = 'Internal error';

/** An object with one method per service function; methods may return values or promises. */
export type Handler = object;

/** Options for {@link Processor}. */
export interface ProcessorOptions {
  /** Wire protocol (default: binary). */
  protocol?: Protocol;
  /** Maximum struct/container nesting accepted in requests (default 64). */
  maxDepth?: number;
  /**
   * Called with errors the client cannot be told about: a oneway handler that
   * throws, an undeclared exception (sent as INTERNAL_ERROR). Default: written
   * to stderr, rate-limited (see {@link createErrorLog}).
   */
  onError?: (error: unknown, method: string) => void;
  /**
   * Send an undeclared exception's message to the client. Default false: the
   * client gets INTERNAL_ERROR with the generic "Internal error", as Apache's
   * processors send, and the message goes to `onError` only.
   */
  exposeErrors?: boolean;
  /** Wrapped around every handler call, first outermost (see {@link Interceptor}); none costs nothing. */
  interceptors?: readonly Interceptor[];
}

/** One dispatch-table entry, built once per function. */
interface Entry {
  readonly fn: FunctionDesc;
  readonly decodeArgs: StructDecoder;
  readonly encodeResult: StructEncoder;
  /** Result-array slot and class of each declared exception. */
  readonly throws: readonly { slot: number; ctor: StructCtor | undefined }[];
  readonly resultSize: number;
}

/** What process() returns: reply bytes, or undefined when there is none (oneway). */
export type ProcessResult = Uint8Array | undefined;

/** Anything that turns one request message into its reply: a Processor or a MultiplexedProcessor. */
export interface MessageProcessor {
  /** The protocol requests and replies use. */
  readonly protocol: Protocol;
  /**
   * Handles one request message, with its transport's call context, if any, and what
   * it came over (for the client's address); throws only when its header cannot be read.
   */
  process(message: Uint8Array, context?: ServerCallContext, from?: CallOrigin): ProcessResult | Promise<ProcessResult>;
}

/**
 * Refuses a handler method that declares more parameters than its IDL function
 * has arguments: the extra one is almost always a result callback (Apache's
 * `add(n1, n2, result)`), which would never be called here. `fn.length` counts
 * the parameters before the first default or rest one, so those never trip it.
 */
function assertArity(service: ServiceDesc, fn: FunctionDesc, method: unknown): void {
  if (typeof method !== 'function') return;
  const declared = fn.args.fields.length;
  if (method.length <= declared) return;
  const names = fn.args.fields.map((f) => f.name).join(', ');
  throw new TypeError(
    `handler.${fn.name} takes ${method.length} parameter${method.length === 1 ? '' : 's'} but ${service.name}.${fn.name} declares ${declared}` +
      `${declared > 0 ? ` (${names})` : ''}: a callback-style handler (Apache's result callback) is never called here — ` +
      "return the value or a promise of it, or wrap the handler with fromCallbackHandler() (thrift-streams/compat)",
  );
}

/** Serves one service: turns request messages into reply messages. */
export class Processor implements MessageProcessor {
  /** The protocol requests and replies use. */
  readonly protocol: Protocol;
  private readonly handler: Record<string, unknown>;
  private readonly entries = new Map<string, Entry>();
  private readonly reader: ProtocolReader;
  private readonly writer: ProtocolWriter;
  private readonly onError: (error: unknown, method: string) => void;
  private readonly exposeErrors: boolean;
  private readonly serviceName: string;
  /** The interceptor chain, or undefined when none is configured (dispatch then runs as is). */
  private readonly chain: CallNext | undefined;

  constructor(service: ServiceDesc, handler: Handler, options: ProcessorOptions = {}) {
    if (handler === null || typeof handler !== 'object' && typeof handler !== 'function') {
      throw new TypeError('handler must be an object with one method per service function');
    }
    this.protocol = options.protocol ?? binaryProtocol;
    this.handler = handler as Record<string, unknown>;
    this.onError = options.onError ?? defaultErrorLog;
    this.exposeErrors = options.exposeErrors === true;
    this.serviceName = service.name;
    const interceptors = options.interceptors;
    this.chain = interceptors !== undefined && interceptors.length > 0 ? composeInterceptors(interceptors, this.invokeHandler.bind(this)) : undefined;
    // One reader and one writer serve every connection: decoding and encoding are synchronous.
    this.reader = this.protocol.createReader({ maxDepth: options.maxDepth });
    this.writer = this.protocol.createWriter();
    const codecs = this.protocol.codecs;
    for (const fn of serviceFunctions(service).values()) {
      assertArity(service, fn, this.handler[fn.name]);
      const throws = fn.throws.map((f, i) => ({
        slot: fn.returns ? i + 1 : i,
        ctor: f.type.kind === 'struct' ? f.type.struct.ctor : undefined,
      }));
      this.entries.set(fn.name, {
        fn,
        decodeArgs: codecs.argsCodec(fn.args).decode,
        encodeResult: codecs.argsCodec(fn.result).encode,
        throws,
        resultSize: fn.result.fields.length,
      });
    }
  }

  /**
   * Handles one request message. Returns the reply (undefined for oneway), or a
   * promise of it when the handler is async. Throws only when the message header
   * itself cannot be read: then the stream is not trustworthy and the caller
   * should drop the connection.
   */
  process(message: Uint8Array, context?: ServerCallContext, from?: CallOrigin): ProcessResult | Promise<ProcessResult> {
    const r = this.reader;
    r.reset(message);
    const { name, type, seqid } = r.readMessageBegin();
    return this.dispatch(name, type, seqid, r, context, from);
  }

  /**
   * Handles a request whose header was already read from `r` (positioned at the
   * arguments): what a multiplexing processor calls with the service prefix removed.
   */
  dispatch(name: string, type: number, seqid: number, r: ProtocolReader, context?: ServerCallContext, from?: CallOrigin): ProcessResult | Promise<ProcessResult> {
    if (type !== MessageType.CALL && type !== MessageType.ONEWAY) {
      return this.appError(name, seqid, AppErrorType.INVALID_MESSAGE_TYPE, `invalid message type ${type}`);
    }
    const oneway = type === MessageType.ONEWAY;
    const entry = this.entries.get(name);
    if (entry === undefined) {
      return oneway ? undefined : this.appError(name, seqid, AppErrorType.UNKNOWN_METHOD, `Unknown function ${name}`);
    }
    let args: unknown[];
    try {
      args = entry.decodeArgs(r);
    } catch (e) {
      if (oneway) {
        this.onError(e, name);
        return undefined;
      }
      return this.appError(name, seqid, AppErrorType.PROTOCOL_ERROR, e instanceof Error ? e.message : String(e));
    }
    const method = this.handler[name];
    if (typeof method !== 'function') {
      return oneway ? undefined : this.appError(name, seqid, AppErrorType.UNKNOWN_METHOD, `handler does not implement ${name}`);
    }
    if (this.chain !== undefined) return this.dispatchIntercepted(entry, seqid, oneway, args, context, from);
    let result: unknown;
    try {
      result = context === undefined ? method.apply(this.handler, args) : withCallContext(context, () => method.apply(this.handler, args));
    } catch (e) {
      return oneway ? this.onewayFailed(e, name) : this.failure(entry, seqid, e);
    }
    if (oneway) {
      if (isThenable(result)) result.then(undefined, (e: unknown) => this.onError(e, name));
      return undefined;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (v) => this.success(entry, seqid, v),
        (e: unknown) => this.failure(entry, seqid, e),
      );
    }
    return this.success(entry, seqid, result);
  }

  /** The handler call, run through the interceptors; replies once the chain settles. */
  private dispatchIntercepted(entry: Entry, seqid: number, oneway: boolean, args: unknown[], context: ServerCallContext | undefined, from: CallOrigin | undefined): ProcessResult | Promise<ProcessResult> {
    const name = entry.fn.name;
    let out: Promise<unknown>;
    try {
      out = this.chain!({ side: 'server', service: this.serviceName, method: name, args, seqid, oneway, context, peer: from?.peer });
    } catch (e) {
      out = Promise.reject(e);
    }
    if (oneway) {
      out.then(undefined, (e: unknown) => this.onError(e, name));
      return undefined;
    }
    return out.then(
      (v) => this.success(entry, seqid, v),
      (e: unknown) => this.failure(entry, seqid, e),
    );
  }

  /** The innermost link of the chain: the handler's method with the (possibly rewritten) arguments. */
  private invokeHandler(call: InterceptedCall): Promise<unknown> {
    try {
      const method = this.handler[call.method];
      if (typeof method !== 'function') throw new ThriftAppError(AppErrorType.UNKNOWN_METHOD, `handler does not implement ${call.method}`);
      return Promise.resolve(withCallContext(call.context, () => method.apply(this.handler, call.args)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private success(entry: Entry, seqid: number, value: unknown): Uint8Array {
    const result = new Array(entry.resultSize);
    if (entry.fn.returns) {
      // Sent as Apache's servers send it (a result with no field set), but it is the handler's bug.
      if (value == null) this.onError(new TypeError(`${entry.fn.name} returned ${value}: the client gets MISSING_RESULT ("${entry.fn.name} failed: unknown result")`), entry.fn.name);
      result[0] = value;
    }
    try {
      return encodeMessage(this.writer, entry.fn.name, MessageType.REPLY, seqid, entry.encodeResult, result);
    } catch (e) {
      // A value that does not match the IDL is the handler's bug: tell the caller, send nothing corrupt.
      this.onError(e, entry.fn.name);
      const msg = this.exposeErrors ? `${entry.fn.name} returned a value that does not match the IDL: ${e instanceof Error ? e.message : String(e)}` : INTERNAL_ERROR;
      return this.appError(entry.fn.name, seqid, AppErrorType.INTERNAL_ERROR, msg);
    }
  }

  private failure(entry: Entry, seqid: number, error: unknown): Uint8Array {
    for (const t of entry.throws) {
      if (t.ctor !== undefined && error instanceof t.ctor) {
        const result = new Array(entry.resultSize);
        result[t.slot] = error;
        try {
          return encodeMessage(this.writer, entry.fn.name, MessageType.REPLY, seqid, entry.encodeResult, result);
        } catch (e) {
          error = e;
          break;
        }
      }
    }
    if (error instanceof ThriftAppError) {
      try {
        return encodeAppError(this.protocol, this.writer, entry.fn.name, seqid, error);
      } catch (e) {
        // Built wrong (arguments swapped, a type past i32): the handler's bug, answered like any other.
        error = new TypeError(`${entry.fn.name} threw a ThriftAppError that cannot be sent: ${e instanceof Error ? e.message : String(e)}`, { cause: error });
      }
    }
    this.onError(error, entry.fn.name);
    if (!this.exposeErrors) return this.appError(entry.fn.name, seqid, AppErrorType.INTERNAL_ERROR, INTERNAL_ERROR);
    const message = error instanceof Error ? error.message : String(error);
    return this.appError(entry.fn.name, seqid, AppErrorType.INTERNAL_ERROR, `Internal error processing ${entry.fn.name}: ${message}`);
  }

  private onewayFailed(error: unknown, name: string): undefined {
    this.onError(error, name);
    return undefined;
  }

  /** Encodes a TApplicationException reply. */
  appError(name: string, seqid: number, type: number, message: string): Uint8Array {
    return encodeAppError(this.protocol, this.writer, name, seqid, new ThriftAppError(type, message));
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
