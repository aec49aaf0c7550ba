/**
 * Server limits at their exact value, through the public API only (createServer options,
 * raw sockets on 127.0.0.1): maxMessageSize accepts a request of exactly that many bytes and
 * refuses one byte more with FrameTooLargeError, framed and buffered; maxInflight runs exactly
 * that many calls of one connection at once, the default 256 included.
 */
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, FrameTooLargeError, load, type ThriftServer } from '../../src/index.js';
import { binaryProtocol, encodeMessage, MessageType, serviceFunctions } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { signal, within } from '../helpers/wait.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

function request(name: string, args: unknown[], seqid: number): Uint8Array {
  const fn = serviceFunctions(mod.Echo).get(name)!;
  return encodeMessage(binaryProtocol.createWriter(), name, MessageType.CALL, seqid, binaryProtocol.codecs.argsCodec(fn.args).encode, args).slice();
}

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** A raw client: counts bytes received, resolves `closed` when the server closes it. */
async function raw(port: number): Promise<{ socket: Socket; received: () => number; firstData: Promise<void>; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  let bytes = 0;
  const data = signal();
  socket.on('data', (d: Buffer) => {
    bytes += d.length;
    data.resolve();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await within(new Promise((resolve) => socket.once('connect', resolve)), 5000, 'connect');
  return { socket, received: () => bytes, firstData: data.promise, closed };
}

// echoString's request is 30 bytes of binary framing around the string: sized to any total.
const OVERHEAD = request('echoString', [''], 1).length;

function sized(total: number): Uint8Array {
  const r = request('echoString', ['s'.repeat(total - OVERHEAD)], 1);
  assert.is(r.length, total);
  return r;
}

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  for (const transport of ['framed', 'buffered'] as const) {
    const size = onSocketPath(suite(`server maxMessageSize at its boundary (${transport}) [${path}]`), path);
    let server: ThriftServer;
    let errors: unknown[] = [];
    const LIMIT = 1000;
    const wrap = (m: Uint8Array): Uint8Array => (transport === 'framed' ? frame(m) : m);

    size.before(async () => {
      server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport, maxMessageSize: LIMIT, onError: (e) => errors.push(e) });
    });
    size.after(() => server?.destroy());
    size.before.each(() => {
      errors = [];
    });

    size(`a request of exactly maxMessageSize bytes is answered`, async () => {
      const r = await raw(server.address.port!);
      r.socket.write(wrap(sized(LIMIT)));
      await within(r.firstData, 5000, 'the reply');
      assert.equal(errors, []);
      r.socket.destroy();
    });

    size(`a request of maxMessageSize + 1 bytes closes the connection with FrameTooLargeError`, async () => {
      const r = await raw(server.address.port!);
      r.socket.write(wrap(sized(LIMIT + 1)));
      await within(r.closed, 5000, 'the server to close the connection');
      assert.is(r.received(), 0, 'no reply');
      const e = errors.find((x) => x instanceof FrameTooLargeError) as FrameTooLargeError | undefined;
      assert.ok(e, `FrameTooLargeError reported, got ${errors.map(String).join('; ')}`);
      assert.is(e.limit, LIMIT);
      assert.ok(e.size > LIMIT, `size ${e.size}`);
    });

    size.run();
  }

  const inflight = onSocketPath(suite(`server maxInflight at its boundary [${path}]`), path);

  /**
   * Sends `limit` gated calls and one ungated call after them in one write on one connection.
   * Once `limit` handlers run, a round trip on a second connection orders events: a server that
   * started the extra call would have written its reply before that round trip completed.
   */
  async function proveLimit(limit: number, options: { maxInflight?: number }): Promise<void> {
    const started: number[] = [];
    const gates: (() => void)[] = [];
    let all = signal();
    const server = await createServer(
      mod.Echo,
      {
        ...echoHandler(mod),
        delayed: (value: number) => {
          started.push(value);
          if (started.length === limit) all.resolve();
          return new Promise((resolve) => gates.push(() => resolve(value)));
        },
      },
      { port: 0, transport: 'framed', ...options },
    );
    try {
      const conn = await raw(server.address.port!);
      const calls = Array.from({ length: limit }, (_, i) => frame(request('delayed', [i, 0], i + 1)));
      const extra = frame(request('echoI32', [-1], limit + 1));
      conn.socket.write(Buffer.concat([...calls, extra]));
      await within(all.promise, 10_000, `${limit} handlers to start`);
      const other = await raw(server.address.port!);
      other.socket.write(frame(request('ping', [], 1)));
      await within(other.firstData, 5000, 'a round trip on a second connection');
      other.socket.destroy();
      assert.is(started.length, limit, 'exactly the limit runs');
      assert.is(conn.received(), 0, 'the call past the limit has not run');
      all = signal();
      gates[0]();
      await within(conn.firstData, 5000, 'replies once a slot is free');
      conn.socket.destroy();
    } finally {
      for (const g of gates) g();
      server.destroy();
    }
  }

  inflight('maxInflight 3: three calls run at once, the fourth waits for a slot', async () => {
    await proveLimit(3, { maxInflight: 3 });
  });

  inflight('maxInflight 1: one call at a time', async () => {
    await proveLimit(1, { maxInflight: 1 });
  });

  inflight('the default maxInflight is 256', async () => {
    await proveLimit(256, {});
  });

  inflight.run();
}
