/** An IDL function named `then`: the client gets no such method (it would be a thenable that `await` calls), execute() reaches it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createServer, loadSource } from '../../src/index.js';

const mod = loadSource('service C { i32 then(1: i32 x), i32 other() }') as any;

test('await createConnection() resolves to the client, which has no then; execute("then") calls the function', async () => {
  const server = await createServer(mod.C, { then: (x: number) => x + 1, other: () => 2 }, { port: 0 });
  const client: any = await createConnection(mod.C, { port: server.address.port, timeout: 5000 });
  try {
    assert.is(client.then, undefined, 'no then method on the client');
    assert.is(await client.other(), 2);
    assert.is(await client.execute('then', 4), 5);
  } finally {
    await client.close();
    await server.close();
  }
});

test.run();
