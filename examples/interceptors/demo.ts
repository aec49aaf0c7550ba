/**
 * Interceptors: call logging with timingInterceptor on both ends, a CallMetrics
 * histogram read afterwards, and a hand-written tracing interceptor.
 *
 *   node --import tsx examples/interceptors/demo.ts
 */
import { CallMetrics, createConnection, createServer, load, timingInterceptor, type Interceptor } from '../../src/index.js';

const pingpong = load(new URL('../pingpong/pingpong.thrift', import.meta.url).pathname);

/** Tags each call with a trace id and prints it: the shape any tracing library fits into. */
const tracing: Interceptor = (next) => async (call) => {
  const id = Math.random().toString(16).slice(2, 10);
  console.log(`trace ${id} start ${call.side} ${call.method}`);
  try {
    return await next(call);
  } finally {
    console.log(`trace ${id} end`);
  }
};

const metrics = new CallMetrics();
const server = await createServer(
  pingpong.PingPong,
  { ping: () => 'pong', add: (a: number, b: bigint) => BigInt(a) + b },
  { port: 0, interceptors: [timingInterceptor(), metrics.interceptor] },
);
const client = await createConnection(pingpong.PingPong, { port: server.address.port, interceptors: [tracing, timingInterceptor({ logArgs: true })] });

await client.ping();
await client.add(40, 2n);
await Promise.all(Array.from({ length: 100 }, () => client.ping()));

const ping = metrics.get('PingPong.ping')!;
console.log(`server saw ${ping.calls} pings, ${ping.errors} errors, mean ${(ping.totalMs / ping.calls).toFixed(3)} ms, p99 ≤ ${metrics.quantile('PingPong.ping', 0.99)} ms`);

// Graceful shutdown, as a service would wire it to SIGTERM.
await client.close();
await server.close();
