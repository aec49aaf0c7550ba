/** Service discovery through ZooKeeper (Debian's zookeeper, started here on loopback): register, follow, leave without losing calls. */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createDiscoveryClient } from '../../src/client/zookeeper-client.js';
import { createServer, load, type ThriftServer } from '../../src/index.js';
import type { HostAddress } from '../../src/client/hosts.js';
import { once } from 'node:events';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { TimeoutError } from '../../src/errors.js';
import { encodeMember, parseMember, ZooKeeperSession } from '../../src/discovery/zookeeper.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';
import { startZooKeeper, type TestZooKeeper } from './zookeeper-server.js';
import { needs } from '../helpers/peers.js';

needs('zookeeper', 'zookeeper discovery: register, follow and leave on a loopback ZooKeeper');

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const test = suite('zookeeper discovery');
let zk: TestZooKeeper;
let n = 0;

test.before(async () => {
  zk = await startZooKeeper();
});

test.after(async () => {
  await zk?.stop();
});

/** A fresh service path per test. */
function servicePath(): string {
  return `/services/echo-${++n}`;
}

/** A server named `name`; it leaves ZooKeeper 1.5 s before it stops serving, time for watches to reach clients on a slow machine. */
function named(name: string, path: string, sessionTimeout?: number): Promise<ThriftServer> {
  return createServer(mod.Echo, { ...echoHandler(mod), version: () => name }, { port: 0, zookeeper: { connect: zk.connect, path, sessionTimeout, deregisterDelay: 1500 } });
}

/** Resolves the first time the client's member list satisfies `ok`. */
function membersWatcher() {
  let waiting: { ok: (h: HostAddress[]) => boolean; resolve: (h: HostAddress[]) => void } | undefined;
  let last: HostAddress[] = [];
  return {
    onMembers(hosts: HostAddress[]) {
      last = hosts;
      if (waiting?.ok(hosts)) waiting.resolve(hosts);
    },
    until(ok: (h: HostAddress[]) => boolean, what: string): Promise<HostAddress[]> {
      if (ok(last)) return Promise.resolve(last);
      return within(new Promise((resolve) => (waiting = { ok, resolve })), 10_000, what);
    },
  };
}

/** Servers 'a' and 'b' registered under a fresh path, and a discovery client watching it. */
async function twoServersAndAClient() {
  const path = servicePath();
  const a = await named('a', path);
  const b = await named('b', path);
  const watch = membersWatcher();
  const client = await createDiscoveryClient(mod.Echo, { zookeeper: { connect: zk.connect, path }, timeout: 5000, onMembers: watch.onMembers });
  return { path, a, b, watch, client };
}

test('member nodes use the serverset layout; other data is skipped', () => {
  const bytes = encodeMember({ host: '127.0.0.1', port: 9090 });
  assert.equal(JSON.parse(new TextDecoder().decode(bytes)), { serviceEndpoint: { host: '127.0.0.1', port: 9090 }, additionalEndpoints: {}, status: 'ALIVE' });
  assert.equal(parseMember(bytes), { host: '127.0.0.1', port: 9090 });
  assert.equal(parseMember(new TextEncoder().encode('{"host":"h","port":1}')), { host: 'h', port: 1 });
  assert.is(parseMember(new TextEncoder().encode('{"serviceEndpoint":{"host":"h","port":1},"status":"DEAD"}')), undefined);
  assert.is(parseMember(new TextEncoder().encode('not json')), undefined);
});

test('a ZooKeeper that accepts but never answers: open() times out and lets go of the socket', async () => {
  const silent = createTcpServer();
  const accepted = once(silent, 'connection') as Promise<[Socket]>;
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const port = (silent.address() as { port: number }).port;
  const error = await rejection(ZooKeeperSession.open({ connect: `127.0.0.1:${port}`, connectTimeout: 300 }));
  assert.instance(error, TimeoutError);
  const [socket] = await accepted;
  socket.resume(); // read, so the client's end of the socket is seen
  if (!socket.closed) await within(once(socket, 'close'), 5000, 'the abandoned client to close its socket');
  silent.close();
});

test('a session closed while its reconnect waits on a silent server lets go of the socket', async () => {
  // A stand-in ZooKeeper: answers the first session handshake, then stays silent.
  const accepted: Socket[] = [];
  const second = signal<Socket>();
  const fake = createTcpServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    if (accepted.length === 1) {
      socket.once('data', () => {
        // ConnectResponse: protocolVersion, timeOut, sessionId, passwd (16 bytes), behind a length.
        const reply = Buffer.alloc(4 + 36);
        reply.writeInt32BE(36, 0);
        reply.writeInt32BE(10_000, 8);
        reply.writeBigInt64BE(1n, 12);
        reply.writeInt32BE(16, 20);
        socket.write(reply);
        socket.resume();
      });
    } else {
      socket.resume(); // read, so the client's end of the socket is seen
      second.resolve(socket);
    }
  });
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  const port = (fake.address() as { port: number }).port;
  const session = await within(ZooKeeperSession.open({ connect: `127.0.0.1:${port}`, sessionTimeout: 10_000 }), 5000, 'the first handshake');
  accepted[0]!.destroy();
  const silent = await within(second.promise, 5000, 'the client to reconnect');
  session.close();
  if (!silent.closed) await within(once(silent, 'close'), 5000, 'the closed session to let go of its socket');
  fake.close();
});

test('servers register under the service path and a client finds them all and spreads calls', async () => {
  const { a, b, watch, client } = await twoServersAndAClient();
  const hosts = await watch.until((h) => h.length === 2, 'both servers');
  assert.equal(hosts.map((h) => (h as { port: number }).port).sort(), [a.address.port, b.address.port].sort());
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(await client.version());
  assert.equal([...seen].sort(), ['a', 'b']);
  await client.close();
  await Promise.all([a.close(), b.close()]);
});

test('a server that leaves with close() loses no call under load, and a server that joins gets calls', async () => {
  const { path, a, b, watch, client } = await twoServersAndAClient();
  await watch.until((h) => h.length === 2, 'both servers');
  const answered = new Map<string, number>();
  const errors: unknown[] = [];
  let running = true;
  let calls = 0;
  let milestone: { at: number; resolve: () => void } | undefined;
  const reach = (count: number): Promise<void> => within(new Promise<void>((resolve) => (milestone = { at: calls + count, resolve })), 10_000, `${count} more calls`);
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const name = await client.version();
        answered.set(name, (answered.get(name) ?? 0) + 1);
      } catch (e) {
        errors.push(e);
      }
      calls++;
      if (milestone !== undefined && calls >= milestone.at) milestone.resolve();
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  await reach(200);
  await within(a.close(), 10_000, 'a to leave and close');
  await watch.until((h) => h.length === 1, 'a to be gone');
  const beforeC = answered.get('b') ?? 0;
  await reach(200);
  assert.ok((answered.get('b') ?? 0) > beforeC, 'b takes the calls after a left');
  const c = await named('c', path);
  await watch.until((h) => h.length === 2, 'c to join');
  await within(
    (async () => {
      while ((answered.get('c') ?? 0) === 0) await reach(10);
    })(),
    10_000,
    'c to answer a call',
  );
  running = false;
  await Promise.all(loops);
  assert.equal(errors, [], `${errors.length} of ${calls} calls failed`);
  assert.ok((answered.get('a') ?? 0) > 0 && (answered.get('c') ?? 0) > 0);
  await client.close();
  await Promise.all([b.close(), c.close()]);
});

test('a destroyed server (its session ends) disappears from the list', async () => {
  const { a, b, watch, client } = await twoServersAndAClient();
  await watch.until((h) => h.length === 2, 'both servers');
  b.destroy();
  const left = await watch.until((h) => h.length === 1, 'b to disappear');
  assert.equal(left, [{ host: '127.0.0.1', port: a.address.port }]);
  assert.is(await client.version(), 'a');
  await client.close();
  await a.close();
});

test('when ZooKeeper loses every session, servers register again and the client follows again', async () => {
  const path = servicePath();
  const a = await named('a', path, 2000);
  const b = await named('b', path, 2000);
  const watch = membersWatcher();
  const errors: unknown[] = [];
  const client = await createDiscoveryClient(mod.Echo, {
    zookeeper: { connect: zk.connect, path, sessionTimeout: 2000 },
    timeout: 5000,
    onMembers: watch.onMembers,
    onError: (e) => errors.push(e),
  });
  await watch.until((h) => h.length === 2, 'both servers');
  // An empty ZooKeeper on the same address: every session expires when its client reconnects.
  await zk.restartEmpty();
  const c = await named('c', path);
  const hosts = await watch.until((h) => h.length === 3, 'a and b to register again and c to join, seen through a new watch');
  assert.equal(hosts.map((h) => (h as { port: number }).port).sort(), [a.address.port, b.address.port, c.address.port].sort());
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(await client.version());
  assert.equal([...seen].sort(), ['a', 'b', 'c']);
  await client.close();
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('a client started before any server registers finds them when they come', async () => {
  const path = servicePath();
  const watch = membersWatcher();
  const client = await createDiscoveryClient(mod.Echo, { zookeeper: { connect: zk.connect, path }, timeout: 5000, onMembers: watch.onMembers });
  assert.equal(client.hosts, []);
  const a = await named('a', path);
  await watch.until((h) => h.length === 1, 'a to appear');
  assert.is(await client.version(), 'a');
  await client.close();
  await a.close();
});

test.run();
