/**
 * Interceptors, one type for both ends: functions `(next) => (call) => …` wrapped around every call, on
 * the client (around sending and awaiting the reply) and on the server (around
 * the handler). They see the service, method, arguments and sequence id, and the
 * result or error as what `next(call)` resolves or rejects with.
 */
import type { ServerCallContext } from './call-context.js';
import type { CallOptions } from './call-options.js';
import type { CallPeer } from '../transport/types.js';

export type { CallPeer };

/**
 * What a server call came over (the accepted connection, the HTTP exchange): its
 * `peer` is read only when a call is intercepted, so serving builds none otherwise.
 */
export interface CallOrigin {
  /** The client's address, when the transport knows it. */
  readonly peer?: CallPeer;
}

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
  /** The far end, when known: client side, the server the connection dials (set by the connection factories); server side, the client's address (sockets, HTTP, WebSocket). */
  readonly peer?: CallPeer;
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
