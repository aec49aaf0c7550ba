/**
 * A misconfigured client learns what went wrong from its first call, at once
 * (a ConnectionClosedError, as for any failed connection, whose message says why;
 * a WireMismatchError as its cause when the server's bytes were read):
 * against servers pinned to another framing or protocol (they close without a
 * byte), an HTTP port, a server that is no THeader server, and raw servers that
 * answer with given bytes (fed one byte at a time) or close. Real sockets on 127.0.0.1.
 */
import { createServer as netServer, type Server, type Socket } from 'node:net';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { ConnectionClosedError, createConnection, createHttpServer, createServer, load, WireMismatchError, type ConnectionOptions, type ThriftServer } from '../../src/index.js';
import { binaryProtocol, encodeMessage, MessageType, serviceFunctions, type Protocol } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, within } from '../helpers/wait.js';
import { frame } from '../hardening/net.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const quiet = { onError: () => {} };

/** The reply a server would send to echoString(value), unframed. */
function reply(protocol: Protocol, value: string, seqid = 1): Uint8Array {
  const fn = serviceFunctions(mod.Echo).get('echoString')!;
  return encodeMessage(protocol.createWriter(), 'echoString', MessageType.REPLY, seqid, protocol.codecs.argsCodec(fn.result).encode, [value]).slice();
}

/** The first call of a client with `options` on `port`: its rejection (the test fails if it resolves or hangs). */
async function firstCall(port: number, options: Partial<ConnectionOptions>): Promise<any> {
  const conn = await createConnection(mod.Echo, { port, ...options });
  try {
    return await rejection(conn.echoString('hello'), 5000);
  } finally {
    conn.destroy();
  }
}

const pinned = suite('a client against a server pinned to another framing or protocol');
const servers: ThriftServer[] = [];
pinned.after(() => servers.forEach((s) => s.destroy()));

async function pinnedServer(transport: 'buffered' | 'framed', protocol: 'binary' | 'compact'): Promise<number> {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport, protocol, ...quiet });
  servers.push(server);
  return server.address.port!;
}

for (const [what, server, client, settings] of [
  ['a framed client, a buffered server', ['buffered', 'binary'], { transport: 'framed' }, 'transport (framed) and protocol (binary)'],
  ['a buffered client, a framed server', ['framed', 'binary'], { transport: 'buffered' }, 'transport (buffered) and protocol (binary)'],
  ['a compact client, a binary server', ['buffered', 'binary'], { protocol: 'compact' }, 'transport (buffered) and protocol (compact)'],
  ['a JSON client, a binary server', ['buffered', 'binary'], { protocol: 'json' }, 'transport (buffered) and protocol (json)'],
  ['a THeader client, a framed server', ['framed', 'binary'], { transport: 'header' }, 'transport (header) and protocol (binary)'],
] as const) {
  pinned(`${what}: ConnectionClosedError naming the settings to check`, async () => {
    const port = await pinnedServer(server[0], server[1]);
    // No client timeout: the answer must not depend on one.
    const error = await firstCall(port, client);
    assert.instance(error, ConnectionClosedError);
    assert.is(
      error.message,
      `the server closed the connection without answering the first request (echoString): it refused the connection (at its maxConnections, or closing), or could not read the request; if every connection ends so, check that ${settings} match the server's`,
    );
  });
}

pinned('several calls sent before the close are all named in the count', async () => {
  const port = await pinnedServer('buffered', 'binary');
  const conn = await createConnection(mod.Echo, { port, transport: 'framed' });
  try {
    const errors = await Promise.all([conn.echoString('a'), conn.echoI32(1)].map((p) => rejection(p)));
    for (const e of errors) assert.match(e.message, /^the server closed the connection without answering any of the first 2 requests \(echoString\)/);
    const later = await rejection(conn.echoI32(2));
    assert.instance(later, ConnectionClosedError);
    assert.match(later.message, /^connection is closed: the server closed the connection without answering/);
  } finally {
    conn.destroy();
  }
});

pinned.run();

const http = suite('a socket client on an HTTP port');
http('gets a WireMismatchError that names the HTTP answer', async () => {
  const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, ...quiet });
  try {
    for (const transport of ['buffered', 'framed'] as const) {
      const error = await firstCall(server.address.port!, { transport });
      assert.instance(error, ConnectionClosedError);
      assert.instance(error.cause, WireMismatchError);
      assert.is(error.cause.code, 'WIRE_MISMATCH');
      assert.is(error.cause.received, 'an HTTP response');
      assert.is(error.cause.message, error.message);
      assert.match(error.message, /^the server answered with HTTP \("HTTP\/1\.1 400 Bad Request"\): this is an HTTP port, not a Thrift socket; use createHttpConnection/);
    }
  } finally {
    server.destroy();
  }
});
http.run();

const rawSuite = suite('a client against a raw server answering given bytes');
let raw: Server;
let answer: (socket: Socket) => void = () => {};
rawSuite.before(async () => {
  raw = netServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
});
rawSuite.after(() => new Promise<void>((resolve) => raw.close(() => resolve())));

/** Answers each first request with `bytes`, one byte per write, and keeps the connection open. */
function answerWith(bytes: Uint8Array): void {
  answer = (socket) => {
    for (const b of bytes) socket.write(Uint8Array.of(b));
  };
}

const rawPort = (): number => (raw.address() as { port: number }).port;
const buffered = reply(binaryProtocol, 'hello');

for (const [what, bytes, client, received, fix] of [
  ['a framed client gets a buffered binary reply', buffered, { transport: 'framed' }, 'buffered binary', "but this client speaks framed binary; set the client's transport: 'buffered', protocol: 'binary'"],
  ['a buffered client gets a framed binary reply', frame(buffered), { transport: 'buffered' }, 'framed binary', "but this client speaks buffered binary; set the client's transport: 'framed', protocol: 'binary'"],
  ['a compact client gets a binary reply', buffered, { protocol: 'compact' }, 'buffered binary', "but this client speaks buffered compact; set the client's transport: 'buffered', protocol: 'binary'"],
  ['a JSON client gets a binary reply', buffered, { protocol: 'json' }, 'buffered binary', "but this client speaks buffered json; set the client's transport: 'buffered', protocol: 'binary'"],
  // What the thrift npm package's header server answers a THeader client with.
  ['a THeader client gets unframed binary', buffered, { transport: 'header' }, 'buffered binary', "not THeader: the server does not speak THeader; set the client's transport: 'buffered', protocol: 'binary'"],
] as const) {
  rawSuite(`${what}: the error names what the server speaks`, async () => {
    answerWith(bytes);
    const error = await firstCall(rawPort(), client);
    assert.instance(error, ConnectionClosedError);
    assert.instance(error.cause, WireMismatchError);
    assert.is(error.cause.received, received);
    assert.is(error.cause.expected, { framed: 'framed binary', buffered: 'buffered binary', compact: 'buffered compact', json: 'buffered json', header: 'THeader (binary inside)' }[('transport' in client ? client.transport : client.protocol) as string]);
    assert.match(error.message, `the server answered in ${received} (0x`);
    assert.match(error.message, fix);
  });
}

rawSuite('bytes that are no Thrift reply: the framing error, explained', async () => {
  answerWith(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01, 0x02));
  const error = await firstCall(rawPort(), { transport: 'framed' });
  assert.instance(error, ConnectionClosedError);
  assert.instance(error.cause, WireMismatchError);
  assert.is(
    error.message,
    "the server's answer is not a framed binary reply (0xde 0xad 0xbe 0xef 0x01 0x02: negative frame length -559038737); check that transport (framed) and protocol (binary) match the server's",
  );
});

rawSuite('a TLS record answered to a plain client names TLS', async () => {
  answerWith(Uint8Array.of(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46));
  const error = await firstCall(rawPort(), {});
  assert.instance(error, ConnectionClosedError);
  assert.instance(error.cause, WireMismatchError);
  assert.match(error.message, /^the server answered with TLS \(0x15 0x03 0x03 …\): it expects TLS; give the client tls options$/);
});

rawSuite('a close before any reply: ConnectionClosedError naming the settings', async () => {
  answer = (socket) => socket.end();
  const error = await firstCall(rawPort(), { transport: 'framed', protocol: 'compact' });
  assert.instance(error, ConnectionClosedError);
  assert.is(
    error.message,
    "the server closed the connection without answering the first request (echoString): it refused the connection (at its maxConnections, or closing), or could not read the request; if every connection ends so, check that transport (framed) and protocol (compact) match the server's",
  );
});

rawSuite('a close mid-call after replies: ConnectionClosedError naming the calls left unanswered', async () => {
  // The first request is answered right; the server closes on the second.
  answer = (socket) => {
    socket.write(frame(reply(binaryProtocol, 'first')));
    socket.once('data', () => socket.end());
  };
  const conn = await createConnection(mod.Echo, { port: rawPort(), transport: 'framed' });
  try {
    assert.is(await within(conn.echoString('first'), 5000, 'the first reply'), 'first');
    const error = await rejection(conn.echoString('second'));
    assert.instance(error, ConnectionClosedError);
    assert.is(error.message, 'the server closed the connection with 1 call unanswered (echoString)');
  } finally {
    conn.destroy();
  }
});

rawSuite('a reply in the right framing and protocol, cut short, is no mismatch: the failure is told as it is', async () => {
  answer = (socket) => socket.end(frame(buffered).subarray(0, 9));
  const error = await firstCall(rawPort(), { transport: 'framed' });
  assert.instance(error, ConnectionClosedError);
  assert.not.instance(error.cause, WireMismatchError);
  assert.match(error.message, /^connection failed: connection closed mid-frame: 5 bytes of a \d+-byte frame received$/);
});

rawSuite('a right reply in small chunks is not mistaken for a mismatch', async () => {
  for (const [transport, bytes] of [['framed', frame(buffered)], ['buffered', buffered]] as const) {
    answerWith(bytes);
    const conn = await createConnection(mod.Echo, { port: rawPort(), transport });
    try {
      assert.is(await within(conn.echoString('hello'), 5000, `the ${transport} reply`), 'hello');
    } finally {
      conn.destroy();
    }
  }
});

rawSuite.run();
