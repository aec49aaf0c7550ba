/** Every client factory refuses a first argument that is not a service, with a TypeError that names the factory. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBalancedClient,
  createConnection,
  createDiscoveryClient,
  createHttpConnection,
  createPool,
  createReconnectingConnection,
  createWebSocketConnection,
  load,
} from '../../src/index.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

const factories: [string, (service: any) => unknown][] = [
  ['createConnection', (s) => createConnection(s, { port: 1 })],
  ['createPool', (s) => createPool(s, { port: 1 })],
  ['createReconnectingConnection', (s) => createReconnectingConnection(s, { port: 1 })],
  ['createBalancedClient', (s) => createBalancedClient(s, { hosts: [] })],
  ['createDiscoveryClient', (s) => createDiscoveryClient(s, { zookeeper: { connect: '127.0.0.1:1', path: '/x' } })],
  ['createHttpConnection', (s) => createHttpConnection(s, { url: 'http://127.0.0.1:1/' })],
  ['createWebSocketConnection', (s) => createWebSocketConnection(s, { url: 'ws://127.0.0.1:1/' })],
];

for (const [name, make] of factories) {
  test(`${name} refuses a struct, a module and null in place of a service`, async () => {
    for (const [what, notService] of [['a struct', mod.Point], ['a module', mod], ['null', null]] as const) {
      let error: unknown;
      try {
        await make(notService);
      } catch (e) {
        error = e;
      }
      assert.instance(error, TypeError, `${name} given ${what}`);
      assert.match((error as Error).message, new RegExp(`^${name}: the first argument must be a service from load\\(\\)`));
    }
  });
}

test.run();
