/**
 * The JSON route beyond the documented examples: it shares the path with binary
 * calls, CORS and the size limit apply as to them, `json: false` turns it off,
 * it works whatever protocol the server speaks to binary clients, a handler's
 * ThriftAppError keeps its type, and a body sent a byte at a time is reassembled.
 * Real servers on 127.0.0.1, ephemeral ports.
 */
import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, createHttpConnection, createHttpServer, load, loadSource, ThriftAppError, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const JSON_TYPE = { 'Content-Type': 'application/json' };

async function withServer(fn: (url: string, server: ThriftServer) => Promise<void>, options: Record<string, unknown> = {}, handler: object = echoHandler(mod)): Promise<void> {
  const server = await createHttpServer(mod.Echo, handler, { port: 0, path: '/rpc', ...options });
  try {
    await fn(`http://127.0.0.1:${server.address.port}/rpc`, server);
  } finally {
    await server.close();
  }
}

async function post(url: string, body: string, headers: Record<string, string> = JSON_TYPE): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

test('binary and JSON calls share the path, over every server protocol', async () => {
  for (const protocol of ['binary', 'compact', 'json'] as const) {
    await withServer(async (url) => {
      const client = await createHttpConnection(mod.Echo, { url, protocol, timeout: 5000 });
      try {
        assert.is(await client.add(2, 3n), 5n);
      } finally {
        await client.close();
      }
      const res = await post(`${url}/echoBag`, '{"v":{"b":1,"s64":-9223372036854775808,"d":0.1,"bin":"AAE=","tags":["t"],"byId":{"7":{"x":1,"y":2}}}}');
      assert.is(res.status, 200, protocol);
      assert.is(res.headers.get('content-type'), 'application/json');
      assert.is(res.text, '{"success":{"b":1,"s64":-9223372036854775808,"d":0.1,"bin":"AAE=","tags":["t"],"byId":{"7":{"x":1,"y":2,"color":2}}}}');
    }, { protocol });
  }
});

test('json: false turns the route off; binary calls still work', async () => {
  await withServer(async (url) => {
    const res = await post(`${url}/add`, '{"a":1,"b":2}');
    assert.is(res.status, 404);
    const client = await createHttpConnection(mod.Echo, { url, timeout: 5000 });
    try {
      assert.is(await client.add(1, 2n), 3n);
    } finally {
      await client.close();
    }
  }, { json: false });
});

test('CORS as for binary calls: allowed origin echoed, preflight answered, others refused', async () => {
  await withServer(async (url) => {
    const ok = await post(`${url}/add`, '{"a":1,"b":2}', { ...JSON_TYPE, Origin: 'https://app.example' });
    assert.is(ok.status, 200);
    assert.is(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    const pre = await fetch(`${url}/add`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    assert.is(pre.status, 204);
    assert.is(pre.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    const bad = await post(`${url}/add`, '{"a":1,"b":2}', { ...JSON_TYPE, Origin: 'https://evil.example' });
    assert.is(bad.status, 403);
  }, { origins: ['https://app.example'] });
});

test('wrong Content-Type is 415, a body over maxMessageSize 413, a GET 405', async () => {
  await withServer(async (url) => {
    const form = await post(`${url}/add`, '{"a":1,"b":2}', { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.is(form.status, 415);
    assert.equal(JSON.parse(form.text).error.type, AppErrorType.PROTOCOL_ERROR);
    const big = await post(`${url}/echoString`, JSON.stringify({ v: 'x'.repeat(200) }));
    assert.is(big.status, 413);
    const get = await fetch(`${url}/add`);
    assert.is(get.status, 405);
  }, { maxMessageSize: 100 });
});

test('a ThriftAppError from the handler keeps its type and message; an empty body calls without arguments', async () => {
  const handler = { ...echoHandler(mod), version: () => { throw new ThriftAppError(AppErrorType.INVALID_TRANSFORM, 'no version for you'); } };
  await withServer(async (url) => {
    const res = await post(`${url}/version`, '');
    assert.is(res.status, 500);
    assert.equal(JSON.parse(res.text), { error: { type: AppErrorType.INVALID_TRANSFORM, message: 'no version for you' } });
    const close = await post(`${url}/close`, '');
    assert.is(close.text, '{"success":7}');
  }, {}, handler);
});

test('a missing argument is 400 naming it, and the handler does not run; optional arguments may be left out', async () => {
  const calc = loadSource('service Calc { i64 add(1: i64 a, 2: i64 b), string greet(1: string name, 2: optional string title) }');
  const ran: string[] = [];
  const server = await createHttpServer(
    calc.Calc,
    {
      add: (a: bigint, b: bigint) => (ran.push('add'), a + b),
      greet: (name: string, title?: string) => (title === undefined ? name : `${title} ${name}`),
    },
    { port: 0, path: '/thrift' },
  );
  try {
    const url = `http://127.0.0.1:${server.address.port}/thrift`;
    const missing = await post(`${url}/add`, '{"a":2}');
    assert.is(missing.status, 400);
    assert.equal(JSON.parse(missing.text), { error: { type: AppErrorType.PROTOCOL_ERROR, message: 'missing argument b: the IDL declares it, and only optional arguments may be left out' } });
    const none = await post(`${url}/add`, '');
    assert.is(none.status, 400);
    assert.match(JSON.parse(none.text).error.message, /^missing arguments a, b:/);
    assert.equal(ran, [], 'the handler never ran');
    assert.is((await post(`${url}/add`, '{"a":2,"b":3}')).text, '{"success":5}');
    assert.is((await post(`${url}/greet`, '{"name":"Ada"}')).text, '{"success":"Ada"}');
    assert.is((await post(`${url}/greet`, '{"name":"Ada","title":"Dr"}')).text, '{"success":"Dr Ada"}');
    // Binary calls keep accepting a missing argument, as Apache's servers do: only the JSON route is strict.
    const client = await createHttpConnection(calc.Calc, { url, timeout: 5000 });
    try {
      const error = await client.add(2n, undefined as never).catch((e: unknown) => e);
      assert.ok(ran.includes('add'), 'the binary call reached the handler');
      assert.instance(error, ThriftAppError);
    } finally {
      await client.close();
    }
  } finally {
    await server.close();
  }
});

test('multiplexed: unknown service and bare method are 404', async () => {
  const server = await createHttpServer({ Echo: [mod.Echo, echoHandler(mod)] }, { port: 0, path: '/' });
  try {
    const url = `http://127.0.0.1:${server.address.port}`;
    assert.is((await post(`${url}/Nope/add`, '{}')).status, 404);
    assert.is((await post(`${url}/add`, '{}')).status, 404);
    assert.is((await post(`${url}/Echo/add`, '{"a":1,"b":1}')).text, '{"success":2}');
  } finally {
    await server.close();
  }
});

test('a body sent one byte at a time is reassembled', async () => {
  await withServer(async (url) => {
    const body = Buffer.from('{"v":"Zé ✓ 𝄞"}');
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(`${url}/echoString`, { method: 'POST', headers: { ...JSON_TYPE, 'Content-Length': body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`));
      });
      req.on('error', reject);
      const write = (i: number): void => {
        if (i >= body.length) {
          req.end();
          return;
        }
        req.write(body.subarray(i, i + 1), () => write(i + 1));
      };
      write(0);
    });
    assert.is(answer, '200 {"success":"Zé ✓ 𝄞"}');
  });
});

test.run();
