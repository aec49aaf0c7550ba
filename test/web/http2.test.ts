/**
 * HTTP/2: createHttpServer with `http2` answers h2 over TLS (ALPN) with HTTP/1.1
 * on the same port, or cleartext h2c; the Node client calls over one HTTP/2
 * connection with many calls in flight. Apache's Node HTTP client and python3-thrift's
 * THttpClient still call the same TLS server over HTTP/1.1.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer as createTcpServer, connect as tcpConnect, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createHttpConnection, createHttpServer, HttpStatusError, load, TransportError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { has, SYSTEM_PYTHON } from '../helpers/peers.js';
import { rejection, within } from '../helpers/wait.js';
import { makePki, type TestPki } from '../node/certs.js';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const mod = load(join(root, 'test/fixtures/echo.thrift'));

/** A TCP relay that counts the connections made through it, to see how many a client opened. */
async function countingRelay(port: number): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const relay: TcpServer = createTcpServer((inbound) => {
    count++;
    const outbound = tcpConnect(port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as { port: number }).port,
    connections: () => count,
    close: () => new Promise((resolve) => relay.close(() => resolve())),
  };
}

/** Calls the whole echo surface a little, then 50 concurrent delayed calls whose replies come back out of order. */
async function exercise(client: any): Promise<void> {
  assert.is(await client.echoI32(-7), -7);
  assert.is(await client.echoString('ünïcode 𝄞'), 'ünïcode 𝄞');
  const p = await client.echoPoint(new mod.Point({ x: 3, y: 4 }));
  assert.equal([p.x, p.y], [3, 4]);
  assert.instance(await rejection(client.find(0)), mod.NotFound);
  const many = await within(Promise.all(Array.from({ length: 50 }, (_, i) => client.delayed(i, (i * 7) % 20))), 5000, '50 concurrent calls');
  assert.equal(many, Array.from({ length: 50 }, (_, i) => i));
}

const test = suite<{ pki: TestPki }>('HTTP/2', { pki: undefined as unknown as TestPki });
test.before((ctx) => {
  ctx.pki = makePki();
});
test.after((ctx) => ctx.pki.remove());

function tlsServer(pki: TestPki, extra: object = {}): Promise<ThriftServer> {
  return createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo', http2: true, tls: { key: pki.serverKey, cert: pki.serverCert }, ...extra });
}

test('h2 over TLS: many calls in flight on one connection', async ({ pki }) => {
  const server = await tlsServer(pki);
  const relay = await countingRelay(server.address.port!);
  try {
    const client = await createHttpConnection(mod.Echo, { url: `https://127.0.0.1:${relay.port}/echo`, http2: true, tls: { ca: pki.ca }, timeout: 5000 });
    await exercise(client);
    assert.is(relay.connections(), 1, 'every call went over one HTTP/2 connection');
    await within(client.close(), 5000, 'client close');
  } finally {
    await relay.close();
    await server.close();
  }
});

test('HTTP/1.1 on the same TLS port: our node:http client, and Apache Node HTTP client', async ({ pki }) => {
  const server = await tlsServer(pki);
  try {
    const client = await createHttpConnection(mod.Echo, { url: `https://127.0.0.1:${server.address.port}/echo`, tls: { ca: pki.ca }, timeout: 5000 });
    await exercise(client);
    await client.close();
    // Apache's library needs no generated code for a raw call: its client base and TBinaryProtocol are enough.
    const thrift = require('thrift');
    const connection = thrift.createHttpConnection('127.0.0.1', server.address.port, {
      path: '/echo',
      https: true,
      transport: thrift.TBufferedTransport,
      protocol: thrift.TBinaryProtocol,
      nodeOptions: { ca: pki.ca },
    });
    const errors: unknown[] = [];
    connection.on('error', (e: unknown) => errors.push(e));
    const reply = await within(apacheRawCall(thrift, connection, 'echoString', 'from apache'), 5000, "Apache's call");
    assert.is(reply, 'from apache');
    assert.equal(errors, []);
  } finally {
    await server.close();
  }
});

/** One call of `echoString`-shaped functions (one string argument, a string result) through Apache's HTTP connection. */
function apacheRawCall(thrift: any, connection: any, method: string, value: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Apache's connection reads replies by calling the client's recv_<method> with its protocol.
    const client: any = { _reqs: {}, _seqid: 0, new_seqid: () => ++client._seqid };
    client[`recv_${method}`] = (input: any, _mtype: number, rseqid: number) => {
      input.readStructBegin();
      const field = input.readFieldBegin();
      const result = field.ftype === thrift.Thrift.Type.STRING ? input.readString() : undefined;
      input.readFieldEnd();
      input.readFieldBegin();
      input.readStructEnd();
      const callback = client._reqs[rseqid];
      delete client._reqs[rseqid];
      callback(null, result);
    };
    connection.client = client;
    const seqid = client.new_seqid();
    client._reqs[seqid] = (err: unknown, result: string) => (err ? reject(err) : resolve(result));
    const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, (buf: Buffer, seq: number) => connection.write(buf, seq)));
    output.writeMessageBegin(method, thrift.Thrift.MessageType.CALL, seqid);
    output.writeStructBegin('args');
    output.writeFieldBegin('v', thrift.Thrift.Type.STRING, 1);
    output.writeString(value);
    output.writeFieldEnd();
    output.writeFieldStop();
    output.writeStructEnd();
    output.writeMessageEnd();
    output.flush();
  });
}

test("python3-thrift's THttpClient over HTTPS (HTTP/1.1) against the h2-enabled server", async ({ pki }) => {
  if (!has('python3-thrift', "HTTP/2 test: python3-thrift's THttpClient over TLS")) return;
  const server = await tlsServer(pki);
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'thrift-h2-py-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), pki.ca);
    const script = `
import sys
from thrift.transport import THttpClient
from thrift.protocol import TBinaryProtocol
from thrift.Thrift import TType, TMessageType
t = THttpClient.THttpClient(sys.argv[1], cafile=sys.argv[2])
p = TBinaryProtocol.TBinaryProtocol(t)
t.open()
p.writeMessageBegin('echoString', TMessageType.CALL, 7)
p.writeStructBegin('args'); p.writeFieldBegin('v', TType.STRING, 1); p.writeString('from python'); p.writeFieldEnd(); p.writeFieldStop(); p.writeStructEnd()
p.writeMessageEnd(); t.flush()
name, mtype, seqid = p.readMessageBegin()
p.readStructBegin(); _, ftype, fid = p.readFieldBegin()
print(name, mtype, seqid, fid, p.readString())
`;
    const out = await within(
      new Promise<string>((resolve, reject) =>
        execFile(SYSTEM_PYTHON, ['-c', script, `https://localhost:${server.address.port}/echo`, join(dir, 'ca.pem')], (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      ),
      10_000,
      "python's call",
    );
    assert.is(out.trim(), 'echoString 2 7 0 from python');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test('h2c: cleartext HTTP/2 by prior knowledge', async () => {
  const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, http2: true });
  const relay = await countingRelay(server.address.port!);
  try {
    const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${relay.port}/`, http2: true, timeout: 5000 });
    await exercise(client);
    assert.is(relay.connections(), 1, 'every call went over one HTTP/2 connection');
    await client.close();
  } finally {
    await relay.close();
    await server.close();
  }
});

test('over HTTP/2 too, a failed call fails alone: a 404, a refused connection, then calls work once the server is up', async () => {
  const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo', http2: true });
  const port = server.address.port;
  const wrong = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${port}/missing`, http2: true, timeout: 5000 });
  const notFound = await rejection(wrong.echoI32(1));
  assert.instance(notFound, HttpStatusError);
  assert.is(notFound.status, 404);
  assert.is(notFound.message, `HTTP 404 from http://127.0.0.1:${port}/missing: no Thrift service at /missing`, "the server's text is in the message");
  assert.is(wrong.state, 'open');
  await wrong.close();
  const compact = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${port}/echo`, http2: true, protocol: 'compact', timeout: 5000 });
  assert.match((await rejection(compact.echoI32(1))).message, /^HTTP 400 from .*: bad Thrift request: bad binary protocol version 0x82/);
  await compact.close();
  const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${port}/echo`, http2: true, timeout: 5000 });
  assert.is(await client.echoI32(1), 1);
  await within(server.close(), 5000, 'server close with an HTTP/2 session open');
  const refused = await rejection(client.echoI32(2));
  assert.instance(refused, TransportError);
  assert.match(refused.message, `ECONNREFUSED 127.0.0.1:${port}`);
  const again = await createHttpServer(mod.Echo, echoHandler(mod), { port, path: '/echo', http2: true });
  try {
    assert.is(await client.echoI32(3), 3);
    await client.close();
  } finally {
    await again.close();
  }
});

test('an h2 server closes gracefully: a call in flight is answered, then close() resolves', async () => {
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const handler = { ...echoHandler(mod), delayed: (v: number, ms: number) => (arrived(), new Promise((r) => setTimeout(() => r(v), ms))) };
  const server = await createHttpServer(mod.Echo, handler, { port: 0, http2: true });
  const client = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/`, http2: true, timeout: 5000 });
  const slow = client.delayed(5, 50);
  await within(reached, 5000, 'the call to reach the handler');
  const closed = server.close();
  assert.is(await within(slow, 5000, 'the call in flight'), 5);
  await within(closed, 5000, 'server close');
  await client.close();
});

test.run();
