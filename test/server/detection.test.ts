/**
 * A server started with default options (transport and protocol 'auto') answers
 * every kind of client on one port, over TCP, TLS and a unix socket; what is no
 * Thrift is refused at once with a WireMismatchError naming it; a pinned server
 * names what it expected and what it got. Real sockets on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createConnection, createHttpConnection, createServer, FrameTooLargeError, load, WireMismatchError, type ThriftServer } from '../../src/index.js';
import { binaryProtocol, compactProtocol, jsonProtocol, type Protocol } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { frame, raw, request } from '../hardening/net.js';
import { makePki, type TestPki } from '../node/certs.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const KINDS = [
  ...(['buffered', 'framed', 'header'] as const).flatMap((transport) => (['binary', 'compact', 'json'] as const).map((protocol) => ({ transport, protocol }))),
];

/** Collects onError reports; next() waits for the next one. */
function errorLog() {
  const seen: unknown[] = [];
  let waiting: ((e: unknown) => void) | undefined;
  return {
    onError: (e: unknown) => (waiting ? (waiting(e), (waiting = undefined)) : seen.push(e)),
    next: () => (seen.length ? Promise.resolve(seen.shift()) : within(new Promise<unknown>((r) => (waiting = r)), 5000, 'onError')),
  };
}

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  const auto = onSocketPath(suite(`auto-detection [${path}]`), path);
  let server: ThriftServer;
  let errors = errorLog();

  auto.before(async () => {
    errors = errorLog();
    server = await createServer(mod.Echo, echoHandler(mod), { port: 0, maxMessageSize: 4096, onError: (e) => errors.onError(e) });
  });
  auto.after(() => server?.destroy());

  for (const { transport, protocol } of KINDS) {
    auto(`a ${transport} ${protocol} client is answered by a default server`, async () => {
      const conn = await createConnection(mod.Echo, { port: server.address.port, transport, protocol, timeout: 5000 });
      try {
        const answers = await Promise.all([conn.echoString(`${transport}/${protocol}`), conn.add(2, 40n), conn.echoI32(-7)]);
        assert.equal(answers, [`${transport}/${protocol}`, 42n, -7]);
      } finally {
        conn.destroy();
      }
    });
  }

  /** Sends `bytes` on a raw socket, `step` bytes at a time, and returns the first `length` bytes answered. */
  async function exchange(bytes: Uint8Array, step: number, want: (got: Buffer) => boolean): Promise<Buffer> {
    const r = await raw(server.address.port!);
    let got = Buffer.alloc(0);
    const answered = new Promise<Buffer>((resolve) => r.socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (want(got)) resolve(got);
    }));
    for (let i = 0; i < bytes.length; i += step) {
      await new Promise<void>((resolve) => r.socket.write(bytes.subarray(i, i + step), () => resolve()));
    }
    try {
      return await within(answered, 5000, 'a reply');
    } finally {
      r.socket.destroy();
    }
  }

  const replyOf = (p: Protocol, bytes: Uint8Array) => {
    const rd = p.createReader();
    rd.reset(bytes);
    return rd.readMessageBegin();
  };

  auto('requests split into 1-byte writes are recognised and answered (framed compact, buffered JSON)', async () => {
    const compact = await exchange(frame(request(compactProtocol, 'echoString', ['slow'], 9)), 1, (g) => g.length >= 4 && g.length >= 4 + g.readInt32BE(0));
    assert.is(replyOf(compactProtocol, compact.subarray(4)).seqid, 9);
    const json = await exchange(request(jsonProtocol, 'echoString', ['slow'], 11), 1, (g) => g.includes(']'));
    assert.is(replyOf(jsonProtocol, json).seqid, 11);
  });

  auto('an old non-strict binary request is answered in binary', async () => {
    const strict = request(binaryProtocol, 'echoString', ['old'], 5);
    // Non-strict header: i32 name length, name, type byte, seqid; the arguments as in strict.
    const name = Buffer.from('echoString');
    const nonStrict = Buffer.concat([Buffer.from([0, 0, 0, name.length]), name, Buffer.from([1, 0, 0, 0, 5]), Buffer.from(strict.subarray(4 + 4 + name.length + 4))]);
    const reply = await exchange(nonStrict, 3, (g) => binaryProtocol.measure(g, 0, g.length) > 0);
    assert.is(replyOf(binaryProtocol, reply).seqid, 5);
  });

  const refusals: [string, Uint8Array, RegExp][] = [
    ['an HTTP request', new TextEncoder().encode('POST /thrift HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n'), /^an HTTP request \("POST \/thrift HTTP\/1\.1"\) on a Thrift socket port; use an HTTP client, or serve HTTP with createHttpServer$/],
    ['a TLS handshake', Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0xf1, 0x01, 0x00, 0x00, 0xed, 0x03, 0x03]), /^a TLS handshake \(0x16 0x03 0x01 …\) on a plain Thrift port/],
    ['garbage', Uint8Array.from([0x42, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]), /^bytes that match no Thrift transport or protocol \(0x42 0x00 0x13 0x37/],
  ];
  for (const [what, bytes, message] of refusals) {
    auto(`${what} is refused at once: WireMismatchError to onError, connection closed, others unaffected`, async () => {
      const good = await createConnection(mod.Echo, { port: server.address.port, transport: 'framed', protocol: 'compact', timeout: 5000 });
      const r = await raw(server.address.port!);
      r.socket.write(bytes);
      await within(r.closed, 5000, 'the server to close the connection');
      const e = await errors.next();
      assert.instance(e, WireMismatchError);
      assert.match((e as Error).message, message);
      assert.is((e as WireMismatchError).code, 'WIRE_MISMATCH');
      // An HTTP client is answered in HTTP, so it can say why; anything else gets no byte.
      if (what === 'an HTTP request') assert.ok(r.received() > 0, 'an HTTP answer');
      else assert.is(r.received(), 0, 'nothing was answered');
      assert.is(await good.echoString('still here'), 'still here');
      good.destroy();
    });
  }

  auto('an HTTP client pointed at a socket port is told so: a 400 whose reason names the socket port, on both HTTP client paths', async () => {
    for (const viaFetch of [false, true]) {
      const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/`, timeout: 5000, ...(viaFetch ? { fetch: globalThis.fetch } : {}) });
      const e = await within(client.echoString('x').catch((err: unknown) => err), 5000, 'the HTTP call to fail');
      assert.instance(e, Error);
      assert.match((e as Error).message, /400 Bad Request: a Thrift socket port, not HTTP/, `${viaFetch ? 'fetch' : 'node:http'}: ${(e as Error).message}`);
      await within(errors.next(), 5000, 'the refusal');
      client.destroy();
    }
  });

  auto('a framed length above maxMessageSize is still refused with FrameTooLargeError', async () => {
    const r = await raw(server.address.port!);
    r.socket.write(Uint8Array.from([0, 0, 0x10, 0x01, 0x80, 0x01, 0x00, 0x01]));
    await within(r.closed, 5000, 'the server to close the connection');
    const e = await errors.next();
    assert.instance(e, FrameTooLargeError);
    assert.is((e as FrameTooLargeError).size, 4097);
  });

  auto('a connection closed before its first byte is no error', async () => {
    const r = await raw(server.address.port!);
    r.socket.end();
    await within(r.closed, 5000, 'close');
    const good = await createConnection(mod.Echo, { port: server.address.port, timeout: 5000 });
    assert.is(await good.echoString('x'), 'x');
    good.destroy();
    // A refusal would have been queued before the good call's reply.
    errors.onError('marker');
    assert.is(await errors.next(), 'marker');
  });

  const slow = onSocketPath(suite(`auto-detection timeouts [${path}]`), path);
  let timed: ThriftServer;
  let timedErrors = errorLog();
  slow.before(async () => {
    timedErrors = errorLog();
    timed = await createServer(mod.Echo, echoHandler(mod), { port: 0, messageTimeout: 200, idleTimeout: 200, onError: (e) => timedErrors.onError(e) });
  });
  slow.after(() => timed?.destroy());

  slow('a first byte with no decision after it is closed at messageTimeout with a TimeoutError', async () => {
    const r = await raw(timed.address.port!);
    r.socket.write(Uint8Array.from([0x00]));
    await within(r.closed, 5000, 'the server to close the stalled connection');
    const e = await timedErrors.next();
    assert.is((e as Error).name, 'TimeoutError');
    assert.match((e as Error).message, /did not show its transport and protocol within 200 ms/);
  });

  slow('a connection that sends nothing is closed at the idle timeout, with no error', async () => {
    const r = await raw(timed.address.port!);
    await within(r.closed, 5000, 'the server to close the idle connection');
    timedErrors.onError('marker');
    assert.is(await timedErrors.next(), 'marker');
  });

  slow('close() does not wait for a connection still being recognised', async () => {
    const own = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
    const r = await raw(own.address.port!);
    r.socket.write(Uint8Array.from([0x00, 0x00]));
    // The server has the connection (and its two bytes) before close() is called.
    await within(new Promise<void>((resolve) => {
      const poll = () => (own.connections > 0 ? resolve() : setImmediate(poll));
      poll();
    }), 5000, 'the server to count the connection');
    await within(own.close(), 5000, 'close()');
    await within(r.closed, 5000, 'the connection to close');
    assert.is(own.state, 'closed');
  });

  const muxed = onSocketPath(suite(`auto-detection, multiplexed [${path}]`), path);
  let mux: ThriftServer;
  muxed.before(async () => {
    mux = await createServer({ Echo: [mod.Echo, echoHandler(mod)], Base: [mod.Base, { version: () => 'base' }] }, { port: 0 });
  });
  muxed.after(() => mux?.destroy());

  for (const [transport, protocol] of [['header', 'compact'], ['framed', 'json'], ['buffered', 'binary']] as const) {
    muxed(`a multiplexed ${transport} ${protocol} client is answered by a default multiplexed server`, async () => {
      const echo = await createConnection(mod.Echo, { port: mux.address.port, transport, protocol, service: 'Echo', timeout: 5000 });
      const base = await createConnection(mod.Base, { port: mux.address.port, transport, protocol, service: 'Base', timeout: 5000 });
      assert.is(await echo.echoString('mux'), 'mux');
      assert.is(await base.version(), 'base');
      echo.destroy();
      base.destroy();
    });
  }

  const pinned = onSocketPath(suite(`pinned transport and protocol [${path}]`), path);
  let strict: ThriftServer;
  let pinnedErrors = errorLog();
  pinned.before(async () => {
    pinnedErrors = errorLog();
    strict = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'framed', protocol: 'binary', onError: (e) => pinnedErrors.onError(e) });
  });
  pinned.after(() => strict?.destroy());

  pinned('a framed binary server names both sides when a buffered compact client calls', async () => {
    const conn = await createConnection(mod.Echo, { port: strict.address.port, transport: 'buffered', protocol: 'compact', timeout: 5000 });
    const failed = conn.echoString('x').then(() => 'answered', (e: Error) => e.name);
    const e = await pinnedErrors.next();
    assert.instance(e, WireMismatchError);
    assert.match((e as Error).message, /^expected framed binary, received what looks like buffered compact \(0x82 0x21 /);
    assert.is((e as WireMismatchError).expected, 'framed binary');
    assert.is((e as WireMismatchError).received, 'buffered compact');
    assert.is(await failed, 'ConnectionClosedError');
    conn.destroy();
  });

  pinned('a framed binary server names both sides for a THeader client and for HTTP', async () => {
    const conn = await createConnection(mod.Echo, { port: strict.address.port, transport: 'header', timeout: 5000 });
    const failed = conn.echoString('x').catch(() => {});
    assert.match((await pinnedErrors.next() as Error).message, /^expected framed binary, received what looks like THeader \(0x00 0x00 0x00 0x\w\w 0x0f 0xff/);
    await failed;
    conn.destroy();
    const r = await raw(strict.address.port!);
    r.socket.write(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    assert.match((await pinnedErrors.next() as Error).message, /^expected framed binary, received an HTTP request \("GET \/ HTTP\/1\.1"\)/);
    await within(r.closed, 5000, 'close');
  });

  pinned('the pinned server still answers its own kind', async () => {
    const conn = await createConnection(mod.Echo, { port: strict.address.port, transport: 'framed', timeout: 5000 });
    assert.is(await conn.echoString('ok'), 'ok');
    conn.destroy();
  });

  const secure = onSocketPath(suite(`auto-detection over TLS and unix sockets [${path}]`), path);
  let pki: TestPki;
  let tlsServer: ThriftServer;
  let unixServer: ThriftServer;
  let dir: string;
  secure.before(async () => {
    pki = makePki();
    dir = mkdtempSync(join(tmpdir(), 'thrift-streams-detect-'));
    tlsServer = await createServer(mod.Echo, echoHandler(mod), { port: 0, tls: { key: pki.serverKey, cert: pki.serverCert } });
    unixServer = await createServer(mod.Echo, echoHandler(mod), { path: join(dir, 's.sock') });
  });
  secure.after(async () => {
    tlsServer?.destroy();
    unixServer?.destroy();
    pki?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [transport, protocol] of [['header', 'binary'], ['framed', 'compact'], ['buffered', 'json']] as const) {
    secure(`a ${transport} ${protocol} client over TLS and over a unix socket`, async () => {
      const overTls = await createConnection(mod.Echo, { port: tlsServer.address.port, tls: { ca: pki.ca }, transport, protocol, timeout: 5000 });
      const overUnix = await createConnection(mod.Echo, { path: join(dir, 's.sock'), transport, protocol, timeout: 5000 });
      assert.is(await overTls.echoString('tls'), 'tls');
      assert.is(await overUnix.echoString('unix'), 'unix');
      overTls.destroy();
      overUnix.destroy();
    });
  }

  auto.run();
  slow.run();
  muxed.run();
  pinned.run();
  secure.run();
}
