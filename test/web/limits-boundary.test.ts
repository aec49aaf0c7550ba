/**
 * maxMessageSize at its exact value over HTTP and WebSocket, both ends: a request (or reply)
 * of exactly that many bytes goes through, one byte more is refused with the typed answer
 * (413, a closed WebSocket, FRAME_TOO_LARGE). The HTTP client limit runs on both client
 * paths (node:http and fetch); the server's 413 with and without a Content-Length.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import {
  ConnectionClosedError,
  createHttpConnection,
  createHttpServer,
  createWebSocketConnection,
  createWebSocketServer,
  load,
  type ThriftServer,
} from '../../src/index.js';
import { binaryProtocol, encodeMessage, MessageType, serviceFunctions } from '../../src/protocol/index.js';
import type { WebSocketConstructor } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const WS = WebSocket as unknown as WebSocketConstructor;
const LIMIT = 1000;

function request(text: string): Uint8Array {
  const fn = serviceFunctions(mod.Echo).get('echoString')!;
  return encodeMessage(binaryProtocol.createWriter(), 'echoString', MessageType.CALL, 1, binaryProtocol.codecs.argsCodec(fn.args).encode, [text]).slice();
}

// echoString's call and its reply have the same size (field 1 of the args, field 0 of the
// result, both a string), so one string length sizes both to any total.
const OVERHEAD = request('').length;

/** The string whose echoString call, and reply, are exactly `total` bytes. */
function textFor(total: number): string {
  const text = 's'.repeat(total - OVERHEAD);
  assert.is(request(text).length, total);
  return text;
}

const http = suite('HTTP server maxMessageSize at its boundary');
let server: ThriftServer;
http.before(async () => {
  server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, maxMessageSize: LIMIT });
});
http.after(() => server?.close());

const post = (body: BodyInit, extra: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${server.address.port}/`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-thrift' }, ...extra });

/** A body without Content-Length: sent chunked, in two pieces. */
function chunked(bytes: Uint8Array): RequestInit & { duplex: 'half' } {
  const half = bytes.length >> 1;
  return {
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, half));
        controller.enqueue(bytes.slice(half));
        controller.close();
      },
    }),
    duplex: 'half',
  };
}

http('a request of exactly maxMessageSize bytes is answered, with and without Content-Length', async () => {
  const body = request(textFor(LIMIT));
  const sized = await post(body as BodyInit);
  assert.is(sized.status, 200);
  assert.is((await sized.arrayBuffer()).byteLength, LIMIT);
  const streamed = await post(body as BodyInit, chunked(body));
  assert.is(streamed.status, 200);
  assert.is((await streamed.arrayBuffer()).byteLength, LIMIT);
});

http('a request of maxMessageSize + 1 bytes is refused with 413, with and without Content-Length', async () => {
  const body = request(textFor(LIMIT + 1));
  const sized = await post(body as BodyInit);
  assert.is(sized.status, 413);
  assert.match(await sized.text(), `exceeds ${LIMIT} bytes`);
  const streamed = await post(body as BodyInit, chunked(body));
  assert.is(streamed.status, 413);
});

http.run();

for (const [path, extra] of Object.entries({ 'node:http': {}, fetch: { fetch: globalThis.fetch } })) {
  const client = suite(`HTTP client maxMessageSize at its boundary (${path} client)`);
  let open: ThriftServer;
  client.before(async () => {
    open = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
  });
  client.after(() => open?.close());

  client('a reply of exactly maxMessageSize bytes is read; one byte more fails that call with FRAME_TOO_LARGE', async () => {
    const conn = await createHttpConnection(mod.Echo, { ...extra, url: `http://127.0.0.1:${open.address.port}/`, timeout: 5000, maxMessageSize: LIMIT });
    try {
      const exact = textFor(LIMIT);
      assert.is(await conn.echoString(exact), exact);
      const error = await rejection(conn.echoString(textFor(LIMIT + 1)));
      assert.is(error.code, 'FRAME_TOO_LARGE');
    } finally {
      await conn.close();
    }
  });

  client.run();
}

const ws = suite('WebSocket maxMessageSize at its boundary');

ws('the server answers a message of exactly maxMessageSize bytes and closes the connection on one byte more', async () => {
  const errors: Error[] = [];
  const wsServer = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, maxMessageSize: LIMIT, onError: (e) => errors.push(e as Error) });
  try {
    const url = `ws://127.0.0.1:${wsServer.address.port}/`;
    const conn = await createWebSocketConnection(mod.Echo, { url, WebSocket: WS, timeout: 5000 });
    const exact = textFor(LIMIT);
    assert.is(await conn.echoString(exact), exact);
    assert.instance(await rejection(conn.echoString(textFor(LIMIT + 1))), ConnectionClosedError);
    assert.equal(errors.map((e) => e.message), ['WebSocket error: Max payload size exceeded'], 'the server reports the cause');
  } finally {
    await wsServer.close();
  }
});

ws('the client reads a reply of exactly maxMessageSize bytes and refuses one byte more with FRAME_TOO_LARGE', async () => {
  const wsServer = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0 });
  try {
    const url = `ws://127.0.0.1:${wsServer.address.port}/`;
    const conn = await createWebSocketConnection(mod.Echo, { url, WebSocket: WS, timeout: 5000, maxMessageSize: LIMIT });
    const exact = textFor(LIMIT);
    assert.is(await conn.echoString(exact), exact);
    const error = await rejection(conn.echoString(textFor(LIMIT + 1)));
    assert.instance(error, ConnectionClosedError);
    assert.is(error.cause?.code, 'FRAME_TOO_LARGE');
  } finally {
    await wsServer.close();
  }
});

ws.run();
