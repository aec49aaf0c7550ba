/** Pool semantics (aiothrift's): sizes, waiting, release and drop, close, over a real server. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, createServer, load, PoolClosedError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const test = suite('pool');
let server: ThriftServer;
let port: number;

test.before(async () => {
  server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  port = server.address.port;
});
test.after(() => server.destroy());

test('createPool opens minsize connections; acquire opens more up to maxsize', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 2, maxsize: 3 });
  assert.is(pool.size, 2);
  assert.is(pool.freesize, 2);
  const a = await pool.acquire();
  const b = await pool.acquire();
  const c = await pool.acquire();
  assert.is(pool.size, 3);
  assert.is(pool.freesize, 0);
  pool.release(a);
  pool.release(b);
  pool.release(c);
  assert.is(pool.freesize, 3);
  await pool.close();
});

test('at maxsize, acquire waits for a release and gets that connection', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  const a = await pool.acquire();
  let got: unknown;
  const waiting = pool.acquire().then((c) => (got = c));
  await Promise.resolve();
  assert.is(got, undefined);
  pool.release(a);
  await within(waiting, 5000, 'the waiting acquire');
  assert.is(got, a);
  pool.release(a);
  await pool.close();
});

test('an AbortSignal gives up waiting', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  const a = await pool.acquire();
  const controller = new AbortController();
  const waiting = pool.acquire({ signal: controller.signal });
  controller.abort(new Error('gave up'));
  assert.match((await rejection(waiting)).message, /gave up/);
  pool.release(a);
  assert.is(pool.freesize, 1);
  await pool.close();
});

test('use() releases also when the function throws', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  await rejection(pool.use(async () => { throw new Error('inside'); }));
  assert.is(pool.freesize, 1);
  assert.is(await pool.use((c) => c.echoI32(3)), 3);
  await pool.close();
});

test('a closed connection released is dropped and replaced for a waiter', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  const a = await pool.acquire();
  const waiting = pool.acquire();
  a.destroy();
  pool.release(a);
  const b = await within(waiting, 5000, 'a replacement connection');
  assert.is.not(b, a);
  assert.is(await b.echoI32(9), 9);
  pool.release(b);
  await pool.close();
});

test('a free connection that dies leaves the free list', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 2 });
  const a = await pool.acquire();
  pool.release(a);
  a.destroy();
  await within(a.closed, 5000, 'the connection to close');
  assert.is(pool.freesize, 0);
  assert.is(await pool.use((c) => c.echoI32(1)), 1);
  await pool.close();
});

test('clear() closes free connections only; fillFree() reopens up to minsize', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 2, maxsize: 4 });
  const used = await pool.acquire();
  pool.clear();
  assert.is(pool.freesize, 0);
  assert.is(pool.size, 1);
  assert.is(used.state, 'open');
  await pool.fillFree();
  assert.is(pool.size, 2);
  pool.release(used);
  await pool.close();
});

test('close() closes every connection and rejects waiters and later acquires', async () => {
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  const a = await pool.acquire();
  const waiting = pool.acquire();
  await pool.close();
  assert.instance(await rejection(waiting), PoolClosedError);
  assert.instance(await rejection(pool.acquire()), PoolClosedError);
  assert.is(a.state, 'closed');
  assert.is(pool.state, 'closed');
});

test('bad sizes are rejected', async () => {
  assert.instance(await rejection(createPool(mod.Echo, { port, minsize: 3, maxsize: 2 })), RangeError);
  assert.instance(await rejection(createPool(mod.Echo, { port, maxsize: 0 })), RangeError);
});

test('createPool fails when the server cannot be reached', async () => {
  const other = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const dead = other.address.port;
  await other.close();
  assert.is((await rejection(createPool(mod.Echo, { port: dead }))).code, 'TRANSPORT');
});

test.run();
