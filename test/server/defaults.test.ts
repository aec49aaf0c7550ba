/**
 * The server's timing defaults (messageTimeout 30,000 ms, closeTimeout 10,000 ms) are applied
 * where the timers are armed, by every server kind and by a served connection. Nothing here
 * waits for them to fire: the timers are seen as they are armed (setTimeout is watched), so a
 * default that differs, or is not applied, fails the test without a 30-second wait.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHttpServer, createMemoryPair, createServer, createWebSocketServer, Processor, serveConnection } from '../../src/index.js';
import { closeTimeoutOf, messageTimeoutOf, SERVER_DEFAULTS } from '../../src/server/defaults.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { mod, raw } from '../hardening/net.js';

/**
 * Watches setTimeout until restore(): records each delay armed, and `armed(ms)` resolves once
 * a timer of that delay is armed (the test's own waits arm other delays, which do not count).
 */
function watchTimers(): { delays: number[]; armed(ms: number): Promise<void>; restore(): void } {
  const original = globalThis.setTimeout;
  const delays: number[] = [];
  const waiting: { ms: number; resolve: () => void }[] = [];
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    delays.push(ms ?? 0);
    for (const w of waiting) if (w.ms === ms) w.resolve();
    return original(fn, ms, ...rest);
  }) as typeof setTimeout;
  return {
    delays,
    armed: (ms) => (delays.includes(ms) ? Promise.resolve() : within(new Promise<void>((resolve) => waiting.push({ ms, resolve })), 5000, `a ${ms} ms timer`)),
    restore: () => {
      globalThis.setTimeout = original;
    },
  };
}

/** The delays of the timers `act` arms before it returns (close() arms its deadline at once). */
function timersOf(act: () => unknown): number[] {
  const timers = watchTimers();
  try {
    const result = act();
    if (result instanceof Promise) result.catch(() => {});
  } finally {
    timers.restore();
  }
  return timers.delays;
}

test('SERVER_DEFAULTS: messageTimeout is 30,000 ms and closeTimeout 10,000 ms; a given value, 0 included, is kept', () => {
  assert.equal({ ...SERVER_DEFAULTS }, { messageTimeout: 30_000, closeTimeout: 10_000 });
  assert.ok(Object.isFrozen(SERVER_DEFAULTS));
  assert.is(messageTimeoutOf({}), 30_000);
  assert.is(messageTimeoutOf({ messageTimeout: 0 }), 0);
  assert.is(messageTimeoutOf({ messageTimeout: 1234 }), 1234);
  assert.is(closeTimeoutOf({}), 10_000);
  assert.is(closeTimeoutOf({ closeTimeout: 0 }), 0);
  assert.is(closeTimeoutOf({ closeTimeout: 4321 }), 4321);
});

for (const given of [undefined, 1234]) {
  const expected = given ?? 30_000;
  test(`serveConnection: a message left half-sent arms a ${expected} ms timer (messageTimeout ${given ?? 'not given'})`, async () => {
    const [a, b] = createMemoryPair();
    const timers = watchTimers();
    const served = serveConnection(b, new Processor(mod.Echo, echoHandler(mod)), { transport: 'framed', messageTimeout: given });
    const writer = a.writable.getWriter();
    try {
      // Two bytes of a four-byte frame length: a message has begun and not ended.
      await writer.write(Uint8Array.from([0, 0]));
      await timers.armed(expected);
      if (given !== undefined) assert.not.ok(timers.delays.includes(30_000), 'the default armed beside the given value');
    } finally {
      timers.restore();
      served.destroy();
      writer.releaseLock();
    }
  });
}

test('serveConnection: close() gives the replies the default 10,000 ms; a given closeTimeout replaces it', () => {
  for (const [given, expected] of [[undefined, 10_000], [4321, 4321]] as const) {
    const served = serveConnection(createMemoryPair()[1], new Processor(mod.Echo, echoHandler(mod)), { closeTimeout: given });
    try {
      assert.equal(timersOf(() => served.close()), [expected]);
    } finally {
      served.destroy();
    }
  }
});

for (const given of [undefined, 1234]) {
  const expected = given ?? 30_000;
  test(`createServer: a first byte that leaves the transport open arms a ${expected} ms detection timer (messageTimeout ${given ?? 'not given'})`, async () => {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, host: '127.0.0.1', messageTimeout: given });
    const timers = watchTimers();
    const r = await raw(server.address.port!);
    try {
      // 0x00 may begin a framed length or an unframed message of several protocols: undecided.
      r.socket.write(Uint8Array.from([0x00]));
      await timers.armed(expected);
      if (given !== undefined) assert.not.ok(timers.delays.includes(30_000), 'the default armed beside the given value');
    } finally {
      timers.restore();
      r.socket.destroy();
      server.destroy();
    }
  });
}

test('close() of every server kind arms the default 10,000 ms deadline; a given closeTimeout replaces it', async () => {
  const kinds = {
    socket: (closeTimeout?: number) => createServer(mod.Echo, echoHandler(mod), { port: 0, host: '127.0.0.1', closeTimeout }),
    http: (closeTimeout?: number) => createHttpServer(mod.Echo, echoHandler(mod), { port: 0, host: '127.0.0.1', closeTimeout }),
    websocket: (closeTimeout?: number) => createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, host: '127.0.0.1', closeTimeout }),
  };
  for (const [kind, make] of Object.entries(kinds)) {
    for (const [given, expected] of [[undefined, 10_000], [4321, 4321]] as const) {
      const server = await make(given);
      try {
        assert.equal(timersOf(() => server.close()), [expected], `${kind} server, closeTimeout ${given}`);
      } finally {
        server.destroy();
      }
    }
  }
});

test.run();
