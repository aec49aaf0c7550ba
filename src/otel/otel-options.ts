/**
 * What both OpenTelemetry interceptors share: their options, the span name and
 * attributes of a call, and the error a span records. Attribute and metric names
 * follow OpenTelemetry's RPC semantic conventions as of v1.37 (docs/observability.md
 * says what the later stable conventions renamed).
 */
import { metrics, SpanStatusCode, trace, type Attributes, type Histogram, type MeterProvider, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { InterceptedCall } from '../call/index.js';

/** Options of {@link otelClient} and {@link otelServer}. */
export interface OtelOptions {
  /** Where spans go; default the global tracer provider (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider;
  /** Where the duration histograms go; default the global meter provider. */
  meterProvider?: MeterProvider;
  /** Attributes to add to each call's span and measurements (tenant, region...); runs once per call. */
  attributes?: (call: InterceptedCall) => Attributes;
}

/** The instrumentation scope name spans and metrics are reported under. */
export const INSTRUMENTATION_NAME = 'thrift-streams';

/** `rpc.system` of every span: the value the issue settled on for Apache Thrift (not in the conventions' well-known list). */
export const RPC_SYSTEM = 'apache_thrift';

/** The tracer and the duration histogram one interceptor records with, resolved once. */
export interface Instruments {
  readonly tracer: Tracer;
  readonly duration: Histogram;
}

/** Resolves the tracer and histogram of one side (`rpc.client.duration` / `rpc.server.duration`, in ms). */
export function instrumentsFor(side: 'client' | 'server', options: OtelOptions): Instruments {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);
  const duration = meter.createHistogram(`rpc.${side}.duration`, {
    description: side === 'client' ? 'Measures the duration of outbound RPC.' : 'Measures the duration of inbound RPC.',
    unit: 'ms',
  });
  return { tracer, duration };
}

/** A call's span name and attributes. */
export interface CallDescription {
  /** `service/method`, the span name the conventions ask for. */
  readonly name: string;
  /** The conventions' attributes, with the user's hook's added; shared between calls, never mutated. */
  readonly attributes: Attributes;
  /** The duration histogram's: the same, less the client's address and port (one series per client port would be unbounded). */
  readonly metricAttributes: Attributes;
}

const NO_PEER = {};

/**
 * Describes calls, caching per connection (its peer) and method when there is no
 * attributes hook: a traced call then builds no attribute object of its own.
 */
export function callDescriber(options: OtelOptions): (call: InterceptedCall) => CallDescription {
  const hook = options.attributes;
  if (hook !== undefined) return (call) => describeCall(call, hook(call));
  const cache = new WeakMap<object, Map<string, CallDescription>>();
  return (call) => {
    const peer = call.peer ?? NO_PEER;
    let byMethod = cache.get(peer);
    if (byMethod === undefined) cache.set(peer, (byMethod = new Map()));
    const key = `${call.service}/${call.method}`;
    let described = byMethod.get(key);
    if (described === undefined) byMethod.set(key, (described = describeCall(call, undefined)));
    return described;
  };
}

/**
 * The RPC conventions' attributes of a call, then the hook's (`own`): the far end is
 * `server.*` on a client span and `client.*` on a server span.
 */
function describeCall(call: InterceptedCall, own: Attributes | undefined): CallDescription {
  const base: Attributes = { 'rpc.system': RPC_SYSTEM, 'rpc.service': call.service, 'rpc.method': call.method };
  // The client's address and port go on the span only: the histogram keeps what a series may be keyed by.
  let spanOnly: Attributes | undefined;
  const peer = call.peer;
  if (peer !== undefined) {
    base['network.transport'] = peer.transport;
    if (call.side === 'client') {
      base['server.address'] = peer.address;
      if (peer.port !== undefined) base['server.port'] = peer.port;
    } else {
      spanOnly = { 'client.address': peer.address };
      if (peer.port !== undefined) spanOnly['client.port'] = peer.port;
    }
  }
  const metricAttributes = own === undefined ? base : { ...base, ...own };
  const attributes = spanOnly === undefined ? metricAttributes : { ...base, ...spanOnly, ...own };
  return { name: `${call.service}/${call.method}`, attributes, metricAttributes };
}

/**
 * Runs the rest of the call and ends `span` with its outcome, recording the call's
 * duration since `start` (with `error.type` on failure): one ending for both sides.
 */
export function settleSpan(run: () => Promise<unknown>, span: Span, duration: Histogram, attributes: Attributes, start: number): Promise<unknown> {
  let out: Promise<unknown>;
  try {
    out = run();
  } catch (e) {
    out = Promise.reject(e);
  }
  return out.then(
    (value) => {
      duration.record(performance.now() - start, attributes);
      span.end();
      return value;
    },
    (error: unknown) => {
      duration.record(performance.now() - start, { ...attributes, 'error.type': errorType(error) });
      recordFailure(span, error);
      span.end();
      throw error;
    },
  );
}

/** Marks a span failed by `error`: a declared exception, a TApplicationException, a timeout, a closed connection. */
export function recordFailure(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException({ name: 'Error', message: String(error) });
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
  span.setAttribute('error.type', errorType(error));
}

/** `error.type`: the exception's class name (the IDL name of a declared exception), else 'Error'. */
export function errorType(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'Error';
}
