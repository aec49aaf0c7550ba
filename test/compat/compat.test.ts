/**
 * thrift-streams/compat over real sockets: Apache's trailing callbacks on a client,
 * Apache's result-callback handlers served unchanged, node-int64 values for i64
 * (deep in structs and containers too), and the helpers that give them back.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromCallbackHandler, fromInt64, int64sFor, isInt64Like, toInt64, withCallbacks, type Int64Constructor } from '../../src/compat/index.js';
import { createConnection, createPool, createServer, load, ThriftAppError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { has } from '../helpers/peers.js';
import { signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const Int64 = createRequire(import.meta.url)('node-int64') as Int64Constructor & (new (n: number) => { toNumber(): number; toOctetString(): string });

/** A node-style callback as a promise of [error, result]. */
function callback<R>(): { cb: (e: unknown, r?: R) => void; done: Promise<[unknown, R | undefined]> } {
  const s = signal<[unknown, R | undefined]>();
  return { cb: (e, r) => s.resolve([e, r]), done: within(s.promise, 5000, 'the callback') };
}

async function withServer(handler: object, f: (port: number) => Promise<void>): Promise<void> {
  const server: ThriftServer = await createServer(mod.Echo, handler as never, { port: 0 });
  try {
    await f(server.address.port!);
  } finally {
    await server.close();
  }
}

test('withCallbacks: a trailing callback gets (null, result) or (error); without one the promise comes back', async () => {
  await withServer(echoHandler(mod), async (port) => {
    const client = withCallbacks(await createConnection(mod.Echo, { port }));
    const sum = callback<bigint>();
    assert.is(client.add(1, 1n, sum.cb), undefined, 'callback style returns nothing, as Apache');
    assert.equal(await sum.done, [null, 2n]);
    const missing = callback<unknown>();
    client.find(-1, missing.cb);
    const [error] = await missing.done;
    assert.instance(error, mod.Invalid);
    const none = callback<void>();
    client.ping(none.cb);
    assert.equal(await none.done, [null, undefined]);
    assert.is(await client.echoI32(5), 5, 'promise style still works');
    assert.is(await client.version(), '1.0', 'inherited functions too');
    await client.close();
    assert.is(await client.closed, undefined, "the client's own members pass through");
  });
});

test('withCallbacks: node-int64 values for i64 are sent as bigints, deep in structs and lists', async () => {
  await withServer(echoHandler(mod), async (port) => {
    const client = withCallbacks(await createConnection(mod.Echo, { port }));
    const r = callback<bigint>();
    client.add(1, new Int64(41) as never, r.cb);
    assert.equal(await r.done, [null, 42n]);
    assert.is(await client.echoI64(toInt64(-5n) as never), -5n);
    const bag = new mod.Bag({ s64: new Int64(7) as never, nested: [[new Int64(1) as never, 2n]] });
    const back = (await client.echoBag(bag)) as { s64: bigint; nested: bigint[][] };
    assert.is(back.s64, 7n);
    assert.equal(back.nested, [[1n, 2n]]);
    assert.instance(bag.s64, Int64, "the caller's value is not changed");
    await client.close();
  });
});

test('withCallbacks on a pool; on a client that carries no service, the service is asked for', async () => {
  await withServer(echoHandler(mod), async (port) => {
    const pool = await createPool(mod.Echo, { port, maxsize: 2 });
    assert.throws(() => withCallbacks({ call: (name: string, args: readonly unknown[]) => pool.call(name, args) }), /give the service/);
    const client = withCallbacks(pool, mod.Echo) as unknown as { echoI32(v: number, cb: (e: unknown, r?: number) => void): void };
    const r = callback<number>();
    client.echoI32(3, r.cb);
    assert.equal(await r.done, [null, 3]);
    await pool.close();
  });
});

test("fromCallbackHandler: Apache's (args…, result) handler served unchanged: values, declared exceptions, errors, oneway", async () => {
  const notified = signal<string>();
  const apacheHandler = {
    version: (result: (e: unknown, v?: string) => void) => result(null, 'apache'),
    ping: (result: (e: unknown) => void) => result(null),
    add: (a: number, b: { toNumber(): number }, result: (e: unknown, v?: unknown) => void) => result(null, new Int64(a + b.toNumber())),
    echoI32: (v: number) => v * 2, // No callback parameter: called as is.
    find(id: number, result: (e: unknown, v?: unknown) => void) {
      if (id < 0) return result(new mod.Invalid({ why: 'negative' }));
      if (id === 0) throw new Error('boom');
      setTimeout(() => result(null, new mod.Point({ x: id, y: id })), 1);
    },
    async delayed(value: number, _ms: number, _result: unknown) {
      return value + 1; // A promise instead of the callback, as Apache allows.
    },
    notify: (event: string, result: (e: unknown) => void) => {
      notified.resolve(event);
      result(null);
    },
  };
  const adapted = fromCallbackHandler(mod.Echo, apacheHandler);
  const refused = await createServer(mod.Echo, apacheHandler as never, { port: 0 }).then(
    (s) => s.close().then(() => undefined),
    (e: unknown) => e,
  );
  assert.match(String(refused), /callback-style handler/);
  await withServer(adapted, async (port) => {
    const client = await createConnection(mod.Echo, { port });
    assert.is(await client.version(), 'apache');
    await client.ping();
    assert.is(await client.add(2, 40n), 42n, 'a node-int64 result is sent as an i64');
    assert.is(await client.echoI32(4), 8);
    assert.equal({ ...(await client.find(3)) }, { ...new mod.Point({ x: 3, y: 3 }) });
    const invalid = await client.find(-1).catch((e: unknown) => e);
    assert.instance(invalid, mod.Invalid);
    const boom = await client.find(0).catch((e: unknown) => e);
    assert.instance(boom, ThriftAppError);
    // An error handed to result() is undeclared: the client gets Apache's generic text, not 'boom' (exposeErrors is off).
    assert.match((boom as Error).message, 'Internal error');
    assert.not.match((boom as Error).message, 'boom');
    assert.is(await client.delayed(1, 0), 2);
    await client.notify('hello');
    assert.is(await within(notified.promise, 5000, 'the oneway call'), 'hello');
    await client.close();
  });
});

/** An i64 as an Apache handler uses it. */
type ApacheI64 = { toNumber(allowImprecise?: boolean): number; toString(radix?: number): string; toOctetString(): string; buffer: Uint8Array };

test("fromCallbackHandler: i64 arguments reach the handler as node-int64 values, top level and deep in structs and lists", async () => {
  const seen: unknown[] = [];
  const apacheHandler = {
    add(a: number, b: ApacheI64, result: (e: unknown, v?: unknown) => void) {
      seen.push(b instanceof Int64, b.toNumber(), b.toString(), b.toOctetString(), b.buffer.length);
      result(null, new Int64(a + b.toNumber()));
    },
    echoI64: (v: ApacheI64, result: (e: unknown, v?: unknown) => void) => result(null, v),
    echoBag(bag: { s64: ApacheI64; nested: ApacheI64[][] }, result: (e: unknown, v?: unknown) => void) {
      seen.push(bag.s64.toNumber(), bag.nested[0].map((n) => n.toNumber()));
      result(null, bag);
    },
  };
  await withServer(fromCallbackHandler(mod.Echo, apacheHandler), async (port) => {
    const client = await createConnection(mod.Echo, { port });
    assert.is(await client.add(2, 40n), 42n);
    assert.equal(seen.splice(0), [true, 40, '40', '0000000000000028', 8]);
    assert.is(await client.echoI64(2n ** 63n - 1n), 2n ** 63n - 1n, 'all 64 bits there and back');
    const back = (await client.echoBag(new mod.Bag({ s64: -7n, nested: [[1n, 2n]] }))) as { s64: bigint; nested: bigint[][] };
    assert.equal(seen.splice(0), [-7, [1, 2]]);
    assert.is(back.s64, -7n);
    assert.equal(back.nested, [[1n, 2n]]);
    await client.close();
  });
});

test('int64sFor: without node-int64, i64 values become a look-alike an Apache handler can use', () => {
  const v = int64sFor(mod.Echo.functions.find((f: { name: string }) => f.name === 'echoI64').returns, -2n) as ApacheI64 & { valueOf(): number };
  assert.not.instance(v, Int64);
  assert.ok(isInt64Like(v));
  assert.is(v.toNumber(), -2);
  assert.is(v.toString(), '-2');
  assert.is(v.toString(16), '-2');
  assert.is(v.toOctetString(), 'fffffffffffffffe');
  assert.is(+v, -2);
  assert.equal([...v.buffer], [255, 255, 255, 255, 255, 255, 255, 254]);
  assert.is(toInt64(2n ** 60n).toNumber(), Infinity, "beyond 2^53 it is Infinity unless allowed, node-int64's rule");
  assert.is(toInt64(2n ** 60n).toNumber(true), 2 ** 60);
});

/** Apache's generated exception as `thrift --gen js:node` writes it: an anonymous constructor with its IDL name in `name`. */
const ApacheInvalid = [
  function (this: Record<string, unknown>, args?: { why?: string }) {
    this.name = 'Invalid';
    this.message = 'Invalid';
    this.why = args?.why ?? null;
  },
][0] as unknown as new (args?: { why?: string }) => Error & { why: string };
Object.setPrototypeOf(ApacheInvalid.prototype, Error.prototype);

test("fromCallbackHandler: an error named as a declared exception (Apache's generated class) is sent as that exception; others stay undeclared", async () => {
  class NotFound extends Error {
    code = 404;
  }
  class Elsewhere extends Error {
    why = 'not declared by find';
  }
  const handler = {
    find(id: number, result: (e: unknown, v?: unknown) => void) {
      if (id === -1) return result(new ApacheInvalid({ why: 'negative' }));
      if (id === -2) throw new NotFound('no such point');
      if (id === -3) return Promise.reject(new ApacheInvalid({ why: 'rejected' }));
      result(new Elsewhere('elsewhere'));
    },
  };
  await withServer(fromCallbackHandler(mod.Echo, handler), async (port) => {
    const client = await createConnection(mod.Echo, { port });
    const invalid = await client.find(-1).catch((e: unknown) => e);
    assert.instance(invalid, mod.Invalid);
    assert.is((invalid as { why: string }).why, 'negative');
    const notFound = await client.find(-2).catch((e: unknown) => e);
    assert.instance(notFound, mod.NotFound);
    assert.equal([(notFound as { message: string }).message, (notFound as { code: number }).code], ['no such point', 404]);
    const rejected = await client.find(-3).catch((e: unknown) => e);
    assert.instance(rejected, mod.Invalid);
    assert.is((rejected as { why: string }).why, 'rejected');
    assert.instance(await client.find(1).catch((e: unknown) => e), ThriftAppError);
    await client.close();
  });
});

if (has('thrift-compiler', "compat: Apache's generated client against an unchanged Apache handler (code from thrift --gen js:node)")) {
  test("fromCallbackHandler: Apache's own client calls an Apache handler that uses its generated exceptions and node-int64 arguments", async () => {
    const idl = fileURLToPath(new URL('../fixtures/echo.thrift', import.meta.url));
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
    const gen = mkdtempSync(join(tmpdir(), 'thrift-streams-compat-'));
    try {
      execFileSync('thrift', ['--gen', 'js:node', '-out', gen, idl], { stdio: 'ignore' });
      // The generated files require('thrift') and require('node-int64'): resolve them to this repo's copies.
      if (!existsSync(join(gen, 'node_modules'))) symlinkSync(join(repoRoot, 'node_modules'), join(gen, 'node_modules'), 'dir');
      const require = createRequire(join(repoRoot, 'package.json'));
      const thrift = require('thrift');
      const Echo = require(join(gen, 'Echo.js'));
      const ttypes = require(join(gen, 'echo_types.js'));
      const handler = {
        add: (a: number, b: ApacheI64, result: (e: unknown, v?: unknown) => void) => result(null, new Int64(a + b.toNumber())),
        find(id: number, result: (e: unknown, v?: unknown) => void) {
          if (id < 0) return result(new ttypes.Invalid({ why: `negative: ${id}` }));
          result(null, new ttypes.Point({ x: id, y: id }));
        },
        echoBag: (bag: { s64: ApacheI64 }, result: (e: unknown, v?: unknown) => void) => result(null, new ttypes.Bag({ s64: new Int64(bag.s64.toNumber() * 2) })),
      };
      await withServer(fromCallbackHandler(mod.Echo, handler), async (port) => {
        const connection = thrift.createConnection('127.0.0.1', port, { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol });
        connection.on('error', () => {});
        const client = thrift.createClient(Echo, connection);
        // Callbacks keep the 0.17-generated client off its promise path (thrift.Q is gone from the 0.24 library).
        const call = (method: string, ...args: unknown[]) =>
          within(new Promise<[any, any]>((resolve) => client[method](...args, (e: unknown, r: unknown) => resolve([e, r]))), 5000, `Apache's ${method}`);
        try {
          const [addError, sum] = await call('add', 2, new Int64(40));
          assert.is(addError, null);
          assert.is(sum.toNumber(), 42);
          const [findError] = await call('find', -1);
          assert.instance(findError, ttypes.Invalid, "Apache's client gets the declared exception, not a TApplicationException");
          assert.is(findError.why, 'negative: -1');
          const [, point] = await call('find', 3);
          assert.equal([point.x, point.y], [3, 3]);
          const [bagError, bag] = await call('echoBag', new ttypes.Bag({ s64: new Int64(21) }));
          assert.is(bagError, null);
          assert.is(bag.s64.toNumber(), 42);
        } finally {
          connection.end();
        }
      });
    } finally {
      rmSync(gen, { recursive: true, force: true });
    }
  });
}

test('toInt64 and fromInt64 round-trip at the edges, with node-int64 and with the look-alike', () => {
  const edges = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const n of edges) {
    const real = toInt64(n, Int64);
    assert.instance(real, Int64);
    assert.is(fromInt64(real), n, `node-int64 ${n}`);
    const alike = toInt64(n);
    assert.ok(isInt64Like(alike));
    assert.is(fromInt64(alike), n, `look-alike ${n}`);
    assert.is(alike.toOctetString(), real.toOctetString(), `same octets for ${n}`);
    assert.is(alike.toNumber(), real.toNumber(), `same toNumber for ${n}`);
  }
  assert.is(fromInt64({ toOctetString: () => 'ffffffffffffffff' } as never), -1n);
  assert.throws(() => toInt64(2n ** 64n), RangeError);
  assert.is(String(toInt64(42)), '42');
  assert.not.ok(isInt64Like({ buffer: 1 }));
});

test.run();
