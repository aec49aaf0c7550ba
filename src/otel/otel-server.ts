/**
 * The server interceptor: the caller's trace context extracted from the request's
 * headers, a SERVER span per call active while the handler runs, and the call's
 * duration in `rpc.server.duration`.
 */
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { Interceptor } from '../call/index.js';
import { callDescriber, instrumentsFor, settleSpan, type OtelOptions } from './otel-options.js';

/**
 * Traces every call a server answers: `interceptors: [otelServer()]`. A request
 * carrying trace context (THeader info headers or HTTP request headers, read by the
 * global propagator) gets a span that is the child of its caller's; a call over plain
 * buffered or framed transports, which have no place for headers, starts a new trace.
 * The span is active while the handler runs, so the handler's own calls are its children.
 */
export function otelServer(options: OtelOptions = {}): Interceptor {
  const { tracer, duration } = instrumentsFor('server', options);
  const describe = callDescriber(options);
  return (next) => (call) => {
    const { name, attributes, metricAttributes } = describe(call);
    const start = performance.now();
    const headers = call.context?.headers;
    const parent = headers === undefined ? context.active() : propagation.extract(context.active(), headers);
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return settleSpan(() => context.with(trace.setSpan(parent, span), next, undefined, call), span, duration, metricAttributes, start);
  };
}
