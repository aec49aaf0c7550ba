/**
 * Thrift over WebSocket in Node: createWebSocketServer (ws) against
 * createWebSocketConnection (ws's WHATWG-shaped WebSocket, as Node 20 has none
 * built in), on native streams and on web-streams-polyfill's, with each protocol;
 * then one message per WebSocket message on the wire, refused upgrades, limits,
 * and the lifecycle.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import * as polyfill from 'web-streams-polyfill';
import WebSocket, { WebSocketServer } from 'ws';
import {
  ConnectionClosedError,
  createWebSocketConnection,
  createWebSocketServer,
  load,
  ThriftAppError,
  TimeoutError,
  TransportError,
  type ThriftServer,
} from '../../src/index.js';
import { listenWebSocket } from '../../src/node/index.js';
import { binaryProtocol, compactProtocol, jsonProtocol } from '../../src/protocol/index.js';
import { connectWebSocket, streams, useStreams, type LinkSource, type WebSocketConnection, type WebSocketConstructor } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const WS = WebSocket as unknown as WebSocketConstructor;
const native = streams();
const flavours = {
  native,
  polyfill: {
    ReadableStream: polyfill.ReadableStream as unknown as typeof ReadableStream,
    WritableStream: polyfill.WritableStream as unknown as typeof WritableStream,
    TransformStream: polyfill.TransformStream as unknown as typeof TransformStream,
  },
};

function urlOf(server: ThriftServer, path = '/'): string {
  return `ws://127.0.0.1:${server.address.port}${path}`;
}

for (const [flavour, classes] of Object.entries(flavours)) {
  const test = suite(`WebSocket transport on ${flavour} streams`);
  test.before(() => useStreams(classes));
  test.after(() => useStreams(native));

  for (const protocol of [binaryProtocol, compactProtocol, jsonProtocol]) {
    test(`${protocol.name}: base types, a struct, exceptions, oneway, concurrent calls`, async () => {
      const seen = signal<string>();
      const server = await createWebSocketServer(mod.Echo, echoHandler(mod, { notify: seen.resolve }), { port: 0, path: '/rpc', protocol });
      try {
        const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server, '/rpc'), protocol, timeout: 5000, WebSocket: WS });
        assert.is(await client.echoBool(false), false);
        assert.is(await client.echoByte(127), 127);
        assert.is(await client.echoI16(32767), 32767);
        assert.is(await client.echoI32(-2147483648), -2147483648);
        assert.is(await client.echoI64(2n ** 63n - 1n), 2n ** 63n - 1n);
        assert.is(await client.echoDouble(-1.5), -1.5);
        assert.is(await client.echoString('ws ✓'), 'ws ✓');
        assert.equal(await client.echoBinary(new Uint8Array([9, 0, 200])), new Uint8Array([9, 0, 200]));
        const p = await client.echoPoint(new mod.Point({ x: -1, y: 1, label: 'q' }));
        assert.instance(p, mod.Point);
        assert.is(p.label, 'q');
        assert.instance(await rejection(client.find(-1)), mod.Invalid);
        const undeclared = await rejection(client.fail('nope'));
        assert.instance(undeclared, ThriftAppError);
        assert.is(undeclared.type, 6);
        await client.notify('over ws');
        assert.is(await within(seen.promise, 5000, 'the oneway call to reach the handler'), 'over ws');
        const many = await within(Promise.all(Array.from({ length: 100 }, (_, i) => client.delayed(i, (i * 13) % 15))), 5000, '100 concurrent calls');
        assert.equal(many, Array.from({ length: 100 }, (_, i) => i));
        assert.is(server.connections, 1);
        await client.close();
        assert.is(client.state, 'closed');
      } finally {
        await server.close();
      }
    });
  }
  test.run();
}

const test = suite('WebSocket server and client edges');

test('one Thrift message per binary WebSocket message, both ways', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const raw = new WebSocket(urlOf(server));
    raw.binaryType = 'arraybuffer';
    await within(new Promise((resolve, reject) => (raw.once('open', resolve), raw.once('error', reject))), 5000, 'open');
    // Two calls sent back to back as two messages get two replies, each one whole message.
    const replies: { binary: boolean; size: number }[] = [];
    const two = new Promise<void>((resolve) => {
      raw.on('message', (data: ArrayBuffer, isBinary: boolean) => {
        replies.push({ binary: isBinary, size: data.byteLength });
        if (replies.length === 2) resolve();
      });
    });
    const { encodeMessage, MessageType, serviceFunctions } = await import('../../src/protocol/index.js');
    const fn = serviceFunctions(mod.Echo).get('echoString')!;
    const encode = binaryProtocol.codecs.argsCodec(fn.args).encode;
    const w = binaryProtocol.createWriter();
    raw.send(encodeMessage(w, 'echoString', MessageType.CALL, 1, encode, ['a']).slice());
    raw.send(encodeMessage(w, 'echoString', MessageType.CALL, 2, encode, ['bb']).slice());
    await within(two, 5000, 'two replies');
    assert.equal(replies.map((r) => r.binary), [true, true]);
    // Reply: 12-byte strict header with the 10-byte name, a string field (3 + 4 + n), the stop byte.
    assert.equal(replies.map((r) => r.size).sort(), [12 + 10 + 7 + 1 + 1, 12 + 10 + 7 + 2 + 1].sort());
    raw.close();
  } finally {
    await server.close();
  }
});

test('upgrades refused: 404 on another path, 403 for an origin not allowed, 426 for a plain GET', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, path: '/rpc', origins: ['http://ok.example'] });
  try {
    const wrongPath = await rejection(createWebSocketConnection(mod.Echo, { url: urlOf(server, '/other'), WebSocket: WS, timeout: 5000 }));
    assert.instance(wrongPath, TransportError);
    const Evil = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://evil.example' });
      }
    } as unknown as WebSocketConstructor;
    assert.instance(await rejection(createWebSocketConnection(mod.Echo, { url: urlOf(server, '/rpc'), WebSocket: Evil, timeout: 5000 })), TransportError);
    const Ok = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://ok.example' });
      }
    } as unknown as WebSocketConstructor;
    const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server, '/rpc'), WebSocket: Ok, timeout: 5000 });
    assert.is(await client.version(), '1.0');
    await client.close();
    const plain = await fetch(`http://127.0.0.1:${server.address.port}/rpc`);
    assert.is(plain.status, 426);
  } finally {
    await server.close();
  }
});

test('a message larger than maxMessageSize closes that connection only', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, maxMessageSize: 1024 });
  try {
    const big = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000 });
    const error = await rejection(big.echoString('x'.repeat(4096)));
    assert.instance(error, ConnectionClosedError);
    const good = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000 });
    assert.is(await good.echoString('small'), 'small');
    await good.close();
  } finally {
    await server.close();
  }
});

test('the client refuses a reply larger than its maxMessageSize', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000, maxMessageSize: 100 });
    const error = await rejection(client.echoString('y'.repeat(90)));
    assert.instance(error, ConnectionClosedError);
    assert.is(error.cause?.code, 'FRAME_TOO_LARGE');
  } finally {
    await server.close();
  }
});

test('connecting: nobody listening rejects with TransportError; connectTimeout and abort are honoured', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0 });
  const url = urlOf(server);
  await server.close();
  assert.instance(await rejection(createWebSocketConnection(mod.Echo, { url, WebSocket: WS, timeout: 5000 })), TransportError);
  const controller = new AbortController();
  const aborted = createWebSocketConnection(mod.Echo, { url, WebSocket: WS, signal: controller.signal });
  controller.abort(new Error('changed my mind'));
  assert.is((await rejection(aborted)).message, 'changed my mind');
  // A WebSocket class that never opens: the handshake deadline rejects.
  const Never = class {
    binaryType = '';
    readyState = 0;
    bufferedAmount = 0;
    send() {}
    close() {
      this.readyState = 3;
    }
    addEventListener() {}
    removeEventListener() {}
  } as unknown as WebSocketConstructor;
  assert.instance(await rejection(createWebSocketConnection(mod.Echo, { url, WebSocket: Never, connectTimeout: 50 })), TimeoutError);
  assert.instance(await rejection(createWebSocketConnection(mod.Echo, { url })), TypeError, 'Node 20 has no global WebSocket: the error says to pass one');
});

test('server close() answers calls in flight, then the clients see the connection close', async () => {
  const arrived = signal();
  const handler = { ...echoHandler(mod), delayed: (v: number, ms: number) => (arrived.resolve(), new Promise((r) => setTimeout(() => r(v), ms))) };
  const server = await createWebSocketServer(mod.Echo, handler, { port: 0 });
  const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000 });
  const slow = client.delayed(5, 100);
  await within(arrived.promise, 5000, 'the call to reach the handler');
  const closed = server.close();
  assert.is(await within(slow, 5000, 'the call in flight'), 5);
  await within(closed, 5000, 'the server to close');
  await within(client.closed, 5000, 'the client to see the close');
  assert.is(client.state, 'closed');
});

test('server destroy() closes connections now: calls in flight reject with ConnectionClosedError', async () => {
  const arrived = signal();
  const handler = { ...echoHandler(mod), delayed: (v: number, ms: number) => (arrived.resolve(), new Promise((r) => setTimeout(() => r(v), ms))) };
  const server = await createWebSocketServer(mod.Echo, handler, { port: 0 });
  const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000 });
  const slow = client.delayed(5, 2000);
  await within(arrived.promise, 5000, 'the call to reach the handler');
  server.destroy();
  assert.instance(await rejection(slow), ConnectionClosedError);
});

test('a WebSocket connection read and written through its web streams: one message per chunk, then the end at a clean close', async () => {
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const conn = await connectWebSocket({ url: urlOf(server), WebSocket: WS });
    const { encodeMessage, MessageType, serviceFunctions } = await import('../../src/protocol/index.js');
    const fn = serviceFunctions(mod.Echo).get('echoString')!;
    const w = binaryProtocol.createWriter();
    const writer = conn.writable.getWriter();
    await writer.write(encodeMessage(w, 'echoString', MessageType.CALL, 7, binaryProtocol.codecs.argsCodec(fn.args).encode, ['hi']).slice());
    const reader = conn.readable.getReader();
    const { value } = await within(reader.read(), 5000, 'the reply');
    assert.is(value!.byteLength, 12 + 10 + 7 + 2 + 1);
    assert.is((conn as typeof conn & LinkSource).takeLink(), undefined, 'a duplex whose streams exist offers no link');
    await writer.close();
    assert.is((await within(reader.read(), 5000, 'the end')).done, true);
  } finally {
    await server.close();
  }
});

test("cancelling a WebSocket connection's readable ends the connection: the peer sees it closed (a close frame, 1000)", async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const seen = new Promise<number>((resolve) => wss.on('connection', (ws) => ws.on('close', (code: number) => resolve(code))));
  try {
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const conn = await connectWebSocket({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, WebSocket: WS });
    await conn.readable.cancel();
    assert.is(await within(seen, 5000, 'the server to see the connection end'), 1000);
  } finally {
    wss.close();
  }
});

test('messages received while the link is paused wait, in order, ahead of a clean close', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    for (const n of [1, 2, 3]) ws.send(new Uint8Array([n]));
    ws.close(1000);
  });
  try {
    const conn = await connectWebSocket({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, WebSocket: WS });
    const link = (conn as typeof conn & LinkSource).takeLink()!;
    const seen: string[] = [];
    const failed = signal();
    link.attach({
      onData: (chunk: Uint8Array) => seen.push(`data ${chunk[0]}`),
      onEnd: () => seen.push('end'),
      onFail: (error: Error) => (seen.push(`fail ${error.name}`), failed.resolve()),
      onDrain() {},
    });
    // Not resumed yet: the messages and the close arrive and are held.
    await within(new Promise((resolve) => conn.socket.addEventListener('close', resolve)), 5000, 'the server to close');
    assert.equal(seen, []);
    link.resume();
    await within(failed.promise, 5000, 'the close after the messages');
    assert.equal(seen, ['data 1', 'data 2', 'data 3', 'end', 'fail ConnectionClosedError']);
  } finally {
    wss.close();
  }
});

test('the messages sent in one turn leave in one socket write, from the client and from the server', async () => {
  /** Counts the writes a net.Socket makes: one _write per lone chunk, one _writev per batch. */
  const countWrites = (socket: any): { writes: number } => {
    const count = { writes: 0 };
    for (const name of ['_write', '_writev']) {
      const original = socket[name].bind(socket);
      socket[name] = (...args: unknown[]) => (count.writes++, original(...args));
    }
    return count;
  };
  const link = (conn: unknown) => (conn as LinkSource).takeLink()!;
  const receive = (n: number) => {
    const got: number[] = [];
    const all = signal();
    return {
      got,
      all: all.promise,
      receiver: { onData: (c: Uint8Array) => (got.push(c[0]!), got.length === n && all.resolve()), onEnd() {}, onFail() {}, onDrain() {} },
    };
  };
  const served = signal<WebSocketConnection>();
  const listener = await listenWebSocket({ port: 0 }, (conn) => served.resolve(conn));
  try {
    const client = await connectWebSocket({ url: `ws://127.0.0.1:${listener.address.port}/`, WebSocket: WS });
    const server = await within(served.promise, 5000, 'the connection');
    const atServer = receive(3);
    const atClient = receive(3);
    const serverLink = link(server);
    serverLink.attach(atServer.receiver);
    serverLink.resume();
    const clientLink = link(client);
    clientLink.attach(atClient.receiver);
    clientLink.resume();
    const clientWrites = countWrites((client.socket as any)._socket);
    const serverWrites = countWrites((server.socket as any)._socket);
    for (const n of [1, 2, 3]) clientLink.write(new Uint8Array([n]));
    await within(atServer.all, 5000, 'the three calls');
    for (const n of [4, 5, 6]) serverLink.write(new Uint8Array([n]));
    await within(atClient.all, 5000, 'the three replies');
    assert.equal([atServer.got, atClient.got], [[1, 2, 3], [4, 5, 6]]);
    assert.equal([clientWrites.writes, serverWrites.writes], [1, 1]);
    client.close();
  } finally {
    listener.destroy();
  }
});

test('the client does not offer permessage-deflate, even to a server that would accept it', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  await new Promise((resolve) => wss.once('listening', resolve));
  const offered = signal<string | undefined>();
  wss.on('connection', (_ws, req) => offered.resolve(req.headers['sec-websocket-extensions']));
  try {
    const conn = await connectWebSocket({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, WebSocket: WS });
    assert.is(await within(offered.promise, 5000, 'the upgrade'), undefined);
    assert.is((conn.socket as unknown as WebSocket).extensions, '');
    conn.close();
  } finally {
    wss.close();
  }
});

test('idle connections are closed after the server timeout', async () => {
  // Long enough that a GC pause cannot close the connection before its first call is answered.
  const server = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, idleTimeout: 1000 });
  try {
    const client = await createWebSocketConnection(mod.Echo, { url: urlOf(server), WebSocket: WS, timeout: 5000 });
    assert.is(await client.echoI32(1), 1);
    await within(client.closed, 5000, 'the idle close');
  } finally {
    await server.close();
  }
});

test.run();
