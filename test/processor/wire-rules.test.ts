/**
 * The RPC wire rules the Apache interop suites prove, proven again here without any peer:
 * requests are written and replies are read by hand from the binary protocol spec
 * (apache/thrift doc/specs/thrift-binary-protocol.md, thrift-rpc.md), not by our codecs.
 * Rules: the reply echoes name and seqid; a oneway call gets no reply at all (over a real
 * socket, too); a TApplicationException is message type EXCEPTION carrying a struct of
 * field 1 string message and field 2 i32 type; a declared exception is a REPLY with the
 * result field of that exception; multiplexed calls name `Service:method` and the reply
 * carries the bare method name.
 */
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, createServer, load, type ThriftServer } from '../../src/index.js';
import { MultiplexedProcessor, Processor } from '../../src/processor/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

// Binary protocol constants, from the spec, not from src/.
const VERSION_1 = 0x80010000;
const CALL = 1;
const REPLY = 2;
const EXCEPTION = 3;
const ONEWAY = 4;
const T_STOP = 0;
const T_I32 = 8;
const T_STRING = 11;
const T_STRUCT = 12;

/** Appends bytes in the binary protocol's big-endian encoding. */
class Bytes {
  readonly out: number[] = [];
  i8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  i16(v: number): this {
    return this.i8(v >> 8).i8(v);
  }
  i32(v: number): this {
    return this.i8(v >>> 24).i8(v >>> 16).i8(v >>> 8).i8(v);
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.i32(b.length);
    for (const x of b) this.i8(x);
    return this;
  }
  /** A strict message header: version | type, name, seqid. */
  header(name: string, type: number, seqid: number): this {
    return this.i32(VERSION_1 | type).str(name).i32(seqid);
  }
  field(type: number, id: number): this {
    return this.i8(type).i16(id);
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.out);
  }
}

/** A decoded value: numbers, strings, and structs as `{ [fieldId]: value }`. */
type Value = number | string | { [id: number]: Value };

/** Reads what it needs of the binary protocol by hand. */
class Parse {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  i8(): number {
    return this.view.getInt8(this.pos++);
  }
  i16(): number {
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  str(): string {
    const n = this.i32();
    const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  header(): { name: string; type: number; seqid: number } {
    const v = this.i32();
    assert.is(v & 0xffff0000, VERSION_1 | 0, 'strict version word');
    return { type: v & 0xff, name: this.str(), seqid: this.i32() };
  }
  struct(): { [id: number]: Value } {
    const out: { [id: number]: Value } = {};
    for (;;) {
      const t = this.i8();
      if (t === T_STOP) return out;
      const id = this.i16();
      if (t === T_I32) out[id] = this.i32();
      else if (t === T_STRING) out[id] = this.str();
      else if (t === T_STRUCT) out[id] = this.struct();
      else throw new Error(`hand parser: type ${t} not expected in these replies`);
    }
  }
  /** The whole reply: header, then one struct, then nothing. */
  reply(): { name: string; type: number; seqid: number; body: { [id: number]: Value } } {
    const h = this.header();
    const body = this.struct();
    assert.is(this.pos, this.b.length, 'nothing follows the reply struct');
    return { ...h, body };
  }
}

async function process(p: Processor | MultiplexedProcessor, request: Uint8Array): Promise<Uint8Array | undefined> {
  return await p.process(request);
}

const rules = suite('wire rules, by hand-written bytes');
const notified: string[] = [];
const processor = new Processor(mod.Echo, echoHandler(mod, { notify: (e) => notified.push(e) }));

rules('a reply echoes the method name and the seqid, negative and extreme ones included', async () => {
  for (const seqid of [0, 1, -1, 0x7fffffff, -0x80000000]) {
    const req = new Bytes().header('echoI32', CALL, seqid).field(T_I32, 1).i32(-5).i8(T_STOP).bytes();
    const reply = new Parse((await process(processor, req))!).reply();
    assert.equal(reply, { name: 'echoI32', type: REPLY, seqid, body: { 0: -5 } });
  }
});

rules('a void function replies with an empty result struct', async () => {
  const req = new Bytes().header('ping', CALL, 9).i8(T_STOP).bytes();
  assert.equal(new Parse((await process(processor, req))!).reply(), { name: 'ping', type: REPLY, seqid: 9, body: {} });
});

rules('a oneway call runs the handler and produces no reply, not even for an unknown method or bad arguments', async () => {
  notified.length = 0;
  const req = new Bytes().header('notify', ONEWAY, 3).field(T_STRING, 1).str('hi').i8(T_STOP).bytes();
  assert.is(await process(processor, req), undefined);
  assert.equal(notified, ['hi']);
  assert.is(await process(processor, new Bytes().header('nope', ONEWAY, 4).i8(T_STOP).bytes()), undefined);
  // A string field announcing more bytes than the message holds.
  assert.is(await process(processor, new Bytes().header('notify', ONEWAY, 5).field(T_STRING, 1).i32(99).bytes()), undefined);
  assert.equal(notified, ['hi']);
});

/** TApplicationException: message type EXCEPTION, struct { 1: string message, 2: i32 type }. */
async function expectAppError(p: Processor | MultiplexedProcessor, req: Uint8Array, name: string, seqid: number, type: number, message: RegExp): Promise<void> {
  const reply = new Parse((await process(p, req))!).reply();
  assert.is(reply.type, EXCEPTION);
  assert.is(reply.name, name);
  assert.is(reply.seqid, seqid);
  assert.equal(Object.keys(reply.body).sort(), ['1', '2']);
  assert.is(reply.body[2], type);
  assert.match(reply.body[1] as string, message);
}

rules('an unknown method is TApplicationException UNKNOWN_METHOD (1), naming the method', async () => {
  await expectAppError(processor, new Bytes().header('nope', CALL, 11).i8(T_STOP).bytes(), 'nope', 11, AppErrorType.UNKNOWN_METHOD, /nope/);
  assert.is(AppErrorType.UNKNOWN_METHOD, 1);
});

rules('a request of message type REPLY or EXCEPTION is TApplicationException INVALID_MESSAGE_TYPE (2)', async () => {
  for (const type of [REPLY, EXCEPTION]) {
    await expectAppError(processor, new Bytes().header('ping', type, 12).i8(T_STOP).bytes(), 'ping', 12, 2, /invalid message type/);
  }
});

rules('arguments that do not decode are TApplicationException PROTOCOL_ERROR (7)', async () => {
  const req = new Bytes().header('echoString', CALL, 13).field(T_STRING, 1).i32(1000).bytes();
  await expectAppError(processor, req, 'echoString', 13, 7, /truncated/);
});

rules('an undeclared exception is TApplicationException INTERNAL_ERROR (6)', async () => {
  const boom = { ping: () => { throw new Error('boom'); } };
  const quiet = { onError: () => {} };
  // The handler's text stays on the server unless exposeErrors says otherwise.
  await expectAppError(new Processor(mod.Echo, boom, quiet), new Bytes().header('ping', CALL, 14).i8(T_STOP).bytes(), 'ping', 14, 6, /^Internal error$/);
  await expectAppError(new Processor(mod.Echo, boom, { ...quiet, exposeErrors: true }), new Bytes().header('ping', CALL, 15).i8(T_STOP).bytes(), 'ping', 15, 6, /boom/);
});

rules('a declared exception is a REPLY whose result struct sets that exception\'s field', async () => {
  const p = new Processor(mod.Echo, { find: () => { throw new mod.Invalid({ why: 'no' }); } });
  const req = new Bytes().header('find', CALL, 15).field(T_I32, 1).i32(1).i8(T_STOP).bytes();
  // find throws (1: NotFound notFound, 2: Invalid invalid): the result has field 2 only.
  assert.equal(new Parse((await process(p, req))!).reply(), { name: 'find', type: REPLY, seqid: 15, body: { 2: { 1: 'no' } } });
});

rules('multiplexed: "Service:method" dispatches, and the reply carries the bare method name', async () => {
  const mux = new MultiplexedProcessor({ Echo: [mod.Echo, echoHandler(mod)] });
  const req = new Bytes().header('Echo:echoString', CALL, 16).field(T_STRING, 1).str('x').i8(T_STOP).bytes();
  assert.equal(new Parse((await process(mux, req))!).reply(), { name: 'echoString', type: REPLY, seqid: 16, body: { 0: 'x' } });
  await expectAppError(mux, new Bytes().header('Nope:ping', CALL, 17).i8(T_STOP).bytes(), 'ping', 17, AppErrorType.UNKNOWN_METHOD, /unknown service "Nope"/);
  await expectAppError(mux, new Bytes().header('ping', CALL, 18).i8(T_STOP).bytes(), 'ping', 18, AppErrorType.UNKNOWN_METHOD, /no service named/);
  assert.is(await process(mux, new Bytes().header('Nope:notify', ONEWAY, 19).i8(T_STOP).bytes()), undefined);
});

rules.run();

const socket = suite('wire rules over a raw socket');
let server: ThriftServer;
const events: string[] = [];
let notifiedSignal = signal();

socket.before(async () => {
  server = await createServer(mod.Echo, echoHandler(mod, { notify: (e) => { events.push(e); notifiedSignal.resolve(); } }), { port: 0, transport: 'framed' });
});
socket.after(() => server?.destroy());

function frame(payload: Uint8Array): Uint8Array {
  return new Uint8Array([...new Bytes().i32(payload.length).bytes(), ...payload]);
}

/** Collects the frames a raw socket receives; `next()` resolves with each in turn. */
function frames(s: Socket): { next: () => Promise<Uint8Array>; bytes: () => number } {
  let buf = new Uint8Array(0);
  let total = 0;
  const ready: Uint8Array[] = [];
  let waiter: (() => void) | undefined;
  s.on('data', (d: Buffer) => {
    total += d.length;
    buf = new Uint8Array([...buf, ...d]);
    while (buf.length >= 4) {
      const n = new DataView(buf.buffer, buf.byteOffset).getInt32(0);
      if (buf.length < 4 + n) break;
      ready.push(buf.slice(4, 4 + n));
      buf = buf.slice(4 + n);
    }
    waiter?.();
  });
  return {
    bytes: () => total,
    next: async () => {
      while (ready.length === 0) await new Promise<void>((resolve) => (waiter = resolve));
      return ready.shift()!;
    },
  };
}

socket('a oneway call sends nothing back: the only bytes received are the replies to the calls around it', async () => {
  const s = connect({ host: '127.0.0.1', port: server.address.port! });
  s.on('error', () => {});
  await within(new Promise((resolve) => s.once('connect', resolve)), 5000, 'connect');
  const rx = frames(s);
  events.length = 0;
  notifiedSignal = signal();
  const before = new Bytes().header('echoI32', CALL, 21).field(T_I32, 1).i32(1).i8(T_STOP).bytes();
  const oneway = new Bytes().header('notify', ONEWAY, 22).field(T_STRING, 1).str('evt').i8(T_STOP).bytes();
  const after = new Bytes().header('echoI32', CALL, 23).field(T_I32, 1).i32(3).i8(T_STOP).bytes();
  // Byte by byte: the server must reassemble the oneway frame before it can skip replying.
  for (const b of [...frame(before), ...frame(oneway)]) s.write(new Uint8Array([b]));
  const first = await within(rx.next(), 5000, 'reply to seqid 21');
  await within(notifiedSignal.promise, 5000, 'the oneway handler');
  s.write(frame(after));
  const second = await within(rx.next(), 5000, 'reply to seqid 23');
  assert.equal(new Parse(first).reply(), { name: 'echoI32', type: REPLY, seqid: 21, body: { 0: 1 } });
  assert.equal(new Parse(second).reply(), { name: 'echoI32', type: REPLY, seqid: 23, body: { 0: 3 } });
  assert.equal(events, ['evt']);
  // Exactly two frames arrived: nothing was sent for seqid 22.
  assert.is(rx.bytes(), 8 + first.length + second.length);
  s.destroy();
});

socket.run();
