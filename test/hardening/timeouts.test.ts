/**
 * Connection-level limits over real sockets: maxConnections, the idle timeout,
 * and slow senders (half a message, trickled bytes), each shown to close only the
 * offending connection while a good client keeps getting answers.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createServer, type ThriftServer } from '../../src/index.js';
import { binaryProtocol } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { frame, goodClient, goodTraffic, mod, raw } from './net.js';
import { request } from './net.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  const test = onSocketPath(suite(`connection limits and timeouts [${path}]`), path);

  test('maxConnections: connections beyond the cap are closed, those within keep working, freed slots are reused', async () => {
    // Refusals go to onError (their own test is below): kept off stderr here.
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, maxConnections: 2, onError: () => {} });
    const port = server.address.port!;
    try {
      const a = await goodClient(port, 'buffered');
      const b = await goodClient(port, 'buffered');
      assert.is(await a.echoI32(1), 1);
      assert.is(await b.echoI32(2), 2);
      const third = await raw(port);
      await within(third.closed, 5000, 'the server to refuse a third connection');
      assert.is(await a.echoI32(3), 3);
      a.destroy();
      await within(a.closed, 5000, 'a to close');
      // The server sees a's close asynchronously; a fresh client is served once it has.
      await within((async () => {
        for (;;) {
          const c = await goodClient(port, 'buffered');
          try {
            if ((await c.echoI32(4)) === 4) return;
          } catch {
            // Refused: the slot is not free yet. Try again on the next connection.
          } finally {
            c.destroy();
          }
        }
      })(), 5000, 'a freed slot to be reused');
      assert.is(await b.echoI32(5), 5);
      b.destroy();
    } finally {
      server.destroy();
    }
  });

  test('maxConnections: a refused connection reaches onError naming the cap; its client hears both likely causes', async () => {
    const refused: unknown[] = [];
    let told: () => void = () => {};
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, maxConnections: 1, onError: (e) => (refused.push(e), told()) });
    const port = server.address.port!;
    try {
      const a = await goodClient(port, 'buffered');
      assert.is(await a.echoI32(1), 1);
      const b = await goodClient(port, 'buffered');
      const error = await b.echoI32(2).then(() => undefined, (e: unknown) => e);
      assert.instance(error, Error);
      assert.match(
        (error as Error).message,
        /^the server closed the connection without answering the first request \(echoI32\): it refused the connection \(at its maxConnections, or closing\), or could not read the request; if every connection ends so, check that transport \(buffered\) and protocol \(binary\) match the server's$/,
      );
      await within(toldOnce, 5000, 'onError to hear of the refusal');
      assert.is(refused.length, 1);
      assert.is((refused[0] as Error).name, 'TransportError');
      assert.match((refused[0] as Error).message, /^refused a connection from 127\.0\.0\.1:\d+: the server is at maxConnections \(1\)$/);
      a.destroy();
      b.destroy();
    } finally {
      server.destroy();
    }
  });

  for (const transport of ['buffered', 'framed'] as const) {
    const wrap = (p: Uint8Array): Uint8Array => (transport === 'framed' ? frame(p) : p);
    let server: ThriftServer;
    const t = onSocketPath(suite(`timeouts over ${transport} [${path}]`), path);
    t.before(async () => {
      // Long enough that a GC pause between connecting and the first call cannot close a good client.
      server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport, idleTimeout: 1000 });
    });
    t.after(() => server?.destroy());

    t('an idle connection is closed after `timeout`', async () => {
      const r = await raw(server.address.port!);
      await within(r.closed, 5000, 'the idle connection to be closed');
    });

    t('a call in flight longer than `timeout` still gets its reply', async () => {
      const c = await goodClient(server.address.port!, transport);
      try {
        // Three times the timeout: an idle close that ignored calls in flight would give this one
        // only `timeout` more to finish, and cut it off at twice the timeout.
        assert.is(await c.delayed(7, 3000), 7);
      } finally {
        c.destroy();
      }
    });

    t('half a message then silence (slowloris) is closed by the timeout; a good client is unaffected', async () => {
      const good = await goodClient(server.address.port!, transport);
      const traffic = goodTraffic(good);
      const r = await raw(server.address.port!);
      const bytes = wrap(request(binaryProtocol, 'echoString', ['x'.repeat(200)]));
      r.socket.write(bytes.subarray(0, bytes.length >> 1));
      await within(r.closed, 5000, 'the half-message connection to be closed');
      assert.ok((await traffic.stop()) > 0);
      good.destroy();
    });

    t('a message trickled one byte at a time is closed by the timeout even though bytes keep coming', async () => {
      const r = await raw(server.address.port!);
      const bytes = wrap(request(binaryProtocol, 'echoString', ['x'.repeat(500)]));
      let i = 0;
      const drip = setInterval(() => {
        if (i < bytes.length && !r.socket.destroyed) r.socket.write(bytes.subarray(i, ++i));
      }, 10);
      try {
        // 500+ bytes at 10 ms each would take over 5 s; the 1000 ms timeout must win.
        await within(r.closed, 5000, 'the trickling connection to be closed');
        assert.ok(i < bytes.length, 'closed before the message completed');
      } finally {
        clearInterval(drip);
      }
    });

    if (transport === 'buffered') {
      t("bytes announcing a huge old-style header ('GET ...') are closed by the timeout", async () => {
        const r = await raw(server.address.port!);
        r.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        await within(r.closed, 5000, 'the HTTP connection to be closed');
      });
    }

    t.run();
  }

  test.run();
}
