/**
 * Options that refuse mistakes: every public factory checks its options at the door.
 * Unknown names, Apache's and aiothrift's names, tuples and wrong types are
 * TypeErrors naming the factory, the option and what to write instead; nothing is
 * dialled or bound first (the ports given here have no server).
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBalancedClient,
  createClient,
  createConnection,
  createHttpConnection,
  createHttpServer,
  createMemoryPair,
  createPool,
  createReconnectingConnection,
  createServer,
  createWebSocketConnection,
  createWebSocketServer,
  load,
  Processor,
  ProtocolError,
  serveConnection,
} from '../src/index.js';
import { echoHandler } from './helpers/echo-handler.js';

const mod = load(new URL('./fixtures/echo.thrift', import.meta.url).pathname);
const handler = echoHandler(mod);
/** A port nothing listens on: a factory that dialled before checking would fail differently. */
const dead = { port: 1 };

/** Runs `f` and returns the TypeError it throws or rejects with. */
async function refusal(f: () => unknown): Promise<TypeError> {
  try {
    await f();
  } catch (e) {
    assert.instance(e, TypeError, `a TypeError, got ${String(e)}`);
    return e as TypeError;
  }
  assert.unreachable('expected a TypeError, nothing was thrown');
  throw new Error('unreachable');
}

/** Every factory, given `options` (with what else it needs to get that far). */
const factories: Record<string, (options: any) => unknown> = {
  createConnection: (o) => createConnection(mod.Echo, o),
  createPool: (o) => createPool(mod.Echo, o),
  createReconnectingConnection: (o) => createReconnectingConnection(mod.Echo, o),
  createBalancedClient: (o) => createBalancedClient(mod.Echo, { hosts: [], ...o }),
  createClient: (o) => createClient(mod.Echo, createMemoryPair()[0], o),
  createHttpConnection: (o) => createHttpConnection(mod.Echo, { url: 'http://127.0.0.1:1/', ...o }),
  createWebSocketConnection: (o) => createWebSocketConnection(mod.Echo, { url: 'ws://127.0.0.1:1/', ...o }),
  createServer: (o) => createServer(mod.Echo, handler, o),
  createHttpServer: (o) => createHttpServer(mod.Echo, handler, o),
  createWebSocketServer: (o) => createWebSocketServer(mod.Echo, handler, o),
  serveConnection: (o) => serveConnection(createMemoryPair()[0], new Processor(mod.Echo, handler), o),
};

for (const [name, make] of Object.entries(factories)) {
  test(`${name}: an unknown option is a TypeError naming the option and the factory`, async () => {
    const e = await refusal(() => make({ colour: 'blue' }));
    assert.match(e.message, new RegExp(`^${name}: unknown option "colour"`));
  });
  test(`${name}: an option of the wrong type names the shape expected`, async () => {
    const key = name === 'serveConnection' ? 'maxInflight' : 'maxMessageSize';
    const e = await refusal(() => make({ [key]: '1024' }));
    assert.match(e.message, `${name}: option ${key} must be number, got string "1024"`);
  });
}

test("Apache's connection options say what to use instead", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...dead, max_attempts: 5 }, "createConnection: unknown option \"max_attempts\" (Apache's max_attempts: use createReconnectingConnection(service, { retry: { maxAttempts } }))"],
    [{ ...dead, retry_max_delay: 1000 }, "createConnection: unknown option \"retry_max_delay\" (Apache's retry_max_delay: use retry: { maxDelay } (ms) with createReconnectingConnection)"],
    [{ ...dead, connect_timeout: 1000 }, 'createConnection: unknown option "connect_timeout" (Apache\'s connect_timeout: use connectTimeout (ms))'],
    [{ ...dead, debug: true }, 'createConnection: unknown option "debug" (Apache\'s debug flag: log with interceptors (e.g. timingInterceptor), see docs/migrating.md)'],
    [{ ...dead, ssl: true }, "createConnection: unknown option \"ssl\" (Apache's ssl: use tls (node:tls options) — or, over HTTP, an https:// url)"],
  ];
  for (const [options, message] of cases) assert.is((await refusal(() => createConnection(mod.Echo, options as never))).message, message);
});

test("URL factories: the main entry hints at every Apache and aiothrift name, thrift-streams/browser's at Apache's HTTP options only", async () => {
  const browser = await import('../src/browser.js');
  const url = 'http://127.0.0.1:1/';
  const main = await refusal(() => createHttpConnection(mod.Echo, { url, max_attempts: 3 } as never));
  assert.is(main.message, "createHttpConnection: unknown option \"max_attempts\" (Apache's max_attempts: use createReconnectingConnection(service, { retry: { maxAttempts } }))");
  const ws = await refusal(() => createWebSocketConnection(mod.Echo, { url: 'ws://127.0.0.1:1/', address: ['127.0.0.1', 1] } as never));
  assert.match(ws.message, "aiothrift's address: use host and port");
  // The browser's carry the hints about HTTP, and no table of socket and server names.
  const https = await refusal(() => browser.createHttpConnection(mod.Echo, { url, https: true } as never));
  assert.is(https.message, "createHttpConnection: unknown option \"https\" (Apache's https: put https:// in url)");
  const port = await refusal(() => browser.createWebSocketConnection(mod.Echo, { url: 'ws://127.0.0.1:1/', port: 1 } as never));
  assert.match(port.message, "give the whole address as url, e.g. { url: 'ws://127.0.0.1:8080/' }");
  const other = await refusal(() => browser.createHttpConnection(mod.Echo, { url, max_attempts: 3 } as never));
  assert.is(other.message, 'createHttpConnection: unknown option "max_attempts"');
});

test("Apache's transport and protocol classes are refused with the names to use", async () => {
  function TFramedTransport() {}
  function TCompactProtocol() {}
  const t = await refusal(() => createConnection(mod.Echo, { ...dead, transport: TFramedTransport as never }));
  assert.is(t.message, "createConnection: option transport must be string, got function TFramedTransport (Apache's transport classes (TFramedTransport) are named here: transport: 'buffered' | 'framed' | 'header')");
  const p = await refusal(() => createServer(mod.Echo, handler, { port: 0, protocol: TCompactProtocol as never }));
  assert.is(p.message, "createServer: option protocol must be string or object, got function TCompactProtocol (Apache's protocol classes (TCompactProtocol) are named here: protocol: 'binary' | 'compact' | 'json')");
});

test("Apache's retry names inside retry are refused too", async () => {
  const e = await refusal(() => createReconnectingConnection(mod.Echo, { ...dead, retry: { max_attempts: 3 } as never }));
  assert.is(e.message, 'retry: unknown option "max_attempts" (Apache\'s max_attempts: use maxAttempts)');
  const f = await refusal(() => createReconnectingConnection(mod.Echo, { ...dead, maxAttempts: 3 } as never));
  assert.match(f.message, 'maxAttempts belongs in retry: { maxAttempts }');
});

test("aiothrift's (connect, read) timeout tuple is refused with the two options", async () => {
  const e = await refusal(() => createConnection(mod.Echo, { ...dead, timeout: [1000, 5000] as never }));
  assert.is(e.message, "createConnection: option timeout must be number, got array of 2 (aiothrift's (connect, read) timeout tuple: use connectTimeout and timeout, both in ms)");
  const p = await refusal(() => createPool(mod.Echo, { ...dead, timeout: [1, 5] as never }));
  assert.match(p.message, /^createPool: option timeout must be number/);
});

test("aiothrift's address tuple in place of options is refused with the object to write", async () => {
  const s = await refusal(() => createServer(mod.Echo, handler, ['127.0.0.1', 6001] as never));
  assert.is(s.message, "createServer: options must be an object, got an array — aiothrift's address tuple: use { host: \"127.0.0.1\", port: 6001 }");
  const c = await refusal(() => createConnection(mod.Echo, ['127.0.0.1', 6001] as never));
  assert.match(c.message, /^createConnection: options must be an object, got an array — aiothrift's address tuple/);
  const a = await refusal(() => createPool(mod.Echo, { address: ['127.0.0.1', 6001] } as never));
  assert.match(a.message, "aiothrift's address: use host and port");
});

test("a server's timeout (aiothrift's idle timeout, in seconds) points to idleTimeout in ms", async () => {
  const e = await refusal(() => createServer(mod.Echo, handler, { port: 0, timeout: 10 } as never));
  assert.is(
    e.message,
    "createServer: unknown option \"timeout\" (servers close idle connections after idleTimeout, in ms (aiothrift's timeout is in seconds: timeout: 10 is idleTimeout: 10_000); call timeouts are the client's)",
  );
  const m = await refusal(() => createServer({ Echo: [mod.Echo, handler] }, { port: 0, timeout: 10 } as never));
  assert.match(m.message, /^createServer: unknown option "timeout"/);
});

test('options that are not objects, ports as strings, hosts not in an array', async () => {
  assert.is((await refusal(() => createConnection(mod.Echo, 'localhost' as never))).message, 'createConnection: options must be an object, got string "localhost"');
  assert.match((await refusal(() => createConnection(mod.Echo, { port: '9090' } as never))).message, 'give the port as a number: port: 9090');
  assert.match((await refusal(() => createPool(mod.Echo, { hosts: '127.0.0.1:1' } as never))).message, "hosts is an array");
  assert.match((await refusal(() => createHttpConnection(mod.Echo, { url: 'http://127.0.0.1:1/', port: 1 } as never))).message, 'give the whole address as url');
});

test("Apache's createConnection(host, port) and createClient(Svc, connection) say how it is done here", async () => {
  const e = await refusal(() => createConnection('localhost' as never, 9090 as never));
  assert.match(e.message, "Apache's createConnection(host, port, options) is createConnection(service, { host, port }) here");
  const c = await refusal(() => createClient(mod.Echo, { on() {}, write() {} } as never));
  assert.match(c.message, /^createClient: the second argument must be a byte duplex \{ readable, writable \}/);
  assert.match(c.message, 'createConnection(service, { host, port })');
});

test("Apache's generated module (gen-nodejs) is recognised and the error points to load() and gen", async () => {
  const generated = { Client: function CalculatorClient() {}, Processor: function CalculatorProcessor() {} };
  for (const make of [() => createServer(generated as never, handler as never, { port: 0 }), () => createConnection(generated as never, dead), () => createHttpServer({ Calc: generated } as never)]) {
    const e = await refusal(make);
    assert.match(e.message, "this is a module Apache's compiler generated (gen-nodejs, with Client and Processor)");
    assert.match(e.message, 'load(file).MyService');
    assert.match(e.message, 'thrift-streams gen');
  }
});

test('a handler taking more parameters than its IDL function (a result callback) is refused at createServer', async () => {
  const callbackStyle = { ...handler, add: (a: number, b: bigint, result: (e: unknown, v?: bigint) => void) => result(null, BigInt(a) + b) };
  const e = await refusal(() => createServer(mod.Echo, callbackStyle as never, { port: 0 }));
  assert.match(e.message, /^handler\.add takes 3 parameters but Echo\.add declares 2 \(a, b\): a callback-style handler/);
  assert.match(e.message, 'fromCallbackHandler()');
  // Default and rest parameters do not count in fn.length, so they pass.
  const fine = { ...handler, add: (a: number, b: bigint, _unused = 0) => BigInt(a) + b, echoI32: (...v: number[]) => v[0] };
  const server = await createServer(mod.Echo, fine, { port: 0 });
  await server.close();
  // Every server entry point builds the same processor.
  await refusal(() => createHttpServer(mod.Echo, callbackStyle as never, { port: 0 }));
  await refusal(() => createWebSocketServer({ Echo: [mod.Echo, callbackStyle] } as never, { port: 0 }));
});

test('ProtocolError describes the value it refused: a node-int64 value for an i64', async () => {
  const Int64 = createRequire(import.meta.url)('node-int64') as new (n: number) => object;
  const [a, b] = createMemoryPair();
  const served = serveConnection(b, new Processor(mod.Echo, handler));
  const client = createClient(mod.Echo, a);
  try {
    const e = await client.add(1, new Int64(1) as never).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.instance(e, ProtocolError);
    assert.match((e as Error).message, 'expected i64, got object of an anonymous class {buffer, offset}');
    const f = await client.echoI32([1] as never).catch((err: unknown) => err);
    assert.match((f as Error).message, 'expected i32, got array of 1');
  } finally {
    client.destroy();
    served.destroy();
  }
});

test.run();
