/**
 * fromCallbackHandler: serves an unchanged Apache handler, whose methods take a
 * trailing `result(err, value)` callback (`add(n1, n2, result)`), by turning each
 * into a promise. The IDL's argument count says where the callback goes; methods
 * without the extra parameter are called as they are (they may return a value or
 * a promise, as Apache also allows). node-int64 values in what they return are
 * sent as bigints.
 */
import { serviceFunctions, type FunctionDesc, type ServiceDesc } from '../protocol/index.js';
import { bigintsFor } from './i64-values.js';

/** Apache's result callback, as handlers call it: `result(null, value)` or `result(error)`. */
export type ResultCallback = (error: unknown, value?: unknown) => void;

/**
 * A promise-returning handler for `service` made from Apache's callback-style
 * `handler`. Functions the handler lacks stay missing (calls get UNKNOWN_METHOD).
 */
export function fromCallbackHandler(service: ServiceDesc, handler: object): Record<string, (...args: unknown[]) => Promise<unknown>> {
  if (service === null || typeof service !== 'object' || service.kind !== 'service') {
    throw new TypeError('fromCallbackHandler: the first argument must be a service from load(), e.g. load(file).MyService');
  }
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) {
    throw new TypeError('fromCallbackHandler: the handler must be an object with one method per service function');
  }
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const fn of serviceFunctions(service).values()) {
    const method = (handler as Record<string, unknown>)[fn.name];
    if (typeof method !== 'function') continue;
    out[fn.name] = adapt(fn, handler, method as (...args: unknown[]) => unknown);
  }
  return out;
}

function adapt(fn: FunctionDesc, self: object, method: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> {
  const arity = fn.args.fields.length;
  const settle = (value: unknown): unknown => (fn.returns === undefined ? undefined : bigintsFor(fn.returns, value));
  // Rest parameters on purpose: the adapter's own length is 0, so createServer's arity check passes it.
  return (...args: unknown[]) => {
    if (method.length <= arity) {
      try {
        return Promise.resolve(method.apply(self, args)).then(settle);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const result: ResultCallback = (error, value) => {
        if (done) return;
        done = true;
        if (error !== null && error !== undefined) reject(error);
        else resolve(settle(value));
      };
      const padded = args.slice(0, arity);
      while (padded.length < arity) padded.push(undefined);
      try {
        // A handler that returns a promise instead of calling back is honoured too, as Apache does.
        const returned = method.apply(self, [...padded, result]);
        if (returned !== null && typeof returned === 'object' && typeof (returned as PromiseLike<unknown>).then === 'function') {
          (returned as PromiseLike<unknown>).then(
            (v) => result(null, v),
            (e: unknown) => result(e ?? new Error(`${fn.name} failed`)),
          );
        }
      } catch (e) {
        result(e ?? new Error(`${fn.name} failed`));
      }
    });
  };
}
