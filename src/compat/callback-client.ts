/**
 * withCallbacks: a client whose methods also take Apache's trailing node-style
 * callback, `client.add(1, 1, (err, sum) => …)`, for code moved over gradually.
 * Without a callback a method returns its promise as before.
 */
import { serviceFunctions, type ServiceDesc } from '../protocol/index.js';
import type { CallOptions } from '../call/index.js';
import { bigintArgs } from './i64-values.js';

/** Apache's callback: an error, or null and the result. */
export type NodeCallback<R> = (error: unknown, result?: R) => void;

/** What withCallbacks wraps: any client calls can be made on by name (connection, pool, reconnecting, balanced). */
export interface CallableClient {
  call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any>;
}

/** A method that also takes a trailing callback (then it returns nothing). */
export type WithCallback<F> = F extends (...args: infer A) => Promise<infer R> ? { (...args: A): Promise<R>; (...args: [...A, NodeCallback<R>]): void } : F;

/** `C` with every promise-returning method also taking a trailing callback. */
export type CallbackClient<C> = { [K in keyof C]: WithCallback<C[K]> };

/** Members every client has: functions named like these stay reachable through call(name, args). */
const members = new Set(['call', 'execute', 'close', 'destroy', 'state', 'closed', 'service', 'inflight', 'then', 'constructor']);

/**
 * Wraps `client` so each function of `service` (default: the client's own
 * `service`) takes an optional trailing callback, as Apache's generated clients do;
 * node-int64 values given for i64 arguments are sent as bigints. The client's
 * own members (close, call, closed...) stay as they are.
 */
export function withCallbacks<C extends CallableClient>(client: C, service?: ServiceDesc): CallbackClient<C> {
  const svc = service ?? (client as { service?: ServiceDesc }).service;
  if (svc === undefined || svc === null || typeof svc !== 'object' || svc.kind !== 'service') {
    throw new TypeError('withCallbacks: give the service (load(file).MyService) when the client does not carry one, e.g. a pool');
  }
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  for (const fn of serviceFunctions(svc).values()) {
    const arity = fn.args.fields.length;
    methods.set(fn.name, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const callback = args.length > arity && typeof last === 'function' ? (args.pop() as NodeCallback<unknown>) : undefined;
      const sent = client.call(fn.name, bigintArgs(fn.args.fields, args));
      if (callback === undefined) return sent;
      // A throwing callback must not turn into an unhandled rejection of ours, nor be called twice.
      sent.then(
        (result) => queueMicrotask(() => callback(null, result)),
        (error: unknown) => queueMicrotask(() => callback(error)),
      );
      return undefined;
    });
  }
  return new Proxy(client, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !members.has(key)) {
        const m = methods.get(key);
        if (m !== undefined) return m;
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as CallbackClient<C>;
}
