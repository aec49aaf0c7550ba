/** Every server factory refuses a first argument that is not a service (a typo'd `mod.Servce` is undefined), naming the factory and what it wants. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHttpServer, createServer, createWebSocketServer, load } from '../../src/index.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

const factories: [string, (service: any, handler: object) => Promise<unknown>][] = [
  ['createServer', (s, h) => createServer(s, h as never, { port: 0 })],
  ['createHttpServer', (s, h) => createHttpServer(s, h as never, { port: 0 })],
  ['createWebSocketServer', (s, h) => createWebSocketServer(s, h as never, { port: 0 })],
];

for (const [name, make] of factories) {
  test(`${name} refuses undefined, null and a number in place of a service, before reading the handler as options`, async () => {
    for (const [what, notService] of [['undefined', undefined], ['null', null], ['a number', 7]] as const) {
      let error: unknown;
      try {
        await make(notService, { ping: () => 'pong' });
      } catch (e) {
        error = e;
      }
      assert.instance(error, TypeError, `${name} given ${what}`);
      assert.match((error as Error).message, new RegExp(`^${name}: the first argument must be a service from load\\(\\)`), `${name} given ${what}: ${(error as Error).message}`);
    }
  });
}

test('a struct in place of a service names what it is', async () => {
  let error: unknown;
  try {
    await createServer(mod.Point as never, {} as never, { port: 0 });
  } catch (e) {
    error = e;
  }
  assert.instance(error, TypeError);
  assert.match((error as Error).message, /^createServer: /);
});

test.run();
