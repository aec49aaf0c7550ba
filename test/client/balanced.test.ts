/** A client over several servers: round-robin and least-in-flight, down after failures, probed back, addresses changed live. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBalancedClient, type HostStatus } from '../../src/client/balanced.js';
import { ConnectionClosedError, createPool, createServer, load, TransportError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** A server whose version() answers its name and whose delayed() waits until released. */
async function named(name: string, port = 0) {
  const gate = { started: signal(), release: signal(), count: 0 };
  const server = await createServer(
    mod.Echo,
    {
      ...echoHandler(mod),
      version: () => name,
      async delayed(value: number) {
        gate.count++;
        gate.started.resolve();
        await gate.release.promise;
        return value;
      },
    },
    { port },
  );
  return { server, gate, address: `127.0.0.1:${server.address.port}` };
}

test('round-robin spreads calls evenly, in order', async () => {
  const servers = await Promise.all(['a', 'b', 'c'].map((n) => named(n)));
  const client = createBalancedClient(mod.Echo, { hosts: servers.map((s) => s.address), timeout: 5000 });
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) seen.push(await client.version());
  assert.equal(seen, ['a', 'b', 'c', 'a', 'b', 'c']);
  await client.close();
  for (const s of servers) s.server.destroy();
});

test('least-inflight sends calls away from a busy server', async () => {
  const busy = await named('busy');
  const idle = await named('idle');
  const client = createBalancedClient(mod.Echo, { hosts: [busy.address, { port: idle.server.address.port! }], balance: 'least-inflight', timeout: 5000 });
  const slow = client.delayed(1, 0);
  await within(busy.gate.started.promise, 5000, 'the slow call to reach the first server');
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await client.version());
  assert.equal(seen, ['idle', 'idle', 'idle', 'idle']);
  assert.equal(client.hosts.map((h) => h.inflight), [1, 0]);
  busy.gate.release.resolve();
  assert.is(await slow, 1);
  await client.close();
  busy.server.destroy();
  idle.server.destroy();
});

test('a server that goes away is marked down after failureThreshold failures (default 2), calls keep succeeding elsewhere, and it is probed back', async () => {
  const a = await named('a');
  let b = await named('b');
  const port = b.server.address.port!;
  const changes: HostStatus[] = [];
  let wake = signal<HostStatus>();
  const client = createBalancedClient(mod.Echo, {
    hosts: [a.address, b.address],
    // failureThreshold left at its default: the 'failures' of the change below proves it is 2.
    probeInterval: 20,
    timeout: 5000,
    onHostChange: (s) => {
      changes.push(s);
      wake.resolve(s);
    },
  });
  assert.equal([await client.version(), await client.version()], ['a', 'b']);
  await b.server.close();
  const down = wake.promise;
  // Every call still succeeds: a call whose connection cannot be opened was never sent and moves on.
  for (let i = 0; i < 6; i++) assert.is(await client.version(), 'a');
  const marked = await within(down, 5000, 'b to be marked down');
  assert.equal([marked.address, marked.state, marked.failures], [b.address, 'down', 2]);
  wake = signal();
  b = await named('b', port);
  assert.is((await within(wake.promise, 5000, 'b to be probed back up')).state, 'up');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(await client.version());
  assert.equal([...seen].sort(), ['a', 'b']);
  assert.equal(changes.map((c) => c.state), ['down', 'up']);
  await client.close();
  a.server.destroy();
  b.server.destroy();
});

test('a call in flight on a server that dies fails with ConnectionClosedError and is not re-sent', async () => {
  const a = await named('a');
  const b = await named('b');
  const client = createBalancedClient(mod.Echo, { hosts: [a.address, b.address], timeout: 5000 });
  const inflight = client.delayed(1, 0);
  await within(a.gate.started.promise, 5000, 'the call to start on a');
  a.server.destroy();
  assert.instance(await rejection(inflight), ConnectionClosedError);
  assert.is(a.gate.count, 1);
  assert.is(b.gate.count, 0, 'not re-sent to the other server');
  await client.close();
  b.server.destroy();
});

test('setHosts: a removed address finishes its calls in flight and takes no new ones', async () => {
  const a = await named('a');
  const b = await named('b');
  const client = createBalancedClient(mod.Echo, { hosts: [a.address], timeout: 5000 });
  const inflight = client.delayed(7, 0);
  await within(a.gate.started.promise, 5000, 'the call to start on a');
  client.setHosts([b.address]);
  assert.is(await client.version(), 'b');
  a.gate.release.resolve();
  assert.is(await inflight, 7, 'the call on the removed address got its reply');
  assert.equal(client.hosts.map((h) => h.address), [b.address]);
  await client.close();
  a.server.destroy();
  b.server.destroy();
});

test('with no address up a call fails at once with ConnectionClosedError', async () => {
  const client = createBalancedClient(mod.Echo, { hosts: [] });
  assert.instance(await rejection(client.ping()), ConnectionClosedError);
  const gone = await named('gone');
  const port = gone.server.address.port!;
  await gone.server.close();
  client.setHosts([{ port }]);
  const error = await rejection(client.ping());
  assert.instance(error, ConnectionClosedError);
  assert.match(error.message, /could be reached/);
  await client.close();
});

test('a pool over hosts opens its connections across them in turn', async () => {
  const a = await named('a');
  const b = await named('b');
  const pool = await createPool(mod.Echo, { hosts: [a.address, { port: b.server.address.port! }], minsize: 0, maxsize: 4, timeout: 5000 });
  const conns = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()));
  const names = await Promise.all(conns.map((c) => c.version()));
  assert.equal(names.sort(), ['a', 'a', 'b', 'b']);
  for (const c of conns) pool.release(c);
  await pool.close();
  a.server.destroy();
  b.server.destroy();
});

test('a pool over hosts passes over an address that refuses, and fails only when every address does', async () => {
  const a = await named('a');
  const nowhere = `/tmp/thrift-streams-nowhere-${process.pid}.sock`;
  const pool = await createPool(mod.Echo, { hosts: [nowhere, a.address], minsize: 0, maxsize: 3, timeout: 5000 });
  const conns = await Promise.all(Array.from({ length: 3 }, () => pool.acquire()));
  assert.equal(await Promise.all(conns.map((c) => c.version())), ['a', 'a', 'a']);
  for (const c of conns) pool.release(c);
  await pool.close();
  a.server.destroy();
  const error = await rejection(createPool(mod.Echo, { hosts: [nowhere, `${nowhere}.2`], timeout: 5000 }));
  assert.instance(error, TransportError);
  assert.match(error.message, /nowhere-\d+\.sock\.2/);
});

test('a pool takes hosts or host/port, not both', async () => {
  const error = await rejection(createPool(mod.Echo, { hosts: ['127.0.0.1:1'], port: 2 }));
  assert.instance(error, TypeError);
  assert.match(error.message, /either hosts or host\/port\/path/);
  assert.instance(await rejection(createPool(mod.Echo, { hosts: [] })), TypeError);
});

test.run();
