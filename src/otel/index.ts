/**
 * `thrift-streams/otel`: OpenTelemetry tracing and metrics as interceptors, with
 * trace context carried in THeader info headers and HTTP request headers. Needs
 * the `@opentelemetry/api` package (an optional peer dependency); the other entries never load it.
 */
export { otelClient } from './otel-client.js';
export { otelServer } from './otel-server.js';
export { INSTRUMENTATION_NAME, RPC_SYSTEM, type OtelOptions } from './otel-options.js';
