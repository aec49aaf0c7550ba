/**
 * Client-side faults over real sockets: a server restarted under load (every
 * call in flight settles, the pool recovers), a server that answers garbage or
 * hangs up mid-reply, cancellation by AbortSignal, and the connect timeout.
 */
import { createServer as netServer, type Server, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AbortError,
  ConnectionClosedError,
  createConnection,
  createPool,
  createServer,
  Processor,
  serveConnection,
  ThriftError,
  TimeoutError,
  type ThriftServer,
} from '../../src/index.js';
import { connect, fromSocket } from '../../src/node/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';
import { mod } from './net.js';

const test = suite('client-side faults');

/** A bare TCP server on loopback that does `onSocket` with each connection. */
async function bare(onSocket: (s: Socket) => void): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = netServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, sockets };
}

function stopBare(b: { server: Server; sockets: Set<Socket> }): void {
  for (const s of b.sockets) s.destroy();
  b.server.close();
}

for (const transport of ['buffered', 'framed'] as const) {
  test(`${transport}: a server restarted under load — every call settles, the pool drops dead connections and recovers`, async () => {
    const entered = signal();
    let started = 0;
    // Calls that are surely in flight when the server goes: they wait 10 s in the handler.
    const slow = {
      ...echoHandler(mod),
      delayed: (v: number, ms: number) => {
        if (++started === 8) entered.resolve();
        return new Promise((r) => setTimeout(r, ms, v).unref());
      },
    };
    let server: ThriftServer = await createServer(mod.Echo, slow, { port: 0, transport });
    const port = server.address.port;
    const pool = await createPool(mod.Echo, { port, transport, minsize: 2, maxsize: 12, timeout: 5000 });
    try {
      const outcomes = { ok: 0, closed: 0, other: [] as unknown[] };
      const calls: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) {
        calls.push(
          pool.use((c) => (i % 5 === 0 ? c.delayed(i, 10_000) : c.echoI32(i))).then(
            (v) => {
              if (v !== i) outcomes.other.push(new Error(`wrong result ${v} for ${i}`));
              else outcomes.ok++;
            },
            (e) => {
              if (e instanceof ConnectionClosedError) outcomes.closed++;
              else outcomes.other.push(e);
            },
          ),
        );
      }
      await within(entered.promise, 5000, 'the slow calls to reach the handler');
      // The restart: everything in flight must settle, none may hang.
      server.destroy();
      await within(Promise.all(calls), 5000, 'every in-flight call to settle');
      // A call still waiting for a connection when the server went may fail to connect instead (TransportError).
      assert.equal(outcomes.other.filter((e) => !(e instanceof ThriftError && e.code === 'TRANSPORT')), [], 'only typed errors');
      assert.ok(outcomes.closed >= 8, `the 8 slow calls end with ConnectionClosedError (closed: ${outcomes.closed})`);
      assert.is(outcomes.ok + outcomes.closed + outcomes.other.length, 40, 'every call settled');
      // Down: acquiring fails with a typed error, not a hang.
      const down = await rejection(pool.use((c) => c.echoI32(1)), 5000);
      assert.instance(down, ThriftError);
      // Back up on the same port: new acquires are served.
      server = await createServer(mod.Echo, echoHandler(mod), { port, transport });
      const results = await within(Promise.all(Array.from({ length: 10 }, (_, i) => pool.use((c) => c.echoI32(i)))), 5000, 'calls after the restart');
      assert.equal(results, Array.from({ length: 10 }, (_, i) => i));
      assert.ok(pool.size <= 12);
    } finally {
      await pool.close();
      server.destroy();
    }
  });
}

test('a pool with retry redials on its own after a restart, back to minsize, before anyone asks', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const port = server.address.port;
  const pool = await createPool(mod.Echo, { port, minsize: 2, maxsize: 2, timeout: 5000, retry: { initialDelay: 20, maxDelay: 200 } });
  const first = [await pool.acquire(), await pool.acquire()];
  for (const c of first) pool.release(c);
  server.destroy();
  await within(Promise.all(first.map((c) => c.closed)), 5000, 'the pooled connections to see the server go');
  // The same port again, served by hand so that every connection accepted is counted.
  let accepted = 0;
  const two = signal();
  const again = netServer((socket) => {
    serveConnection(fromSocket(socket), new Processor(mod.Echo, echoHandler(mod)));
    if (++accepted === 2) two.resolve();
  });
  await new Promise<void>((resolve) => again.listen(port, '127.0.0.1', resolve));
  try {
    await within(two.promise, 5000, 'the pool to redial two connections by itself');
    // At maxsize, these acquires wait for the redialed connections: no dial of their own.
    const conns = await within(Promise.all([pool.acquire(), pool.acquire()]), 5000, 'the redialed connections');
    assert.equal(await Promise.all(conns.map((c, i) => c.echoI32(i))), [0, 1]);
    assert.is(accepted, 2, 'only the background redials connected');
    for (const c of conns) pool.release(c);
  } finally {
    await pool.close();
    again.close();
  }
});

test('a server that answers garbage: the calls on that connection reject with ConnectionClosedError', async () => {
  const b = await bare((s) => s.on('data', () => s.write(Buffer.from([0x80, 0x07, 0, 2, 0xff, 0xff, 0xff, 0xff]))));
  try {
    const c = await createConnection(mod.Echo, { port: b.port, timeout: 5000 });
    const errors = await Promise.all([rejection(c.echoI32(1)), rejection(c.echoString('x'))]);
    for (const e of errors) assert.instance(e, ConnectionClosedError);
    await within(c.closed, 5000, 'the client to close');
  } finally {
    stopBare(b);
  }
});

test('a server that hangs up halfway through a reply: the call rejects with ConnectionClosedError', async () => {
  const b = await bare((s) => s.once('data', () => s.end(Buffer.from([0x80, 0x01, 0x00, 0x02, 0, 0, 0, 7, 0x65]))));
  try {
    const c = await createConnection(mod.Echo, { port: b.port, timeout: 5000 });
    assert.instance(await rejection(c.echoI32(1)), ConnectionClosedError);
  } finally {
    stopBare(b);
  }
});

test('an AbortSignal cancels a call in flight; the late reply is dropped and the connection keeps working', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const c = await createConnection(mod.Echo, { port: server.address.port, timeout: 5000 });
  try {
    const controller = new AbortController();
    const call = c.call('delayed', [1, 150], { signal: controller.signal });
    controller.abort();
    const e = await rejection(call, 5000);
    assert.instance(e, AbortError);
    assert.is(c.inflight, 0);
    // Outlives the aborted call's reply, which must be dropped without harm.
    assert.is(await c.delayed(2, 300), 2);
    const pre = new AbortController();
    pre.abort(new TimeoutError('mine'));
    assert.is((await rejection(c.call('echoI32', [1], { signal: pre.signal }))).message, 'mine');
    assert.is(await c.echoI32(3), 3);
  } finally {
    c.destroy();
    server.destroy();
  }
});

test('a per-call timeout rejects with TimeoutError and frees the call', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const c = await createConnection(mod.Echo, { port: server.address.port });
  try {
    assert.instance(await rejection(c.call('delayed', [1, 2000], { timeout: 50 }), 5000), TimeoutError);
    assert.is(c.inflight, 0);
    assert.is(await c.echoI32(4), 4);
  } finally {
    c.destroy();
    server.destroy();
  }
});

test('connectTimeout bounds a handshake that never completes; a refused port fails fast, typed', async () => {
  // A TCP peer that accepts and says nothing: the TLS handshake never finishes.
  const b = await bare(() => {});
  try {
    const e = await rejection(connect({ port: b.port, connectTimeout: 100, tls: { rejectUnauthorized: false } }), 3000);
    assert.instance(e, TimeoutError);
  } finally {
    stopBare(b);
  }
  // Nothing listens on a port just released.
  const gone = await bare(() => {});
  stopBare(gone);
  await new Promise<void>((resolve) => gone.server.once('close', resolve));
  const refused = await rejection(createConnection(mod.Echo, { port: gone.port, connectTimeout: 1000 }), 3000);
  assert.instance(refused, ThriftError);
});

test('pool.acquire honours an AbortSignal while waiting for a connection', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const pool = await createPool(mod.Echo, { port: server.address.port, minsize: 1, maxsize: 1 });
  try {
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    controller.abort(new AbortError('gave up'));
    assert.is((await rejection(waiting, 5000)).message, 'gave up');
    pool.release(held);
    assert.is(await pool.use((c) => c.echoI32(9)), 9);
  } finally {
    await pool.close();
    server.destroy();
  }
});

test('every abort is typed: abort() gives AbortError, AbortSignal.timeout() TimeoutError, on calls, connects and acquires alike', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const port = server.address.port;
  const c = await createConnection(mod.Echo, { port, timeout: 5000 });
  const pool = await createPool(mod.Echo, { port, minsize: 1, maxsize: 1 });
  try {
    const aborted = new AbortController();
    const call = c.call('delayed', [1, 2000], { signal: aborted.signal });
    aborted.abort();
    const plain = await rejection(call, 5000);
    assert.instance(plain, AbortError);
    assert.is(plain.code, 'ABORTED');
    const timed = await rejection(c.call('delayed', [1, 2000], { signal: AbortSignal.timeout(30) }), 5000);
    assert.instance(timed, TimeoutError);
    assert.is(timed.code, 'TIMEOUT');

    const connectAborted = await rejection(createConnection(mod.Echo, { port, signal: AbortSignal.abort() }));
    assert.instance(connectAborted, AbortError);
    assert.match(connectAborted.message, /connect to 127\.0\.0\.1:\d+ aborted/);

    const held = await pool.acquire();
    assert.instance(await rejection(pool.acquire({ signal: AbortSignal.abort() })), AbortError);
    const waited = await rejection(pool.acquire({ signal: AbortSignal.timeout(30) }), 5000);
    assert.instance(waited, TimeoutError);
    pool.release(held);
    assert.is(await pool.use((conn) => conn.echoI32(9)), 9);
  } finally {
    c.destroy();
    await pool.close();
    server.destroy();
  }
});

test('pool: callers queued behind connection attempts that fail are not stranded; they settle, and are served once the server is back', async () => {
  const gone = await bare(() => {});
  const port = gone.port;
  stopBare(gone);
  await new Promise<void>((resolve) => gone.server.once('close', resolve));
  const pool = await createPool(mod.Echo, { port, minsize: 0, maxsize: 2, connectTimeout: 1000 });
  let server: ThriftServer | undefined;
  try {
    // 2 acquires open connections (and fail: nothing listens); the other 6 queue behind them.
    const down = await within(Promise.allSettled(Array.from({ length: 8 }, () => pool.use((c) => c.echoI32(1)))), 5000, 'every queued acquire to settle while the server is down');
    for (const r of down) {
      assert.is(r.status, 'rejected');
      assert.instance((r as PromiseRejectedResult).reason, ThriftError);
    }
    assert.ok(pool.size <= 2);
    server = await createServer(mod.Echo, echoHandler(mod), { port });
    const up = await within(Promise.all(Array.from({ length: 8 }, (_, i) => pool.use((c) => c.echoI32(i)))), 5000, 'acquires once the server is back');
    assert.equal(up, [0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await pool.close();
    server?.destroy();
  }
});

test.run();
