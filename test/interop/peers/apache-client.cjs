'use strict';
/**
 * Apache Thrift's Node client for the Interop service of
 * test/interop/fixtures/interop.thrift (and interop-plus.thrift), over
 * TBinaryProtocol or TCompactProtocol: runs every check against a server and
 * prints one JSON line
 * `{"passed":N,"failed":N,"total":N,"failures":[{"name","error"}]}`.
 *
 *   node apache-client.cjs --port N --transport buffered|framed --gen <dir> [--protocol binary|compact]
 *                          [--host 127.0.0.1] [--server thrift-streams|apache]
 *                          [--strict-write true|false]
 *
 * `--server` names the server under test, which decides the TApplicationExceptions
 * to expect (see APP_ERRORS). `--strict-write false` sends old-style message
 * headers (name first, no version), which servers must still accept; it
 * applies to the binary protocol only.
 * Exits 0 whenever it could report, non-zero only if the harness itself broke.
 */
const { isDeepStrictEqual, inspect } = require('node:util');
const { parsePeerArgs, loadApache } = require('./apache-common.cjs');

const args = parsePeerArgs({
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string' },
  server: { type: 'string', default: 'thrift-streams' },
  'strict-write': { type: 'string', default: 'true' },
});
const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0) throw new Error(`--port must be a port number, got ${args.port}`);
/**
 * The TApplicationExceptions each server sends (doc/specs/thrift-rpc.md types):
 * INTERNAL_ERROR (6) for an undeclared handler error and UNKNOWN_METHOD (1), as
 * the C++, Java and Python servers do. Apache's Node server sends every one of
 * them without its type field (TApplicationException.write in lib/thrift/thrift.js
 * tests `this.code`, which is never set), so the type reads as UNKNOWN (0) and
 * only the message tells the cases apart.
 */
const APP_ERRORS = {
  'thrift-streams': { undeclared: { type: 6 }, unknownMethod: { type: 1 } },
  apache: {
    undeclared: { type: 0, message: 'undeclared: boom' },
    unknownMethod: { type: 0, message: 'Unknown function notOnServer' },
  },
};
const appErrors = APP_ERRORS[args.server];
if (!appErrors) throw new Error(`--server must be one of ${Object.keys(APP_ERRORS).join(', ')}, got ${args.server}`);
const { thrift, Interop, InteropPlus, InteropSkew, types, plusTypes, transport } = loadApache(args.gen, args.transport);
if (args['strict-write'] !== 'true' && args['strict-write'] !== 'false') throw new Error('--strict-write must be true or false');
/** TCompactProtocol, or TBinaryProtocol with old-style message headers under `--strict-write false`. */
const protocol =
  args.protocol === 'compact'
    ? thrift.TCompactProtocol
    : args['strict-write'] === 'true'
      ? thrift.TBinaryProtocol
      : class LooseBinaryProtocol extends thrift.TBinaryProtocol {
          constructor(trans) {
            super(trans, false, false);
          }
        };
const { Int64 } = thrift;
const TApplicationException = thrift.Thrift.TApplicationException;

// A check that gets no answer fails on its own instead of hanging the run.
const CALL_TIMEOUT_MS = 5000;

/**
 * One connection at a time, replaced after it fails, so that a server that drops
 * a connection fails the checks it dropped and not every check after them.
 */
class Session {
  /** `service` is a generated service module (Interop, InteropPlus). */
  constructor(service) {
    this.service = service;
    this.conn = null;
    this.client = null;
    this.pending = new Set();
  }

  open() {
    if (this.conn) return;
    const conn = thrift.createConnection(args.host, port, { transport, protocol });
    const fail = (why) => {
      if (this.conn !== conn) return;
      this.conn = null;
      this.client = null;
      for (const reject of this.pending) reject(why);
      this.pending.clear();
    };
    conn.on('error', (err) => fail(err));
    conn.on('close', () => fail(new Error('connection closed by the server')));
    this.conn = conn;
    this.client = thrift.createClient(this.service, conn);
  }

  /** Calls `method` in the callback style (no dependence on the generated promise path). */
  call(method, ...params) {
    this.open();
    const client = this.client;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(reject, new Error(`no answer to ${method} in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      const settle = (fn, value) => {
        clearTimeout(timer);
        this.pending.delete(onFail);
        fn(value);
      };
      const onFail = (err) => settle(reject, err);
      this.pending.add(onFail);
      try {
        client[method](...params, (err, result) => (err ? settle(reject, err) : settle(resolve, result)));
      } catch (err) {
        settle(reject, err);
      }
    });
  }

  close() {
    const conn = this.conn;
    this.conn = null;
    if (conn) conn.end();
  }
}

/**
 * Converts test values to what Apache's generated writers take: bigint → Int64,
 * recursively; generated struct instances stay instances of their class.
 */
function toApache(v) {
  if (typeof v === 'bigint') return thrift.fromBigInt(v);
  if (Array.isArray(v)) return v.map(toApache);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Int64)) {
    const out = Object.create(Object.getPrototypeOf(v));
    for (const [k, x] of Object.entries(v)) out[k] = toApache(x);
    return out;
  }
  return v;
}

/** Reduces Apache values to plain comparable data: Int64 → bigint, Buffer → {hex}, null fields dropped. */
function canon(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Int64) return thrift.toBigInt(v);
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) {
      if (v[k] === null || v[k] === undefined || typeof v[k] === 'function') continue;
      out[k] = canon(v[k]);
    }
    return out;
  }
  return v;
}

function show(v) {
  return inspect(v, { depth: 6, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 80 });
}

function same(actual, expected, what = 'value') {
  const a = canon(actual);
  const e = canon(expected);
  if (!isDeepStrictEqual(a, e)) throw new Error(`${what}: expected ${show(e)}, got ${show(a)}`);
}

function isType(actual, type, what) {
  if (typeof actual !== type) throw new Error(`${what}: expected a ${type}, got ${show(actual)}`);
}

const sortedSet = (arr) => [...arr].sort();

const session = new Session(Interop);
// A client of InteropPlus: Interop plus notOnServer, which no Interop server has.
const plusSession = new Session(InteropPlus);
// A client of InteropSkew: Interop's function names with other types.
const skewSession = new Session(InteropSkew);
const checks = [];
/** A check that sends `value` to an echo method and expects it back unchanged. */
function echo(method, label, value, { check, type } = {}) {
  checks.push({
    name: `${method} ${label}`,
    async run() {
      const got = await session.call(method, toApache(value));
      if (type) isType(got, type, method);
      if (check) check(got, value);
      else same(got, value, method);
    },
  });
}
function add(name, run) {
  checks.push({ name, run });
}
async function rejects(promise) {
  try {
    const value = await promise;
    throw new Error(`expected an exception, got the result ${show(value)}`);
  } catch (err) {
    return err;
  }
}

// ---- values ----
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const bigBinary = Buffer.alloc(200_000);
for (let i = 0; i < bigBinary.length; i++) bigBinary[i] = (i * 31 + 7) & 0xff;
const longString = 'ü🎉abc'.repeat(20_000);
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const i64Edges = [0n, 1n, -1n, I64_MAX, I64_MIN, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0x0102030405060708n, -0x0102030405060708n];
const doubles = [0, 1.5, -2.25, Math.PI, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN];
const point = (x, y) => ({ x, y });
const everything = {
  aBool: true,
  aByte: -128,
  anI16: -32768,
  anI32: 2147483647,
  anI64: I64_MIN,
  aDouble: -1e-300,
  aString: 'Grüße, 世界 🎉',
  aBinary: allBytes,
  color: 70000,
  ints: [3, -1, 0],
  names: ['x', 'é'],
  counts: { one: 1n, max: I64_MAX, '': -1n },
  point: point(1, -1),
  points: [point(0, 0), point(-5, 5)],
};
const defaultsFull = {
  id: 9,
  name: 'full',
  note: 'a note',
  level: -3,
  label: 'custom',
  color: 4,
  nums: [],
  origin: point(2, 3),
  ratio: -0.125,
  enabled: false,
};
const nested = {
  corner: point(7, 8),
  everything,
  grid: [[1, 2], [], [3]],
  pointsByName: { a: point(1, 1), '日本': point(-2, 2) },
  tagsById: { 1: ['x'], '-7': [], 2147483647: ['y', 'z'] },
  deep: [{ evens: [2, 4], odds: [] }, {}],
  defaults: defaultsFull,
};

// ---- checks: one per method, several values each ----
add('ping', async () => same(await session.call('ping'), null, 'ping'));
for (const v of [true, false]) echo('echoBool', String(v), v, { type: 'boolean' });
for (const v of [0, 1, 127, -128, -1]) echo('echoByte', String(v), v, { type: 'number' });
for (const v of [0, 32767, -32768, -1]) echo('echoI16', String(v), v, { type: 'number' });
for (const v of [0, 2147483647, -2147483648, -1]) echo('echoI32', String(v), v, { type: 'number' });
for (const v of i64Edges) echo('echoI64', String(v), v);
for (const v of doubles) echo('echoDouble', String(v), v, { type: 'number' });
for (const [label, v] of [['empty', ''], ['ascii', 'hello'], ['latin', 'héllo wörld'], ['cjk', '日本語'], ['emoji', '🎉👍🏽'], ['nul', 'a\u0000b'], ['long', longString]]) {
  echo('echoString', label, v, { type: 'string' });
}
for (const [label, v] of [['empty', Buffer.alloc(0)], ['all 256 bytes', allBytes], ['200 KB', bigBinary]]) {
  echo('echoBinary', label, v, { check: (got) => {
    if (!Buffer.isBuffer(got)) throw new Error(`echoBinary: expected a Buffer, got ${show(got)}`);
    same(got, v, 'echoBinary');
  } });
}
for (const v of [1, 2, 4, 70000]) echo('echoEnum', String(v), v, { type: 'number' });
echo('echoList', 'empty', []);
echo('echoList', 'values', [1, -2, 2147483647, -2147483648]);
echo('echoSet', 'empty', [], { check: (got) => same(got, [], 'echoSet') });
echo('echoSet', 'values', ['b', 'a', 'ü'], { check: (got, v) => same(sortedSet(got), sortedSet(v), 'echoSet') });
echo('echoMap', 'empty', {});
echo('echoMap', 'values', { a: 1, b: -2, '': 0, 'ключ': 2147483647 });
echo('echoIntMap', 'values', { 1: 'one', '-5': 'minus five', 2147483647: '' });
// More than 14 elements: compact's long-form container headers.
const many = (n, f) => Array.from({ length: n }, (_, i) => f(i));
echo('echoList', '1000 values', many(1000, (i) => i * 7919 - 3_000_000));
echo('echoSet', '20 values', many(20, (i) => `s${i}`), { check: (got, v) => same(sortedSet(got), sortedSet(v), 'echoSet') });
echo('echoMap', '30 entries', Object.fromEntries(many(30, (i) => [`k${i}`, -i | 0])));
echo('echoStructList', '20 values', many(20, (i) => point(i, -i | 0)));
// Apache's TCompactProtocol.readBool reads every bool inside a container as false
// (it takes `.value` of the number trans.readByte() returns), so over compact this
// client cannot check a bool list it receives.
if (args.protocol !== 'compact') {
  echo('echoBoolList', 'short', [true, false, true]);
  echo('echoBoolList', '20 values', many(20, (i) => i % 3 === 0));
  echo('echoBoolList', 'empty', []);
  add('boolPattern 20', async () => same(await session.call('boolPattern', 20), many(20, (i) => i % 3 === 0), 'boolPattern'));
}
echo('echoNestedList', 'empty', []);
echo('echoNestedList', 'values', [[1], [], [2, 3, 4]]);
echo('echoStructList', 'empty', []);
echo('echoStructList', 'values', [point(1, 2), point(-1, 0), point(0, 0)]);
echo('echoStructMap', 'empty', {});
echo('echoStructMap', 'values', { origin: point(0, 0), far: point(1_000_000, -1_000_000) });
echo('echoI64List', 'edges', i64Edges);
echo('echoBinaryList', 'values', [Buffer.alloc(0), Buffer.from([0, 255]), allBytes]);
echo('echoPoint', 'values', point(-2147483648, 2147483647));
echo('echoEverything', 'all fields', everything);
echo('echoEverything', 'no fields', {});
echo('echoDefaults', 'all fields', defaultsFull);
echo('echoDefaults', 'required only', { id: 1, name: 'min' }, {
  check: (got) => same(got, { id: 1, name: 'min', level: 7, label: 'default', color: 2, nums: [1, 2, 3], ratio: 0.5, enabled: true }, 'echoDefaults'),
});
echo('echoNested', 'all fields', nested, {
  check: (got) => {
    if (!(got instanceof types.Nested)) throw new Error(`echoNested: expected a Nested, got ${show(got)}`);
    const { everything: gotEverything, ...rest } = got;
    const { everything: wantEverything, ...wantRest } = nested;
    // Sets come back in any order.
    same({ ...gotEverything, names: sortedSet(gotEverything.names) }, { ...toApache(wantEverything), names: sortedSet(wantEverything.names) }, 'echoNested.everything');
    same(rest, toApache(wantRest), 'echoNested');
  },
});
// Generated constructors copy list<Shape> and list<Tree> without wrapping the
// elements, and the writers need instances: build them explicitly.
const shape = (init) => new types.Shape(init);
const tree = (name, children, left) => new types.Tree({ name, children, left });
echo('echoShape', 'point', shape({ point: point(1, 2) }));
echo('echoShape', 'empty label', shape({ label: '' }));
echo('echoShape', 'i64', shape({ id: I64_MAX }));
echo('echoShape', 'nested group', shape({ group: [shape({ label: 'a' }), shape({ group: [shape({ point: point(0, -1) })] }), shape({ group: [] })] }));
echo('echoTree', 'leaf', tree('leaf'));
echo('echoTree', 'branches', tree('root', [tree('a', []), tree('b', [tree('b1'), tree('b2', [], tree('b2l'))])], tree('l', [tree('l1')])));
{
  // 20 levels through the optional self reference.
  let deep = tree('bottom');
  for (let i = 0; i < 20; i++) deep = tree(`level ${i}`, undefined, deep);
  echo('echoTree', '20 levels deep', deep);
}
echo('echoSparse', 'all fields', { c: true, a: -1, b: 'twenty', d: I64_MAX, e: false, f: true, g: false });
echo('echoSparse', 'bools only', { c: false, e: true, f: false, g: true });
add('joinArgs passes arguments declared out of id order in declaration order', async () => {
  same(await session.call('joinArgs', 'x', 'y', 7), 'x,y,7', 'joinArgs');
});
add('makeDefaults fills the IDL defaults', async () => {
  const got = await session.call('makeDefaults', 42, 'made');
  if (!(got instanceof types.Defaults)) throw new Error(`expected a Defaults, got ${show(got)}`);
  same(got, { id: 42, name: 'made', level: 7, label: 'default', color: 2, nums: [1, 2, 3], ratio: 0.5, enabled: true }, 'makeDefaults');
});
for (const [v, hex] of [[1.5, '3ff8000000000000'], [NaN, '7ff8000000000000'], [-Infinity, 'fff0000000000000'], [5e-324, '0000000000000001']]) {
  add(`doubleBits ${v}`, async () => same(await session.call('doubleBits', v), hex, 'doubleBits'));
}
add('combine takes its arguments in order', async () => {
  const a = [false, 127, 32767, -2147483648, I64_MAX, 6.02214076e23, 'déjà vu', Buffer.from('bin'), 1, [9, 8], point(3, 4)];
  const got = await session.call('combine', ...a.map(toApache));
  if (!(got instanceof types.Everything)) throw new Error(`expected an Everything, got ${show(got)}`);
  same(got, { aBool: false, aByte: 127, anI16: 32767, anI32: -2147483648, anI64: I64_MAX, aDouble: 6.02214076e23, aString: 'déjà vu', aBinary: Buffer.from('bin'), color: 1, ints: [9, 8], point: point(3, 4) }, 'combine');
});
add('mayThrow 0 returns', async () => same(await session.call('mayThrow', 0), 'ok', 'mayThrow'));
add('mayThrow 7 throws InteropError', async () => {
  const err = await rejects(session.call('mayThrow', 7));
  if (!(err instanceof types.InteropError)) throw new Error(`expected an InteropError, got ${show(err)}`);
  same({ errorCode: err.errorCode, message: err.message, where: err.where }, { errorCode: 7, message: 'code 7', where: point(7, -7) }, 'InteropError');
});
add('mayThrow -3 throws OtherError (second declared exception)', async () => {
  const err = await rejects(session.call('mayThrow', -3));
  if (!(err instanceof types.OtherError)) throw new Error(`expected an OtherError, got ${show(err)}`);
  same(err.reasons, ['negative', '-3'], 'OtherError.reasons');
});
add('mayThrowVoid 0 returns nothing', async () => same(await session.call('mayThrowVoid', 0), null, 'mayThrowVoid'));
add('mayThrowVoid 5 throws InteropError', async () => {
  const err = await rejects(session.call('mayThrowVoid', 5));
  if (!(err instanceof types.InteropError)) throw new Error(`expected an InteropError, got ${show(err)}`);
  same({ errorCode: err.errorCode, message: err.message, where: err.where }, { errorCode: 5, message: 'code 5', where: point(5, -5) }, 'InteropError');
});
/** Checks the fields of `expected` (type, and message where given) on a TApplicationException. */
function isAppError(err, expected) {
  if (!(err instanceof TApplicationException)) throw new Error(`expected a TApplicationException, got ${show(err)}`);
  const got = {};
  for (const k of Object.keys(expected)) got[k] = err[k];
  same(got, expected, 'TApplicationException');
}
add(`failUndeclared arrives as TApplicationException type ${appErrors.undeclared.type}`, async () => {
  isAppError(await rejects(session.call('failUndeclared', 'boom')), appErrors.undeclared);
});
add('the connection still works after an undeclared failure', async () => {
  await session.call('failUndeclared', 'again').catch(() => {});
  same(await session.call('echoI32', 31), 31, 'echoI32');
});
add('oneway notify is delivered, in order, before a later call', async () => {
  await session.call('drainNotes');
  await session.call('notify', 'first');
  await session.call('notify', 'zweite ü');
  same(await session.call('drainNotes'), ['first', 'zweite ü'], 'drainNotes');
  same(await session.call('drainNotes'), [], 'drainNotes after drain');
});
add('a oneway whose handler fails sends nothing back', async () => {
  await session.call('drainNotes');
  await session.call('notify', 'explode');
  await session.call('notify', 'after');
  same(await session.call('drainNotes'), ['after'], 'drainNotes');
  same(await session.call('echoI32', 32), 32, 'echoI32');
});
add(`an unknown method gets TApplicationException type ${appErrors.unknownMethod.type} and the connection survives`, async () => {
  isAppError(await rejects(plusSession.call('notOnServer', 1)), appErrors.unknownMethod);
  same(await plusSession.call('echoI32', 33), 33, 'echoI32 after the unknown method');
});
add('the server skips argument fields it does not know, of every type', async () => {
  const wide = {
    x: 3,
    y: -4,
    extra: everything,
    deep: [{ a: [1n, -1n] }, {}],
    pointsById: { 1: [point(1, 1)], '-2': [] },
    flag: true,
    small: -1,
    medium: 300,
    ratio: 0.25,
    blob: allBytes,
    big: I64_MIN,
    color: 4,
  };
  const got = await skewSession.call('echoPoint', toApache(wide));
  if (!(got instanceof plusTypes.PointWide)) throw new Error(`expected a PointWide, got ${show(got)}`);
  same(got, { x: 3, y: -4 }, 'echoPoint');
});
add('the server skips an argument it does not know', async () => {
  same(await skewSession.call('echoI32', 5, toApache(nested)), 5, 'echoI32');
});
add('the client skips result fields it does not know, and the next answer still parses', async () => {
  const got = await skewSession.call('echoEverything', toApache(everything));
  if (!(got instanceof plusTypes.Nothing)) throw new Error(`expected a Nothing, got ${show(got)}`);
  same(got, {}, 'echoEverything as Nothing');
  same(await skewSession.call('echoI32', 6, null), 6, 'echoI32');
});
add('64 calls in flight on one connection each get their own answer', async () => {
  const values = Array.from({ length: 64 }, (_, i) => i * 1000 - 7);
  same(await Promise.all(values.map((v) => session.call('echoI32', v))), values, 'echoI32 x64');
});

async function main() {
  const failures = [];
  for (const check of checks) {
    try {
      await check.run();
    } catch (err) {
      failures.push({ name: check.name, error: err instanceof Error ? `${err.name}: ${err.message}` : show(err) });
    }
  }
  session.close();
  plusSession.close();
  skewSession.close();
  const passed = checks.length - failures.length;
  process.stdout.write(`${JSON.stringify({ passed, failed: failures.length, total: checks.length, failures })}\n`);
  // A connection or timer Apache left behind must not keep the process alive.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`apache-client: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
