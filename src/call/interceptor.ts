/**
 * Interceptors, one type for both ends: functions `(next) => (call) => …` wrapped around every call, on
 * the client (around sending and awaiting the reply) and on the server (around
 * the handler). They see the service, method, arguments and sequence id, and the
 * result or error as what `next(call)` resolves or rejects with.
 */
import type { ServerCallContext } from './call-context.js';
import type { CallOptions } from './call-options.js';

/** What an interceptor sees of one call. */
export interface InterceptedCall {
  /** Which end runs the interceptor. */
  readonly side: 'client' | 'server';
  /** The service's name in the IDL. */
  readonly service: string;
  /** The function's name (without a multiplexing prefix). */
  readonly method: string;
  /** Positional arguments; an interceptor may call next() with others. */
  readonly args: readonly unknown[];
  /** The message's sequence id (doc/specs/SequenceNumbers.md). */
  readonly seqid: number;
  /** A oneway call: it resolves once sent (client) or once the handler returned (server). */
  readonly oneway: boolean;
  /** Client side: the call's timeout and AbortSignal, if any (an interceptor may replace them). */
  readonly options?: CallOptions;
  /** Server side: the request's headers (THeader info headers, HTTP request headers) and the reply's; absent on other transports. */
  readonly context?: ServerCallContext;
  /** Client side: where the connection sends its calls, when the client knows (set by the connection factories). */
  readonly peer?: CallPeer;
}

/** The server a client calls, as its connection dialled it (for tracing and logs). */
export interface CallPeer {
  /** Host name or IP address; for a Unix socket, its path. */
  readonly address: string;
  /** TCP port; absent for a Unix socket. */
  readonly port?: number;
  /** The network transport: 'tcp' (sockets, HTTP, WebSocket) or 'unix'. */
  readonly transport: 'tcp' | 'unix';
}

/** The rest of the chain: resolves with the call's result, rejects with its error. */
export type CallNext = (call: InterceptedCall) => Promise<unknown>;

/** Wraps the rest of the chain; the first interceptor in a list is the outermost. */
export type Interceptor = (next: CallNext) => CallNext;

/** Builds one function from interceptors around `last`; the first interceptor runs first. */
export function composeInterceptors(interceptors: readonly Interceptor[], last: CallNext): CallNext {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    if (typeof interceptor !== 'function') throw new TypeError(`interceptors[${i}] must be a function (next) => (call) => Promise`);
    next = interceptor(next);
  }
  return next;
}
