/**
 * The processor's own contract, message in, message out (no socket): what the constructor
 * refuses and with which words, when process() answers synchronously, what reaches onError,
 * oneway calls with and without interceptors, the call context without interceptors, void
 * results, and the texts of the application errors (with and without exposeErrors).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppErrorType, callContext, load, ThriftAppError, type Interceptor } from '../../src/index.js';
import { MultiplexedProcessor, Processor } from '../../src/processor/index.js';
import { binaryProtocol, encodeMessage, MessageType, serviceFunctions } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const fns = serviceFunctions(mod.Echo);

function call(name: string, args: unknown[], seqid = 1, type: number = MessageType.CALL, prefix = ''): Uint8Array {
  const fn = fns.get(name)!;
  return encodeMessage(binaryProtocol.createWriter(), prefix + name, type, seqid, binaryProtocol.codecs.argsCodec(fn.args).encode, args).slice();
}

/** Reads a reply: its header, and for an EXCEPTION the TApplicationException's message and type. */
function reply(bytes: unknown): { name: string; type: number; seqid: number; message?: string; appType?: number; rest: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new Error(`expected a reply answered synchronously, got ${String(bytes)}`);
  const r = binaryProtocol.createReader();
  r.reset(bytes);
  const header = r.readMessageBegin();
  const start = (r as unknown as { pos: number }).pos;
  const out: ReturnType<typeof reply> = { ...header, rest: bytes.subarray(start) };
  if (header.type === MessageType.EXCEPTION) {
    r.readStructBegin();
    for (let t = r.readFieldBegin(); t !== 0; t = r.readFieldBegin()) {
      if (r.fieldId === 1) out.message = r.readString();
      else if (r.fieldId === 2) out.appType = r.readI32();
      else r.skip(t);
    }
  }
  return out;
}

test('the constructor refuses a handler that is not an object or function, naming what it wants', () => {
  for (const bad of [null, undefined, 7, 'handler']) {
    assert.throws(() => new Processor(mod.Echo, bad as never), (e: unknown) => e instanceof TypeError && e.message === 'handler must be an object with one method per service function');
  }
  assert.ok(new Processor(mod.Echo, Object.assign(() => {}, echoHandler(mod))));
});

test('a callback-style handler method is refused with its parameter count, the IDL arguments and the way out', () => {
  assert.throws(
    () => new Processor(mod.Echo, { ...echoHandler(mod), add: (_a: number, _b: bigint, _result: unknown) => 0 }),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message ===
        "handler.add takes 3 parameters but Echo.add declares 2 (a, b): a callback-style handler (Apache's result callback) is never called here — " +
          'return the value or a promise of it, or wrap the handler with fromCallbackHandler() (thrift-streams/compat)',
  );
  assert.throws(
    () => new Processor(mod.Echo, { ...echoHandler(mod), ping: (_result: unknown) => {} }),
    (e: unknown) => e instanceof TypeError && e.message.startsWith('handler.ping takes 1 parameter but Echo.ping declares 0: a callback-style'),
  );
  // Exactly as many parameters as arguments, and default or rest parameters, are fine.
  assert.ok(new Processor(mod.Echo, { ...echoHandler(mod), add: (a: number, b: bigint, _c = 1) => BigInt(a) + b, ping: (..._rest: unknown[]) => {} }));
});

test('a plain value (even an object without then) is answered synchronously; a promise asynchronously', async () => {
  const p = new Processor(mod.Echo, echoHandler(mod));
  const sync = p.process(call('echoPoint', [new mod.Point({ x: 1, y: 2 })]));
  assert.ok(sync instanceof Uint8Array, 'a struct result is not mistaken for a thenable');
  assert.is(reply(sync).type, MessageType.REPLY);
  const later = p.process(call('delayed', [5, 0]));
  assert.instance(later, Promise);
  assert.is(reply(await later).type, MessageType.REPLY);
});

test('a void function replies with an empty result struct, whatever its handler returns', () => {
  const p = new Processor(mod.Echo, { ...echoHandler(mod), ping: () => 'ignored' });
  const r = reply(p.process(call('ping', [], 9)));
  assert.equal([r.name, r.type, r.seqid], ['ping', MessageType.REPLY, 9]);
  assert.equal([...r.rest], [0], 'only the result struct stop byte');
});

test('a method the handler lacks is UNKNOWN_METHOD naming it, with and without interceptors; a oneway one gets no reply', async () => {
  const { echoString: _, ...partial } = echoHandler(mod);
  const pass: Interceptor = (next) => (c) => next(c);
  for (const options of [{}, { interceptors: [pass] }]) {
    const p = new Processor(mod.Echo, partial as never, options);
    const r = reply(await p.process(call('echoString', ['x'])));
    assert.equal([r.type, r.appType, r.message], [MessageType.EXCEPTION, AppErrorType.UNKNOWN_METHOD, 'handler does not implement echoString']);
  }
  const { notify: __, ...noNotify } = echoHandler(mod);
  assert.is(new Processor(mod.Echo, noNotify as never).process(call('notify', ['e'], 1, MessageType.ONEWAY)), undefined);
});

test('an empty interceptor list dispatches as none does', () => {
  const p = new Processor(mod.Echo, echoHandler(mod), { interceptors: [] });
  assert.is(reply(p.process(call('echoI32', [3]))).type, MessageType.REPLY);
});

test('a oneway call gets no reply with interceptors too, and its failure (thrown or rejected) reaches onError', async () => {
  const errors: [unknown, string][] = [];
  let seen = signal();
  const onError = (e: unknown, method: string) => {
    errors.push([e, method]);
    seen.resolve();
  };
  const pass: Interceptor = (next) => (c) => next(c);
  const boom = new Error('boom');
  const handlers = [
    { ...echoHandler(mod), notify: () => Promise.reject(boom) },
    { ...echoHandler(mod), notify: () => {
      throw boom;
    } },
  ];
  for (const handler of handlers) {
    for (const options of [{ onError }, { onError, interceptors: [pass] }]) {
      errors.length = 0;
      seen = signal();
      const p = new Processor(mod.Echo, handler, options);
      assert.is(await p.process(call('notify', ['e'], 1, MessageType.ONEWAY)), undefined, 'no reply');
      await within(seen.promise, 5000, 'onError');
      assert.equal(errors, [[boom, 'notify']]);
    }
  }
});

test('a oneway handler returning a plain object is not taken for a promise', () => {
  const p = new Processor(mod.Echo, { ...echoHandler(mod), notify: () => ({ then: 'not a function' }) as never }, { onError: (e) => assert.unreachable(String(e)) });
  assert.is(p.process(call('notify', ['e'], 1, MessageType.ONEWAY)), undefined);
});

test('without interceptors the handler sees the call context process() was given', () => {
  let seen: unknown;
  const p = new Processor(mod.Echo, { ...echoHandler(mod), echoI32: (v: number) => ((seen = callContext()), v) });
  const context = { headers: { who: 'test' }, responseHeaders: {} };
  p.process(call('echoI32', [1]), context);
  assert.is(seen, context);
  p.process(call('echoI32', [1]));
  assert.is(seen, undefined);
});

test('a result that does not match the IDL is INTERNAL_ERROR: a fixed text, or the cause with exposeErrors', () => {
  const errors: unknown[] = [];
  const hidden = reply(new Processor(mod.Echo, echoHandler(mod), { onError: (e) => errors.push(e) }).process(call('wrongType', [])));
  assert.equal([hidden.type, hidden.appType, hidden.message], [MessageType.EXCEPTION, AppErrorType.INTERNAL_ERROR, 'Internal error']);
  assert.is(errors.length, 1, 'the handler bug is reported');
  const shown = reply(new Processor(mod.Echo, echoHandler(mod), { exposeErrors: true, onError: () => {} }).process(call('wrongType', [])));
  assert.match(shown.message!, /^wrongType returned a value that does not match the IDL: .+/);
});

test('a thrown ThriftAppError that cannot be encoded (arguments swapped, a type past i32) is INTERNAL_ERROR, reported, not a dropped connection', () => {
  for (const bad of [new ThriftAppError('custom app msg' as never, 4 as never), new ThriftAppError(2 ** 40, 'x')]) {
    const errors: unknown[] = [];
    const handler = { ...echoHandler(mod), ping: () => { throw bad; } };
    const out = reply(new Processor(mod.Echo, handler, { onError: (e) => errors.push(e) }).process(call('ping', [])));
    assert.equal([out.type, out.appType, out.message], [MessageType.EXCEPTION, AppErrorType.INTERNAL_ERROR, 'Internal error']);
    assert.is(errors.length, 1, 'the handler bug is reported');
    assert.is((errors[0] as Error).cause, bad, 'with the thrown error as its cause');
  }
});

test('a non-void handler returning undefined or null: the reply has no result (MISSING_RESULT at the client, as Apache), and onError hears of it', () => {
  for (const value of [undefined, null]) {
    const errors: unknown[] = [];
    const handler = { ...echoHandler(mod), echoString: () => value };
    const out = reply(new Processor(mod.Echo, handler as never, { onError: (e) => errors.push(e) }).process(call('echoString', ['x'])));
    assert.is(out.type, MessageType.REPLY);
    assert.equal([...out.rest], [0], 'an empty result struct: only its stop byte');
    assert.is(errors.length, 1, `${value} is reported`);
    assert.match((errors[0] as Error).message, /^echoString returned (undefined|null): the client gets MISSING_RESULT/);
  }
});

test('a multiplexed processor refuses no services and a name with the separator, naming them', () => {
  assert.throws(() => new MultiplexedProcessor({}), (e: unknown) => e instanceof TypeError && e.message === 'a multiplexed server needs at least one service');
  assert.throws(
    () => new MultiplexedProcessor({ 'A:B': [mod.Echo, echoHandler(mod)] }),
    (e: unknown) => e instanceof TypeError && e.message === `service name "A:B" must not contain ':'`,
  );
});

test('a multiplexed processor refuses a defaultService that is not one of its services', () => {
  assert.throws(
    () => new MultiplexedProcessor({ Echo: [mod.Echo, echoHandler(mod)] }, { defaultService: 'Other' }),
    (e: unknown) => e instanceof TypeError && e.message === 'defaultService "Other" is not one of the services',
  );
});

test('a multiplexed processor decodes arguments within its maxDepth', () => {
  const bag = new mod.Bag({ nested: [[1n]] });
  const deep = reply(new MultiplexedProcessor({ Echo: [mod.Echo, echoHandler(mod)] }, { maxDepth: 3 }).process(call('echoBag', [bag], 1, MessageType.CALL, 'Echo:')));
  assert.equal([deep.type, deep.appType], [MessageType.EXCEPTION, AppErrorType.PROTOCOL_ERROR]);
  assert.is(deep.message, "nesting deeper than 3");
  const ok = reply(new MultiplexedProcessor({ Echo: [mod.Echo, echoHandler(mod)] }, { maxDepth: 4 }).process(call('echoBag', [bag], 1, MessageType.CALL, 'Echo:')));
  assert.is(ok.type, MessageType.REPLY);
});

test('an interceptor that renames the call to a method the handler lacks gets UNKNOWN_METHOD naming it', async () => {
  const rename: Interceptor = (next) => (c) => next({ ...c, method: 'nope' });
  const r = reply(await new Processor(mod.Echo, echoHandler(mod), { interceptors: [rename] }).process(call('echoI32', [1])));
  assert.equal([r.type, r.appType, r.message], [MessageType.EXCEPTION, AppErrorType.UNKNOWN_METHOD, 'handler does not implement nope']);
});

test('a multiplexed call with an empty service name (":method") is an unknown service, not a plain call', () => {
  const p = new MultiplexedProcessor({ Echo: [mod.Echo, echoHandler(mod)] }, { defaultService: 'Echo' });
  const r = reply(p.process(call('echoI32', [1], 1, MessageType.CALL, ':')));
  assert.equal([r.type, r.appType], [MessageType.EXCEPTION, AppErrorType.UNKNOWN_METHOD]);
  assert.match(r.message!, /unknown service ""/);
  assert.is(reply(p.process(call('echoI32', [1]))).type, MessageType.REPLY, 'a plain name goes to the default service');
});

test.run();
