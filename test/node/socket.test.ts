import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectionClosedError, TimeoutError, TransportError } from '../../src/errors.js';
import { connect, listen, type SocketConnection, type SocketServer } from '../../src/node/index.js';
import { framed } from '../../src/transport/index.js';
import { concat, pattern, within } from '../transport/helpers.js';

const host = '127.0.0.1';

/** A server whose connections are handed out one by one as promises. */
async function serverWithQueue(): Promise<{ server: SocketServer; next: () => Promise<SocketConnection> }> {
  const waiting: ((conn: SocketConnection) => void)[] = [];
  const ready: SocketConnection[] = [];
  const server = await listen({ host, port: 0 }, (conn) => {
    const w = waiting.shift();
    if (w) w(conn);
    else ready.push(conn);
  });
  const next = (): Promise<SocketConnection> => {
    const c = ready.shift();
    return within(c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve)), 5000, 'a server connection');
  };
  return { server, next };
}

/** Reads everything until the readable ends, bounded by a timeout. */
async function readAll(readable: ReadableStream<Uint8Array>, what: string): Promise<Uint8Array> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await within(reader.read(), 10_000, what);
    if (done) return concat(parts);
    parts.push(value);
  }
}

test('listen on port 0 reports the bound address', async () => {
  const server = await listen({ host, port: 0 }, () => {});
  assert.is(server.address.host, host);
  assert.ok(server.address.port! > 0);
  assert.is(server.connections, 0);
  await within(server.close(), 5000, 'server close');
});

test('framed messages echo over a real socket', async () => {
  const server = await listen({ host, port: 0 }, (conn) => {
    conn.readable.pipeTo(conn.writable).catch(() => {});
  });
  const conn = await connect({ host, port: server.address.port });
  const messages = framed(conn);
  const writer = messages.writable.getWriter();
  const reader = messages.readable.getReader();
  const sent = [pattern(10, 1), pattern(0), pattern(100_000, 2), pattern(1, 3)];
  for (const m of sent) writer.write(m).catch(() => {});
  for (const m of sent) {
    const { value } = await within(reader.read(), 5000, 'an echoed message');
    assert.equal(Array.from(value!), Array.from(m));
  }
  conn.close();
  assert.is((await within(reader.read(), 5000, 'end after close')).done, true);
  await within(server.close(), 5000, 'server close');
});

test('many writes in one tick leave as few socket writes', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  // Counting the socket's _write/_writev calls is the closest portable proxy for syscalls.
  const socket = conn.socket as Socket & { _write: Function; _writev: Function };
  let calls = 0;
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (...args: unknown[]) { calls++; return write.apply(this, args); };
  socket._writev = function (...args: unknown[]) { calls++; return writev.apply(this, args); };
  const writer = conn.writable.getWriter();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) writes.push(writer.write(pattern(50, i)));
  await within(Promise.all(writes), 5000, 'the writes');
  const received = readAll(peer.readable, 'the bytes at the peer');
  await writer.close();
  assert.is((await received).length, 100 * 50);
  assert.ok(calls <= 3, `${calls} socket writes for 100 stream writes`);
  await within(server.close(), 5000, 'server close');
});

test('a reader that does not read pauses the socket and holds the writer back, then both resume', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  // The peer's streams exist (built on first ask) but nobody reads them.
  const peerReadable = peer.readable;
  const writer = conn.writable.getWriter();
  const chunk = new Uint8Array(1024 * 1024);
  // More than loopback's kernel buffers can hold, so the writes must wait for the reader.
  const total = 64;
  let accepted = 0;
  const writes: Promise<void>[] = [];
  const paused = once(peer.socket, 'pause');
  for (let i = 0; i < total; i++) writes.push(writer.write(chunk).then(() => { accepted++; }));
  await within(paused, 5000, 'the peer socket to pause');
  assert.ok(peer.socket.isPaused());
  // 64 MiB cannot fit loopback's buffers plus the peer's queue, so some writes must still be waiting.
  assert.ok(accepted < total, `accepted ${accepted} of ${total} writes with nobody reading`);
  const received = readAll(peerReadable, 'the bytes at the peer');
  await within(Promise.all(writes), 20_000, 'the writes to resume');
  assert.is(accepted, total);
  await writer.close();
  assert.is((await received).length, total * chunk.length);
  await within(server.close(), 5000, 'server close');
});

test('the peer closing ends the readable', async () => {
  const server = await listen({ host, port: 0 }, (conn) => conn.close());
  const conn = await connect({ host, port: server.address.port });
  assert.is((await within(conn.readable.getReader().read(), 5000, 'end of stream')).done, true);
  await within(server.close(), 5000, 'server close');
});

test('a socket error errors the readable with TransportError and its cause', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  (peer.socket as Socket & { resetAndDestroy(): void }).resetAndDestroy();
  const error = await within(conn.readable.getReader().read().then(() => undefined, (e: unknown) => e), 5000, 'the read to fail');
  assert.instance(error, TransportError);
  assert.is((error as TransportError).code, 'TRANSPORT');
  assert.is(((error as TransportError).cause as NodeJS.ErrnoException).code, 'ECONNRESET');
  await within(server.close(), 5000, 'server close');
});

test('connect to a closed port rejects with TransportError carrying the socket error', async () => {
  const server = await listen({ host, port: 0 }, () => {});
  const { port } = server.address;
  await server.close();
  const error = await connect({ host, port }).then(() => undefined, (e: unknown) => e);
  assert.instance(error, TransportError);
  assert.is((error as TransportError).code, 'TRANSPORT');
  assert.is(((error as TransportError).cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('connect rejects with TimeoutError when the connection is not up in time', async () => {
  // A plain TCP server that never answers the TLS handshake keeps the connect pending.
  const silent: Server = createServer(() => {});
  const sockets: Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, host, resolve));
  const port = (silent.address() as { port: number }).port;
  const error = await within(connect({ host, port, connectTimeout: 50, tls: { rejectUnauthorized: false } }).then(() => undefined, (e: unknown) => e), 5000, 'the timeout');
  assert.instance(error, TimeoutError);
  assert.is((error as TimeoutError).code, 'TIMEOUT');
  for (const s of sockets) s.destroy();
  silent.close();
});

test('connect rejects with the signal’s reason when aborted, before or during the attempt', async () => {
  const before = new AbortController();
  before.abort(new Error('not wanted'));
  const early = await connect({ host, port: 1, signal: before.signal }).then(() => undefined, (e: unknown) => e);
  assert.is((early as Error).message, 'not wanted');

  const silent: Server = createServer(() => {});
  const sockets: Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, host, resolve));
  const port = (silent.address() as { port: number }).port;
  const during = new AbortController();
  const reason = new Error('changed my mind');
  const pending = connect({ host, port, signal: during.signal, tls: { rejectUnauthorized: false } });
  await within(once(silent, 'connection'), 5000, 'the TCP connection');
  during.abort(reason);
  const error = await within(pending.then(() => undefined, (e: unknown) => e), 5000, 'the abort');
  assert.is(error, reason);
  for (const s of sockets) s.destroy();
  silent.close();
});

test('SocketServer.close stops accepting and waits for open connections to close', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  let closed = false;
  const closing = server.close().then(() => { closed = true; });
  assert.is(server.connections, 1);
  // The accepted connection still works while the server is closing.
  const echo = framed(peer);
  const client = framed(conn);
  echo.readable.pipeTo(echo.writable).catch(() => {});
  const cw = client.writable.getWriter();
  const cr = client.readable.getReader();
  await cw.write(pattern(5));
  assert.equal(Array.from((await within(cr.read(), 5000, 'the echo')).value!), Array.from(pattern(5)));
  assert.is(closed, false);
  const refused = await connect({ host, port: server.address.port }).then(() => undefined, (e: unknown) => e);
  assert.instance(refused, TransportError);
  conn.close();
  await within(closing, 5000, 'server close after the connection closed');
  assert.is(server.connections, 0);
});

test('SocketServer.destroy destroys every connection', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  const peerRead = peer.readable.getReader().read().then(() => undefined, (e: unknown) => e);
  server.destroy();
  server.destroy();
  assert.instance(await within(peerRead, 5000, 'the server side to fail'), ConnectionClosedError);
  // The client sees the connection go away (an end or a reset).
  const outcome = await within(conn.readable.getReader().read().then((r) => r.done, (e: unknown) => e), 5000, 'the client side to end');
  assert.ok(outcome === true || outcome instanceof TransportError, String(outcome));
  await within(server.close(), 5000, 'server close');
  assert.is(server.connections, 0);
});

test('close and destroy are idempotent and destroy errors both streams', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  await next();
  const reason = new Error('done here');
  const read = conn.readable.getReader().read().then(() => undefined, (e: unknown) => e);
  conn.destroy(reason);
  conn.destroy();
  conn.close();
  assert.is(await within(read, 5000, 'the read to fail'), reason);
  const write = await conn.writable.getWriter().write(new Uint8Array(1)).then(() => undefined, (e: unknown) => e);
  assert.is(write, reason);
  server.destroy();
});

test('closing the writable ends the socket; the peer sees the end', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  const writer = conn.writable.getWriter();
  writer.write(pattern(3)).catch(() => {});
  await within(writer.close(), 5000, 'writable close');
  assert.equal(Array.from(await readAll(peer.readable, 'the peer to see the end')), Array.from(pattern(3)));
  await within(server.close(), 5000, 'server close');
});

test('aborting the writable destroys the socket', async () => {
  const { server, next } = await serverWithQueue();
  const conn = await connect({ host, port: server.address.port });
  const peer = await next();
  const closed = once(conn.socket, 'close');
  await conn.writable.abort(new Error('stop'));
  await within(closed, 5000, 'the socket to close');
  const outcome = await within(peer.readable.getReader().read().then((r) => r.done, (e: unknown) => e), 5000, 'the peer to notice');
  assert.ok(outcome === true || outcome instanceof TransportError, String(outcome));
  await within(server.close(), 5000, 'server close');
});

test('unix socket paths work for listen and connect', async () => {
  const path = join(tmpdir(), `thrift-streams-${process.pid}-${Date.now()}.sock`);
  const server = await listen({ path }, (conn) => {
    conn.readable.pipeTo(conn.writable).catch(() => {});
  });
  assert.equal(server.address, { path });
  const conn = await connect({ path });
  const messages = framed(conn);
  await messages.writable.getWriter().write(pattern(7));
  assert.equal(Array.from((await within(messages.readable.getReader().read(), 5000, 'the echo')).value!), Array.from(pattern(7)));
  conn.close();
  await within(server.close(), 5000, 'server close');
});

test.run();
