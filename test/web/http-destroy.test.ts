/**
 * Destroying an HTTP transport cancels every request in flight, also those sent
 * with neither a timeout nor a signal (which get no AbortController of their own):
 * each rejects with the destroy error, and the server sees its request go, on each
 * requester (node:http, node:http2, fetch).
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { listenHttp, nodeRequester, type HttpListener } from '../../src/node/index.js';
import { createHttpTransport, type HttpRequesterFactory } from '../../src/transport/index.js';
import { rejection, signal, within } from '../helpers/wait.js';

const test = suite('HTTP transport destroy');

const requesters: [string, boolean, () => Promise<HttpRequesterFactory | undefined>][] = [
  ['node:http', false, () => nodeRequester()],
  ['node:http2', true, () => nodeRequester({ http2: true })],
  ['fetch', false, async () => undefined],
];

for (const [name, http2, make] of requesters) {
  test(`${name}: destroy() rejects request()s in flight with its error and cancels them on the wire`, async () => {
    const arrived = signal();
    const gone = signal();
    let seen = 0;
    // Never answers; hears through the exchange's duplex when its client goes away.
    const listener: HttpListener = await listenHttp({ port: 0, http2 }, (exchange) => {
      exchange.writable.getWriter().closed.catch(() => gone.resolve());
      if (++seen === 2) arrived.resolve();
    });
    try {
      const transport = createHttpTransport({ url: `http://127.0.0.1:${listener.address.port}/`, requester: await make() });
      const plain = transport.request(new Uint8Array([1, 2, 3]));
      const timed = transport.request(new Uint8Array([4, 5, 6]), { timeout: 60_000 });
      await within(arrived.promise, 5000, 'both requests to reach the server');
      assert.is(transport.inflight, 2);
      const reason = new Error('torn down');
      transport.destroy(reason);
      assert.is(await rejection(plain), reason, 'the request without a deadline');
      assert.is(await rejection(timed), reason, 'the request with one');
      assert.is(transport.inflight, 0);
      await within(gone.promise, 5000, 'the server to see a request cancelled');
    } finally {
      listener.destroy();
      await listener.close();
    }
  });
}

test.run();
