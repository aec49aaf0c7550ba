/**
 * A connection's life, observed: `closed` tells a failure (the server process
 * SIGKILLed) from close(), and onDisconnect/onReconnect report losses and redials
 * on a connection, a pool and a reconnecting client (the server restarted on the
 * same port). Also: `await using` on a pooled connection gives it back to the pool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectionClosedError, createConnection, createPool, createReconnectingConnection, createServer, load } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { tsCommand } from '../helpers/runtime.js';
import { signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const childScript = new URL('../helpers/echo-server-child.ts', import.meta.url).pathname;

/** Starts the echo server in its own process (on `port`, 0 for any) and resolves with its port. */
async function startChild(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(...tsCommand(childScript, ['buffered', String(port)]), { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const listening = new Promise<number>((resolve) => lines.on('line', (l) => l.startsWith('LISTENING ') && resolve(Number(l.slice(10)))));
  return { child, port: await within(listening, 20_000, 'the child server to listen') };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('connection: closed resolves with the error when the server is SIGKILLed, with undefined after close()', async () => {
  const { child, port } = await startChild();
  try {
    const disconnects: Error[] = [];
    const lost = signal<Error>();
    const failing = await createConnection(mod.Echo, { port, onDisconnect: (e) => (disconnects.push(e), lost.resolve(e)) });
    const closing = await createConnection(mod.Echo, { port, onDisconnect: (e) => disconnects.push(e) });
    assert.is(await failing.echoI32(7), 7);
    await closing.close();
    assert.is(await closing.closed, undefined, 'close() is no failure');
    await kill(child);
    const error = await within(failing.closed, 5000, 'the connection to see the server die');
    assert.instance(error, ConnectionClosedError);
    assert.is(await within(lost.promise, 5000, 'onDisconnect'), error, 'onDisconnect gets the error closed resolves with');
    assert.is(disconnects.length, 1, 'once, and not for the connection closed by close()');
    assert.is(failing.state, 'closed');
  } finally {
    await kill(child);
  }
});

test('connection: onDisconnect is not called by close() with calls in flight', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    let called = 0;
    const conn = await createConnection(mod.Echo, { port: server.address.port, onDisconnect: () => called++ });
    const reply = conn.delayed(3, 20);
    await conn.close();
    assert.is(await reply, 3);
    assert.is(await conn.closed, undefined);
    assert.is(called, 0);
  } finally {
    await server.close();
  }
});

test('a oneway call made just before close() still reaches the server, and closed resolves undefined', async () => {
  const notified = signal<string>();
  const server = await createServer(mod.Echo, echoHandler(mod, { notify: (e) => notified.resolve(e) }), { port: 0 });
  try {
    const conn = await createConnection(mod.Echo, { port: server.address.port });
    await conn.notify('last words');
    await conn.close();
    assert.is(await within(notified.promise, 5000, 'the oneway call to arrive'), 'last words');
    assert.is(await conn.closed, undefined);
  } finally {
    await server.close();
  }
});

test('pool: onDisconnect once per lost connection, onReconnect when the server is back on its port; closed tells destroy(err) from close()', async () => {
  let { child, port } = await startChild();
  try {
    const lost: Error[] = [];
    const allLost = signal();
    const reconnected = signal<number>();
    const pool = await createPool(mod.Echo, {
      port,
      minsize: 2,
      maxsize: 2,
      onDisconnect: (e) => {
        lost.push(e);
        if (lost.length === 2) allLost.resolve();
      },
      onReconnect: (n) => reconnected.resolve(n),
    });
    assert.is(await pool.execute('echoI32', 1), 1);
    await kill(child);
    await within(allLost.promise, 5000, 'both pooled connections to be reported lost');
    assert.ok(lost.every((e) => e instanceof ConnectionClosedError), 'each with its error');
    ({ child } = await startChild(port));
    assert.is(await within(pool.use((c) => c.echoI32(2)), 5000, 'a call once the server is back'), 2);
    assert.is(await within(reconnected.promise, 5000, 'onReconnect'), 1, 'one dial brought it back');
    await pool.close();
    assert.is(await pool.closed, undefined, 'close() is no failure');
    assert.is(lost.length, 2, 'closing the pool reports no loss');
    const failure = new Error('torn down');
    const other = await createPool(mod.Echo, { port, minsize: 1 });
    other.destroy(failure);
    assert.is(await other.closed, failure);
  } finally {
    await kill(child);
  }
});

test('reconnecting client: onDisconnect with the error, onReconnect on the same port, closed undefined after close()', async () => {
  let { child, port } = await startChild();
  try {
    const lost = signal<Error>();
    const back = signal<number>();
    const client = await createReconnectingConnection(mod.Echo, {
      port,
      retry: { initialDelay: 20, maxDelay: 200 },
      onDisconnect: (e) => lost.resolve(e),
      onReconnect: (n) => back.resolve(n),
    });
    assert.is(await client.echoI32(1), 1);
    await kill(child);
    assert.instance(await within(lost.promise, 5000, 'onDisconnect'), ConnectionClosedError);
    ({ child } = await startChild(port));
    assert.ok((await within(back.promise, 20_000, 'onReconnect')) >= 1, 'with the attempts it took');
    assert.is(await client.echoI32(2), 2);
    await client.close();
    assert.is(await client.closed, undefined);
  } finally {
    await kill(child);
  }
});

test('reconnecting client: closed resolves with the error once it gives up on a dead server', async () => {
  const { child, port } = await startChild();
  try {
    const client = await createReconnectingConnection(mod.Echo, { port, retry: { initialDelay: 10, maxDelay: 20, maxAttempts: 2 } });
    await kill(child);
    const error = await within(client.closed, 10_000, 'the client to give up');
    assert.instance(error, ConnectionClosedError);
    assert.match(error!.message, /gave up reconnecting after 2 attempts/);
  } finally {
    await kill(child);
  }
});

test('await using on a pooled connection releases it: maxsize 2 holds through many scopes, the third acquire takes a free one', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const pool = await createPool(mod.Echo, { port: server.address.port, minsize: 0, maxsize: 2 });
    const seen = new Set<object>();
    for (let i = 0; i < 25; i++) {
      await using a = await pool.acquire();
      await using b = await pool.acquire();
      seen.add(a).add(b);
      assert.is(await a.echoI32(i), i);
      assert.is(await b.echoI32(-i), -i);
      assert.is(pool.freesize, 0);
    }
    assert.is(seen.size, 2, 'the same two connections served every scope');
    assert.is(pool.size, 2);
    assert.is(pool.freesize, 2, 'both were given back, open');
    for (const c of seen) assert.is((c as { state: string }).state, 'open');
    // With both slots free, the third acquire resolves from the free list (no wait, no new dial).
    {
      // Aborted right after the call: only an acquire that did not wait can still resolve.
      const controller = new AbortController();
      const taking = pool.acquire({ signal: controller.signal });
      controller.abort(new Error('the third acquire waited'));
      await using c = await taking;
      assert.ok(seen.has(c));
    }
    // A connection given back by await using and then disposed again is not released twice.
    const d = await pool.acquire();
    pool.release(d);
    await d[Symbol.asyncDispose]();
    assert.is(pool.freesize, 2);
    await pool.close();
    assert.is(await pool.closed, undefined);
  } finally {
    await server.close();
  }
});

test.run();
