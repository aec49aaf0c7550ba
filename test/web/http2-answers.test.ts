/**
 * An h2c server answers every request as the HTTP/1.1 server with the same options
 * does: the same status, the same headers that carry meaning (Content-Type, Allow,
 * CORS, Vary) and the same body, for Thrift calls, the JSON route, and everything
 * refused (wrong path, method, origin; empty, undecodable or too large bodies), and
 * a 500 to calls still running when close() gives up on them. Requests are sent raw
 * (node:http, node:http2) so every status and header is seen as sent.
 */
import http from 'node:http';
import http2 from 'node:http2';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createHttpServer, load, type HttpServerOptions, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** What a request sends. `chunks` without `length`: sent with no Content-Length (chunked on HTTP/1.1). */
interface Ask {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  chunks?: Uint8Array[];
  length?: boolean;
}

/** What came back, reduced to what must not differ between HTTP/1.1 and HTTP/2. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MEANINGFUL = ['content-type', 'allow', 'vary', 'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'];

function meaningful(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of MEANINGFUL) if (headers[name] !== undefined) out[name] = String(headers[name]);
  return out;
}

function bodyOf(chunks: Buffer[]): string {
  const all = Buffer.concat(chunks);
  // Thrift replies are binary: compared as hex, text answers as text.
  return all.length > 0 && all[0] === 0x80 ? `hex:${all.toString('hex')}` : all.toString('utf8');
}

function askHttp1(port: number, ask: Ask): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks = ask.chunks ?? [];
    const headers: Record<string, string | number> = { ...ask.headers };
    if (ask.length !== false) headers['Content-Length'] = chunks.reduce((n, c) => n + c.byteLength, 0);
    const req = http.request({ host: '127.0.0.1', port, method: ask.method ?? 'POST', path: ask.path, headers, agent: false }, (res) => {
      const got: Buffer[] = [];
      res.on('data', (c: Buffer) => got.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: meaningful(res.headers), body: bodyOf(got) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

function askHttp2(session: http2.ClientHttp2Session, ask: Ask): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks = ask.chunks ?? [];
    const headers: http2.OutgoingHttpHeaders = { ':method': ask.method ?? 'POST', ':path': ask.path };
    for (const [name, value] of Object.entries(ask.headers ?? {})) headers[name.toLowerCase()] = value;
    if (ask.length !== false) headers['content-length'] = chunks.reduce((n, c) => n + c.byteLength, 0);
    const stream = session.request(headers, { endStream: chunks.length === 0 && ask.method === 'GET' });
    let status = 0;
    let got: Record<string, unknown> = {};
    const body: Buffer[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      got = h;
    });
    stream.on('data', (c: Buffer) => body.push(c));
    stream.on('end', () => resolve({ status, headers: meaningful(got), body: bodyOf(body) }));
    stream.on('error', reject);
    for (const c of chunks) stream.write(c);
    if (!stream.writableEnded) stream.end();
  });
}

/** A binary-protocol CALL message: name, seqid 1, the given field bytes, then the stop byte. */
function call(name: string, fields: number[] = [], type = 1): Uint8Array {
  const n = Buffer.from(name);
  return new Uint8Array([0x80, 1, 0, type, 0, 0, 0, n.length, ...n, 0, 0, 0, 1, ...fields, 0]);
}
const i32Field = (v: number): number[] => [8, 0, 1, (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const stringField = (s: string): number[] => [11, 0, 1, 0, 0, 0, Buffer.byteLength(s), ...Buffer.from(s)];
const json = (text: string): Uint8Array => new TextEncoder().encode(text);

const ORIGIN = 'http://app.example';
const THRIFT = { 'Content-Type': 'application/x-thrift' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Every request of the comparison, by what it tries. */
const ASKS: Record<string, Ask> = {
  'a call': { path: '/echo', headers: THRIFT, chunks: [call('echoI32', i32Field(5))] },
  'a call in two chunks, no Content-Length': { path: '/echo', headers: THRIFT, chunks: [call('echoI32', i32Field(6)).subarray(0, 9), call('echoI32', i32Field(6)).subarray(9)], length: false },
  'a call with a query string': { path: '/echo?x=1', headers: THRIFT, chunks: [call('echoI32', i32Field(7))] },
  'a declared exception': { path: '/echo', headers: THRIFT, chunks: [call('find', i32Field(0))] },
  'an undeclared error, exposed': { path: '/echo', headers: THRIFT, chunks: [call('fail', stringField('boom'))] },
  'an unknown method': { path: '/echo', headers: THRIFT, chunks: [call('nope')] },
  'a oneway call': { path: '/echo', headers: THRIFT, chunks: [call('notify', stringField('hi'), 4)] },
  'another path': { path: '/other', headers: THRIFT, chunks: [call('echoI32', i32Field(5))] },
  'GET': { method: 'GET', path: '/echo' },
  'PUT': { method: 'PUT', path: '/echo', chunks: [new Uint8Array([1])] },
  'an empty body': { path: '/echo', headers: THRIFT, chunks: [] },
  'bytes that are no Thrift message': { path: '/echo', headers: THRIFT, chunks: [new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])] },
  'a body over the limit, declared': { path: '/echo', headers: THRIFT, chunks: [new Uint8Array(2048)] },
  'a body over the limit, streamed': { path: '/echo', headers: THRIFT, chunks: [new Uint8Array(700), new Uint8Array(700)], length: false },
  'a preflight from an allowed origin': {
    method: 'OPTIONS',
    path: '/echo',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-trace' },
  },
  'a preflight from an allowed origin, no headers asked': { method: 'OPTIONS', path: '/echo', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' } },
  'OPTIONS without an origin': { method: 'OPTIONS', path: '/echo' },
  'a call from an allowed origin': { path: '/echo', headers: { ...THRIFT, Origin: ORIGIN }, chunks: [call('echoI32', i32Field(8))] },
  'a call from another origin': { path: '/echo', headers: { ...THRIFT, Origin: 'http://evil.example' }, chunks: [call('echoI32', i32Field(8))] },
  'an error answer to an allowed origin': { path: '/other', headers: { Origin: ORIGIN } },
  'JSON: a call': { path: '/echo/echoI32', headers: JSON_TYPE, chunks: [json('{"v":12}')] },
  'JSON: from an allowed origin': { path: '/echo/echoI32', headers: { ...JSON_TYPE, Origin: ORIGIN }, chunks: [json('{"v":13}')] },
  'JSON: no arguments': { path: '/echo/version', headers: JSON_TYPE },
  'JSON: a declared exception': { path: '/echo/find', headers: JSON_TYPE, chunks: [json('{"id":0}')] },
  'JSON: an undeclared error, exposed': { path: '/echo/fail', headers: JSON_TYPE, chunks: [json('{"message":"json boom"}')] },
  'JSON: oneway': { path: '/echo/notify', headers: JSON_TYPE, chunks: [json('{"event":"e"}')] },
  'JSON: an unknown method': { path: '/echo/nope', headers: JSON_TYPE, chunks: [json('{}')] },
  'JSON: not JSON': { path: '/echo/echoI32', headers: JSON_TYPE, chunks: [json('{"v":')] },
  'JSON: the wrong Content-Type': { path: '/echo/echoI32', headers: THRIFT, chunks: [json('{"v":1}')] },
  'JSON: over the limit': { path: '/echo/echoString', headers: JSON_TYPE, chunks: [json(`{"v":"${'x'.repeat(2000)}"}`)] },
  'JSON: below a path that is not the service': { path: '/other/echoI32', headers: JSON_TYPE, chunks: [json('{"v":1}')] },
};

const OPTIONS: HttpServerOptions = { port: 0, path: '/echo', maxMessageSize: 1024, origins: [ORIGIN], exposeErrors: true, onError: () => {} };

const test = suite('HTTP/2 answers as HTTP/1.1');

test('every request gets the same status, meaningful headers and body over h2c as over HTTP/1.1', async () => {
  const h1 = await createHttpServer(mod.Echo, echoHandler(mod), OPTIONS);
  const h2 = await createHttpServer(mod.Echo, echoHandler(mod), { ...OPTIONS, http2: true });
  const session = http2.connect(`http://127.0.0.1:${h2.address.port}`);
  try {
    const statuses: Record<string, number> = {};
    for (const [what, ask] of Object.entries(ASKS)) {
      const one = await within(askHttp1(h1.address.port!, ask), 5000, `HTTP/1.1: ${what}`);
      const two = await within(askHttp2(session, ask), 5000, `HTTP/2: ${what}`);
      assert.equal(two, one, what);
      statuses[what] = one.status;
    }
    // The comparison is of answers worth having: each request got the answer it should.
    assert.equal(statuses, {
      'a call': 200,
      'a call in two chunks, no Content-Length': 200,
      'a call with a query string': 200,
      'a declared exception': 200,
      'an undeclared error, exposed': 200,
      'an unknown method': 200,
      'a oneway call': 200,
      'another path': 404,
      GET: 405,
      PUT: 405,
      'an empty body': 400,
      'bytes that are no Thrift message': 400,
      'a body over the limit, declared': 413,
      'a body over the limit, streamed': 413,
      'a preflight from an allowed origin': 204,
      'a preflight from an allowed origin, no headers asked': 204,
      'OPTIONS without an origin': 204,
      'a call from an allowed origin': 200,
      'a call from another origin': 403,
      'an error answer to an allowed origin': 404,
      'JSON: a call': 200,
      'JSON: from an allowed origin': 200,
      'JSON: no arguments': 200,
      'JSON: a declared exception': 200,
      'JSON: an undeclared error, exposed': 500,
      'JSON: oneway': 204,
      'JSON: an unknown method': 404,
      'JSON: not JSON': 400,
      'JSON: the wrong Content-Type': 415,
      'JSON: over the limit': 413,
      'JSON: below a path that is not the service': 404,
    });
  } finally {
    session.close();
    await h1.close();
    await h2.close();
  }
});

test('a call still running when close() gives up on it gets a 500 over h2c as over HTTP/1.1', async () => {
  const answers: Answer[] = [];
  for (const http2Option of [false, true]) {
    const arrived = signal();
    const handler = { ...echoHandler(mod), delayed: () => (arrived.resolve(), new Promise(() => {})) };
    const server: ThriftServer = await createHttpServer(mod.Echo, handler, { ...OPTIONS, http2: http2Option, closeTimeout: 20 });
    const session = http2Option ? http2.connect(`http://127.0.0.1:${server.address.port}`) : undefined;
    try {
      const ask: Ask = { path: '/echo', headers: THRIFT, chunks: [call('delayed', [...i32Field(1), 8, 0, 2, 0, 0, 0, 0])] };
      const answer = session ? askHttp2(session, ask) : askHttp1(server.address.port!, ask);
      await within(arrived.promise, 5000, 'the call to reach the handler');
      const closed = server.close();
      answers.push(await within(answer, 5000, 'the answer'));
      await within(closed, 5000, 'close');
    } finally {
      session?.close();
      await server.close();
    }
  }
  assert.is(answers[0]!.status, 500);
  assert.equal(answers[1], answers[0]);
});

test.run();
