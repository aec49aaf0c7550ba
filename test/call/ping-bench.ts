/**
 * Not a test: measures 64-in-flight pings per second over loopback, with and without
 * interceptors, to check that an unconfigured interceptor hook costs nothing.
 * Usage: node --import tsx test/call/ping-bench.ts [none|client|server|both]
 */
import { createConnection, createServer, load } from '../../src/index.js';
import { CallMetrics } from '../../src/call/call-metrics.js';
import type { Interceptor } from '../../src/call/interceptor.js';
import { echoHandler } from '../helpers/echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const mode = process.argv[2] ?? 'none';
const pass: Interceptor = (next) => (call) => next(call);
const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: mode === 'server' || mode === 'both' ? [pass] : undefined });
const conn = await createConnection(mod.Echo, { port: server.address.port, interceptors: mode === 'client' || mode === 'both' ? [new CallMetrics().interceptor] : undefined });

async function run(ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await conn.ping();
      n++;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return n / (ms / 1000);
}

await run(500);
const rates: number[] = [];
for (let i = 0; i < 5; i++) rates.push(await run(1000));
rates.sort((a, b) => a - b);
console.log(`${mode}: median ${Math.round(rates[2])} calls/s (runs: ${rates.map(Math.round).join(', ')})`);
conn.destroy();
server.destroy();
