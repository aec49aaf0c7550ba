/**
 * maxConnections on the HTTP and WebSocket servers: a connection past the cap is refused, the
 * first keeps working, and onError is told of the refusal naming the client and the cap.
 */
import { connect, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { createHttpConnection, createHttpServer, createWebSocketConnection, createWebSocketServer, load } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** onError's errors, and a promise of the first. */
function errors(): { seen: unknown[]; first: Promise<void>; onError: (e: unknown) => void } {
  const seen: unknown[] = [];
  let told: () => void = () => {};
  const first = new Promise<void>((resolve) => (told = resolve));
  return { seen, first, onError: (e) => (seen.push(e), told()) };
}

/** A TCP connection to `port` and a promise of its close. */
function tcp(port: number): { socket: Socket; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  return { socket, closed: new Promise<void>((resolve) => socket.once('close', () => resolve())) };
}

const REFUSED = /^refused a connection from 127\.0\.0\.1:\d+: the server is at maxConnections \(1\)$/;

test('HTTP: a second TCP connection past maxConnections 1 is closed and reported to onError; the first keeps answering', async () => {
  const e = errors();
  const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, maxConnections: 1, onError: e.onError });
  const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/`, timeout: 5000 });
  try {
    assert.is(await client.echoI32(1), 1);
    const second = tcp(server.address.port!);
    await within(second.closed, 5000, 'the second connection to be closed');
    await within(e.first, 5000, 'onError to hear of it');
    assert.match((e.seen[0] as Error).message, REFUSED);
    assert.is((e.seen[0] as Error).name, 'TransportError');
    assert.is(await client.echoI32(2), 2);
  } finally {
    await client.close();
    server.destroy();
  }
});

test('WebSocket: a second connection past maxConnections 1 is refused and reported to onError; the first keeps answering', async () => {
  const e = errors();
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, maxConnections: 1, onError: e.onError });
  const url = `ws://127.0.0.1:${server.address.port}/`;
  const first = await createWebSocketConnection(mod.Echo, { url, WebSocket: WebSocket as never, timeout: 5000 });
  try {
    assert.is(await first.echoI32(1), 1);
    const refused = await createWebSocketConnection(mod.Echo, { url, WebSocket: WebSocket as never, timeout: 5000 }).then(
      (c) => (c.destroy(), undefined),
      (error: unknown) => error,
    );
    assert.instance(refused, Error, 'the second connection fails');
    await within(e.first, 5000, 'onError to hear of it');
    assert.match((e.seen[0] as Error).message, REFUSED);
    assert.is(await first.echoI32(2), 2);
  } finally {
    await first.close();
    server.destroy();
  }
});

test.run();
