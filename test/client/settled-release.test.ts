/**
 * A settled call lets go of its promise. The client's record of a call (its Pending) can
 * outlive the call in V8's old generation (a Map's replaced hash table keeps its entries
 * until a full collection), and the scavenger takes what such a stale record reaches as
 * live: while it reached the caller's promise, and through it the reply, large replies at
 * many calls in flight were all promoted and the client spent half its time collecting
 * (bench case 2d). These tests hold a call's record from before the reply and check it no
 * longer reaches the functions that settle the promise: replied, failed, and timed out.
 */
import { createServer as netServer, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createHttpConnection, createHttpServer, createServer, load, TimeoutError } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

type Record = { resolve: unknown; reject: unknown };
/** The client's record of its only call in flight. */
function onlyPending(client: unknown): Record {
  const pending = (client as { pending: Map<number, Record> }).pending;
  assert.is(pending.size, 1, 'one call in flight');
  return pending.values().next().value!;
}

/** Checks a record taken while in flight lets go of both functions it held once the call settled. */
function assertReleased(record: Record, resolve: unknown, reject: unknown): void {
  assert.is.not(record.resolve, resolve, 'the settled record still holds the promise resolver');
  assert.is.not(record.reject, reject, 'the settled record still holds the promise rejecter');
}

test('a socket client: a replied call, a call that failed on the server and a timed-out call each let go of their promise', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const conn: any = await createConnection(mod.Echo, { port: server.address.port });
  try {
    const reply = conn.echoString('x'.repeat(5000));
    const replied = onlyPending(conn);
    const held = { ...replied };
    assert.is(await reply, 'x'.repeat(5000));
    assertReleased(replied, held.resolve, held.reject);

    const failing = conn.find(-1).then(() => undefined, (e: unknown) => e);
    const failed = onlyPending(conn);
    const heldFailed = { ...failed };
    assert.instance(await failing, mod.Invalid);
    assertReleased(failed, heldFailed.resolve, heldFailed.reject);

  } finally {
    await conn.close();
    await server.close();
  }
});

test('a socket client: a timed-out call lets go of its promise (the shared timer of the default timeout)', async () => {
  // A server that reads and never answers.
  const sockets = new Set<Socket>();
  const silent = netServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const slow: any = await createConnection(mod.Echo, { port: (silent.address() as { port: number }).port, timeout: 20 });
  try {
    const late = slow.ping().then(() => undefined, (e: unknown) => e);
    const timed = onlyPending(slow);
    const held = { ...timed };
    assert.instance(await late, TimeoutError);
    assertReleased(timed, held.resolve, held.reject);
  } finally {
    slow.destroy();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('an HTTP client: a replied call lets go of its promise', async () => {
  const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo' });
  const client: any = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/echo` });
  try {
    const reply = client.echoString('y');
    const replied = onlyPending(client);
    const held = { ...replied };
    assert.is(await reply, 'y');
    assertReleased(replied, held.resolve, held.reject);
  } finally {
    await client.close();
    await server.close();
  }
});

test.run();
