/**
 * Wire compatibility with Apache Thrift's Node library (npm `thrift`), in both
 * directions: our client against Apache's server, and Apache's client against
 * our server, over the buffered and the framed transport, with the binary
 * protocol (strict and old-style message headers) and the compact protocol,
 * straight and through a proxy that fragments every message. The Apache peers
 * run as child processes (see apache-peers.ts); Apache's client against Apache's
 * server runs in every cell too, so that a broken harness is told apart from a
 * broken library. A matrix of the results is printed at the end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBinaryProtocol,
  createConnection,
  createServer,
  load,
  ThriftAppError,
  type Protocol,
  type ServiceClient,
  type ServiceDesc,
} from '../../src/index.js';
import {
  APP_ERRORS,
  IDL_PATH,
  PLUS_IDL_PATH,
  runApacheClient,
  startApacheServer,
  type ApacheClientReport,
  type ApacheWire,
  type ServerKind,
  type TransportName,
} from './apache-peers.js';
import { startDripProxy } from './drip-proxy.js';
import { needs } from '../helpers/peers.js';

needs('thrift-compiler', "interop apache: Apache's Node library against ours (code from thrift --gen js:node)");

const TRANSPORTS: readonly TransportName[] = ['buffered', 'framed'];
/**
 * The protocols both libraries speak. Binary comes twice: with strict (versioned)
 * message headers, the default everywhere, and with old-style ones (name first),
 * which every reader must still accept; our side and Apache's client write them.
 */
type Wire = 'binary' | 'binary-old' | 'compact';
const WIRES: readonly Wire[] = ['binary', 'binary-old', 'compact'];
const wires: Record<Wire, { ours: Protocol | 'compact'; apache: ApacheWire }> = {
  binary: { ours: createBinaryProtocol(), apache: { protocol: 'binary', strictWrite: true } },
  'binary-old': { ours: createBinaryProtocol({ strictWrite: false }), apache: { protocol: 'binary', strictWrite: false } },
  compact: { ours: 'compact', apache: { protocol: 'compact', strictWrite: true } },
};

type StructCtor = new (init?: Record<string, unknown>) => object;
/** The part of the loaded module these tests touch. */
interface InteropModule {
  Interop: ServiceDesc;
  Point: StructCtor;
  Everything: StructCtor;
  Defaults: StructCtor;
  Nested: StructCtor;
  Shape: StructCtor;
  Tree: StructCtor;
  Sparse: StructCtor;
  InteropError: StructCtor;
  OtherError: StructCtor;
}
type Client = ServiceClient;

let loaded: InteropModule | undefined;
function mod(): InteropModule {
  loaded ??= load(IDL_PATH) as InteropModule;
  return loaded;
}
/** fixtures/interop-plus.thrift: InteropPlus (Interop plus notOnServer) and InteropSkew. */
interface PlusModule {
  InteropPlus: ServiceDesc;
  InteropSkew: ServiceDesc;
  PointWide: StructCtor;
  Nothing: StructCtor;
}
let loadedPlus: PlusModule | undefined;
function plusMod(): PlusModule {
  loadedPlus ??= load(PLUS_IDL_PATH) as PlusModule;
  return loadedPlus;
}

// ---------------------------------------------------------------------------
// Comparing values exactly. Everything is reduced to plain data that keeps the
// distinctions the value mapping promises (bigint vs number, Set vs Array, Map
// vs object, Uint8Array, which struct class) and drops those it does not (map
// and set order, an unset field being null or undefined).

function structName(v: object): string | undefined {
  const m = mod();
  for (const name of ['Point', 'Everything', 'Defaults', 'Nested', 'Shape', 'Tree', 'Sparse', 'InteropError', 'OtherError'] as const) {
    if (v.constructor === m[name]) return name;
  }
  const plus = plusMod();
  for (const name of ['PointWide', 'Nothing'] as const) {
    if (v.constructor === plus[name]) return name;
  }
  return undefined;
}

function sortKey(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : x));
}

function canon(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Uint8Array) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof Set) return { $set: [...v].map(canon).sort((a, b) => sortKey(a).localeCompare(sortKey(b))) };
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => [canon(k), canon(x)]);
    return { $map: entries.sort((a, b) => sortKey(a[0]).localeCompare(sortKey(b[0]))) };
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    const name = structName(v);
    if (name) out.$struct = name;
    else if (v.constructor !== Object) out.$class = v.constructor?.name;
    for (const k of Object.keys(v).sort()) {
      const x = canon((v as Record<string, unknown>)[k]);
      if (x !== undefined) out[k] = x;
    }
    return out;
  }
  return v;
}

function same(actual: unknown, expected: unknown, what: string): void {
  assert.equal(canon(actual), canon(expected), `${what}: value differs`);
}

/** Checks the fields of `expected` (type, and message where given) on a ThriftAppError. */
function isAppError(err: unknown, expected: { type: number; message?: string }): void {
  assert.instance(err, ThriftAppError);
  const e = err as ThriftAppError;
  assert.equal(expected.message === undefined ? { type: e.type } : { type: e.type, message: e.message }, expected);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    const value = await p;
    throw new assert.Assertion({ message: `expected a rejection, got ${String(value)}`, operator: 'rejects', expects: 'rejection', actual: value });
  } catch (err) {
    if (err instanceof assert.Assertion) throw err;
    return err;
  }
}

// ---------------------------------------------------------------------------
// Values

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const bigBinary = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) & 0xff);
const longString = 'ü🎉abc'.repeat(20_000);
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const i64Edges = [0n, 1n, -1n, I64_MAX, I64_MIN, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0x0102030405060708n, -0x0102030405060708n];
// -0.0 is left out of the echo: Apache's writer sends it as +0.0. doubleBits proves our -0.0 instead.
const doubles = [0, 1.5, -2.25, Math.PI, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN];
const strings: [string, string][] = [
  ['empty', ''],
  ['ascii', 'hello'],
  ['latin', 'héllo wörld'],
  ['cjk', '日本語'],
  ['emoji', '🎉👍🏽'],
  ['nul', 'a\u0000b'],
  ['long', longString],
];

function hexOfDouble(v: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return Buffer.from(view.buffer).toString('hex');
}

// ---------------------------------------------------------------------------
// Our client against a server of the Interop service: each case calls and checks.

interface Case {
  name: string;
  /** `connect` opens another connection to the same server, with the same options. */
  run(c: Client, connect: (service: ServiceDesc) => Promise<Client>): Promise<void>;
}

function clientCases(serverKind: ServerKind, wire: Wire): Case[] {
  const appErrors = APP_ERRORS[serverKind];
  const m = mod();
  const P = (x: number, y: number) => new m.Point({ x, y });
  const cases: Case[] = [];
  const add = (name: string, run: Case['run']) => cases.push({ name, run });
  const echo = (method: string, label: string, value: unknown, expected: unknown = value, type?: string) =>
    add(`${method} ${label}`, async (c) => {
      const got = await c[method](value);
      if (type) assert.is(typeof got, type, `${method}: result type`);
      same(got, expected, method);
    });

  add('ping', async (c) => assert.is(await c.ping(), undefined));
  for (const v of [true, false]) echo('echoBool', String(v), v, v, 'boolean');
  for (const v of [0, 1, 127, -128, -1]) echo('echoByte', String(v), v, v, 'number');
  for (const v of [0, 32767, -32768, -1]) echo('echoI16', String(v), v, v, 'number');
  for (const v of [0, 2147483647, -2147483648, -1]) echo('echoI32', String(v), v, v, 'number');
  for (const v of i64Edges) echo('echoI64', String(v), v, v, 'bigint');
  echo('echoI64', 'number accepted on write', -5, -5n, 'bigint');
  echo('echoI64', 'MAX_SAFE_INTEGER as number', Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER), 'bigint');
  for (const v of doubles) echo('echoDouble', String(v), v, v, 'number');
  for (const [label, v] of strings) echo('echoString', label, v, v, 'string');
  for (const [label, v] of [['empty', new Uint8Array(0)], ['all 256 bytes', allBytes], ['200 KB', bigBinary]] as const) {
    add(`echoBinary ${label}`, async (c) => {
      const got = await c.echoBinary(v);
      assert.instance(got, Uint8Array, 'echoBinary: result type');
      same(got, v, 'echoBinary');
    });
  }
  for (const v of [1, 2, 4, 70000]) echo('echoEnum', String(v), v, v, 'number');
  echo('echoList', 'empty', []);
  echo('echoList', 'values', [1, -2, 2147483647, -2147483648]);
  echo('echoSet', 'empty', new Set());
  echo('echoSet', 'values', new Set(['b', 'a', 'ü']));
  echo('echoMap', 'empty', new Map());
  echo('echoMap', 'values', new Map([['a', 1], ['b', -2], ['', 0], ['ключ', 2147483647]]));
  echo('echoIntMap', 'values', new Map([[1, 'one'], [-5, 'minus five'], [2147483647, '']]));
  // More than 14 elements: compact's long-form container headers.
  const many = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  echo('echoList', '1000 values', many(1000, (i) => i * 7919 - 3_000_000));
  echo('echoSet', '20 values', new Set(many(20, (i) => `s${i}`)));
  echo('echoMap', '30 entries', new Map(many(30, (i) => [`k${i}`, -i | 0])));
  echo('echoStructList', '20 values', many(20, (i) => P(i, -i | 0)));
  // Apache's TCompactProtocol.readBool reads every bool inside a container as false,
  // so over compact its server cannot echo a bool list; boolPattern still checks our reader.
  if (wire !== 'compact') {
    echo('echoBoolList', 'short', [true, false, true]);
    echo('echoBoolList', '20 values', many(20, (i) => i % 3 === 0));
    echo('echoBoolList', 'empty', []);
  }
  add('boolPattern 20: a bool list the server wrote', async (c) => same(await c.boolPattern(20), many(20, (i) => i % 3 === 0), 'boolPattern'));
  echo('echoNestedList', 'empty', []);
  echo('echoNestedList', 'values', [[1], [], [2, 3, 4]]);
  echo('echoNestedList', 'only empty lists', [[], []]);
  echo('echoStructList', 'empty', []);
  echo('echoStructList', 'values', [P(1, 2), P(-1, 0), P(0, 0)]);
  echo('echoStructList', 'plain objects accepted on write', [{ x: 5, y: 6 }], [P(5, 6)]);
  echo('echoStructMap', 'empty', new Map());
  echo('echoStructMap', 'values', new Map([['origin', P(0, 0)], ['far', P(1_000_000, -1_000_000)]]));
  echo('echoI64List', 'edges', i64Edges);
  echo('echoBinaryList', 'values', [new Uint8Array(0), Uint8Array.of(0, 255), allBytes]);
  echo('echoPoint', 'extremes', P(-2147483648, 2147483647));
  echo('echoPoint', 'plain object accepted on write', { x: 3, y: 4 }, P(3, 4));

  const everything = () =>
    new m.Everything({
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
      names: new Set(['x', 'é']),
      counts: new Map([['one', 1n], ['max', I64_MAX], ['', -1n]]),
      point: P(1, -1),
      points: [P(0, 0), P(-5, 5)],
    });
  echo('echoEverything', 'all fields', everything());
  echo('echoEverything', 'no fields', new m.Everything({}));
  const defaultsFull = new m.Defaults({
    id: 9,
    name: 'full',
    note: 'a note',
    level: -3,
    label: 'custom',
    color: 4,
    nums: [],
    origin: P(2, 3),
    ratio: -0.125,
    enabled: false,
  });
  echo('echoDefaults', 'all fields', defaultsFull);
  // Written explicitly so that the expectation does not lean on our own constructor's defaults.
  const defaultsOnly = (id: number, name: string) =>
    new m.Defaults({ id, name, level: 7, label: 'default', color: 2, nums: [1, 2, 3], ratio: 0.5, enabled: true });
  echo('echoDefaults', 'required fields only, as a plain object', { id: 1, name: 'min' }, defaultsOnly(1, 'min'));
  const nestedValue = () =>
    new m.Nested({
      corner: P(7, 8),
      everything: everything(),
      grid: [[1, 2], [], [3]],
      pointsByName: new Map([['a', P(1, 1)], ['日本', P(-2, 2)]]),
      tagsById: new Map([[1, ['x']], [-7, []], [2147483647, ['y', 'z']]]),
      deep: [new Map([['evens', new Set([2, 4])], ['odds', new Set()]]), new Map()],
      defaults: defaultsFull,
    });
  echo('echoNested', 'all fields', nestedValue());
  const S = (init: Record<string, unknown>) => new m.Shape(init);
  const T = (name: string, children?: object[], left?: object) => new m.Tree({ name, children, left });
  echo('echoShape', 'point', S({ point: P(1, 2) }));
  echo('echoShape', 'empty label', S({ label: '' }));
  echo('echoShape', 'i64', S({ id: I64_MAX }));
  echo('echoShape', 'nested group', S({ group: [S({ label: 'a' }), S({ group: [S({ point: P(0, -1) })] }), S({ group: [] })] }));
  echo('echoTree', 'leaf', T('leaf'));
  echo('echoTree', 'branches', T('root', [T('a', []), T('b', [T('b1'), T('b2', [], T('b2l'))])], T('l', [T('l1')])));
  let deep = T('bottom');
  for (let i = 0; i < 20; i++) deep = T(`level ${i}`, undefined, deep);
  echo('echoTree', '20 levels deep', deep);
  echo('echoSparse', 'all fields', new m.Sparse({ c: true, a: -1, b: 'twenty', d: I64_MAX, e: false, f: true, g: false }));
  echo('echoSparse', 'bools only', new m.Sparse({ c: false, e: true, f: false, g: true }));
  add('joinArgs passes arguments declared out of id order in declaration order', async (c) =>
    assert.is(await c.joinArgs('x', 'y', 7), 'x,y,7'));
  add('makeDefaults: the struct carries the IDL defaults', async (c) => {
    const got = await c.makeDefaults(42, 'made');
    assert.instance(got, m.Defaults);
    same(got, defaultsOnly(42, 'made'), 'makeDefaults');
  });
  for (const v of [1.5, -0, NaN, -Infinity, 5e-324]) {
    add(`doubleBits ${Object.is(v, -0) ? '-0' : v}: the bytes we write`, async (c) => assert.is(await c.doubleBits(v), hexOfDouble(v)));
  }
  add('combine takes its arguments positionally, in field-id order', async (c) => {
    const got = await c.combine(false, 127, 32767, -2147483648, I64_MAX, 6.02214076e23, 'déjà vu', Uint8Array.of(98, 105, 110), 1, [9, 8], P(3, 4));
    assert.instance(got, m.Everything);
    same(
      got,
      new m.Everything({
        aBool: false, aByte: 127, anI16: 32767, anI32: -2147483648, anI64: I64_MAX, aDouble: 6.02214076e23,
        aString: 'déjà vu', aBinary: Uint8Array.of(98, 105, 110), color: 1, ints: [9, 8], point: P(3, 4),
      }),
      'combine',
    );
  });
  add('mayThrow 0 returns', async (c) => assert.is(await c.mayThrow(0), 'ok'));
  add('mayThrow 7: declared InteropError arrives as an instance with its fields', async (c) => {
    const err = (await rejection(c.mayThrow(7))) as Record<string, unknown>;
    assert.instance(err, m.InteropError);
    assert.instance(err, Error);
    same({ errorCode: err.errorCode, message: err.message, where: err.where }, { errorCode: 7, message: 'code 7', where: P(7, -7) }, 'InteropError');
  });
  add('mayThrow -3: the second declared exception, OtherError', async (c) => {
    const err = (await rejection(c.mayThrow(-3))) as Record<string, unknown>;
    assert.instance(err, m.OtherError);
    same(err.reasons, ['negative', '-3'], 'OtherError.reasons');
  });
  add('mayThrowVoid 0 resolves undefined', async (c) => assert.is(await c.mayThrowVoid(0), undefined));
  add('mayThrowVoid 5: InteropError from a void function', async (c) => {
    const err = (await rejection(c.mayThrowVoid(5))) as Record<string, unknown>;
    assert.instance(err, m.InteropError);
    same({ errorCode: err.errorCode, message: err.message, where: err.where }, { errorCode: 5, message: 'code 5', where: P(5, -5) }, 'InteropError');
  });
  add(`failUndeclared arrives as ThriftAppError type ${appErrors.undeclared.type}`, async (c) => {
    isAppError(await rejection(c.failUndeclared('boom')), appErrors.undeclared);
  });
  add('the connection still works after an undeclared failure', async (c) => {
    await c.failUndeclared('again').catch(() => undefined);
    assert.is(await c.echoI32(31), 31);
  });
  add('oneway notify is delivered, in order, before a later call', async (c) => {
    await c.drainNotes();
    assert.is(await c.notify('first'), undefined);
    await c.notify('zweite ü');
    same(await c.drainNotes(), ['first', 'zweite ü'], 'drainNotes');
    same(await c.drainNotes(), [], 'drainNotes after a drain');
  });
  add('a oneway whose handler fails sends nothing back', async (c) => {
    await c.drainNotes();
    await c.notify('explode');
    await c.notify('after');
    same(await c.drainNotes(), ['after'], 'drainNotes');
    assert.is(await c.echoI32(32), 32);
  });
  add(`an unknown method gets ThriftAppError type ${appErrors.unknownMethod.type} and the connection survives`, async (_c, connect) => {
    const plus = await connect(plusMod().InteropPlus);
    try {
      isAppError(await rejection(plus.notOnServer(1)), appErrors.unknownMethod);
      assert.is(await plus.echoI32(33), 33, 'an inherited method on the same connection');
    } finally {
      plus.close();
    }
  });
  add('the server skips argument fields it does not know, of every type', async (_c, connect) => {
    const plus = plusMod();
    const skew = await connect(plus.InteropSkew);
    try {
      const wide = new plus.PointWide({
        x: 3,
        y: -4,
        extra: everything(),
        deep: [new Map([['a', new Set([1n, -1n])]]), new Map()],
        pointsById: new Map([[1, [P(1, 1)]], [-2, []]]),
        flag: true,
        small: -1,
        medium: 300,
        ratio: 0.25,
        blob: allBytes,
        big: I64_MIN,
        color: 4,
      });
      const got = await skew.echoPoint(wide);
      assert.instance(got, plus.PointWide);
      same(got, new plus.PointWide({ x: 3, y: -4 }), 'echoPoint');
      assert.is(await skew.echoI32(5, nestedValue()), 5, 'an argument the server does not know');
    } finally {
      skew.close();
    }
  });
  add('the client skips result fields it does not know, and the next answer still parses', async (_c, connect) => {
    const plus = plusMod();
    const skew = await connect(plus.InteropSkew);
    try {
      const got = await skew.echoEverything(everything());
      assert.instance(got, plus.Nothing);
      same(got, new plus.Nothing({}), 'echoEverything as Nothing');
      assert.is(await skew.echoI32(6, undefined), 6);
    } finally {
      skew.close();
    }
  });
  add('64 calls in flight on one connection each get their own answer', async (c) => {
    const values = Array.from({ length: 64 }, (_, i) => i * 1000 - 7);
    same(await Promise.all(values.map((v) => c.echoI32(v))), values, 'echoI32 x64');
  });
  return cases;
}

/** Runs every case on one connection (a fresh one after a case that broke it); returns the failures. */
async function runClientCases(port: number, transport: TransportName, wire: Wire, serverKind: ServerKind) {
  const m = mod();
  const failures: { name: string; error: string }[] = [];
  const cases = clientCases(serverKind, wire);
  const connect = (service: ServiceDesc) =>
    createConnection(service, { host: '127.0.0.1', port, transport, protocol: wires[wire].ours, timeout: 5000 });
  let conn: Client | undefined;
  try {
    for (const c of cases) {
      try {
        conn ??= await connect(m.Interop);
        await c.run(conn, connect);
      } catch (err) {
        failures.push({ name: c.name, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        // The failure may have left the connection unusable; the next case gets its own.
        conn?.close();
        conn = undefined;
      }
    }
  } finally {
    conn?.close();
  }
  return { passed: cases.length - failures.length, failed: failures.length, total: cases.length, failures };
}

// ---------------------------------------------------------------------------
// Our server, with the handler semantics the IDL documents.

function interopHandler() {
  const m = mod();
  const notes: string[] = [];
  const echo = (v: unknown) => v;
  const interopError = (code: number) =>
    new m.InteropError({ errorCode: code, message: `code ${code}`, where: new m.Point({ x: code, y: -code }) });
  return {
    ping() {},
    echoBool: echo,
    echoByte: echo,
    echoI16: echo,
    echoI32: echo,
    // Some handlers are async on purpose: both kinds must work.
    echoI64: async (v: bigint) => v,
    echoDouble: echo,
    echoString: async (v: string) => v,
    echoBinary: echo,
    echoEnum: echo,
    echoList: echo,
    echoSet: echo,
    echoMap: echo,
    echoIntMap: echo,
    echoNestedList: echo,
    echoStructList: echo,
    echoStructMap: echo,
    echoI64List: echo,
    echoBinaryList: echo,
    echoBoolList: echo,
    boolPattern: (n: number) => Array.from({ length: n }, (_, i) => i % 3 === 0),
    echoPoint: echo,
    echoEverything: async (v: unknown) => v,
    echoDefaults: echo,
    echoNested: echo,
    echoShape: echo,
    echoTree: echo,
    echoSparse: echo,
    joinArgs: (a: string, b: string, c: number) => `${a},${b},${c}`,
    makeDefaults: (id: number, name: string) => new m.Defaults({ id, name }),
    doubleBits: (v: number) => hexOfDouble(v),
    combine: (
      aBool: boolean, aByte: number, anI16: number, anI32: number, anI64: bigint, aDouble: number,
      aString: string, aBinary: Uint8Array, color: number, ints: number[], point: object,
    ) => new m.Everything({ aBool, aByte, anI16, anI32, anI64, aDouble, aString, aBinary, color, ints, point }),
    mayThrow(code: number) {
      if (code > 0) throw interopError(code);
      if (code < 0) throw new m.OtherError({ reasons: ['negative', String(code)] });
      return 'ok';
    },
    async mayThrowVoid(code: number) {
      if (code > 0) throw interopError(code);
    },
    failUndeclared(why: string): number {
      throw new Error(`undeclared: ${why}`);
    },
    notify(note: string) {
      if (note === 'explode') throw new Error('a oneway handler failed');
      notes.push(note);
    },
    drainNotes: () => notes.splice(0, notes.length),
  };
}

// ---------------------------------------------------------------------------
// The matrix printed at the end: direction × transport → passed/failed.

/**
 * How the bytes travel: straight, or through a proxy that cuts the head of every
 * chunk into 1–3 byte pieces, so that each receiver reassembles messages from
 * fragments (see drip-proxy.ts).
 */
type Path = 'direct' | 'dripped';
async function via<T>(path: Path, port: number, run: (port: number) => Promise<T>): Promise<T> {
  if (path === 'direct') return run(port);
  const proxy = await startDripProxy(port);
  try {
    return await run(proxy.port);
  } finally {
    await proxy.close();
  }
}

const matrix: { direction: string; transport: TransportName; wire: Wire; path: Path; result: string }[] = [];
/** Runs one direction × transport × protocol × path cell; a cell that could not even run is shown as such, then fails. */
async function cell(direction: string, transport: TransportName, wire: Wire, path: Path, run: () => Promise<ApacheClientReport>, who: string) {
  let report: ApacheClientReport;
  try {
    report = await run();
  } catch (err) {
    matrix.push({ direction, transport, wire, path, result: `did not run: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    throw err;
  }
  matrix.push({ direction, transport, wire, path, result: `${String(report.passed).padStart(4)} passed ${String(report.failed).padStart(4)} failed` });
  assertAllPassed(report, who);
}
function assertAllPassed(r: ApacheClientReport, who: string): void {
  const detail = r.failures.map((f) => `\n  - ${f.name}: ${f.error}`).join('');
  assert.ok(r.total > 0, `${who}: ran no check`);
  assert.is(r.failed, 0, `${who}: ${r.failed} of ${r.total} checks failed:${detail}`);
  assert.is(r.passed, r.total, `${who}: passed ${r.passed} of ${r.total}`);
}

test.after(() => {
  const rows = matrix.map((r) => `  ${r.direction.padEnd(38)} ${r.transport.padEnd(9)} ${r.wire.padEnd(10)} ${r.path.padEnd(7)} ${r.result}`);
  console.log(`\nApache Thrift (Node) interop (binary-old: binary with old-style message headers):\n${rows.join('\n')}\n`);
});

// Every wire × transport straight; binary and compact × transport dripped as well.
const CELLS: { wire: Wire; transport: TransportName; path: Path }[] = [
  ...WIRES.flatMap((wire) => TRANSPORTS.map((transport) => ({ wire, transport, path: 'direct' as const }))),
  ...(['binary', 'compact'] as const).flatMap((wire) => TRANSPORTS.map((transport) => ({ wire, transport, path: 'dripped' as const }))),
];

for (const { wire, transport, path } of CELLS) {
  const label = `${transport}, ${wire}, ${path}`;
  const apacheWire = wires[wire].apache;
  test(`harness: Apache client passes every check against Apache server (${label})`, () =>
    cell('Apache client -> Apache server', transport, wire, path, async () => {
      const server = await startApacheServer(transport, apacheWire.protocol);
      try {
        return await via(path, server.port, (port) => runApacheClient({ port, transport, server: 'apache', wire: apacheWire }));
      } finally {
        await server.stop();
      }
    }, 'Apache client against Apache server'));

  test(`our client -> Apache server: every method round-trips exactly (${label})`, () =>
    cell('thrift-streams client -> Apache server', transport, wire, path, async () => {
      const server = await startApacheServer(transport, apacheWire.protocol);
      try {
        return await via(path, server.port, (port) => runClientCases(port, transport, wire, 'apache'));
      } finally {
        await server.stop();
      }
    }, 'our client against Apache server'));

  test(`Apache client -> our server: every check passes (${label})`, () =>
    cell('Apache client -> thrift-streams server', transport, wire, path, async () => {
      const server = await createServer(mod().Interop, interopHandler(), {
        host: '127.0.0.1',
        port: 0,
        transport,
        protocol: wires[wire].ours,
      });
      try {
        return await via(path, server.address.port!, (port) =>
          runApacheClient({ port, transport, server: 'thrift-streams', wire: apacheWire }),
        );
      } finally {
        await server.close();
      }
    }, 'Apache client against our server'));
}

test.run();
