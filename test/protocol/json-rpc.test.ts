/** End to end with protocol: 'json' over real sockets on 127.0.0.1, for both framings. */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { AppErrorType, createConnection, createServer, load, ThriftAppError, type ServiceClient, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

for (const transport of ['buffered', 'framed'] as const) {
  const test = suite(`json rpc over ${transport}`);
  let server: ThriftServer;
  let conn: ServiceClient;
  let notified: (event: string) => void = () => {};

  test.before(async () => {
    server = await createServer(mod.Echo, echoHandler(mod, { notify: (e) => notified(e) }), { port: 0, host: '127.0.0.1', transport, protocol: 'json' });
    conn = await createConnection(mod.Echo, { port: server.address.port, host: '127.0.0.1', transport, protocol: 'json', timeout: 5000 });
  });

  test.after(async () => {
    conn?.destroy();
    server?.destroy();
  });

  test('every base type round-trips, edge values included', async () => {
    assert.is(await conn.echoBool(true), true);
    assert.is(await conn.echoBool(false), false);
    for (const v of [-128, 0, 127]) assert.is(await conn.echoByte(v), v);
    for (const v of [-32768, 32767]) assert.is(await conn.echoI16(v), v);
    for (const v of [-2147483648, 2147483647]) assert.is(await conn.echoI32(v), v);
    for (const v of [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n, 2n ** 53n + 1n]) assert.is(await conn.echoI64(v), v);
    for (const v of [0.1, -1e-300, 5e-324, 1.7976931348623157e308, Infinity, -Infinity]) assert.is(await conn.echoDouble(v), v);
    assert.ok(Number.isNaN(await conn.echoDouble(NaN)));
    assert.ok(Object.is(await conn.echoDouble(-0), -0));
    for (const v of ['', 'ascii', 'ünïcödé ✓ 𝄞 中文 "\\/\b\f\n\r\t\x00\x1f', ']}"'.repeat(1000)]) assert.is(await conn.echoString(v), v);
    const bytes = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
    assert.equal([...(await conn.echoBinary(bytes))], [...bytes]);
    assert.is(await conn.echoEnum(mod.Color.BLUE), 10);
  });

  test('containers, structs and a message larger than one socket read', async () => {
    assert.equal(await conn.echoList([]), []);
    assert.equal(await conn.echoSet(new Set(['a', 'b'])), new Set(['a', 'b']));
    assert.equal(await conn.echoMap(new Map([['one', 1], ['', -2]])), new Map([['one', 1], ['', -2]]));
    const bag = new mod.Bag({
      b: true,
      y: 1,
      s16: 2,
      s32: 3,
      s64: -(2n ** 63n),
      d: 5.5,
      str: 'é'.repeat(200_000),
      bin: new Uint8Array(300_000).fill(7),
      points: Array.from({ length: 1000 }, (_, i) => new mod.Point({ x: i, y: -i, label: i % 2 ? 'odd' : undefined })),
      tags: new Set(['t']),
      index: new Map([['k', [1, 2]]]),
      byId: new Map([[9, new mod.Point({ x: 9, y: 9 })], [-9, new mod.Point({ x: 0, y: 0 })]]),
      nested: [[1n], [], [2n, 3n]],
      origin: new mod.Point({ x: 0, y: 0 }),
    });
    const back = await conn.echoBag(bag);
    assert.instance(back, mod.Bag);
    assert.equal(back, bag);
  });

  test('several arguments, inherited functions, declared and undeclared exceptions', async () => {
    assert.is(await conn.add(5, 6n), 11n);
    assert.is(await conn.version(), '1.0');
    const nf = await rejection(conn.find(0));
    assert.instance(nf, mod.NotFound);
    assert.is(nf.code, 404);
    const inv = await rejection(conn.find(-1));
    assert.instance(inv, mod.Invalid);
    const e = await rejection(conn.fail('kaboom'));
    assert.instance(e, ThriftAppError);
    assert.is(e.type, AppErrorType.INTERNAL_ERROR);
    // The handler's text stays on the server: the client gets Apache's generic wording.
    assert.is(e.message, 'Internal error');
    assert.is(await conn.echoI32(1), 1);
  });

  test('an unknown method gets UNKNOWN_METHOD over JSON too', async () => {
    const other = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
    const extra = { ...other.Echo, functions: [...other.Echo.functions, { ...other.Echo.functions[0], name: 'missing' }] };
    const c = await createConnection(extra, { port: server.address.port, host: '127.0.0.1', transport, protocol: 'json', timeout: 5000 });
    try {
      const e = await rejection(c.missing());
      assert.instance(e, ThriftAppError);
      assert.is(e.type, AppErrorType.UNKNOWN_METHOD);
      assert.is(await c.echoI32(5), 5);
    } finally {
      c.destroy();
    }
  });

  test('a oneway call arrives; 500 concurrent calls settle with their own results', async () => {
    const arrived = signal<string>();
    notified = arrived.resolve;
    assert.is(await conn.notify('hello'), undefined);
    assert.is(await within(arrived.promise, 5000, 'the oneway call'), 'hello');
    const calls = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? conn.delayed(i, i % 5) : conn.echoI32(i)));
    assert.equal(await within(Promise.all(calls), 10_000, '500 calls'), Array.from({ length: 500 }, (_, i) => i));
  });

  test.run();
}
