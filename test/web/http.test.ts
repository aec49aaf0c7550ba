/**
 * Thrift over HTTP in Node: createHttpServer against createHttpConnection on both
 * client paths (node:http, the Node entry's default, and fetch, what browsers use),
 * on native streams and on web-streams-polyfill's, with each protocol; then what
 * the server answers to requests that are not Thrift calls, CORS, limits, oneway
 * acknowledgement, failures that fail one call only, and a graceful close.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import * as polyfill from 'web-streams-polyfill';
import {
  callContext,
  ConnectionClosedError,
  createHttpConnection as createConnection,
  createHttpServer,
  HttpStatusError,
  load,
  ProtocolError,
  TransportError,
  ThriftAppError,
  TimeoutError,
  type ThriftServer,
} from '../../src/index.js';
import { compactProtocol, jsonProtocol, binaryProtocol } from '../../src/protocol/index.js';
import { createHttpTransport, streams, useStreams } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const native = streams();
const flavours = {
  native,
  polyfill: {
    ReadableStream: polyfill.ReadableStream as unknown as typeof ReadableStream,
    WritableStream: polyfill.WritableStream as unknown as typeof WritableStream,
    TransformStream: polyfill.TransformStream as unknown as typeof TransformStream,
  },
};

/** The two client paths; every client test runs on each. */
const requesters: Record<string, { fetch?: typeof fetch }> = { 'node:http': {}, fetch: { fetch: globalThis.fetch } };

function urlOf(server: ThriftServer, path = '/'): string {
  return `http://127.0.0.1:${server.address.port}${path}`;
}

for (const [path, extra] of Object.entries(requesters)) {
  const createHttpConnection: typeof createConnection = (service, options) => createConnection(service, { ...extra, ...options });

  for (const [flavour, classes] of Object.entries(flavours)) {
    const test = suite(`HTTP transport (${path} client) on ${flavour} streams`);
    test.before(() => useStreams(classes));
    test.after(() => useStreams(native));

    for (const protocol of [binaryProtocol, compactProtocol, jsonProtocol]) {
      test(`${protocol.name}: base types, a struct, declared and undeclared exceptions, concurrent calls`, async () => {
        const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo', protocol });
        try {
          const client = await createHttpConnection(mod.Echo, { url: urlOf(server, '/echo'), protocol, timeout: 5000 });
          assert.is(await client.echoBool(true), true);
          assert.is(await client.echoByte(-128), -128);
          assert.is(await client.echoI16(-32768), -32768);
          assert.is(await client.echoI32(2147483647), 2147483647);
          assert.is(await client.echoI64(-(2n ** 63n)), -(2n ** 63n));
          assert.is(await client.echoDouble(Math.E), Math.E);
          assert.is(await client.echoString('ünïcode 𝄞'), 'ünïcode 𝄞');
          assert.equal(await client.echoBinary(new Uint8Array([0, 255, 7])), new Uint8Array([0, 255, 7]));
          const p = await client.echoPoint(new mod.Point({ x: 3, y: 4 }));
          assert.instance(p, mod.Point);
          assert.equal([p.x, p.y], [3, 4]);
          const notFound = await rejection(client.find(0));
          assert.instance(notFound, mod.NotFound);
          assert.is(notFound.code, 404);
          const undeclared = await rejection(client.fail('boom'));
          assert.instance(undeclared, ThriftAppError);
          assert.is(undeclared.type, 6);
          // Replies come back out of order; sequence ids put them with their calls.
          const many = await within(Promise.all(Array.from({ length: 50 }, (_, i) => client.delayed(i, (i * 7) % 20))), 5000, '50 concurrent calls');
          assert.equal(many, Array.from({ length: 50 }, (_, i) => i));
          await client.close();
          assert.is(client.state, 'closed');
        } finally {
          await server.close();
        }
      });
    }

    test('oneway: settles once the server answered the POST, and the handler ran', async () => {
      const seen = signal<string>();
      const server = await createHttpServer(mod.Echo, echoHandler(mod, { notify: seen.resolve }), { port: 0 });
      try {
        const client = await createHttpConnection(mod.Echo, { url: urlOf(server), timeout: 5000 });
        assert.is(await within(client.notify('hello'), 5000, 'the oneway call'), undefined);
        assert.is(await within(seen.promise, 5000, 'the handler'), 'hello');
        // A oneway POST to a path with no service rejects: its delivery is known to have failed.
        const lost = await createHttpConnection(mod.Echo, { url: urlOf(server, '/nowhere'), timeout: 5000 });
        const error = await rejection(lost.notify('lost'));
        assert.instance(error, HttpStatusError);
        assert.is(error.status, 404);
        assert.is(lost.state, 'open', 'a failed oneway POST fails that call only');
        await lost.close();
        await client.close();
      } finally {
        await server.close();
      }
    });

    test.run();
  }

  const test = suite(`HTTP server and client edges (${path} client)`);

  test('a server answers what is not a Thrift POST: 404 other paths, 405 other methods, 400 empty body, 413 too large', async () => {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo', maxMessageSize: 1024 });
    try {
      const post = (path: string, body: Uint8Array) => fetch(urlOf(server, path), { method: 'POST', body: body as BodyInit, headers: { 'Content-Type': 'application/x-thrift' } });
      assert.is((await post('/other', new Uint8Array([1]))).status, 404);
      const get = await fetch(urlOf(server, '/echo'));
      assert.is(get.status, 405);
      assert.is(get.headers.get('allow'), 'POST, OPTIONS');
      assert.is((await post('/echo', new Uint8Array(0))).status, 400);
      assert.is((await post('/echo', new Uint8Array(2048))).status, 413);
      // Bytes that are no Thrift message: 400, and the server keeps serving.
      const garbage = await post('/echo', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
      assert.is(garbage.status, 400);
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server, '/echo'), timeout: 5000 });
      assert.is(await client.echoI32(5), 5);
      await client.close();
    } finally {
      await server.close();
    }
  });

  test('CORS: allowed origins get preflights answered and the header on replies; others get 403', async () => {
    const origin = 'http://app.example';
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, origins: [origin] });
    try {
      const preflight = await fetch(urlOf(server), {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      assert.is(preflight.status, 204);
      assert.is(preflight.headers.get('access-control-allow-origin'), origin);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', 'POST');
      assert.is(preflight.headers.get('access-control-allow-headers'), 'content-type');
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), timeout: 5000, headers: { Origin: origin } });
      assert.is(await client.echoString('cors'), 'cors');
      await client.close();
      const refused = await fetch(urlOf(server), { method: 'POST', body: new Uint8Array([1]) as BodyInit, headers: { Origin: 'http://evil.example' } });
      assert.is(refused.status, 403);
      assert.is(refused.headers.get('access-control-allow-origin'), null);
    } finally {
      await server.close();
    }
  });

  test("the HTTP server's protocol defaults to binary and 'auto' is refused, as docs/transports.md says", async () => {
    const refused = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, protocol: 'auto' as never }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    assert.instance(refused, TypeError);
    assert.match(String(refused), "protocol 'auto' is for socket servers");
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), protocol: 'binary', timeout: 5000 });
      assert.is(await client.echoI32(7), 7);
      await client.close();
    } finally {
      await server.close();
    }
  });

  test("an error status's text body is in the message: a compact client against a binary server is told the protocol is wrong", async () => {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), protocol: 'compact', timeout: 5000 });
      const error = await rejection(client.echoI32(1));
      assert.instance(error, HttpStatusError);
      assert.is(error.status, 400);
      assert.match(error.message, /^HTTP 400 Bad Request from http:\/\/127\.0\.0\.1:\d+\/: bad Thrift request: bad binary protocol version 0x82/);
      await client.close();
    } finally {
      await server.close();
    }
  });

  test("an error status's text is cut to one line of 200 characters; a body that is not text/plain stays out", async () => {
    const answers: Record<string, [string, string]> = {
      '/long': ['text/plain; charset=utf-8', `first line\r\n\tsecond\u0000line ${'x'.repeat(500)}`],
      '/html': ['text/html', '<html><body>proxy error</body></html>'],
      '/empty': ['text/plain', ''],
    };
    const { createServer: createNodeServer } = await import('node:http');
    const peer = createNodeServer((req, res) => {
      req.resume();
      const [type, body] = answers[req.url ?? ''];
      res.writeHead(502, { 'Content-Type': type }).end(body);
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(peer.address() as { port: number }).port}`;
    try {
      const messages: string[] = [];
      for (const route of Object.keys(answers)) {
        const client = await createHttpConnection(mod.Echo, { url: base + route, timeout: 5000 });
        const error = await rejection(client.echoI32(1));
        assert.instance(error, HttpStatusError);
        messages.push(error.message);
        await client.close();
      }
      const prefix = `HTTP 502 Bad Gateway from ${base}`;
      assert.is(messages[0], `${prefix}/long: first line second line ${'x'.repeat(200 - 'first line second line '.length - 1)}…`);
      assert.is(messages[1], `${prefix}/html`);
      assert.is(messages[2], `${prefix}/empty`);
    } finally {
      await new Promise((resolve) => peer.close(resolve));
    }
  });

  test('an HTTP error status fails that call only, with the status in its message; the client stays open', async () => {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo' });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server, '/missing'), timeout: 5000 });
      const error = await rejection(client.echoI32(1));
      assert.instance(error, HttpStatusError);
      assert.is(error.status, 404);
      assert.is(error.message, `HTTP 404 Not Found from ${urlOf(server, '/missing')}: no Thrift service at /missing`);
      assert.is(client.state, 'open');
      // Calls in flight together fail each on its own, and the next call tries again.
      const both = await Promise.all([rejection(client.echoI32(2)), rejection(client.echoString('x'))]);
      assert.equal(both.map((e) => e.status), [404, 404]);
      assert.is(client.state, 'open');
      await client.close();
    } finally {
      await server.close();
    }
  });

  test('a server that is not there: the call rejects naming ECONNREFUSED; once the server is up, the same client works', async () => {
    const first = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
    const port = first.address.port;
    await first.close();
    const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${port}/`, timeout: 5000 });
    const error = await rejection(client.echoI32(1));
    assert.instance(error, TransportError);
    assert.is(error.code, 'TRANSPORT');
    assert.match(error.message, `ECONNREFUSED 127.0.0.1:${port}`);
    assert.match(error.message, `http://127.0.0.1:${port}/`);
    assert.is(client.state, 'open');
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port });
    try {
      assert.is(await client.echoI32(7), 7);
      assert.is(await client.echoString('again'), 'again');
      await client.close();
    } finally {
      await server.close();
    }
  });

  test('a reply that is not a Thrift reply fails that call only with a ProtocolError', async () => {
    const { createServer } = await import('node:http');
    let calls = 0;
    const web = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.setHeader('Content-Type', 'application/x-thrift');
        res.end(calls === 1 ? Buffer.from([1, 2, 3]) : Buffer.alloc(0));
      });
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${(web.address() as { port: number }).port}/`, timeout: 5000 });
      assert.instance(await rejection(client.echoI32(1)), ProtocolError);
      assert.instance(await rejection(client.echoI32(2)), ProtocolError, 'an empty 200 to a two-way call');
      assert.is(client.state, 'open');
      await client.close();
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
  });

  test('timeouts: a slow call rejects with TimeoutError and the connection stays usable', async () => {
    // The slow call's handler answers only once the test releases it, after client.close() has
    // resolved: a close() that waited for the abandoned request would hang into the deadline.
    const arrived = signal();
    const release = signal();
    const handler = { ...echoHandler(mod), delayed: (v: number) => (arrived.resolve(), release.promise.then(() => v)) };
    const server = await createHttpServer(mod.Echo, handler, { port: 0 });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), timeout: 5000 });
      assert.instance(await rejection(client.call('delayed', [1, 0], { timeout: 50 })), TimeoutError);
      assert.is(await client.echoI32(9), 9);
      await within(arrived.promise, 5000, 'the abandoned request to reach the handler');
      // Closing cancels the abandoned request instead of waiting for it.
      await within(client.close(), 5000, 'close with an abandoned request in flight');
    } finally {
      release.resolve();
      await server.close();
    }
  });

  test("per-call headers: each call's own go out as its request's headers and are the handler's call context", async () => {
    const handler = { ...echoHandler(mod), echoString: (v: string) => `${v}:${callContext()?.headers['x-trace'] ?? 'none'}:${callContext()?.headers['x-fixed']}` };
    const server = await createHttpServer(mod.Echo, handler, { port: 0 });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), headers: { 'X-Fixed': 'f' }, timeout: 5000 });
      // Concurrent calls each carry their own: nothing leaks from one request into another.
      const replies = await within(
        Promise.all(Array.from({ length: 8 }, (_, i) => client.call('echoString', [`c${i}`], i % 2 === 0 ? { headers: { 'X-Trace': `t${i}` } } : undefined))),
        5000,
        'calls with headers',
      );
      assert.equal(replies, Array.from({ length: 8 }, (_, i) => `c${i}:${i % 2 === 0 ? `t${i}` : 'none'}:f`));
      await client.close();
    } finally {
      await server.close();
    }
  });

  test('a reply larger than maxMessageSize fails that call with FRAME_TOO_LARGE', async () => {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
    try {
      const client = await createHttpConnection(mod.Echo, { url: urlOf(server), timeout: 5000, maxMessageSize: 256 });
      const error = await rejection(client.echoString('x'.repeat(200).repeat(2)));
      assert.is(error.code, 'FRAME_TOO_LARGE');
      assert.is(await client.echoString('small'), 'small');
      await client.close();
    } finally {
      await server.close();
    }
  });

  test('destroy() rejects the calls in flight with ConnectionClosedError and cancels their requests', async () => {
    const { createServer } = await import('node:http');
    const arrived = signal();
    const cancelled = signal();
    // Never answers: the only way the exchange ends is the client giving it up.
    const web = createServer((req, res) => {
      req.resume();
      res.on('close', () => {
        if (!res.writableEnded) cancelled.resolve();
      });
      arrived.resolve();
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${(web.address() as { port: number }).port}/`, timeout: 5000 });
      const call = rejection(client.echoI32(1));
      await within(arrived.promise, 5000, 'the request to reach the server');
      assert.is(client.inflight, 1);
      client.destroy();
      assert.instance(await call, ConnectionClosedError);
      assert.is(client.state, 'closed');
      await within(cancelled.promise, 5000, 'the request to be cancelled');
      assert.instance(await rejection(client.echoI32(2)), ConnectionClosedError, 'a destroyed client refuses calls');
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
  });

  test('close() lets calls in flight finish, then stops accepting', async () => {
    const arrived = signal();
    const handler = { ...echoHandler(mod), delayed: (v: number, ms: number) => (arrived.resolve(), new Promise((r) => setTimeout(() => r(v), ms))) };
    const server = await createHttpServer(mod.Echo, handler, { port: 0 });
    const client = await createHttpConnection(mod.Echo, { url: urlOf(server), timeout: 5000 });
    const slow = client.delayed(11, 100);
    await within(arrived.promise, 5000, 'the request to reach the handler');
    const closed = server.close();
    assert.is(await within(slow, 5000, 'the slow call'), 11);
    await within(closed, 5000, 'the server to close');
    assert.is(server.state, 'closed');
    const refused = await rejection(client.echoI32(1));
    assert.instance(refused, TransportError);
    assert.match(refused.message, 'ECONNREFUSED');
    await client.close();
    assert.instance(await rejection(client.echoI32(1)), ConnectionClosedError, 'a closed client refuses calls');
  });

  test('multiplexed: several services on one path, as Apache TMultiplexedProcessor', async () => {
    const server = await createHttpServer({ Echo: [mod.Echo, echoHandler(mod)], Base: [mod.Base, { version: () => 'base' }] }, { port: 0 });
    try {
      const echo = await createHttpConnection(mod.Echo, { url: urlOf(server), service: 'Echo', timeout: 5000 });
      const base = await createHttpConnection(mod.Base, { url: urlOf(server), service: 'Base', timeout: 5000 });
      assert.is(await echo.version(), '1.0');
      assert.is(await base.version(), 'base');
      await echo.close();
      await base.close();
    } finally {
      await server.close();
    }
  });

  test('createHttpTransport.request(): one POST, its reply bytes, and a typed error for a bad status', async () => {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0 });
    try {
      const transport = createHttpTransport({ url: urlOf(server, '/wrong') });
      const error = await rejection(transport.request(new Uint8Array([1, 2, 3])));
      assert.instance(error, HttpStatusError);
      assert.is(error.status, 404);
      assert.is(transport.inflight, 0);
      transport.destroy();
    } finally {
      await server.close();
    }
  });

  test.run();
}
