/**
 * The client's view of interceptors. The shapes match the processor layer's
 * `Interceptor` (which the client layer may not import), so one interceptor
 * value serves both ends; a client call also carries its per-call options.
 */
import type { CallOptions } from './client.js';

/** What a client interceptor sees of one call. */
export interface ClientCall {
  /** Always 'client' here. */
  readonly side: 'client' | 'server';
  /** The service's name in the IDL. */
  readonly service: string;
  /** The function's name (without a multiplexing prefix). */
  readonly method: string;
  /** Positional arguments; an interceptor may call next() with others. */
  readonly args: readonly unknown[];
  /** The sequence id the request goes out with. */
  readonly seqid: number;
  /** A oneway call: it resolves once the request is handed to the transport. */
  readonly oneway: boolean;
  /** The call's timeout and AbortSignal, if any (an interceptor may replace them). */
  readonly options?: CallOptions;
}

/** The rest of a client chain. */
export type ClientNext = (call: ClientCall) => Promise<unknown>;

/** A client interceptor: `(next) => (call) => …`; the first in a list is the outermost. */
export type ClientInterceptor = (next: ClientNext) => ClientNext;

/** Builds the chain once, around `last`. */
export function composeClientInterceptors(interceptors: readonly ClientInterceptor[], last: ClientNext): ClientNext {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    if (typeof interceptor !== 'function') throw new TypeError(`interceptors[${i}] must be a function (next) => (call) => Promise`);
    next = interceptor(next);
  }
  return next;
}
