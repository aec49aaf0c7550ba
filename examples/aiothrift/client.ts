/**
 * aiothrift's quickstart client and pool, ported: node --import tsx examples/aiothrift/client.ts
 * (PORT, default 6000; start a server first). Prints one line per reply.
 *
 * aiothrift:  conn = await aiothrift.create_connection(pingpong.PingPong, ('127.0.0.1', 6000), timeout=10)
 *             pool = await aiothrift.create_pool(pingpong.PingPong, ('127.0.0.1', 6000), timeout=1)
 *             async with pool.get() as conn: ...
 */
import { createConnection, createPool, load } from '../../src/index.js';

const pingpong = load(new URL('./pingpong.thrift', import.meta.url).pathname);
const port = Number(process.env.PORT ?? 6000);

{
  // timeout=10 (seconds, for connecting and each read) is connectTimeout and timeout, in ms.
  await using conn = await createConnection(pingpong.PingPong, { host: '127.0.0.1', port, connectTimeout: 10_000, timeout: 10_000 });
  console.log(await conn.ping());
  console.log(String(await conn.add(5, 6n)));
}
{
  await using pool = await createPool(pingpong.PingPong, { host: '127.0.0.1', port, minsize: 1, maxsize: 10, timeout: 1000 });
  // `async with pool.get() as conn` is `await using conn = await pool.acquire()`: the scope's end releases it.
  for (let i = 0; i < 3; i++) {
    await using conn = await pool.acquire();
    console.log(String(await conn.add(i, 10n)));
  }
  // Or let the pool pick a connection per call.
  console.log(await pool.execute('ping'));
}
