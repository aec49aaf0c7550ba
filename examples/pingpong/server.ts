/** The aiothrift-style server: node --import tsx examples/pingpong/server.ts (Ctrl-C or SIGTERM drains and stops). */
import { createServer, load } from '../../src/index.js';

const pingpong = load(new URL('./pingpong.thrift', import.meta.url).pathname);

const server = await createServer(
  pingpong.PingPong,
  {
    ping: () => 'pong',
    add: (a: number, b: bigint) => BigInt(a) + b,
  },
  { host: '127.0.0.1', port: 6000 },
);
console.log('serving PingPong on', server.address);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => console.log('closed')));
}
