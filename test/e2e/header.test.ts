/**
 * THeader end to end: info headers both ways per call (client `headers` and
 * `onHeaders`; server `callContext()` and interceptors' `call.context`), replies
 * echoing the request's protocol id, transforms and sequence id (checked on raw
 * frames written by python3-thrift, test/fixtures/header/golden.json), and the
 * errors for a transform or protocol the server does not take.
 */
import { readFileSync } from 'node:fs';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { AppErrorType, callContext, createConnection, createServer, load, type Interceptor, type ThriftServer } from '../../src/index.js';
import { binaryProtocol, compactProtocol, decodeAppError, MessageType } from '../../src/protocol/index.js';
import { HeaderCodec, HeaderProtocolId, HeaderTransformId } from '../../src/transport/index.js';
import { nodeZlibCodec } from '../../src/node/index.js';

const zlibCodec = nodeZlibCodec;
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { raw, request } from '../hardening/net.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const golden: { name: string; protocol: 'binary' | 'compact'; seqid: number; zlib: boolean; frame: string }[] = JSON.parse(
  readFileSync(new URL('../fixtures/header/golden.json', import.meta.url), 'utf8'),
);

const seenByInterceptor: Record<string, string>[] = [];
const tagReplies: Interceptor = (next) => async (call) => {
  seenByInterceptor.push({ ...call.context?.headers });
  const out = await next(call);
  if (call.context) call.context.responseHeaders['x-intercepted'] = call.method;
  return out;
};

const handler = {
  ...echoHandler(mod),
  echoString(v: string) {
    const ctx = callContext();
    if (ctx !== undefined) {
      for (const [k, value] of Object.entries(ctx.headers)) ctx.responseHeaders[`echo-${k}`] = value;
    }
    return v;
  },
  async delayed(value: number) {
    // Read before the first await, set after it: the reply still carries it.
    const ctx = callContext();
    await new Promise((r) => setTimeout(r, 1));
    if (ctx) ctx.responseHeaders.late = 'yes';
    return value;
  },
};

const headers = suite('THeader info headers');
let server: ThriftServer;
headers.before(async () => {
  server = await createServer(mod.Echo, handler, { port: 0, interceptors: [tagReplies] });
});
headers.after(() => server?.destroy());

for (const protocol of ['binary', 'compact'] as const) {
  for (const zlib of [false, true]) {
    headers(`headers go both ways per call (${protocol}, zlib ${zlib ? 'on' : 'off'})`, async () => {
      const conn = await createConnection(mod.Echo, {
        port: server.address.port,
        transport: 'header',
        protocol,
        header: { zlib, headers: { client: 'thrift-streams', shared: 'default' } },
        timeout: 5000,
      });
      try {
        let replyHeaders: Readonly<Record<string, string>> | undefined;
        seenByInterceptor.length = 0;
        const value = await conn.call('echoString', ['hi'.repeat(200)], { headers: { shared: 'per-call', 'trace-id': 'zoë-1' }, onHeaders: (h) => (replyHeaders = h) });
        assert.is(value, 'hi'.repeat(200));
        assert.equal(seenByInterceptor, [{ client: 'thrift-streams', shared: 'per-call', 'trace-id': 'zoë-1' }]);
        assert.equal(replyHeaders, { 'echo-client': 'thrift-streams', 'echo-shared': 'per-call', 'echo-trace-id': 'zoë-1', 'x-intercepted': 'echoString' });
        let late: Readonly<Record<string, string>> | undefined;
        assert.is(await conn.call('delayed', [5, 0], { onHeaders: (h) => (late = h) }), 5);
        assert.equal(late, { late: 'yes', 'x-intercepted': 'delayed' });
      } finally {
        conn.destroy();
      }
    });
  }
}

headers('callContext() is undefined outside a handler and on non-THeader calls', async () => {
  assert.is(callContext(), undefined);
  const conn = await createConnection(mod.Echo, { port: server.address.port, transport: 'framed', timeout: 5000 });
  seenByInterceptor.length = 0;
  assert.is(await conn.echoString('plain'), 'plain');
  assert.equal(seenByInterceptor, [{}]);
  conn.destroy();
});

/** Sends one raw frame (length included) and returns the reply frame's payload. */
async function rawFrame(port: number, bytes: Uint8Array): Promise<Uint8Array> {
  const r = await raw(port);
  let got = Buffer.alloc(0);
  const reply = new Promise<Uint8Array>((resolve) => r.socket.on('data', (d: Buffer) => {
    got = Buffer.concat([got, d]);
    if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) resolve(got.subarray(4, 4 + got.readInt32BE(0)));
  }));
  r.socket.write(bytes);
  try {
    return await within(reply, 5000, 'a THeader reply');
  } finally {
    r.socket.destroy();
  }
}

for (const g of golden) {
  headers(`a python3-thrift frame gets a reply echoing its protocol, transforms and seqid: ${g.name}`, async () => {
    const reply = new HeaderCodec({ zlibCodec }).decode(await rawFrame(server.address.port!, Buffer.from(g.frame, 'hex')));
    assert.is(reply.protocolId, g.protocol === 'binary' ? HeaderProtocolId.BINARY : HeaderProtocolId.COMPACT);
    assert.equal(reply.transforms, g.zlib ? [HeaderTransformId.ZLIB] : []);
    assert.is(reply.seqid, g.seqid);
    const rd = (g.protocol === 'binary' ? binaryProtocol : compactProtocol).createReader();
    rd.reset(reply.payload);
    const m = rd.readMessageBegin();
    assert.equal([m.name, m.type, m.seqid], ['echoString', MessageType.REPLY, g.seqid]);
  });
}

/** A THeader frame (length included) with raw header bytes around a binary ping call. */
function frameWith(header: number[]): Uint8Array {
  const call = request(binaryProtocol, 'ping', [], 3);
  const padded = [...header];
  while (padded.length % 4) padded.push(0);
  const body = Buffer.concat([Buffer.from([0x0f, 0xff, 0, 0, 0, 0, 0, 3, 0, padded.length / 4]), Buffer.from(padded), call]);
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function appErrorIn(payload: Uint8Array) {
  const rd = binaryProtocol.createReader();
  rd.reset(payload);
  const m = rd.readMessageBegin();
  assert.is(m.type, MessageType.EXCEPTION);
  return decodeAppError(binaryProtocol, rd);
}

headers('an unknown transform is answered with INVALID_TRANSFORM, and the connection serves on', async () => {
  const reply = new HeaderCodec({ zlibCodec }).decode(await rawFrame(server.address.port!, frameWith([0, 1, 3])));
  const e = appErrorIn(reply.payload);
  assert.is(e.type, AppErrorType.INVALID_TRANSFORM);
  assert.match(e.message, /Unknown transform: 3/);
  assert.is(reply.seqid, 3);
});

const pinnedCompact = suite('THeader pinned to compact');
let compactOnly: ThriftServer;
pinnedCompact.before(async () => {
  compactOnly = await createServer(mod.Echo, handler, { port: 0, transport: 'header', protocol: 'compact' });
});
pinnedCompact.after(() => compactOnly?.destroy());

pinnedCompact('a binary THeader frame gets INVALID_PROTOCOL; a compact one is answered', async () => {
  const e = appErrorIn(new HeaderCodec({ zlibCodec }).decode(await rawFrame(compactOnly.address.port!, frameWith([0, 0]))).payload);
  assert.is(e.type, AppErrorType.INVALID_PROTOCOL);
  const conn = await createConnection(mod.Echo, { port: compactOnly.address.port, transport: 'header', protocol: 'compact', timeout: 5000 });
  assert.is(await conn.echoString('compact'), 'compact');
  conn.destroy();
});

headers.run();
pinnedCompact.run();
