/**
 * The client interceptor: a CLIENT span per call, the active trace context injected
 * into the call's headers (THeader info headers, HTTP request headers), and the
 * call's duration in `rpc.client.duration`.
 */
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { Interceptor } from '../call/index.js';
import { callDescriber, instrumentsFor, settleSpan, type OtelOptions } from './otel-options.js';

/**
 * Traces every call of a client: `interceptors: [otelClient()]`. The span is the
 * child of the active span; its context goes out in the call's headers through the
 * global propagator (W3C `traceparent`/`tracestate` unless another is set), so a
 * server reading THeader or HTTP headers continues the trace. A oneway call's span
 * ends once the call is sent.
 */
export function otelClient(options: OtelOptions = {}): Interceptor {
  const { tracer, duration } = instrumentsFor('client', options);
  const describe = callDescriber(options);
  return (next) => (call) => {
    const { name, attributes, metricAttributes } = describe(call);
    const start = performance.now();
    const parent = context.active();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    // A copy: the caller's options object may be shared by many calls.
    const headers: Record<string, string> = { ...call.options?.headers };
    propagation.inject(trace.setSpan(parent, span), headers);
    return settleSpan(() => next({ ...call, options: { ...call.options, headers } }), span, duration, metricAttributes, start);
  };
}
