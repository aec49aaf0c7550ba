/**
 * A socket is driven through its link: a server and a client read its events and
 * write with socket.write, and build no web stream unless someone asks a
 * connection for its readable or writable (then the link is the streams' alone).
 */
import { once } from 'node:events';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createServer } from '../../src/index.js';
import { connect, fromSocket, listen, type SocketConnection } from '../../src/node/index.js';
import { offerSocketLinks } from '../../src/node/socket.js';
import { binaryProtocol } from '../../src/protocol/index.js';
import { streams, useStreams, type StreamClasses } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { frame, mod, raw, request } from '../hardening/net.js';

const test = suite('socket links');

/** Runs `body` with stream classes that count their constructions; returns how many were made. */
async function countingStreams(body: () => Promise<void>): Promise<number> {
  const real = streams();
  let made = 0;
  const counted = {
    ReadableStream: class extends real.ReadableStream<unknown> {
      constructor(...args: ConstructorParameters<typeof ReadableStream>) {
        super(...args);
        made++;
      }
    },
    WritableStream: class extends real.WritableStream<unknown> {
      constructor(...args: ConstructorParameters<typeof WritableStream>) {
        super(...args);
        made++;
      }
    },
    TransformStream: real.TransformStream,
  } as unknown as StreamClasses;
  useStreams(counted);
  try {
    await body();
  } finally {
    useStreams(real);
  }
  return made;
}

/** Serves one framed call from a raw socket and waits for its reply. */
async function oneCall(): Promise<void> {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  const r = await raw(server.address.port!);
  try {
    r.socket.write(frame(request(binaryProtocol, 'echoI32', [7])));
    await within(once(r.socket, 'data'), 5000, 'the reply');
  } finally {
    r.socket.destroy();
    await within(server.close(), 5000, 'server close');
  }
}

test('a served socket builds no web stream: the server reads its events and writes with socket.write', async () => {
  assert.is(await countingStreams(oneCall), 0);
});

test('with links withheld the same call goes through the socket web streams (so the count above can fail)', async () => {
  offerSocketLinks(false);
  try {
    assert.ok((await countingStreams(oneCall)) >= 2);
  } finally {
    offerSocketLinks(true);
  }
});

test('a client on a socket builds no web stream either', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const made = await countingStreams(async () => {
      const conn = await createConnection(mod.Echo, { port: server.address.port, transport: 'framed', timeout: 5000 });
      assert.is(await conn.echoI32(5), 5);
      await conn.close();
    });
    assert.is(made, 0);
  } finally {
    await within(server.close(), 5000, 'server close');
  }
});

test('once a socket is driven through its link, asking it for streams is a TypeError that says why', async () => {
  const accepted: SocketConnection[] = [];
  const server = await listen({ port: 0 }, (conn) => accepted.push(conn));
  const conn = await connect({ port: server.address.port });
  try {
    const link = (conn as SocketConnection & { takeLink(): unknown }).takeLink();
    assert.ok(link !== undefined);
    assert.throws(() => conn.readable, (e: unknown) => e instanceof TypeError && /directly by a channel/.test((e as Error).message));
  } finally {
    conn.destroy();
    server.destroy();
  }
});

test('once its streams were asked for, a socket offers no link: the streams own it', async () => {
  const server = await listen({ port: 0 }, () => {});
  const conn = await connect({ port: server.address.port });
  try {
    assert.ok(conn.readable instanceof streams().ReadableStream);
    assert.is((conn as SocketConnection & { takeLink(): unknown }).takeLink(), undefined);
  } finally {
    conn.destroy();
    server.destroy();
  }
});

test('a socket wrapped twice is a TypeError: one socket has one reader', async () => {
  const server = await listen({ port: 0 }, () => {});
  const conn = await connect({ port: server.address.port });
  try {
    assert.throws(() => fromSocket(conn.socket), (e: unknown) => e instanceof TypeError && /already wrapped/.test((e as Error).message));
  } finally {
    conn.destroy();
    server.destroy();
  }
});

test('a half-open socket still reports the peer ending its side', async () => {
  const accepted: SocketConnection[] = [];
  const server = createNetServer({ allowHalfOpen: true }, (socket) => accepted.push(fromSocket(socket)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = netConnect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
  try {
    await once(client, 'connect');
    while (accepted.length === 0) await new Promise((r) => setImmediate(r));
    const reader = accepted[0]!.readable.getReader();
    client.end('x');
    const first = await within(reader.read(), 5000, 'the byte');
    assert.equal(Array.from(first.value!), [0x78]);
    // The server side stays writable: only the end of input is reported.
    assert.is((await within(reader.read(), 5000, 'end of input')).done, true);
  } finally {
    client.destroy();
    for (const c of accepted) c.destroy();
    server.close();
  }
});

test.run();
