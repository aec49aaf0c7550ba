/** A ready interceptor that times each call and reports one line (or record) per call. */
import type { InterceptedCall, Interceptor } from './interceptor.js';

/** One finished call, as {@link timingInterceptor} reports it. */
export interface CallRecord {
  /** Which end timed it. */
  readonly side: 'client' | 'server';
  /** Service name. */
  readonly service: string;
  /** Function name. */
  readonly method: string;
  /** Sequence id. */
  readonly seqid: number;
  /** Milliseconds from entering the interceptor to the call settling. */
  readonly ms: number;
  /** The error the call failed with, if it failed. */
  readonly error?: unknown;
}

/** Options for {@link timingInterceptor}. */
export interface TimingOptions {
  /** Receives each record; default writes one line with console.log. */
  log?: (record: CallRecord, line: string) => void;
  /** Includes the arguments in the line (not in the record, which has the call's own); default false. */
  logArgs?: boolean;
}

/** The line written for a record: `client Echo.add #3 ok 0.42 ms`. */
export function formatCallRecord(record: CallRecord, call?: InterceptedCall): string {
  const args = call === undefined ? '' : `(${call.args.map((a) => describe(a)).join(', ')})`;
  const outcome = record.error === undefined ? 'ok' : `failed: ${record.error instanceof Error ? `${record.error.name}: ${record.error.message}` : String(record.error)}`;
  return `${record.side} ${record.service}.${record.method}${args} #${record.seqid} ${outcome} ${record.ms.toFixed(2)} ms`;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (v === null || typeof v !== 'object') return String(v);
  return v.constructor?.name ?? 'object';
}

/** Times every call and passes a {@link CallRecord} (and a formatted line) to `log`. */
export function timingInterceptor(options: TimingOptions = {}): Interceptor {
  const log = options.log ?? ((_record: CallRecord, line: string) => console.log(line));
  const logArgs = options.logArgs ?? false;
  return (next) => async (call) => {
    const start = performance.now();
    try {
      const result = await next(call);
      const record: CallRecord = { side: call.side, service: call.service, method: call.method, seqid: call.seqid, ms: performance.now() - start };
      log(record, formatCallRecord(record, logArgs ? call : undefined));
      return result;
    } catch (error) {
      const record: CallRecord = { side: call.side, service: call.service, method: call.method, seqid: call.seqid, ms: performance.now() - start, error };
      log(record, formatCallRecord(record, logArgs ? call : undefined));
      throw error;
    }
  };
}
