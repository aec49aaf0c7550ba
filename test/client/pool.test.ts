/** Pool semantics (aiothrift's): sizes, waiting, release and drop, close, over a real server. */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { ConnectionClosedError, createPool, createServer, load, PoolClosedError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const test = suite('pool');
let server: ThriftServer;
let port: number;

test.before(async () => {
  server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  port = server.address.port!;
});
test.after(() => server?.destroy());

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

test('the default sizes are minsize 1 and maxsize 10: one connection at start, ten at most, the eleventh acquire waits', async () => {
  const pool = await createPool(mod.Echo, { port });
  assert.is(pool.size, 1);
  const held = await Promise.all(Array.from({ length: 10 }, () => pool.acquire()));
  assert.is(pool.size, 10);
  assert.is(new Set(held).size, 10);
  let got: unknown;
  const waiting = pool.acquire().then((c) => (got = c));
  // A round trip on a held connection: an eleventh dial, had one started, would have been made by now.
  assert.is(await held[0].echoI32(7), 7);
  assert.is(got, undefined);
  assert.is(pool.size, 10);
  pool.release(held[9]);
  assert.is(await within(waiting, 5000, 'the eleventh acquire'), held[9]);
  for (const c of held) pool.release(c);
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

/** A server whose `delayed` call answers only when the test opens the gate. */
async function gatedServer() {
  const gate = signal<number>();
  const entered = signal();
  const gated = await createServer(mod.Echo, { ...echoHandler(mod), delayed: () => (entered.resolve(), gate.promise) }, { port: 0 });
  return { gated, gate, entered };
}

test('close() while use() is in flight: the call finishes, use() resolves, every close() settles after it', async () => {
  const { gated, gate, entered } = await gatedServer();
  try {
    const pool = await createPool(mod.Echo, { port: gated.address.port, minsize: 1, maxsize: 1 });
    const events: string[] = [];
    const used = pool.use(async (c) => {
      const value = await c.delayed(7, 0);
      events.push('call');
      return value;
    });
    await within(entered.promise, 5000, 'the handler to start');
    const first = pool.close();
    const second = pool.close();
    assert.is(first, second, 'close() returns the same promise every time');
    assert.is(pool.state, 'closing');
    void first.then(() => events.push('close 1'));
    void second.then(() => events.push('close 2'));
    gate.resolve(7);
    assert.is(await within(used, 5000, 'use()'), 7);
    await within(first, 5000, 'close()');
    assert.equal(events, ['call', 'close 1', 'close 2']);
    assert.is(pool.state, 'closed');
    assert.is(await pool.closed, undefined);
  } finally {
    await gated.close();
  }
});

test('destroy() while use() is in flight: the call and use() reject with ConnectionClosedError', async () => {
  const { gated, gate, entered } = await gatedServer();
  try {
    const pool = await createPool(mod.Echo, { port: gated.address.port, minsize: 1, maxsize: 1 });
    const used = pool.use((c) => c.delayed(7, 0));
    await within(entered.promise, 5000, 'the handler to start');
    const failure = new Error('shutting down');
    pool.destroy(failure);
    assert.instance(await rejection(used), ConnectionClosedError);
    assert.is(pool.state, 'closed');
    assert.is(await pool.closed, failure);
    assert.instance(await rejection(pool.acquire()), PoolClosedError);
  } finally {
    gate.resolve(0);
    await gated.close();
  }
});

test('bad sizes are rejected', async () => {
  assert.instance(await rejection(createPool(mod.Echo, { port, minsize: 3, maxsize: 2 })), RangeError);
  assert.instance(await rejection(createPool(mod.Echo, { port, maxsize: 0 })), RangeError);
});

test('hosts: a dead address is passed over for a live one; when every one is dead the error names each', async () => {
  const live = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const gone = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const dead = gone.address.port;
  await gone.close();
  try {
    const pool = await createPool(mod.Echo, { hosts: [`127.0.0.1:${dead}`, `127.0.0.1:${live.address.port}`], minsize: 2, maxsize: 2 });
    try {
      assert.is(await pool.execute('echoI32', 3), 3);
      assert.is(pool.size, 2, 'both connections opened, on the live address');
    } finally {
      await pool.close();
    }
    const error = await rejection(createPool(mod.Echo, { hosts: [`127.0.0.1:${dead}`, `127.0.0.1:${dead}`] }));
    assert.is(error.code, 'TRANSPORT');
    assert.match(error.message, new RegExp(`^no address of the pool could be reached \\(2 of 2 tried\\): connect to 127\\.0\\.0\\.1:${dead} failed: .+; connect to 127\\.0\\.0\\.1:${dead} failed: .+$`));
    assert.ok(error.cause instanceof Error, 'the last failure is its cause');
  } finally {
    await live.close();
  }
});

test('createPool fails when the server cannot be reached', async () => {
  const other = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const dead = other.address.port;
  await other.close();
  assert.is((await rejection(createPool(mod.Echo, { port: dead }))).code, 'TRANSPORT');
});

test.run();

const shared = suite('pool: shared calls');
let server2: ThriftServer;
shared.before(async () => {
  server2 = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
});
shared.after(() => server2?.destroy());

shared('execute() spreads 256 concurrent callers over at most maxsize connections, pipelined', async () => {
  const pool = await createPool(mod.Echo, { port: server2.address.port, minsize: 1, maxsize: 8 });
  let peak = 0;
  const results = await within(
    Promise.all(
      Array.from({ length: 256 }, async (_, i) => {
        const r = await pool.execute('delayed', i, 5);
        peak = Math.max(peak, pool.size);
        return r;
      }),
    ),
    10_000,
    '256 shared calls',
  );
  assert.equal(results, Array.from({ length: 256 }, (_, i) => i));
  assert.ok(peak <= 8, `peak ${peak}`);
  assert.is(pool.size, 8);
  assert.is(pool.freesize, 8);
  await pool.close();
  assert.instance(await rejection(pool.execute('echoI32', 1)), PoolClosedError);
});

shared('a shared call waits for a connection when all are checked out', async () => {
  // The server records every echoI32 it is asked, so we can see whether the shared call went out.
  const seen: number[] = [];
  const recording = await createServer(mod.Echo, { ...echoHandler(mod), echoI32: (v: number) => (seen.push(v), v) }, { port: 0 });
  const pool = await createPool(mod.Echo, { port: recording.address.port, minsize: 1, maxsize: 1 });
  try {
    const held = await pool.acquire();
    let done = false;
    const call = pool.execute('echoI32', 4).then((v) => ((done = true), v));
    // A round trip on the only connection: had the shared call been written to it, the server
    // would have read it first and answered it by now.
    assert.is(await within(held.echoI32(1), 5000, 'a call on the held connection'), 1);
    assert.equal(seen, [1], 'the shared call did not reach the server while the connection was held');
    assert.is(done, false);
    pool.release(held);
    assert.is(await within(call, 5000, 'the shared call'), 4);
    assert.equal(seen, [1, 4]);
  } finally {
    await pool.close();
    recording.destroy();
  }
});

shared.run();
