/**
 * fromCallbackHandler: serves an unchanged Apache handler, whose methods take a
 * trailing `result(err, value)` callback (`add(n1, n2, result)`), by turning each
 * into a promise. The IDL's argument count says where the callback goes; methods
 * without the extra parameter are called as they are (they may return a value or
 * a promise, as Apache also allows). The handler sees what Apache's server gives
 * it: i64 arguments as node-int64 values. node-int64 values in what it returns are
 * sent as bigints, and an error named as one of the function's declared exceptions
 * (Apache's generated class, `result(new ttypes.InvalidOperation(…))`) is sent as
 * that exception.
 */
import { serviceFunctions, type FunctionDesc, type ServiceDesc, type StructDesc } from '../protocol/index.js';
import { bigintsFor, int64Args } from './i64-values.js';
import { importNodeInt64, type Int64Constructor } from './int64.js';

/** Apache's result callback, as handlers call it: `result(null, value)` or `result(error)`. */
export type ResultCallback = (error: unknown, value?: unknown) => void;

/** How fromCallbackHandler gives i64 arguments to the handler. */
export interface CallbackHandlerOptions {
  /**
   * node-int64's class (`require('node-int64')`), to build the i64 arguments with.
   * Default: the node-int64 package if the application can import it (Apache's
   * `thrift` depends on it), else toInt64's look-alike (`buffer`, `toNumber()`,
   * `toString()`, `toOctetString()`, `valueOf()`).
   */
  Int64?: Int64Constructor;
}

/**
 * A promise-returning handler for `service` made from Apache's callback-style
 * `handler`. Functions the handler lacks stay missing (calls get UNKNOWN_METHOD).
 */
export function fromCallbackHandler(service: ServiceDesc, handler: object, options: CallbackHandlerOptions = {}): Record<string, (...args: unknown[]) => Promise<unknown>> {
  if (service === null || typeof service !== 'object' || service.kind !== 'service') {
    throw new TypeError('fromCallbackHandler: the first argument must be a service from load(), e.g. load(file).MyService');
  }
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) {
    throw new TypeError('fromCallbackHandler: the handler must be an object with one method per service function');
  }
  const int64: Int64Source = { Int64: options.Int64, ready: options.Int64 !== undefined };
  if (!int64.ready) {
    int64.pending = importNodeInt64().then((Int64) => {
      int64.Int64 = Int64;
      int64.ready = true;
    });
  }
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const fn of serviceFunctions(service).values()) {
    const method = (handler as Record<string, unknown>)[fn.name];
    if (typeof method !== 'function') continue;
    out[fn.name] = adapt(fn, handler, method as (...args: unknown[]) => unknown, int64);
  }
  return out;
}

/** The class i64 arguments are built with, once known: node-int64 is imported asynchronously, so the first calls may wait for it. */
interface Int64Source {
  Int64: Int64Constructor | undefined;
  ready: boolean;
  pending?: Promise<void>;
}

/**
 * `error` as the declared exception it stands for: itself when it is an instance
 * of one, a new instance of ours (declared fields copied, node-int64 values as
 * bigints) when its constructor name or `name` is a declared exception's (Apache's
 * generated classes have anonymous constructors and set `name`), else itself, an
 * undeclared error as before.
 */
function asDeclared(declared: readonly StructDesc[], error: unknown): unknown {
  if (error === null || typeof error !== 'object') return error;
  if (declared.some((s) => error instanceof s.ctor!)) return error;
  const names = [(error as { constructor?: { name?: unknown } }).constructor?.name, (error as { name?: unknown }).name];
  const struct = declared.find((s) => names.includes(s.name));
  if (struct === undefined) return error;
  const init: Record<string, unknown> = {};
  for (const field of struct.fields) {
    const v = (error as Record<string, unknown>)[field.name];
    // Apache's generated classes set absent fields to null.
    if (v !== undefined && v !== null) init[field.name] = bigintsFor(field.type, v);
  }
  return new struct.ctor!(init);
}

function adapt(fn: FunctionDesc, self: object, method: (...args: unknown[]) => unknown, int64: Int64Source): (...args: unknown[]) => Promise<unknown> {
  const arity = fn.args.fields.length;
  const settle = (value: unknown): unknown => (fn.returns === undefined ? undefined : bigintsFor(fn.returns, value));
  const declared = fn.throws.flatMap((f) => (f.type.kind === 'struct' && f.type.struct.ctor !== undefined ? [f.type.struct] : []));
  const fail = (error: unknown): Promise<never> => Promise.reject(asDeclared(declared, error));
  const call = (given: unknown[]): Promise<unknown> => {
    const args = int64Args(fn.args.fields, given, int64.Int64);
    if (method.length <= arity) {
      try {
        return Promise.resolve(method.apply(self, args)).then(settle, fail);
      } catch (e) {
        return fail(e);
      }
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const result: ResultCallback = (error, value) => {
        if (done) return;
        done = true;
        if (error !== null && error !== undefined) reject(asDeclared(declared, error));
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
  // Rest parameters on purpose: the adapter's own length is 0, so createServer's arity check passes it.
  return (...args: unknown[]) => (int64.ready ? call(args) : int64.pending!.then(() => call(args)));
}
