/** The aiothrift-style client: node --import tsx examples/pingpong/client.ts (start server.ts first). */
import { createConnection, load } from '../../src/index.js';

const pingpong = load(new URL('./pingpong.thrift', import.meta.url).pathname);

const conn = await createConnection(pingpong.PingPong, { host: '127.0.0.1', port: 6000, timeout: 10_000 });
console.log(await conn.ping());
console.log(await conn.add(5, 6n));
await conn.close();
