/**
 * Chains assembled by hand: client and processor over any duplex, with each framing,
 * on native web streams and on web-streams-polyfill's classes.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import * as polyfill from 'web-streams-polyfill';
import { createClient, load, Processor, serveConnection } from '../../src/index.js';
import { compactProtocol } from '../../src/protocol/index.js';
import { binaryProtocol } from '../../src/protocol/index.js';
import { buffered, createMemoryPair, framed, streams, useStreams, type DuplexStream } from '../../src/transport/index.js';
import { connect, listen } from '../../src/node/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

const native = streams();
const classes = {
  native,
  polyfill: {
    ReadableStream: polyfill.ReadableStream as unknown as typeof ReadableStream,
    WritableStream: polyfill.WritableStream as unknown as typeof WritableStream,
    TransformStream: polyfill.TransformStream as unknown as typeof TransformStream,
  },
};

for (const [flavour, streamClasses] of Object.entries(classes)) {
  const test = suite(`hand-assembled chains on ${flavour} streams`);
  test.before(() => useStreams(streamClasses));
  test.after(() => useStreams(native));

  for (const framing of ['framed', 'buffered'] as const) {
    for (const protocol of [binaryProtocol, compactProtocol]) {
      test(`memory pair → ${framing} → ${protocol.name} → client and processor`, async () => {
        const [a, b] = createMemoryPair();
        const served = serveConnection(b, new Processor(mod.Echo, echoHandler(mod), { protocol }), { transport: framing });
        const client = createClient(mod.Echo, a, { transport: framing, protocol, timeout: 5000 });
        assert.is(await client.echoString('over memory'), 'over memory');
        const many = await within(Promise.all(Array.from({ length: 200 }, (_, i) => client.echoI32(i))), 5000, '200 calls');
        assert.equal(many, Array.from({ length: 200 }, (_, i) => i));
        assert.instance(await client.find(0).catch((e: unknown) => e), mod.NotFound);
        await client.close();
        await within(served.closed, 5000, 'the served side to close after the client ended');
      });
    }
  }

  test("message streams from framed()/buffered() take framing 'message'", async () => {
    for (const wrap of [(c: DuplexStream) => framed(c), (c: DuplexStream) => buffered(c, { measure: binaryProtocol.measure })]) {
      const [a, b] = createMemoryPair();
      const served = serveConnection(wrap(b), new Processor(mod.Echo, echoHandler(mod)), { transport: 'message' });
      const client = createClient(mod.Echo, wrap(a), { transport: 'message', timeout: 5000 });
      assert.is(await client.add(2, 3n), 5n);
      await client.close();
      await within(served.closed, 5000, 'the served side to close');
    }
  });

  test('the README chain: socket → framed → binary protocol → client', async () => {
    const server = await listen({ port: 0 }, (conn) => {
      serveConnection(conn, new Processor(mod.Echo, echoHandler(mod)), { transport: 'framed' });
    });
    try {
      const socket = await connect({ host: '127.0.0.1', port: server.address.port });
      const client = createClient(mod.Echo, socket, { transport: 'framed', maxMessageSize: 1 << 20, protocol: binaryProtocol, timeout: 5000 });
      assert.is(await client.version(), '1.0');
      await client.close();
    } finally {
      server.destroy();
    }
  });

  test.run();
}
