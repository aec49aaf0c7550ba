/**
 * Tagged values (cases.ts) as thrift-streams values, and the exact comparison of
 * a value thrift-streams returned with a tagged expectation: i64 must be a
 * bigint, binary a Uint8Array, a set a Set, a map a Map, a struct an instance of
 * its class with every field the expectation leaves out unset; doubles compare
 * by Object.is (so -0 and NaN count); order means nothing in sets and maps.
 */
import type { ThriftModule } from '../../../src/index.js';
import type { Tagged, TaggedStruct } from './cases.js';

type Obj = Record<string, unknown>;

function isTag<K extends string>(v: Tagged, key: K): v is Extract<Tagged, Record<K, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && key in v;
}

/** The thrift-streams value of a tagged value. */
export function toOurs(mod: ThriftModule, v: Tagged): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => toOurs(mod, x));
  if (isTag(v, 'i64')) return BigInt(v.i64);
  if (isTag(v, 'double')) return Number(v.double);
  if (isTag(v, 'bin')) return new Uint8Array(Buffer.from(v.bin, 'hex'));
  if (isTag(v, 'set')) return new Set(v.set.map((x) => toOurs(mod, x)));
  if (isTag(v, 'map')) return new Map(v.map.map(([k, x]) => [toOurs(mod, k), toOurs(mod, x)]));
  const s = v as TaggedStruct;
  const fields: Obj = {};
  for (const [k, x] of Object.entries(s.fields)) fields[k] = toOurs(mod, x);
  return new (structClass(mod, s.struct))(fields);
}

function structClass(mod: ThriftModule, name: string): new (init?: Obj) => Obj {
  const ctor = mod[name];
  if (typeof ctor !== 'function') throw new Error(`no struct ${name} in the module`);
  return ctor;
}

/** A short, unambiguous rendering of a value for failure messages. */
export function show(v: unknown): string {
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (typeof x === 'number' && Object.is(x, -0)) return '-0';
    if (x instanceof Uint8Array) return `<${x.length} bytes ${Buffer.from(x.subarray(0, 16)).toString('hex')}${x.length > 16 ? '…' : ''}>`;
    if (x instanceof Set) return { $set: [...x] };
    if (x instanceof Map) return { $map: [...x] };
    if (x === undefined) return null;
    return x;
  });
  const named = v !== null && typeof v === 'object' && v.constructor && v.constructor !== Object ? `${v.constructor.name} ` : '';
  const out = named + (text ?? String(v));
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** Values a Set or Map finds by identity: equal ones are the same key (NaN included, -0 is 0). */
function isScalar(v: unknown): v is string | number | bigint | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

/** Where `actual` differs from the tagged `expected`, or undefined when it matches exactly. */
export function mismatch(mod: ThriftModule, actual: unknown, expected: Tagged, path = 'value'): string | undefined {
  const differs = (what: string) => `${path}: expected ${what}, got ${show(actual)}`;
  if (expected === null) return actual === undefined || actual === null ? undefined : differs('nothing');
  if (typeof expected === 'boolean' || typeof expected === 'string') {
    return actual === expected ? undefined : differs(JSON.stringify(expected));
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && actual === expected ? undefined : differs(`the number ${expected}`);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differs('an Array');
    if (actual.length !== expected.length) return differs(`${expected.length} elements`);
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(mod, actual[i], expected[i]!, `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (isTag(expected, 'i64')) {
    return typeof actual === 'bigint' && actual === BigInt(expected.i64) ? undefined : differs(`the bigint ${expected.i64}n`);
  }
  if (isTag(expected, 'double')) {
    return typeof actual === 'number' && Object.is(actual, Number(expected.double)) ? undefined : differs(`the double ${expected.double}`);
  }
  if (isTag(expected, 'bin')) {
    if (!(actual instanceof Uint8Array)) return differs('a Uint8Array');
    const hex = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).toString('hex');
    if (hex === expected.bin) return undefined;
    return differs(`${expected.bin.length / 2} bytes ${expected.bin.slice(0, 32)}${expected.bin.length > 32 ? '…' : ''}`);
  }
  if (isTag(expected, 'set')) {
    if (!(actual instanceof Set)) return differs('a Set');
    if (actual.size !== expected.set.length) return differs(`${expected.set.length} elements`);
    const left = [...actual];
    for (const want of expected.set) {
      // Scalars by lookup (a set of 1,000 must not cost a million comparisons); structs by search.
      const key = toOurs(mod, want);
      if (isScalar(key)) {
        if (!actual.has(key)) return differs(`an element ${JSON.stringify(want)}`);
        continue;
      }
      const at = left.findIndex((x) => mismatch(mod, x, want) === undefined);
      if (at < 0) return differs(`an element ${JSON.stringify(want)}`);
      left.splice(at, 1);
    }
    return undefined;
  }
  if (isTag(expected, 'map')) {
    if (!(actual instanceof Map)) return differs('a Map');
    if (actual.size !== expected.map.length) return differs(`${expected.map.length} entries`);
    const keys = [...actual.keys()];
    for (const [k, x] of expected.map) {
      const direct = toOurs(mod, k);
      const key = isScalar(direct) ? (actual.has(direct) ? direct : undefined) : keys.find((a) => mismatch(mod, a, k) === undefined);
      if (key === undefined) return differs(`a key ${JSON.stringify(k)}`);
      const m = mismatch(mod, actual.get(key), x, `${path}[${JSON.stringify(k)}]`);
      if (m) return m;
    }
    return undefined;
  }
  const s = expected as TaggedStruct;
  const ctor = structClass(mod, s.struct);
  if (!(actual instanceof ctor)) return differs(`an instance of ${s.struct}`);
  // Every IDL field: those the expectation names must match, the others must be unset.
  for (const field of Object.keys(new ctor())) {
    const m = mismatch(mod, (actual as Obj)[field], s.fields[field] ?? null, `${path}.${field}`);
    if (m) return m;
  }
  return undefined;
}
