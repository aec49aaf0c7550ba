/**
 * Our writers' output checked by parsers that are not ours: random messages of any shape
 * (test/fuzz/wire.ts) written in TJSONProtocol must be JSON that `JSON.parse` reads to the
 * exact TJSONProtocol form of the value; written in binary and compact they must be read by
 * Apache's Python library (Debian python3-thrift, test/fuzz/peer-decode.py, one process per
 * batch) to the same values. The Python check is left out, with a line saying so, when that
 * peer is not installed. Runs per property: FUZZ_RUNS (default 300); the Python batch's seed: FUZZ_SEED.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { binaryProtocol, compactProtocol, jsonProtocol, TType, type Protocol } from '../../src/protocol/index.js';
import { encode, RUNS, type WireMessage, type WireType, wireMessage } from './wire.js';

function some(type: WireType, test: (t: WireType) => boolean): boolean {
  if (test(type)) return true;
  switch (type.t) {
    case TType.STRUCT: return type.fields.some(([, f]) => some(f, test));
    case TType.MAP: return some(type.key, test) || some(type.value, test);
    case TType.LIST:
    case TType.SET: return some(type.elem, test);
    default: return false;
  }
}

/** Field ids repeated in one struct: a JSON object would keep only the last. */
const duplicateIds = (t: WireType): boolean => t.t === TType.STRUCT && new Set(t.fields.map(([id]) => id)).size !== t.fields.length;
/** Maps keyed by a struct or a container: TJSONProtocol (as Apache's) then writes a non-string key. */
const compositeKeys = (t: WireType): boolean => t.t === TType.MAP && t.key.t >= TType.STRUCT;
/** python3-thrift 0.17 has no UUID type. */
const uuid = (t: WireType): boolean => t.t === TType.UUID;

// ---- TJSONProtocol against JSON.parse ----

const TAG: Record<number, string> = {
  [TType.BOOL]: 'tf', [TType.BYTE]: 'i8', [TType.I16]: 'i16', [TType.I32]: 'i32', [TType.I64]: 'i64', [TType.DOUBLE]: 'dbl',
  [TType.STRING]: 'str', [TType.STRUCT]: 'rec', [TType.MAP]: 'map', [TType.LIST]: 'lst', [TType.SET]: 'set', [TType.UUID]: 'uid',
};

/** What JSON.parse must give for `value` of `type` in TJSONProtocol (as Apache's TJSONProtocol writes it in every language). */
function jsonForm(type: WireType, value: any): unknown {
  switch (type.t) {
    case TType.BOOL: return value ? 1 : 0;
    case TType.I64: return Number(value);
    case TType.DOUBLE: return Number.isFinite(value) ? value : String(value);
    case TType.STRUCT: {
      const out: Record<string, unknown> = {};
      type.fields.forEach(([id, f], i) => (out[String(id)] = { [TAG[f.t]]: jsonForm(f, value[i]) }));
      return out;
    }
    case TType.MAP: {
      const entries: Record<string, unknown> = {};
      for (const [k, v] of value) entries[type.key.t === TType.BOOL ? (k ? '1' : '0') : String(k)] = jsonForm(type.value, v);
      return [TAG[type.key.t], TAG[type.value.t], value.length, entries];
    }
    case TType.LIST:
    case TType.SET: return [TAG[type.elem.t], value.length, ...value.map((v: unknown) => jsonForm(type.elem, v))];
    default: return value;
  }
}

/** Doubles as map keys are formatted by the writer's own rules: compare those maps by size only. */
function comparable(type: WireType, expected: any, actual: any): boolean {
  switch (type.t) {
    case TType.DOUBLE: return Object.is(expected, actual) || (typeof expected === 'number' && expected === actual);
    case TType.STRUCT: {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
      if (Object.keys(actual).sort().join() !== Object.keys(expected).sort().join()) return false;
      return type.fields.every(([id, f]) => {
        const a = actual[String(id)];
        return a !== null && typeof a === 'object' && Object.keys(a).join() === TAG[f.t] && comparable(f, expected[String(id)][TAG[f.t]], a[TAG[f.t]]);
      });
    }
    case TType.MAP: {
      if (!Array.isArray(actual) || actual.length !== 4 || actual[0] !== expected[0] || actual[1] !== expected[1] || actual[2] !== expected[2]) return false;
      if (type.key.t === TType.DOUBLE) return Object.keys(actual[3]).length === Object.keys(expected[3]).length;
      if (Object.keys(actual[3]).sort().join('\u0000') !== Object.keys(expected[3]).sort().join('\u0000')) return false;
      return Object.keys(expected[3]).every((k) => comparable(type.value, expected[3][k], actual[3][k]));
    }
    case TType.LIST:
    case TType.SET:
      return Array.isArray(actual) && actual.length === expected.length && actual[0] === expected[0] && actual[1] === expected[1] &&
        expected.slice(2).every((e: unknown, i: number) => comparable(type.elem, e, actual[i + 2]));
    default: return Object.is(expected, actual);
  }
}

const json = suite('TJSONProtocol output against JSON.parse');

const jsonMessages = wireMessage.filter((m) => !some(m.body, duplicateIds) && !some(m.body, compositeKeys));
// Names and strings with every ASCII control character and astral graphemes: JSON escaping is checked by JSON.parse.
const names = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));

json('every message is JSON, and JSON.parse reads [1, name, type, seqid, body] with each field tagged by its type', () => {
  fc.assert(
    fc.property(jsonMessages, names, (m, name) => {
      const msg = { ...m, name };
      const text = new TextDecoder('utf-8', { fatal: true }).decode(encode(() => jsonProtocol.createWriter(), msg));
      const parsed = JSON.parse(text);
      assert.ok(Array.isArray(parsed) && parsed.length === 5, text);
      assert.equal(parsed.slice(0, 4), [1, name, m.type, m.seqid]);
      const expected = jsonForm(m.body, m.value);
      assert.ok(comparable(m.body, expected, parsed[4]), `${text}\nexpected body ${JSON.stringify(expected)}`);
    }),
    { numRuns: RUNS },
  );
});

json('strings of any code point survive JSON.parse unchanged, escapes included', () => {
  const body: WireType & { t: 12 } = { t: 12, fields: [[1, { t: TType.STRING }]] };
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary-ascii', maxLength: 20 }), (a, b) => {
      const s = a + b;
      const text = new TextDecoder().decode(encode(() => jsonProtocol.createWriter(), { name: s, type: 1, seqid: 0, body, value: [s] }));
      const parsed = JSON.parse(text);
      assert.is(parsed[1], s);
      assert.is(parsed[4]['1'].str, s);
    }),
    { numRuns: RUNS },
  );
});

json.run();

// ---- binary and compact against Apache's Python library ----

const PYTHON = '/usr/bin/python3';
const peer = spawnSync(PYTHON, ['-c', 'import thrift'], { stdio: 'ignore' }).status === 0;

/** The canonical form peer-decode.py prints for `value` of `type`. */
function canonical(type: WireType, value: any, compact: boolean): unknown {
  switch (type.t) {
    case TType.I64: return String(value);
    case TType.DOUBLE: {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, value);
      return Buffer.from(b.buffer).toString('hex');
    }
    case TType.STRUCT: return type.fields.map(([id, f], i) => [id, f.t, canonical(f, value[i], compact)]);
    case TType.MAP: {
      // Compact writes no key/value type byte for an empty map; the reader then reports STOP (0).
      const empty = compact && value.length === 0;
      return [empty ? 0 : type.key.t, empty ? 0 : type.value.t, value.map(([k, v]: [unknown, unknown]) => [canonical(type.key, k, compact), canonical(type.value, v, compact)])];
    }
    case TType.LIST:
    case TType.SET: return [type.elem.t, value.map((v: unknown) => canonical(type.elem, v, compact))];
    default: return value;
  }
}

const python = suite('binary and compact output against python3-thrift');

for (const [name, protocol] of [['binary', binaryProtocol], ['compact', compactProtocol]] as [string, Protocol][]) {
  if (!peer) {
    console.log(`  (python3-thrift not found at ${PYTHON}: the ${name} output is not checked against it in this run)`);
    continue;
  }
  python(`${name}: python3-thrift reads every random message we write to the same name, type, seqid and values`, () => {
    const messages: WireMessage[] = fc.sample(wireMessage.filter((m) => !some(m.body, uuid)), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 18) });
    const encoded = messages.map((m) => encode(() => protocol.createWriter(), m));
    const input = encoded.map((b) => `${name} ${Buffer.from(b).toString('hex')}\n`).join('');
    const lines = execFileSync(PYTHON, [new URL('./peer-decode.py', import.meta.url).pathname], { input, encoding: 'utf8', maxBuffer: 1 << 28 }).trimEnd().split('\n');
    assert.is(lines.length, messages.length);
    messages.forEach((m, i) => {
      const expected = [m.name, m.type, m.seqid, canonical(m.body, m.value, name === 'compact')];
      assert.equal(JSON.parse(lines[i]), expected, `message ${i}: ${Buffer.from(encoded[i]).toString('hex')}`);
    });
  });
}

python.run();
