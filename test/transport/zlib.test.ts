/** The zlib transport (TZlibTransport): round trips, chunk-by-chunk inflation, and both directions against Debian's python3-thrift. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { has } from '../helpers/peers.js';
import { deflateSync, inflateSync, constants } from 'node:zlib';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createConnection, createServer, FrameTooLargeError, load, TransportError } from '../../src/index.js';
import { zlibTransforms } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';

const fixture = fileURLToPath(new URL('../fixtures/echo.thrift', import.meta.url));
const peer = fileURLToPath(new URL('./zlib-peer.py', import.meta.url));
// Debian's interpreter, which has python3-thrift (another python3 may come first on PATH).
const PYTHON = '/usr/bin/python3';
const mod = load(fixture);

const unit = suite('zlib transforms');

async function pump(t: TransformStream<Uint8Array, Uint8Array>, chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reading = (async () => {
    for await (const c of t.readable as unknown as AsyncIterable<Uint8Array>) out.push(c);
  })();
  const w = t.writable.getWriter();
  for (const c of chunks) await w.write(c);
  await w.close();
  await reading;
  return out;
}

unit('level must be an integer 0..9 and maxOutputLength a positive integer, each named in its RangeError', async () => {
  for (const level of [-1, 10, 1.5]) {
    assert.throws(() => zlibTransforms({ level }), (e: unknown) => e instanceof RangeError && e.message === `zlib level must be an integer 0..9, got ${level}`);
  }
  for (const maxOutputLength of [0, 2.5]) {
    assert.throws(() => zlibTransforms({ maxOutputLength }), (e: unknown) => e instanceof RangeError && e.message === `zlib maxOutputLength must be a positive integer, got ${maxOutputLength}`);
  }
  for (const level of [0, 9]) {
    const out = await pump(zlibTransforms({ level }).deflate, [new TextEncoder().encode('level')]);
    assert.is(new TextDecoder().decode(inflateSync(Buffer.concat(out), { finishFlush: constants.Z_SYNC_FLUSH })), 'level');
  }
});

unit('inflating bytes that are not zlib fails with a TransportError naming zlib\'s reason, and so does every later write', async () => {
  const { inflate } = zlibTransforms();
  // A TransformStream runs transform() only while its readable is read.
  const read = inflate.readable.getReader().read().then(() => undefined, (e: unknown) => e);
  const w = inflate.writable.getWriter();
  const first = await within(w.write(Uint8Array.from([1, 2, 3, 4])).then(() => undefined, (e: unknown) => e), 5000, 'the write to fail');
  assert.instance(first, TransportError);
  assert.is((first as Error).message, 'zlib inflate failed: incorrect header check');
  assert.is(((first as Error).cause as { code?: string }).code, 'Z_DATA_ERROR', "zlib's own error is the cause");
  const later = await w.write(Uint8Array.from([5])).then(() => undefined, (e: unknown) => e);
  assert.is(later, first);
  assert.is(await read, first);
});

unit('one chunk inflating past maxOutputLength fails with FrameTooLargeError; exactly that much passes (node:zlib bounds only one-shot calls)', async () => {
  const exact = await pump(zlibTransforms({ maxOutputLength: 10_000 }).inflate, [deflateSync(new Uint8Array(10_000))]);
  assert.is(exact.reduce((n, c) => n + c.length, 0), 10_000);
  const { inflate } = zlibTransforms({ maxOutputLength: 10_000 });
  const reading = inflate.readable.getReader().read().then(() => undefined, (e: unknown) => e);
  void inflate.writable.getWriter().write(deflateSync(new Uint8Array(10_001))).catch(() => {});
  const error = await within(reading, 5000, 'the bomb to be refused');
  assert.instance(error, FrameTooLargeError);
  assert.is((error as FrameTooLargeError).limit, 10_000);
  assert.match((error as Error).message, /^inflated data of \d+ bytes exceeds the maximum of 10000$/);
});

unit('maxOutputLength 1 is accepted: one inflated byte passes', async () => {
  const out = await pump(zlibTransforms({ maxOutputLength: 1 }).inflate, [deflateSync(Uint8Array.from([7]))]);
  assert.equal(out.flatMap((c) => [...c]), [7]);
});

unit('closing the deflate side ends the zlib stream: a strict inflater (Z_FINISH) reads it whole', async () => {
  const text = 'closing writes the final block';
  const out = await pump(zlibTransforms().deflate, [new TextEncoder().encode(text)]);
  assert.is(inflateSync(Buffer.concat(out)).toString(), text);
});

unit('the default maxOutputLength is 64 MiB', async () => {
  const limit = 64 * 1024 * 1024;
  const exact = await pump(zlibTransforms().inflate, [deflateSync(new Uint8Array(limit))]);
  assert.is(exact.reduce((n, c) => n + c.length, 0), limit);
  const { inflate } = zlibTransforms();
  const reading = (async () => {
    const r = inflate.readable.getReader();
    for (;;) if ((await r.read()).done) return undefined;
  })().catch((e: unknown) => e);
  void inflate.writable.getWriter().write(deflateSync(new Uint8Array(limit + 1))).catch(() => {});
  const error = await within(reading, 10_000, 'past 64 MiB to be refused');
  assert.instance(error, FrameTooLargeError);
  assert.is((error as FrameTooLargeError).limit, limit);
});

unit('each write leaves at once as a sync-flushed zlib block a plain inflater can read', async () => {
  const { deflate } = zlibTransforms();
  const w = deflate.writable.getWriter();
  const r = deflate.readable.getReader();
  const first = r.read();
  void w.write(new TextEncoder().encode('message one'));
  const { value } = await within(first, 5000, 'the first flushed block');
  assert.is(inflateSync(value!, { finishFlush: constants.Z_SYNC_FLUSH }).toString(), 'message one');
  assert.equal([...value!.subarray(-4)], [0, 0, 0xff, 0xff], 'ends with the sync flush marker');
  w.releaseLock();
  r.releaseLock();
});

unit('inflate reassembles a stream fed one byte at a time and ends cleanly at a flush point', async () => {
  const { deflate, inflate } = zlibTransforms({ level: 9 });
  const text = 'abcdefgh'.repeat(500);
  const compressed = Buffer.concat(await pump(deflate, [new TextEncoder().encode(text.slice(0, 1000)), new TextEncoder().encode(text.slice(1000))]));
  assert.ok(compressed.length < text.length / 10, `compressed to ${compressed.length} bytes`);
  // Cut off the final block, as a TZlibTransport peer that never ends its stream.
  const flushed = compressed.subarray(0, compressed.lastIndexOf(Buffer.from([0, 0, 0xff, 0xff])) + 4);
  const bytes = [...flushed].map((b) => new Uint8Array([b]));
  const out = await pump(inflate, bytes);
  assert.is(Buffer.concat(out).toString(), text);
});

unit.run();

const rpc = suite('zlib over sockets');
let gen: string | undefined;
const python = has(['thrift-compiler', 'python3-thrift'], "zlib over sockets: Python's TZlibTransport client and server");

rpc.before(() => {
  if (!python) return;
  gen = mkdtempSync(join(tmpdir(), 'thrift-zlib-py-'));
  execFileSync('thrift', ['--gen', 'py', '-out', gen, fixture]);
});

rpc.after(() => {
  if (gen) rmSync(gen, { recursive: true, force: true });
});

rpc('our client and server over zlib, buffered and framed', async () => {
  for (const transport of ['buffered', 'framed'] as const) {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport, zlib: true });
    const conn = await createConnection(mod.Echo, { port: server.address.port, transport, zlib: { level: 1 }, timeout: 5000 });
    const big = 'x'.repeat(200_000);
    assert.equal(await Promise.all([conn.echoString('a'), conn.add(1, 2n), conn.echoString(big)]), ['a', 3n, big]);
    await conn.close();
    await within(server.close(), 5000, 'the server to close');
  }
});

if (python) rpc("our client calls Python's TZlibTransport server", async () => {
  const child = spawn(PYTHON, [peer, gen!, 'server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await within(lines.next(), 10_000, 'the python server to listen');
    const port = Number(/^LISTENING (\d+)$/.exec(String(first.value))?.[1]);
    const conn = await createConnection(mod.Echo, { port, zlib: true, timeout: 5000 });
    assert.is(await conn.version(), 'python-zlib');
    assert.is(await conn.echoString('über zlib'), 'über zlib');
    assert.is(await conn.add(40, 2n), 42n);
    const big = 'thrift '.repeat(30_000);
    assert.is(await conn.echoString(big), big);
    const p = await conn.echoPoint(new mod.Point({ x: 3, y: 4 }));
    assert.equal([p.x, p.y], [3, 4]);
    await conn.close();
  } finally {
    child.kill();
  }
});

if (python) rpc("Python's TZlibTransport client calls our server", async () => {
  const server = await createServer(mod.Echo, { ...echoHandler(mod), version: () => 'python-zlib' }, { port: 0, zlib: true });
  try {
    const child = spawn(PYTHON, [peer, gen!, 'client', String(server.address.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await within(lines.next(), 10_000, 'the python client to report');
    assert.equal(JSON.parse(String(first.value)), { version: 'python-zlib', string: 'über zlib', add: 42, big: true, point: 3, compressed: true });
  } finally {
    server.destroy();
  }
});

rpc.run();
