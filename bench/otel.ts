/**
 * The cost of tracing (issue 15): ping RPCs over THeader on one connection with 64
 * callers, client and server in this process, with no interceptor, with otelClient
 * and otelServer and the sampler off (AlwaysOff: spans are not recorded, trace
 * context still travels), and with tracing on (every span recorded into a no-op
 * exporter); a pass-through interceptor on each side shows what the hook alone costs.
 * Both ends' interceptors are counted, as one traced RPC pays for both. The async
 * context manager is enabled for every variant, as it would be in a traced program.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createConnection, createServer, load } from '../src/index.js';
import { otelClient, otelServer } from '../src/otel/index.js';
import type { Interceptor } from '../src/call/index.js';
import { FIXTURE, median, rotate, type RunConfig } from './common.js';
import { drive } from './rpc.js';
import type { Row } from './report.js';

type Variant = 'none' | 'pass-through' | 'sampler off' | 'tracing on';

/** An interceptor that does nothing: what the interceptor hook itself costs, apart from tracing. */
const pass: Interceptor = (next) => (call) => next(call);

/** Takes every span and drops it: the cost measured is recording, not exporting. */
const dropAll: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };

/** Runs the tracing-cost case; `only` filters by id (`otel-none`, `otel-pass-through`, `otel-sampler-off`, `otel-tracing-on`). */
export async function runOtel(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  const variants = (['none', 'pass-through', 'sampler off', 'tracing on'] as const).filter((v) => !only || only(`otel-${v.replace(' ', '-')}`));
  if (variants.length === 0) return [];
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const mod = load(FIXTURE) as any;
  const handler = { ping() {}, echo: (v: unknown) => v };
  const providers = {
    'sampler off': new BasicTracerProvider({ sampler: new AlwaysOffSampler() }),
    'tracing on': new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(dropAll)] }),
  };
  const pairs = new Map<Variant, { call: () => Promise<unknown>; close: () => Promise<void> }>();
  for (const v of variants) {
    const side = (make: typeof otelClient): Interceptor[] | undefined =>
      v === 'none' ? undefined : v === 'pass-through' ? [pass] : [make({ tracerProvider: providers[v] })];
    const server = await createServer(mod.Bench, handler, { port: 0, interceptors: side(otelServer) });
    const conn: any = await createConnection(mod.Bench, { port: server.address.port, transport: 'header', interceptors: side(otelClient) });
    pairs.set(v, { call: () => conn.ping(), close: async () => (await conn.close(), await server.close()) });
  }
  const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  try {
    for (let round = -1; round < cfg.rounds; round++) {
      for (const v of rotate(variants, round + 1)) {
        const rate = await drive(pairs.get(v)!.call, 64, round < 0 ? cfg.rpcMs / 3 : cfg.rpcMs);
        if (round >= 0) rates.get(v)!.push(rate);
      }
      log(round < 0 ? '  otel: warm-up done' : `  otel: round ${round + 1}/${cfg.rounds}`);
    }
  } finally {
    for (const p of pairs.values()) await p.close();
  }
  const base = rates.has('none') ? median(rates.get('none')!) : undefined;
  return variants.map((v): Row => {
    const m = median(rates.get(v)!);
    return {
      family: 'otel',
      name: `ping, THeader, 1 connection, 64 callers: ${v === 'none' ? 'no interceptor' : v === 'pass-through' ? 'a pass-through interceptor each side' : `otelClient + otelServer, ${v}`}`,
      unit: 'calls/s',
      median: { ours: m },
      rounds: { ours: rates.get(v)! },
      targets: [],
      note: base !== undefined && v !== 'none' ? `${((m / base) * 100).toFixed(0)}% of the calls/s without an interceptor` : undefined,
    };
  });
}
