/** The reconnecting client: backoff, in-flight calls failed and never re-sent, a bounded queue while redialing. */
import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReconnectingConnection, backoffDelay, validateRetry } from '../../src/client/reconnecting.js';
import { ConnectionClosedError, createServer, load, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';
import { makePki } from '../node/certs.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** The echo handler, counting how often `delayed` ran and telling when it started. */
function countingHandler() {
  const started = { count: 0, next: signal() };
  const base = echoHandler(mod);
  return {
    started,
    handler: {
      ...base,
      delayed(value: number, ms: number) {
        started.count++;
        started.next.resolve();
        return base.delayed(value, ms);
      },
    },
  };
}

test('backoff grows exponentially, stays within maxDelay, and jitter spreads it both ways', () => {
  const r = { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0.2 };
  assert.equal([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(r, n, () => 0.5)), [100, 200, 400, 800, 1000, 1000]);
  assert.is(backoffDelay(r, 1, () => 0), 80);
  assert.is(backoffDelay(r, 1, () => 1), 120);
  assert.is(backoffDelay(r, 10, () => 1), 1000, 'jitter never goes past maxDelay');
});

test('retry defaults are the documented ones: 100 ms, 10 s, x2, ±20%, no attempt limit, 1000 queued; bad values are RangeErrors', () => {
  assert.equal(validateRetry(), { initialDelay: 100, maxDelay: 10_000, factor: 2, jitter: 0.2, maxAttempts: Infinity, maxQueue: 1000 });
  assert.equal(validateRetry({ initialDelay: 0, maxDelay: 0, factor: 1, jitter: 0, maxAttempts: 1, maxQueue: 0 }), { initialDelay: 0, maxDelay: 0, factor: 1, jitter: 0, maxAttempts: 1, maxQueue: 0 });
  for (const bad of [{ initialDelay: -1 }, { maxDelay: 50 }, { factor: 0.5 }, { jitter: 1.01 }, { jitter: -0.01 }, { maxAttempts: 0 }, { maxQueue: -1 }, { maxQueue: 1.5 }]) {
    assert.throws(() => validateRetry(bad), (e: unknown) => e instanceof RangeError && e.message.includes(`retry.${Object.keys(bad)[0]}`), JSON.stringify(bad));
  }
});

test('with maxQueue 0 a call made while redialing fails at once with ConnectionClosedError', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const lost = signal();
  const client = await createReconnectingConnection(mod.Echo, { port: server.address.port, retry: { initialDelay: 10_000, maxQueue: 0 }, onDisconnect: () => lost.resolve() });
  server.destroy();
  await within(lost.promise, 5000, 'the disconnect');
  const error = await rejection(client.echoI32(1));
  assert.instance(error, ConnectionClosedError);
  assert.match(error.message, /queue is full/);
  assert.is(client.queued, 0);
  await client.close();
});

test('a lost socket fails the call in flight with ConnectionClosedError, never re-sends it, and queued calls go out after the redial', async () => {
  const { handler, started } = countingHandler();
  let server: ThriftServer = await createServer(mod.Echo, handler, { port: 0 });
  const port = server.address.port;
  const lost = signal();
  const back = signal<number>();
  const client = await createReconnectingConnection(mod.Echo, {
    port,
    timeout: 5000,
    retry: { initialDelay: 10, maxDelay: 50 },
    onDisconnect: () => lost.resolve(),
    onReconnect: (n) => back.resolve(n),
  });
  assert.is(await client.echoString('before'), 'before');
  const inflight = client.delayed(1, 10_000);
  await within(started.next.promise, 5000, 'the slow call to start on the server');
  server.destroy();
  const error = await rejection(inflight);
  assert.instance(error, ConnectionClosedError);
  await within(lost.promise, 5000, 'the disconnect');
  assert.is(client.connected, false);
  // Calls made while the server is down wait in the queue.
  const waiting = [client.echoI32(1), client.echoI32(2), client.echoString('three')];
  assert.is(client.queued, 3);
  server = await createServer(mod.Echo, handler, { port });
  assert.equal(await within(Promise.all(waiting), 5000, 'the queued calls'), [1, 2, 'three']);
  assert.ok((await back.promise) >= 1);
  assert.is(client.connected, true);
  assert.is(client.reconnects, 1);
  assert.is(started.count, 1, 'the call that was in flight was not sent again');
  await client.close();
  server.destroy();
});

test('the queue is bounded; queued calls keep their timeout and AbortSignal; close fails what waits', async () => {
  let server: ThriftServer = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const port = server.address.port;
  const lost = signal();
  const client = await createReconnectingConnection(mod.Echo, {
    port,
    retry: { initialDelay: 20, maxDelay: 40, maxQueue: 3 },
    onDisconnect: () => lost.resolve(),
  });
  server.destroy();
  await within(lost.promise, 5000, 'the disconnect');
  const timed = rejection(client.call('echoI32', [1], { timeout: 30 }));
  const controller = new AbortController();
  const aborted = rejection(client.call('echoI32', [2], { signal: controller.signal }));
  const held = rejection(client.echoI32(3));
  const overflow = await rejection(client.echoI32(4));
  assert.instance(overflow, ConnectionClosedError);
  assert.match(overflow.message, /queue is full/);
  controller.abort();
  assert.is((await aborted).code, 'ABORTED');
  assert.is((await timed).code, 'TIMEOUT');
  assert.is(client.queued, 1);
  await client.close();
  assert.instance(await held, ConnectionClosedError);
  assert.is(client.state, 'closed');
});

test('after maxAttempts failed redials the client gives up and closes', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const client = await createReconnectingConnection(mod.Echo, { port: server.address.port, retry: { initialDelay: 5, maxDelay: 10, maxAttempts: 3 } });
  const waiting = (async () => {
    server.destroy();
    await within(server.close(), 5000, 'the server to stop');
  })();
  await waiting;
  await within(client.closed, 5000, 'the client to give up');
  assert.is(client.state, 'closed');
  assert.instance(await rejection(client.ping()), ConnectionClosedError);
});

test('maxAttempts is an exact count: with 3, exactly three redials are made before the client gives up', async () => {
  // One listener for the whole test, so no redial can meet a closed port uncounted: the first
  // socket gets a TLS handshake (the first dial must succeed), every later one is counted and
  // cut before its handshake, which fails that dial.
  const pki = makePki();
  const tls = createTlsServer({ key: pki.serverKey, cert: pki.serverCert });
  let first: Socket | undefined;
  let redials = 0;
  const listener = createNetServer((socket) => {
    if (first === undefined) {
      first = socket;
      tls.emit('connection', socket);
    } else {
      redials++;
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  try {
    const port = (listener.address() as { port: number }).port;
    const client = await createReconnectingConnection(mod.Echo, { port, tls: { ca: pki.ca }, retry: { initialDelay: 1, maxDelay: 2, maxAttempts: 3 } });
    first!.destroy();
    const error = await within(client.closed, 10_000, 'the client to give up');
    assert.match(error!.message, /gave up reconnecting after 3 attempts/);
    assert.is(redials, 3);
  } finally {
    listener.close();
    pki.remove();
  }
});

test('the first dial must succeed: a wrong address fails at once', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const port = server.address.port;
  await server.close();
  assert.is((await rejection(createReconnectingConnection(mod.Echo, { port }))).code, 'TRANSPORT');
});

test.run();
