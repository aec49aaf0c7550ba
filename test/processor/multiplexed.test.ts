/** Several services on one port (Apache's TMultiplexedProtocol), and TApplicationException cases. */
import { connect as netConnect, createServer as netServer, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, ConnectionClosedError, createConnection, createServer, load, loadSource, ThriftAppError } from '../../src/index.js';
import { binaryProtocol, encodeMessage, MessageType } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const calc = loadSource('service Calc { i32 twice(1: i32 v), void ping() }', { name: 'calc' });

const mux = suite('multiplexed');

for (const protocol of ['binary', 'compact'] as const) {
  mux(`two services on one port answer by name (${protocol})`, async () => {
    const server = await createServer(
      { Echo: [mod.Echo, echoHandler(mod)], Calc: [calc.Calc, { twice: (v: number) => 2 * v, ping() {} }] },
      { port: 0, transport: 'framed', protocol },
    );
    try {
      const port = server.address.port;
      const echo = await createConnection(mod.Echo, { port, transport: 'framed', protocol, service: 'Echo' });
      const c = await createConnection(calc.Calc, { port, transport: 'framed', protocol, service: 'Calc' });
      assert.is(await echo.echoString('hi'), 'hi');
      assert.is(await c.twice(21), 42);
      assert.instance(await rejection(echo.find(0)), mod.NotFound);
      echo.destroy();
      c.destroy();
    } finally {
      await server.close();
    }
  });
}

mux('an unknown service gets UNKNOWN_METHOD and the connection keeps working', async () => {
  const server = await createServer({ Calc: [calc.Calc, { twice: (v: number) => 2 * v, ping() {} }] }, { port: 0 });
  try {
    const wrong = await createConnection(calc.Calc, { port: server.address.port, service: 'Nope' });
    const e = await rejection(wrong.twice(1));
    assert.instance(e, ThriftAppError);
    assert.is(e.type, AppErrorType.UNKNOWN_METHOD);
    assert.match(e.message, /unknown service "Nope"/);
    wrong.destroy();
    const plain = await createConnection(calc.Calc, { port: server.address.port });
    const e2 = await rejection(plain.twice(1));
    assert.is(e2.type, AppErrorType.UNKNOWN_METHOD);
    plain.destroy();
  } finally {
    await server.close();
  }
});

mux('defaultService answers calls without a prefix', async () => {
  const server = await createServer({ Calc: [calc.Calc, { twice: (v: number) => 2 * v, ping() {} }] }, { port: 0, defaultService: 'Calc' });
  try {
    const plain = await createConnection(calc.Calc, { port: server.address.port });
    assert.is(await plain.twice(4), 8);
    plain.destroy();
  } finally {
    await server.close();
  }
});

mux.run();

const app = suite('TApplicationException cases');

/** A fake server that answers every framed request with `reply(seqid)`, to provoke client-side checks. */
async function fakeServer(reply: (seqid: number, name: string) => Uint8Array) {
  const server = netServer((socket) => {
    socket.on('data', (chunk) => {
      const r = binaryProtocol.createReader();
      r.reset(new Uint8Array(chunk.buffer, chunk.byteOffset + 4, chunk.length - 4));
      const { name, seqid } = r.readMessageBegin();
      const body = reply(seqid, name);
      const frame = Buffer.alloc(4 + body.length);
      frame.writeInt32BE(body.length);
      frame.set(body, 4);
      socket.write(frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

const fn = (name: string) => mod.Echo.functions.find((f: { name: string }) => f.name === name);
const w = binaryProtocol.createWriter();
const enc = (name: string) => binaryProtocol.codecs.argsCodec(fn(name).result).encode;

app('a reply for another method is WRONG_METHOD_NAME', async () => {
  const fake = await fakeServer((seqid) => encodeMessage(w, 'echoString', MessageType.REPLY, seqid, enc('echoString'), ['x']).slice());
  const conn = await createConnection(mod.Echo, { port: fake.port, transport: 'framed' });
  const e = await rejection(conn.echoI32(1));
  assert.instance(e, ThriftAppError);
  assert.is(e.type, AppErrorType.WRONG_METHOD_NAME);
  conn.destroy();
  fake.close();
});

app('a reply with no result is MISSING_RESULT', async () => {
  const fake = await fakeServer((seqid) => encodeMessage(w, 'echoI32', MessageType.REPLY, seqid, enc('echoI32'), []).slice());
  const conn = await createConnection(mod.Echo, { port: fake.port, transport: 'framed' });
  const e = await rejection(conn.echoI32(1));
  assert.is(e.type, AppErrorType.MISSING_RESULT);
  conn.destroy();
  fake.close();
});

app('a reply of the wrong message type is INVALID_MESSAGE_TYPE', async () => {
  const fake = await fakeServer((seqid) => encodeMessage(w, 'echoI32', MessageType.CALL, seqid, enc('echoI32'), [1]).slice());
  const conn = await createConnection(mod.Echo, { port: fake.port, transport: 'framed' });
  const e = await rejection(conn.echoI32(1));
  assert.is(e.type, AppErrorType.INVALID_MESSAGE_TYPE);
  conn.destroy();
  fake.close();
});

app('a reply with a sequence id never sent fails the connection with BAD_SEQUENCE_ID', async () => {
  const fake = await fakeServer((seqid) => encodeMessage(w, 'echoI32', MessageType.REPLY, seqid + 1000, enc('echoI32'), [1]).slice());
  const conn = await createConnection(mod.Echo, { port: fake.port, transport: 'framed' });
  const e = await rejection(conn.echoI32(1));
  assert.instance(e, ConnectionClosedError);
  assert.instance(e.cause, ThriftAppError);
  assert.is(e.cause.type, AppErrorType.BAD_SEQUENCE_ID);
  await within(conn.closed, 5000, 'the connection to close');
  fake.close();
});

app('a request of the wrong message type is answered with INVALID_MESSAGE_TYPE', async () => {
  const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'framed' });
  const fake = await new Promise<Socket>((resolve) => {
    const s = netConnect(server.address.port!, '127.0.0.1', () => resolve(s));
  });
  const body = encodeMessage(w, 'echoI32', MessageType.REPLY, 9, enc('echoI32'), [1]).slice();
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length);
  frame.set(body, 4);
  const answer = new Promise<Buffer>((resolve) => fake.once('data', resolve));
  fake.write(frame);
  const got = await within(answer, 5000, 'the reply');
  const r = binaryProtocol.createReader();
  r.reset(new Uint8Array(got.buffer, got.byteOffset + 4, got.length - 4));
  assert.equal(r.readMessageBegin(), { name: 'echoI32', type: MessageType.EXCEPTION, seqid: 9 });
  fake.destroy();
  await server.close();
});

app.run();
