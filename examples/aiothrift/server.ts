/**
 * aiothrift's quickstart server, ported: node --import tsx examples/aiothrift/server.ts
 * (PORT, default 6000). Prints `LISTENING <port>`.
 *
 * aiothrift:  server = await aiothrift.create_server(pingpong.PingPong, Dispatcher(), ('127.0.0.1', 6000), timeout=10)
 */
import { createServer, load } from '../../src/index.js';

const pingpong = load(new URL('./pingpong.thrift', import.meta.url).pathname);

const server = await createServer(
  pingpong.PingPong,
  {
    ping: () => 'pong',
    // aiothrift's `async def add(self, a, b): await asyncio.sleep(1); return a + b`, without the sleep.
    add: async (a: number, b: bigint) => BigInt(a) + b,
  },
  // The address tuple is host and port; aiothrift's timeout (seconds idle) is idleTimeout in ms.
  { host: '127.0.0.1', port: Number(process.env.PORT ?? 6000), idleTimeout: 10_000 },
);
console.log(`LISTENING ${server.address.port}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
