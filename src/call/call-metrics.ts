/** A ready interceptor that counts calls and keeps a latency histogram per method, for users to read. */
import type { Interceptor } from './interceptor.js';

/** Upper bounds (ms) of the default latency buckets; a last bucket takes everything above. */
export const DEFAULT_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/** Counters and histogram of one `Service.method`. */
export interface MethodMetrics {
  /** Calls started. */
  calls: number;
  /** Calls that failed (any error: declared exception, application error, timeout, closed connection). */
  errors: number;
  /** Calls started and not yet settled. */
  inflight: number;
  /** Sum of the settled calls' durations, in ms. */
  totalMs: number;
  /** Longest settled call, in ms. */
  maxMs: number;
  /** Count of settled calls per bucket: `counts[i]` took at most `bounds[i]` ms (the last one: more than every bound). */
  counts: number[];
}

/** Counts calls and their latencies per `Service.method`; install `metrics.interceptor` on a client or server. */
export class CallMetrics {
  /** Bucket upper bounds in ms, ascending. */
  readonly bounds: readonly number[];
  /** The interceptor that records into this object. */
  readonly interceptor: Interceptor;
  private readonly methods = new Map<string, MethodMetrics>();

  constructor(options: { buckets?: readonly number[] } = {}) {
    const bounds = [...(options.buckets ?? DEFAULT_BUCKETS)];
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) throw new RangeError('buckets must be strictly ascending');
    }
    this.bounds = bounds;
    this.interceptor = (next) => (call) => {
      const m = this.entry(`${call.service}.${call.method}`);
      m.calls++;
      m.inflight++;
      const start = performance.now();
      return next(call).then(
        (value) => {
          this.settle(m, performance.now() - start);
          return value;
        },
        (error: unknown) => {
          m.errors++;
          this.settle(m, performance.now() - start);
          throw error;
        },
      );
    };
  }

  /** The metrics of `Service.method` (undefined before its first call). */
  get(key: string): Readonly<MethodMetrics> | undefined {
    return this.methods.get(key);
  }

  /** A copy of every method's metrics, keyed `Service.method`. */
  snapshot(): Record<string, MethodMetrics> {
    const out: Record<string, MethodMetrics> = {};
    for (const [key, m] of this.methods) out[key] = { ...m, counts: [...m.counts] };
    return out;
  }

  /**
   * The latency under which a fraction `q` (0..1) of `key`'s settled calls fell,
   * as the upper bound of the bucket holding it (Infinity in the overflow bucket).
   */
  quantile(key: string, q: number): number | undefined {
    const m = this.methods.get(key);
    if (m === undefined) return undefined;
    const settled = m.calls - m.inflight;
    if (settled === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * settled));
    let seen = 0;
    for (let i = 0; i < m.counts.length; i++) {
      seen += m.counts[i];
      if (seen >= rank) return i < this.bounds.length ? this.bounds[i] : Infinity;
    }
    return Infinity;
  }

  /** Forgets everything counted so far. */
  reset(): void {
    this.methods.clear();
  }

  private entry(key: string): MethodMetrics {
    let m = this.methods.get(key);
    if (m === undefined) {
      m = { calls: 0, errors: 0, inflight: 0, totalMs: 0, maxMs: 0, counts: new Array(this.bounds.length + 1).fill(0) };
      this.methods.set(key, m);
    }
    return m;
  }

  private settle(m: MethodMetrics, ms: number): void {
    m.inflight--;
    m.totalMs += ms;
    if (ms > m.maxMs) m.maxMs = ms;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && ms > bounds[i]) i++;
    m.counts[i]++;
  }
}
