/**
 * The ping-pong demo: a server and a client talking over a real socket on
 * 127.0.0.1 (an ephemeral port), printing each result. Run: npm run demo
 */
import { createConnection, createPool, createServer, load } from '../../src/index.js';

const pingpong = load(new URL('./pingpong.thrift', import.meta.url).pathname);

const handler = {
  ping(): string {
    return 'pong';
  },
  async add(a: number, b: bigint): Promise<bigint> {
    return BigInt(a) + b;
  },
};

const server = await createServer(pingpong.PingPong, handler, { host: '127.0.0.1', port: 0 });
const { host, port } = server.address;
console.log(`server listening on ${host}:${port}`);

const conn = await createConnection(pingpong.PingPong, { host, port, timeout: 10_000 });
console.log('ping() ->', await conn.ping());
console.log('add(5, 6n) ->', await conn.add(5, 6n));
console.log("execute('add', 40, 2n) ->", await conn.execute('add', 40, 2n));
await conn.close();

const pool = await createPool(pingpong.PingPong, { host, port, minsize: 1, maxsize: 10, timeout: 10_000 });
const sums = await Promise.all([1, 2, 3].map((i) => pool.use((c) => c.add(i, 100n))));
console.log('pool: add(i, 100n) for i in 1..3 ->', sums.join(', '), `(pool size ${pool.size})`);
await pool.close();

await server.close();
console.log('server closed');
