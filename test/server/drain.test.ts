/**
 * Server-side faults over real sockets: close() drains (no reply lost for a call
 * that started before it), the grace timeout bounds a call that never finishes,
 * and a handler that throws, never settles or returns the wrong type affects only
 * its own call.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, ConnectionClosedError, createServer, ThriftAppError, ThriftError, TimeoutError } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';
import { goodClient, mod, raw } from '../hardening/net.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  const test = onSocketPath(suite(`server drain and misbehaving handlers [${path}]`), path);

  for (const transport of ['buffered', 'framed'] as const) {
    test(`${transport}: close() stops accepting, lets every started call finish and reply, then closes`, async () => {
      const entered = signal();
      let started = 0;
      const handler = {
        ...echoHandler(mod),
        delayed: (v: number, ms: number) => {
          if (++started === 30) entered.resolve();
          return new Promise((r) => setTimeout(r, ms, v));
        },
      };
      const server = await createServer(mod.Echo, handler, { port: 0, transport, closeTimeout: 5000 });
      const port = server.address.port!;
      const clients = await Promise.all([0, 1, 2].map(() => goodClient(port, transport)));
      try {
        const calls = Promise.all(clients.flatMap((c, k) => Array.from({ length: 10 }, (_, i) => c.delayed(k * 100 + i, 100 + i * 5))));
        calls.catch(() => {});
        await within(entered.promise, 5000, 'all 30 calls to start');
        const closing = server.close();
        assert.is(server.state, 'closing');
        // Not accepting any more: a new connection is refused or closed at once.
        const late = await raw(port).catch(() => undefined);
        if (late !== undefined) await within(late.closed, 5000, 'a connection made during close to be closed');
        const results = await within(calls, 5000, 'the started calls');
        assert.equal(results, [0, 1, 2].flatMap((k) => Array.from({ length: 10 }, (_, i) => k * 100 + i)));
        await within(closing, 5000, 'close() to resolve');
        assert.is(server.state, 'closed');
        assert.is(server.connections, 0);
        await within(Promise.all(clients.map((c) => c.closed)), 5000, 'clients to see the close');
      } finally {
        for (const c of clients) c.destroy();
        server.destroy();
      }
    });
  }

  test('closeTimeout: a call that never finishes is cut off after the grace period with ConnectionClosedError', async () => {
    const entered = signal();
    const server = await createServer(mod.Echo, { ...echoHandler(mod), delayed: () => (entered.resolve(), new Promise(() => {})) }, { port: 0, closeTimeout: 150 });
    const c = await goodClient(server.address.port!, 'buffered');
    try {
      const stuck = rejection(c.delayed(1, 1), 5000);
      const quick = c.echoI32(5);
      await within(entered.promise, 5000, 'the stuck call to start');
      assert.is(await quick, 5);
      await within(server.close(), 3000, 'close() past its grace period');
      assert.instance(await stuck, ConnectionClosedError);
    } finally {
      c.destroy();
      server.destroy();
    }
  });

  test('a handler that throws, throws a non-Error, rejects, never settles or returns the wrong type affects only its own call', async () => {
    const errors: unknown[] = [];
    const server = await createServer(
      mod.Echo,
      {
        ...echoHandler(mod),
        fail(message: string) {
          if (message === 'null') throw null;
          if (message === 'string') throw 'a string';
          if (message === 'reject') return Promise.reject(undefined);
          if (message === 'never') return new Promise(() => {});
          throw new RangeError(message);
        },
        wrongType: () => ({ then: 5 }),
        echoPoint: () => ({ x: 'not a number' }),
        echoList: () => [1, 'two', 3],
      },
      { port: 0, onError: (e) => errors.push(e) },
    );
    const c = await goodClient(server.address.port!, 'buffered');
    try {
      const good = Promise.all(Array.from({ length: 50 }, (_, i) => c.echoI32(i)));
      const bad = await Promise.all([
        rejection(c.fail('boom')),
        rejection(c.fail('null')),
        rejection(c.fail('string')),
        rejection(c.fail('reject')),
        rejection(c.call('fail', ['never'], { timeout: 200 })),
        rejection(c.wrongType()),
        rejection(c.echoPoint({ x: 1, y: 2 })),
        rejection(c.echoList([1])),
      ]);
      assert.equal(await good, Array.from({ length: 50 }, (_, i) => i));
      const [boom, nul, str, rej, never, wrong, point, list] = bad;
      for (const e of [boom, nul, str, rej, wrong, point, list]) {
        assert.instance(e, ThriftAppError);
        assert.is(e.type, AppErrorType.INTERNAL_ERROR);
      }
      assert.is(boom.message, 'Internal error');
      assert.ok(errors.some((e) => e instanceof Error && /boom/.test(e.message)), 'the handler\'s error went to onError');
      assert.instance(never, TimeoutError);
      for (const e of bad) assert.instance(e, ThriftError);
      assert.is(await c.echoString('still here'), 'still here');
      assert.is(c.state, 'open');
      assert.ok(errors.length >= 7, 'the server reported each failure to onError');
    } finally {
      c.destroy();
      server.destroy();
    }
  });

  test.run();
}
