/**
 * thrift-streams/otel end to end: spans of our client and server over real sockets,
 * parent and child across THeader and HTTP, a new root over plain framed, error
 * status on declared exceptions and TApplicationExceptions, a oneway client span,
 * the duration histograms, and a python3-thrift THeader client's traceparent joined.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import * as assert from 'uvu/assert';
import { createConnection, createHttpConnection, createHttpServer, createServer, load, type ThriftServer } from '../../src/index.js';
import { otelClient, otelServer } from '../../src/otel/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { has, SYSTEM_PYTHON } from '../helpers/peers.js';
import { suite } from '../helpers/uvu.js';
import { rejection, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const exporter = new InMemorySpanExporter();
/** Waiters for a span to end: the server span of a oneway call ends after the client's call settled. */
const waiters: { match: (span: ReadableSpan) => boolean; resolve: (span: ReadableSpan) => void }[] = [];
const notifier: SpanProcessor = {
  onStart() {},
  onEnd(span) {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].match(span)) waiters.splice(i, 1)[0].resolve(span);
    }
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), notifier] });
const tracer = tracerProvider.getTracer('test');

class Reader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
const reader = new Reader();
const meterProvider = new MeterProvider({ readers: [reader] });
const options = { tracerProvider, meterProvider };

/** Resolves with the first span (ended from now on, or already) that `match` accepts. */
function ended(match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
  const done = exporter.getFinishedSpans().find(match);
  if (done !== undefined) return Promise.resolve(done);
  return within(new Promise((resolve) => waiters.push({ match, resolve })), 5000, 'a span to end');
}

function only(kind: SpanKind, name: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => s.kind === kind && s.name === name);
  assert.is(spans.length, 1, `one ${SpanKind[kind]} span named ${name}, got ${spans.length}`);
  return spans[0];
}

/** Asserts `child` is the child of `parent` in the same trace. */
function childOf(child: ReadableSpan, parent: ReadableSpan): void {
  assert.is(child.spanContext().traceId, parent.spanContext().traceId, 'same trace');
  assert.is(child.parentSpanContext?.spanId, parent.spanContext().spanId, `${child.name} is the child of ${parent.name}`);
}

let onNotify: ((event: string) => void) | undefined;
const handler = echoHandler(mod, { notify: (event) => onNotify?.(event) });

for (const kind of ['header', 'http'] as const) {
  const s = suite(`otel: parent and child spans over ${kind === 'header' ? 'THeader' : 'HTTP'}`);
  let server: ThriftServer;
  let conn: Awaited<ReturnType<typeof createConnection<typeof mod.Echo>>>;
  s.before(async () => {
    if (kind === 'header') {
      server = await createServer(mod.Echo, handler, { port: 0, interceptors: [otelServer(options)] });
      conn = await createConnection(mod.Echo, { port: server.address.port, transport: 'header', interceptors: [otelClient(options)] });
    } else {
      server = await createHttpServer(mod.Echo, handler, { port: 0, path: '/rpc', interceptors: [otelServer(options)] });
      conn = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/rpc`, interceptors: [otelClient(options)] });
    }
  });
  s.before.each(() => exporter.reset());
  s.after(async () => {
    await conn?.close();
    await server?.close();
  });

  s('the server span is the child of the client span, which is the child of the active span', async () => {
    const value = await tracer.startActiveSpan('request', async (root) => {
      try {
        return await conn.echoString('traced');
      } finally {
        root.end();
      }
    });
    assert.is(value, 'traced');
    const root = only(SpanKind.INTERNAL, 'request');
    const client = only(SpanKind.CLIENT, 'Echo/echoString');
    const served = only(SpanKind.SERVER, 'Echo/echoString');
    childOf(client, root);
    childOf(served, client);
    assert.equal(client.attributes, {
      'rpc.system': 'apache_thrift',
      'rpc.service': 'Echo',
      'rpc.method': 'echoString',
      'server.address': '127.0.0.1',
      'server.port': server.address.port,
      'network.transport': 'tcp',
    });
    // The server span names its client as the server's socket sees it: the loopback address
    // and the client's own ephemeral port (never the port the server listens on).
    const clientPort = served.attributes['client.port'];
    assert.type(clientPort, 'number');
    assert.ok((clientPort as number) > 0 && clientPort !== server.address.port, `client.port ${clientPort} is the client's ephemeral port`);
    assert.equal(served.attributes, {
      'rpc.system': 'apache_thrift',
      'rpc.service': 'Echo',
      'rpc.method': 'echoString',
      'network.transport': 'tcp',
      'client.address': '127.0.0.1',
      'client.port': clientPort,
    });
    assert.is(client.status.code, SpanStatusCode.UNSET);
    assert.is(served.status.code, SpanStatusCode.UNSET);
  });

  s('a call with no active span starts a trace that the server continues', async () => {
    await conn.ping();
    const client = only(SpanKind.CLIENT, 'Echo/ping');
    assert.is(client.parentSpanContext, undefined, 'the client span is a root');
    childOf(only(SpanKind.SERVER, 'Echo/ping'), client);
  });

  s('a declared exception sets status ERROR and records the exception on both spans', async () => {
    const error = await rejection(conn.find(0));
    assert.instance(error, mod.NotFound);
    for (const span of [only(SpanKind.CLIENT, 'Echo/find'), only(SpanKind.SERVER, 'Echo/find')]) {
      assert.is(span.status.code, SpanStatusCode.ERROR, span.name);
      assert.is(span.attributes['error.type'], 'NotFound');
      const event = span.events.find((e) => e.name === 'exception');
      assert.ok(event, `${SpanKind[span.kind]} span has an exception event`);
      assert.is(event.attributes?.['exception.message'], 'no such point');
    }
    childOf(only(SpanKind.SERVER, 'Echo/find'), only(SpanKind.CLIENT, 'Echo/find'));
  });

  s('an undeclared error reaches the client as a TApplicationException: both spans ERROR', async () => {
    const error = await rejection(conn.fail('boom'));
    assert.is(error.name, 'ThriftAppError');
    const client = only(SpanKind.CLIENT, 'Echo/fail');
    assert.is(client.status.code, SpanStatusCode.ERROR);
    assert.is(client.attributes['error.type'], 'ThriftAppError');
    assert.ok(client.events.some((e) => e.name === 'exception'));
    const served = only(SpanKind.SERVER, 'Echo/fail');
    assert.is(served.status.code, SpanStatusCode.ERROR);
    assert.is(served.status.message, 'boom');
  });

  s("a oneway call's client span ends when sent; the server span is still its child", async () => {
    const delivered = new Promise<string>((resolve) => (onNotify = resolve));
    await conn.notify('hello');
    const client = only(SpanKind.CLIENT, 'Echo/notify');
    assert.is(client.status.code, SpanStatusCode.UNSET);
    assert.is(await within(delivered, 5000, 'the oneway call'), 'hello');
    const served = await ended((span) => span.kind === SpanKind.SERVER && span.name === 'Echo/notify');
    childOf(served, client);
  });
  s.run();
}

const plain = suite('otel: plain framed has no place for trace context');
plain('the server span starts a new trace', async () => {
  exporter.reset();
  const server = await createServer(mod.Echo, handler, { port: 0, interceptors: [otelServer(options)] });
  const conn = await createConnection(mod.Echo, { port: server.address.port, transport: 'framed', interceptors: [otelClient(options)] });
  try {
    await conn.ping();
    const client = only(SpanKind.CLIENT, 'Echo/ping');
    const served = only(SpanKind.SERVER, 'Echo/ping');
    assert.is(served.parentSpanContext, undefined, 'the server span is a root');
    assert.is.not(served.spanContext().traceId, client.spanContext().traceId);
  } finally {
    await conn.close();
    await server.close();
  }
});

const extra = suite('otel: options and metrics');
extra('the attributes hook adds to every span; a Unix socket client says so', async () => {
  exporter.reset();
  const path = `/tmp/thrift-streams-otel-${process.pid}.sock`;
  const server = await createServer(mod.Echo, handler, { path, interceptors: [otelServer({ ...options, attributes: (call) => ({ 'app.side': call.side }) })] });
  const conn = await createConnection(mod.Echo, { path, transport: 'header', interceptors: [otelClient({ ...options, attributes: () => ({ 'app.tenant': 'acme' }) })] });
  try {
    await conn.ping();
    const client = only(SpanKind.CLIENT, 'Echo/ping');
    assert.is(client.attributes['app.tenant'], 'acme');
    assert.is(client.attributes['server.address'], path);
    assert.is(client.attributes['server.port'], undefined);
    assert.is(client.attributes['network.transport'], 'unix');
    const served = only(SpanKind.SERVER, 'Echo/ping');
    assert.is(served.attributes['app.side'], 'server');
    assert.is(served.attributes['client.address'], undefined, "a Unix socket's client has no address");
  } finally {
    await conn.close();
    await server.close();
  }
});

extra('with the sampler off no span is recorded, and the unsampled decision still propagates', async () => {
  const offExporter = new InMemorySpanExporter();
  const off = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(offExporter)] });
  let traceparent: string | undefined;
  const server = await createServer(mod.Echo, handler, {
    port: 0,
    interceptors: [(next) => (call) => ((traceparent = call.context?.headers.traceparent), next(call)), otelServer({ tracerProvider: off })],
  });
  const conn = await createConnection(mod.Echo, { port: server.address.port, transport: 'header', interceptors: [otelClient({ tracerProvider: off })] });
  try {
    await conn.ping();
    assert.equal(offExporter.getFinishedSpans(), []);
    assert.match(traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, 'traceparent with the sampled flag clear');
  } finally {
    await conn.close();
    await server.close();
  }
});

extra('rpc.client.duration and rpc.server.duration histograms (ms) with the spans\' attributes', async () => {
  const { resourceMetrics } = await reader.collect();
  const all = resourceMetrics.scopeMetrics.filter((s) => s.scope.name === 'thrift-streams').flatMap((s) => s.metrics);
  for (const side of ['client', 'server']) {
    const metric = all.find((m) => m.descriptor.name === `rpc.${side}.duration`) as HistogramMetricData | undefined;
    assert.ok(metric, `rpc.${side}.duration is reported`);
    assert.is(metric.descriptor.unit, 'ms');
    const echo = metric.dataPoints.filter((p) => p.attributes['rpc.method'] === 'echoString');
    assert.ok(echo.length > 0 && echo.every((p) => p.attributes['rpc.system'] === 'apache_thrift' && p.attributes['rpc.service'] === 'Echo'));
    assert.ok(echo.reduce((n, p) => n + p.value.count, 0) >= 2, 'THeader and HTTP calls counted');
    const failed = metric.dataPoints.find((p) => p.attributes['rpc.method'] === 'find');
    assert.is(failed?.attributes['error.type'], 'NotFound');
    // One series per client port would grow without bound: the histograms leave the client out.
    assert.ok(metric.dataPoints.every((p) => p.attributes['client.address'] === undefined && p.attributes['client.port'] === undefined), `rpc.${side}.duration has no client.* attributes`);
  }
  const served = (all.find((m) => m.descriptor.name === 'rpc.server.duration') as HistogramMetricData).dataPoints;
  assert.ok(served.some((p) => p.attributes['network.transport'] === 'tcp'), 'the server histogram keeps network.transport');
});

if (has('python3-thrift', "otel: a python3-thrift THeader client's traceparent")) {
  const py = suite('otel: a python3-thrift THeader client joins its trace');
  py('the server span is the child of the span Python named in traceparent', async () => {
    exporter.reset();
    const server = await createServer(mod.Echo, handler, { port: 0, interceptors: [otelServer(options)] });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentId = '00f067aa0ba902b7';
      const script = new URL('./header-client.py', import.meta.url).pathname;
      const { stdout } = await promisify(execFile)(SYSTEM_PYTHON, [script, String(server.address.port), `00-${traceId}-${parentId}-01`], { timeout: 20_000 });
      assert.is(stdout.trim(), 'ping 2 1', 'Python got the reply');
      const span = only(SpanKind.SERVER, 'Echo/ping');
      assert.is(span.spanContext().traceId, traceId);
      assert.is(span.parentSpanContext?.spanId, parentId);
      assert.is(span.parentSpanContext?.isRemote, true);
      assert.is(span.spanContext().traceFlags & 1, 1, 'sampled, as Python said');
    } finally {
      await server.close();
    }
  });
  py.run();
}

for (const s of [plain, extra]) s.run();
