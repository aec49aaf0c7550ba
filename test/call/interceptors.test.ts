/** Interceptors on client and server, and the two ready ones (timing/logging, metrics). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CallMetrics,
  createConnection,
  createHttpConnection,
  createHttpServer,
  createWebSocketConnection,
  createWebSocketServer,
  createServer,
  load,
  timingInterceptor,
  type CallPeer,
  type CallRecord,
  type InterceptedCall,
  type Interceptor,
} from '../../src/index.js';
import WebSocket from 'ws';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** Records what it sees: the call on the way in, the outcome on the way out. */
function recorder(seen: string[], tag: string): Interceptor {
  return (next) => async (call) => {
    seen.push(`${tag}> ${call.side} ${call.service}.${call.method}(${call.args.map(String).join(',')}) #${call.seqid}`);
    try {
      const result = await next(call);
      seen.push(`${tag}< ok ${String(result)}`);
      return result;
    } catch (e) {
      seen.push(`${tag}< error ${(e as Error).name}`);
      throw e;
    }
  };
}

test('client and server interceptors see service, method, arguments, sequence id and result, outermost first', async () => {
  const server: string[] = [];
  const client: string[] = [];
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [recorder(server, 'S1'), recorder(server, 'S2')] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [recorder(client, 'C1'), recorder(client, 'C2')] });
  assert.is(await conn.add(2, 40n), 42n);
  assert.equal(client, ['C1> client Echo.add(2,40) #1', 'C2> client Echo.add(2,40) #1', 'C2< ok 42', 'C1< ok 42']);
  assert.equal(server, ['S1> server Echo.add(2,40) #1', 'S2> server Echo.add(2,40) #1', 'S2< ok 42', 'S1< ok 42']);
  conn.destroy();
  srv.destroy();
});

test('interceptors see errors: declared exceptions, application errors, and timeouts on the client', async () => {
  const server: string[] = [];
  const client: string[] = [];
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [recorder(server, 'S')] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [recorder(client, 'C')] });
  assert.instance(await rejection(conn.find(0)), mod.NotFound);
  assert.is((await rejection(conn.fail('boom'))).code, 'APPLICATION');
  assert.is((await rejection(conn.call('delayed', [1, 2000], { timeout: 20 }))).code, 'TIMEOUT');
  assert.equal(client.filter((l) => l.startsWith('C<')), ['C< error NotFound', 'C< error ThriftAppError', 'C< error TimeoutError']);
  assert.equal(server.filter((l) => l.startsWith('S<')).slice(0, 2), ['S< error NotFound', 'S< error Error']);
  conn.destroy();
  srv.destroy();
});

test('interceptors can rewrite arguments and results, and a server interceptor can refuse a call', async () => {
  const double: Interceptor = (next) => (call) => (call.method === 'echoI32' ? next({ ...call, args: [(call.args[0] as number) * 2] }) : next(call));
  const deny: Interceptor = (next) => (call) => (call.method === 'echoString' ? Promise.reject(new mod.Invalid({ why: 'denied' })) : next(call));
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [deny] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [double] });
  assert.is(await conn.echoI32(21), 42);
  // Not a declared exception of echoString: the client sees an INTERNAL_ERROR application error.
  assert.is((await rejection(conn.echoString('x'))).code, 'APPLICATION');
  conn.destroy();
  srv.destroy();
});

test('a server interceptor sees oneway calls; client and server sequence ids agree', async () => {
  const calls: InterceptedCall[] = [];
  const arrived = signal<string>();
  const srv = await createServer(mod.Echo, echoHandler(mod, { notify: (e) => arrived.resolve(e) }), {
    port: 0,
    interceptors: [(next) => (call) => (calls.push(call), next(call))],
  });
  const clientIds: number[] = [];
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [(next) => (call) => (clientIds.push(call.seqid), next(call))] });
  await conn.ping();
  await conn.notify('hello');
  assert.is(await within(arrived.promise, 5000, 'the oneway call'), 'hello');
  assert.equal(calls.map((c) => [c.method, c.oneway, c.seqid]), [['ping', false, clientIds[0]], ['notify', true, clientIds[1]]]);
  conn.destroy();
  srv.destroy();
});

test('timingInterceptor reports one record per call with its duration and error', async () => {
  const records: CallRecord[] = [];
  const lines: string[] = [];
  const log = (r: CallRecord, line: string): void => {
    records.push(r);
    lines.push(line);
  };
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [timingInterceptor({ log })] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [timingInterceptor({ log, logArgs: true })] });
  await conn.delayed(7, 15);
  await rejection(conn.find(-1));
  assert.equal(records.map((r) => `${r.side} ${r.method} ${r.error === undefined ? 'ok' : 'error'}`), [
    'server delayed ok',
    'client delayed ok',
    'server find error',
    'client find error',
  ]);
  // A few ms of slack below the 15 ms sleep: timers may fire a little early against performance.now().
  assert.ok(records[1].ms >= 10, `client saw ${records[1].ms} ms for a 15 ms call`);
  assert.match(lines[1], /^client Echo\.delayed\(7, 15\) #1 ok \d+\.\d\d ms$/);
  assert.match(lines[3], /^client Echo\.find\(-1\) #2 failed: Invalid/);
  conn.destroy();
  srv.destroy();
});

test('CallMetrics counts calls, errors and in-flight calls and keeps a latency histogram', async () => {
  const serverMetrics = new CallMetrics();
  // The last bound is far above the 30 ms call, so that a slow machine still finds it in a bucket with a bound.
  const clientMetrics = new CallMetrics({ buckets: [1, 10, 60_000] });
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [serverMetrics.interceptor] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, timeout: 5000, interceptors: [clientMetrics.interceptor] });
  const slow = conn.delayed(1, 30);
  assert.is(clientMetrics.get('Echo.delayed')?.inflight, 1);
  await Promise.all([slow, conn.ping(), conn.ping(), rejection(conn.find(0))]);
  const m = clientMetrics.snapshot();
  assert.equal(Object.keys(m).sort(), ['Echo.delayed', 'Echo.find', 'Echo.ping']);
  assert.is(m['Echo.ping'].calls, 2);
  assert.is(m['Echo.find'].errors, 1);
  assert.is(m['Echo.delayed'].inflight, 0);
  // The call sleeps 30 ms on the server: it cannot land at or under 10 ms, and how far above depends on the machine.
  const [upTo1, upTo10, ...above10] = m['Echo.delayed'].counts;
  assert.equal([upTo1, upTo10], [0, 0], `a 30 ms call counted under 10 ms: ${m['Echo.delayed'].counts}`);
  assert.is(above10.reduce((a, b) => a + b, 0), 1, 'one call above 10 ms');
  assert.ok(clientMetrics.quantile('Echo.delayed', 0.99)! >= 60_000, 'the quantile is the bound of the bucket above 10 ms');
  assert.ok(m['Echo.delayed'].maxMs >= 25, `maxMs ${m['Echo.delayed'].maxMs} for a 30 ms call`);
  assert.is(serverMetrics.get('Echo.ping')?.calls, 2);
  assert.is(serverMetrics.get('Echo.find')?.errors, 1);
  const total = Object.values(serverMetrics.snapshot()).reduce((n, x) => n + x.counts.reduce((a, b) => a + b, 0), 0);
  assert.is(total, 4, 'every settled call lands in one bucket');
  clientMetrics.reset();
  assert.is(clientMetrics.get('Echo.ping'), undefined);
  conn.destroy();
  srv.destroy();
});

test('interceptors on a multiplexed server', async () => {
  const seen: string[] = [];
  const srv = await createServer({ Echo: [mod.Echo, echoHandler(mod)] }, { port: 0, interceptors: [recorder(seen, 'S')] });
  const conn = await createConnection(mod.Echo, { port: srv.address.port, service: 'Echo', timeout: 5000 });
  assert.is(await conn.echoI32(5), 5);
  assert.equal(seen, ['S> server Echo.echoI32(5) #1', 'S< ok 5']);
  conn.destroy();
  srv.destroy();
});

/** `peer` is a loopback client on its own ephemeral port (not the server's `port`). */
function isClientOf(peer: CallPeer | undefined, port: number | undefined): void {
  assert.is(peer?.address, '127.0.0.1');
  assert.is(peer?.transport, 'tcp');
  assert.ok(typeof peer?.port === 'number' && peer.port !== port, `client port ${peer?.port}`);
}

/** Records the `peer` each server call sees. */
function peers(seen: (CallPeer | undefined)[]): Interceptor {
  return (next) => (call) => (seen.push(call.peer), next(call));
}

test("a server interceptor sees the client's address: one peer object per connection, each connection its own port", async () => {
  const seen: (CallPeer | undefined)[] = [];
  const srv = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'framed', interceptors: [peers(seen)] });
  const one = await createConnection(mod.Echo, { port: srv.address.port, transport: 'framed', timeout: 5000 });
  const two = await createConnection(mod.Echo, { port: srv.address.port, transport: 'framed', timeout: 5000 });
  try {
    await one.ping();
    await one.ping();
    await two.ping();
    assert.is(seen.length, 3);
    const [a, b, c] = seen;
    assert.equal({ ...a, port: 0 }, { address: '127.0.0.1', port: 0, transport: 'tcp' });
    assert.is(a, b, 'the same object for every call of one connection (tracing caches by it)');
    assert.type(a!.port, 'number');
    assert.is.not(a!.port, srv.address.port, "the client's ephemeral port, not the server's");
    assert.is.not(c!.port, a!.port, 'a second connection, a second port');
  } finally {
    one.destroy();
    two.destroy();
    srv.destroy();
  }
});

test("over WebSocket a server interceptor sees the client's address, one object for the connection", async () => {
  const seen: (CallPeer | undefined)[] = [];
  const srv = await createWebSocketServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [peers(seen)] });
  const conn = await createWebSocketConnection(mod.Echo, { url: `ws://127.0.0.1:${srv.address.port}/`, WebSocket: WebSocket as never, timeout: 5000 });
  try {
    await conn.ping();
    await conn.ping();
    assert.is(seen.length, 2);
    assert.is(seen[0], seen[1]);
    isClientOf(seen[0], srv.address.port);
  } finally {
    await conn.close();
    await srv.close();
  }
});

test("over HTTP a server interceptor sees the client's address too", async () => {
  const seen: (CallPeer | undefined)[] = [];
  const srv = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, interceptors: [peers(seen)] });
  const conn = await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${srv.address.port}/`, timeout: 5000 });
  try {
    await conn.ping();
    assert.is(seen.length, 1);
    isClientOf(seen[0], srv.address.port);
  } finally {
    await conn.close();
    await srv.close();
  }
});

test.run();
