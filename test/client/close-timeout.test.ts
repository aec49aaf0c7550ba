/**
 * close() waits for the replies in flight, but not forever: past closeTimeout (default
 * 10,000 ms, as the servers') it destroys the connection and those calls reject. Against a
 * server that accepts and never answers, over a socket and over HTTP.
 */
import { createServer as netServer, type Server, type Socket } from 'node:net';
import { createServer as httpServer } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectionClosedError, createConnection, createHttpConnection, createServer, load, TimeoutError } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** A TCP server that reads and never answers; `listening` resolves with its port. */
function silent(): { server: Server; sockets: Set<Socket>; port: Promise<number> } {
  const sockets = new Set<Socket>();
  const server = netServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.resume();
  });
  const port = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { server, sockets, port };
}

/** Calls ping() (never answered), then close(): close() settles, and the call rejects, the cause a TimeoutError. */
async function closeWithUnanswered(conn: { close(): Promise<void>; [method: string]: any }): Promise<Error> {
  const call = conn.ping().then(() => undefined, (e: unknown) => e);
  await within(conn.close(), 5000, 'close() past its closeTimeout');
  const error = await within(call, 5000, 'the call to settle');
  assert.instance(error, ConnectionClosedError);
  assert.instance((error as Error).cause, TimeoutError);
  return error as Error;
}

test('a socket client: close() with a call the server never answers settles after closeTimeout; the call rejects naming it', async () => {
  const s = silent();
  const conn = await createConnection(mod.Echo, { port: await s.port, closeTimeout: 100 });
  try {
    const error = await closeWithUnanswered(conn);
    assert.is((error.cause as Error).message, 'the replies in flight did not come within closeTimeout (100 ms) of close()');
    assert.is(conn.state, 'closed');
  } finally {
    conn.destroy();
    for (const x of s.sockets) x.destroy();
    s.server.close();
  }
});

test('an HTTP client: the same bound, for a request the server never answers', async () => {
  const sockets = new Set<Socket>();
  const server = httpServer(() => {});
  server.on('connection', (x) => sockets.add(x));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const conn = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, closeTimeout: 100 });
  try {
    await closeWithUnanswered(conn);
  } finally {
    conn.destroy();
    for (const x of sockets) x.destroy();
    server.close();
  }
});

test('closeTimeout defaults to 10,000 ms: close() with a call in flight arms that timer (seen as armed, not waited for)', async () => {
  const s = silent();
  const conn = await createConnection(mod.Echo, { port: await s.port });
  const original = globalThis.setTimeout;
  const delays: number[] = [];
  try {
    const call = conn.ping().catch(() => {});
    globalThis.setTimeout = ((fn: () => void, ms?: number) => (delays.push(ms ?? 0), original(fn, ms))) as typeof setTimeout;
    void conn.close();
    globalThis.setTimeout = original;
    assert.equal(delays, [10_000]);
    conn.destroy();
    await call;
  } finally {
    globalThis.setTimeout = original;
    conn.destroy();
    for (const x of s.sockets) x.destroy();
    s.server.close();
  }
});

test('a close() whose replies arrive in time resolves with them and leaves no timer behind', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const conn = await createConnection(mod.Echo, { port: server.address.port, closeTimeout: 60_000 });
  try {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const call = conn.echoI32(7);
    const closing = conn.close();
    assert.is(timers(), before + 1, 'the close bound is armed while the reply is awaited');
    assert.is(await call, 7);
    await within(closing, 5000, 'close() once the reply came');
    assert.is(timers(), before, 'and cleared when the connection ended');
  } finally {
    conn.destroy();
    await server.close();
  }
});

test.run();
