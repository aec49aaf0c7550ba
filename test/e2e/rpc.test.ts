/** End to end over real sockets on 127.0.0.1: load an IDL, serve it, call it, for each protocol and framing. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import {
  AppErrorType,
  ConnectionClosedError,
  createConnection,
  createPool,
  createServer,
  load,
  PoolClosedError,
  ThriftAppError,
  TimeoutError,
  type ServiceClient,
  type ThriftServer,
} from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';
import { tsCommand } from '../helpers/runtime.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  for (const [protocol, transport] of [['binary', 'buffered'], ['binary', 'framed'], ['compact', 'buffered'], ['compact', 'framed']] as const) {
    const test = onSocketPath(suite(`rpc over ${protocol}/${transport} [${path}]`), path);
    let server: ThriftServer;
    let conn: ServiceClient;
    let notified: (event: string) => void = () => {};

    test.before(async () => {
      server = await createServer(mod.Echo, echoHandler(mod, { notify: (e) => notified(e) }), { port: 0, transport, protocol });
      conn = await createConnection(mod.Echo, { port: server.address.port, transport, protocol, timeout: 5000 });
    });

    test.after(async () => {
      conn?.destroy();
      server?.destroy();
    });

    test('every base type round-trips, edge values included', async () => {
      assert.is(await conn.echoBool(true), true);
      assert.is(await conn.echoBool(false), false);
      for (const v of [-128, 0, 127]) assert.is(await conn.echoByte(v), v);
      for (const v of [-32768, 32767]) assert.is(await conn.echoI16(v), v);
      for (const v of [-2147483648, 2147483647]) assert.is(await conn.echoI32(v), v);
      for (const v of [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n]) assert.is(await conn.echoI64(v), v);
      for (const v of [0.1, -1e-300, 1.7976931348623157e308, Infinity, -Infinity]) assert.is(await conn.echoDouble(v), v);
      assert.ok(Number.isNaN(await conn.echoDouble(NaN)));
      assert.ok(Object.is(await conn.echoDouble(-0), -0));
      for (const v of ['', 'ascii', 'ünïcödé ✓ 𝄞 中文', 'x'.repeat(100_000)]) assert.is(await conn.echoString(v), v);
      const bytes = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
      assert.equal([...(await conn.echoBinary(bytes))], [...bytes]);
      assert.is(await conn.echoEnum(mod.Color.BLUE), 10);
    });

    test('containers and structs round-trip; structs arrive as class instances with defaults', async () => {
      assert.equal(await conn.echoList([]), []);
      assert.equal(await conn.echoList([1, 2, 3]), [1, 2, 3]);
      assert.equal(await conn.echoSet(new Set(['a', 'b'])), new Set(['a', 'b']));
      assert.equal(await conn.echoMap(new Map([['one', 1], ['two', 2]])), new Map([['one', 1], ['two', 2]]));
      const p = await conn.echoPoint({ x: 1, y: 2 });
      assert.instance(p, mod.Point);
      assert.is(p.x, 1);
      assert.is(p.label, undefined);
      assert.is(p.color, mod.Color.GREEN);
      const bag = new mod.Bag({
        b: true,
        y: 1,
        s16: 2,
        s32: 3,
        s64: 4n,
        d: 5.5,
        str: 'six',
        bin: new Uint8Array([7]),
        points: [new mod.Point({ x: 1, y: 1 }), { x: 2, y: 2, label: 'two', color: mod.Color.RED }],
        tags: new Set(['t']),
        index: new Map([['k', [1, 2]]]),
        byId: new Map([[9, new mod.Point({ x: 9, y: 9 })]]),
        nested: [[1n], [], [2n, 3n]],
        origin: new mod.Point({ x: 0, y: 0 }),
      });
      const back = await conn.echoBag(bag);
      assert.instance(back, mod.Bag);
      assert.instance(back.points[1], mod.Point);
      assert.is(back.points[1].label, 'two');
      assert.equal(back.nested, [[1n], [], [2n, 3n]]);
      assert.equal(back.byId.get(9).x, 9);
      assert.equal(back.index.get('k'), [1, 2]);
    });

    test('several arguments, inherited functions, and names that clash with the client', async () => {
      assert.is(await conn.add(5, 6n), 11n);
      assert.is(await conn.add(5, 6), 11n);
      assert.is(await conn.version(), '1.0');
      assert.is(await conn.execute('add', 1, 2n), 3n);
      assert.is(typeof conn.close, 'function');
      assert.is(await conn.execute('close'), 7);
    });

    test('a declared exception arrives as its class; the connection keeps working', async () => {
      const nf = await rejection(conn.find(0));
      assert.instance(nf, mod.NotFound);
      assert.instance(nf, Error);
      assert.is(nf.message, 'no such point');
      assert.is(nf.code, 404);
      const inv = await rejection(conn.find(-1));
      assert.instance(inv, mod.Invalid);
      assert.is(inv.why, 'negative id');
      assert.equal({ ...(await conn.find(3)) }, { ...new mod.Point({ x: 3, y: -3 }) });
    });

    test('an undeclared throw becomes ThriftAppError INTERNAL_ERROR with a generic message; the server keeps serving', async () => {
      const e = await rejection(conn.fail('kaboom'));
      assert.instance(e, ThriftAppError);
      assert.is(e.type, AppErrorType.INTERNAL_ERROR);
      // The handler's text stays on the server: the client gets Apache's generic wording.
      assert.is(e.message, 'Internal error');
      assert.is(await conn.echoI32(1), 1);
    });

    test('a handler returning the wrong type gets INTERNAL_ERROR, not a corrupt reply', async () => {
      const e = await rejection(conn.wrongType());
      assert.instance(e, ThriftAppError);
      assert.is(e.type, AppErrorType.INTERNAL_ERROR);
      // What was wrong (and the value) stays on the server, as for any handler bug.
      assert.is(e.message, 'Internal error');
      assert.is(await conn.echoString('still fine'), 'still fine');
    });

    test('an unknown method gets UNKNOWN_METHOD', async () => {
      const other = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
      // A client whose copy of the service has a function the server lacks.
      const extra = { ...other.Echo, functions: [...other.Echo.functions, { ...other.Echo.functions[0], name: 'missing' }] };
      const c = await createConnection(extra, { port: server.address.port, transport, protocol, timeout: 5000 });
      try {
        const e = await rejection(c.missing());
        assert.instance(e, ThriftAppError);
        assert.is(e.type, AppErrorType.UNKNOWN_METHOD);
        assert.is(await c.echoI32(5), 5);
      } finally {
        c.destroy();
      }
    });

    test('a oneway call reaches the handler and gets no reply', async () => {
      const arrived = signal<string>();
      notified = arrived.resolve;
      assert.is(await conn.notify('hello'), undefined);
      assert.is(await within(arrived.promise, 5000, 'the oneway call'), 'hello');
      assert.is(await conn.echoI32(2), 2);
    });

    test('1,000 concurrent calls on one connection all settle with their own results', async () => {
      const calls = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? conn.delayed(i, i % 7) : conn.echoI32(i)));
      const results = await within(Promise.all(calls), 10_000, '1,000 calls');
      assert.equal(results, Array.from({ length: 1000 }, (_, i) => i));
    });

    test('a call past its timeout rejects with TimeoutError; the late reply is dropped', async () => {
      const e = await rejection(conn.call('delayed', [1, 300], { timeout: 20 }));
      assert.instance(e, TimeoutError);
      assert.is(e.code, 'TIMEOUT');
      assert.is(conn.inflight, 0);
      assert.is(await conn.echoI32(3), 3);
      // Sent after the timed-out call, so its reply comes after the late one: that reply is
      // dropped within this test, not during the next one.
      assert.is(await conn.delayed(4, 300), 4);
    });

    test('an AbortSignal cancels a call; the late reply is dropped', async () => {
      const controller = new AbortController();
      const p = conn.call('delayed', [1, 300], { signal: controller.signal });
      controller.abort();
      const e = await rejection(p);
      assert.is(e.code, 'ABORTED');
      assert.is(conn.inflight, 0);
      // Outlives the aborted call's reply, which must be dropped here without harm.
      assert.is(await conn.delayed(2, 300), 2);
    });

    test('a pool under 100 concurrent users never exceeds maxsize 4', async () => {
      const pool = await createPool(mod.Echo, { port: server.address.port, transport, protocol, minsize: 1, maxsize: 4, timeout: 5000 });
      let peak = 0;
      const results = await within(
        Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            pool.use(async (c) => {
              peak = Math.max(peak, pool.size);
              return c.delayed(i, 1);
            }),
          ),
        ),
        10_000,
        '100 pool users',
      );
      assert.equal(results, Array.from({ length: 100 }, (_, i) => i));
      assert.is(peak, 4);
      assert.is(pool.size, 4);
      assert.is(pool.freesize, 4);
      await pool.close();
      assert.instance(await rejection(pool.acquire()), PoolClosedError);
    });

    test.run();
  }

  const lifecycle = onSocketPath(suite(`rpc lifecycle [${path}]`), path);

  lifecycle('server close drains: a call in progress gets its reply, new connections are refused', async () => {
    const started = signal();
    const handler = { ...echoHandler(mod), delayed: (v: number, ms: number) => (started.resolve(), new Promise((r) => setTimeout(() => r(v), ms))) };
    const server = await createServer(mod.Echo, handler, { port: 0 });
    const conn = await createConnection(mod.Echo, { port: server.address.port, timeout: 5000 });
    const call = conn.delayed(99, 100);
    await within(started.promise, 5000, 'the handler to start');
    const closed = server.close();
    assert.is(await call, 99);
    await within(closed, 5000, 'server.close()');
    assert.instance(await rejection(conn.echoI32(1)), ConnectionClosedError);
    assert.instance(await rejection(createConnection(mod.Echo, { port: server.address.port })), Error);
  });

  lifecycle('a server killed mid-call: pending calls reject with ConnectionClosedError', async () => {
    // The child runs in this test's runtime (Node, Bun or Deno: test/e2e/runtimes.test.ts).
    const child = spawn(...tsCommand(new URL('../helpers/echo-server-child.ts', import.meta.url).pathname, ['framed']), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const port = await within(
        new Promise<number>((resolve) => lines.on('line', (l) => l.startsWith('LISTENING ') && resolve(Number(l.slice(10))))),
        20_000,
        'the child server',
      );
      const conn = await createConnection(mod.Echo, { port, transport: 'framed', timeout: 10_000 });
      const calls = Array.from({ length: 10 }, (_, i) => conn.delayed(i, 5000));
      assert.is(await conn.echoI32(1), 1);
      child.kill('SIGKILL');
      const errors = await within(Promise.all(calls.map((c) => rejection(c))), 5000, 'the pending calls to reject');
      for (const e of errors) assert.instance(e, ConnectionClosedError);
      assert.is(conn.state, 'closed');
      assert.instance(await rejection(conn.echoI32(1)), ConnectionClosedError);
    } finally {
      child.kill('SIGKILL');
    }
  });

  lifecycle('an idle connection is closed after the server timeout', async () => {
    // Long enough that a GC pause cannot close the connection before its first call is answered.
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, idleTimeout: 1000 });
    try {
      const conn = await createConnection(mod.Echo, { port: server.address.port });
      assert.is(await conn.echoI32(1), 1);
      await within(conn.closed, 5000, 'the idle connection to close');
      assert.is(conn.state, 'closed');
    } finally {
      await server.close();
    }
  });

  lifecycle('client close waits for calls in flight, then refuses new ones', async () => {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
    try {
      const conn = await createConnection(mod.Echo, { port: server.address.port });
      const call = conn.delayed(5, 30);
      const closing = conn.close();
      assert.instance(await rejection(conn.echoI32(1)), ConnectionClosedError);
      assert.is(await call, 5);
      await within(closing, 5000, 'client close');
      assert.is(conn.state, 'closed');
    } finally {
      await server.close();
    }
  });

  lifecycle('connecting to a closed port fails with a typed error', async () => {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
    const port = server.address.port;
    await server.close();
    const e = await rejection(createConnection(mod.Echo, { port }));
    assert.is(e.code, 'TRANSPORT');
  });

  lifecycle.run();
}
