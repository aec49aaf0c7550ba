/**
 * Struct codecs for simple JSON, built from the schema once per descriptor and
 * cached: unlike binary, compact and TJSONProtocol, simple JSON needs field names
 * and value types at both ends, so these walk the descriptor instead of calling
 * schema-less reader methods. Same value mapping as the other codecs (i64 as
 * bigint, maps as Map, sets as Set, binary as Uint8Array, structs as their class).
 */
import { ProtocolError } from '../errors.js';
import { CodecCache, helpers as h, type StructDecoder, type StructEncoder } from './codec.js';
import { decodeBase64 } from './json-reader.js';
import { utf8Of } from './json-text-writer.js';
import { ttypeOf, type EnumDesc, type StructDesc, type TypeDesc } from './schema.js';
import { SimpleJsonReader } from './simple-json-reader.js';
import { SimpleJsonWriter } from './simple-json-writer.js';
import type { ProtocolReader, ProtocolWriter } from './types.js';
import { isUuid } from './uuid.js';

type Write = (w: SimpleJsonWriter, x: any) => void;
type Read = (r: SimpleJsonReader) => unknown;
/** Reads a map key from the text of its JSON string. */
type ReadKey = (r: SimpleJsonReader, key: string) => unknown;

interface Pair {
  enc: (w: SimpleJsonWriter, v: unknown) => void;
  dec: (r: SimpleJsonReader) => any;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const utf8 = new TextDecoder();

/** Integer ranges by type name. */
const RANGE: Record<string, readonly [number, number]> = {
  byte: [-128, 127],
  i16: [-32768, 32767],
  i32: [-2147483648, 2147483647],
};

/** The per-protocol cache of simple JSON struct codecs. */
export class SimpleJsonCodecs extends CodecCache {
  private readonly byName = new WeakMap<StructDesc, Pair>();
  private readonly byIndex = new WeakMap<StructDesc, Pair>();

  override encoder(desc: StructDesc): StructEncoder {
    return this.pair(desc, false).enc as (w: ProtocolWriter, v: unknown) => void;
  }

  override decoder(desc: StructDesc): StructDecoder {
    return this.pair(desc, false).dec as (r: ProtocolReader) => any;
  }

  override argsCodec(desc: StructDesc): { encode: StructEncoder; decode: StructDecoder } {
    const p = this.pair(desc, true);
    return { encode: p.enc as (w: ProtocolWriter, v: unknown) => void, decode: p.dec as (r: ProtocolReader) => any };
  }

  private pair(desc: StructDesc, positional: boolean): Pair {
    const cache = positional ? this.byIndex : this.byName;
    let p = cache.get(desc);
    if (p === undefined) {
      // Cached before building so recursive references find it; they call through it at run time.
      p = { enc: () => {}, dec: () => undefined };
      cache.set(desc, p);
      const built = buildStruct(desc, positional, (d) => this.pair(d, false));
      p.enc = built.enc;
      p.dec = built.dec;
    }
    return p;
  }
}

function buildStruct(desc: StructDesc, positional: boolean, pairOf: (d: StructDesc) => Pair): Pair {
  const fields = desc.fields;
  const keys: (string | number)[] = fields.map((f, i) => (positional ? i : f.name));
  const writers = fields.map((f) => writer(f.type, pairOf));
  const readers = fields.map((f) => reader(f.type, pairOf));
  const index = new Map<string, number>(fields.map((f, i) => [f.name, i]));
  const required = fields.map((f) => f.requiredness === 'required');
  const anyRequired = required.includes(true);
  const isUnion = desc.kind === 'union';
  const C = desc.ctor;
  const segment = fields.map((f) => `.${f.name}`);

  const enc = (w: SimpleJsonWriter, v: any): void => {
    if (v === null || typeof v !== 'object') throw h.invalid(`struct ${desc.name}`, v);
    let at = -1;
    let set = 0;
    try {
      w.writeStructBegin();
      for (let i = 0; i < fields.length; i++) {
        at = i;
        const x = v[keys[i]];
        if (x != null) {
          w.writeFieldName(fields[i].name);
          writers[i](w, x);
          set++;
        } else if (required[i]) {
          at = -1;
          throw h.missing(desc.name, fields[i].name);
        }
      }
      at = -1;
      if (isUnion && set > 1) throw h.unionCount(desc.name, set);
      w.writeStructEnd();
    } catch (e) {
      throw at < 0 ? e : h.wrap(e, desc.name, fields[at].name);
    }
  };

  const dec = (r: SimpleJsonReader): any => {
    const root = r.path.length === 0;
    if (root) r.path.push(desc.name);
    if (r.peek() !== '{') throw r.mismatch(`struct ${desc.name}`);
    r.pos++;
    r.enter();
    let o: any;
    if (positional) o = new Array(fields.length).fill(undefined);
    else if (C) o = new C();
    else {
      o = {};
      for (const f of fields) o[f.name] = undefined;
    }
    const seen = anyRequired ? new Array<boolean>(fields.length).fill(false) : undefined;
    if (!r.accept('}')) {
      do {
        const name = r.string();
        r.expect(':');
        const i = index.get(name);
        if (i === undefined) {
          r.skipValue();
        } else if (!r.word('null')) {
          // null is an absent field, as JSON writers spell an unset optional.
          r.path.push(segment[i]);
          o[keys[i]] = readers[i](r);
          r.path.pop();
          if (seen !== undefined) seen[i] = true;
        }
      } while (r.more('}'));
    }
    r.leave();
    if (seen !== undefined) {
      for (let i = 0; i < fields.length; i++) if (required[i] && !seen[i]) throw r.error(`required field ${desc.name}.${fields[i].name} is not set`);
    }
    if (root) {
      r.end();
      r.path.pop();
    }
    return o;
  };
  return { enc, dec };
}

function isComposite(t: TypeDesc): boolean {
  return t.kind === 'struct' || t.kind === 'list' || t.kind === 'set' || t.kind === 'map';
}

function writer(t: TypeDesc, pairOf: (d: StructDesc) => Pair): Write {
  switch (t.kind) {
    case 'bool': return (w, x) => w.writeBool(x);
    case 'byte': return (w, x) => w.writeByte(x);
    case 'i16': return (w, x) => w.writeI16(x);
    case 'i32': case 'enum': return (w, x) => w.writeI32(x);
    case 'i64': return (w, x) => w.writeI64(x);
    case 'double': return (w, x) => w.writeDouble(x);
    case 'string': return (w, x) => w.writeString(x);
    case 'binary': return (w, x) => w.writeBinary(x);
    case 'uuid': return (w, x) => w.writeUuid(x);
    case 'struct': {
      const s = t.struct;
      return (w, x) => pairOf(s).enc(w, x);
    }
    case 'list': {
      const et = ttypeOf(t.elem);
      const elem = writer(t.elem, pairOf);
      return (w, x) => {
        if (!Array.isArray(x)) throw h.invalid('list (Array)', x);
        w.writeListBegin(et, x.length);
        for (let i = 0; i < x.length; i++) elem(w, x[i]);
        w.writeListEnd();
      };
    }
    case 'set': {
      const et = ttypeOf(t.elem);
      const elem = writer(t.elem, pairOf);
      return (w, x) => {
        w.writeSetBegin(et, h.setSize(x));
        for (const e of x) elem(w, e);
        w.writeSetEnd();
      };
    }
    case 'map': {
      const kt = ttypeOf(t.key);
      const vt = ttypeOf(t.value);
      const value = writer(t.value, pairOf);
      let key = writer(t.key, pairOf);
      if (isComposite(t.key)) {
        // JSON keys are strings: a struct or container key travels as the text of its own simple JSON.
        const inner = key;
        key = (w, k) => {
          const sub = new SimpleJsonWriter(256);
          sub.begin();
          inner(sub, k);
          w.writeString(utf8.decode(sub.finish()));
        };
      }
      return (w, x) => {
        w.writeMapBegin(kt, vt, h.mapSize(x));
        h.forEachEntry(x, (v, k) => {
          key(w, k);
          value(w, v);
        });
        w.writeMapEnd();
      };
    }
  }
}

/** An integer of a type with a number range, from a token's text. */
function integer(r: SimpleJsonReader, text: string, type: string): number {
  if (!INTEGER.test(text)) throw r.error(`expected ${type}, got ${text}`);
  const [lo, hi] = RANGE[type];
  const v = Number(text);
  if (v < lo || v > hi) throw r.error(`${type} out of range: ${text}`);
  return v;
}

/** An i64 from a token's digits: BigInt reads them exactly, past 2^53. */
function int64(r: SimpleJsonReader, text: string): bigint {
  if (!INTEGER.test(text)) throw r.error(`expected i64, got ${text}`);
  const v = BigInt(text);
  if (v < I64_MIN || v > I64_MAX) throw r.error(`i64 out of range: ${text}`);
  return v;
}

/** A double from its spellings: a JSON number, the quoted names Apache's TJSONProtocol uses, Python's bare ones. */
function special(text: string): number | undefined {
  switch (text) {
    case 'NaN': case 'nan': return NaN;
    case 'Infinity': case 'inf': return Infinity;
    case '-Infinity': case '-inf': return -Infinity;
    default: return undefined;
  }
}

function enumValue(r: SimpleJsonReader, e: EnumDesc, name: string): number {
  for (const v of e.values) if (v.name === name) return v.value;
  throw r.error(`${JSON.stringify(name)} is not a value of enum ${e.name}`);
}

function binary(r: SimpleJsonReader, text: string): Uint8Array {
  const bytes = utf8Of(text);
  try {
    return decodeBase64(bytes, 0, bytes.length);
  } catch (e) {
    throw r.error(e instanceof Error ? e.message : String(e), e);
  }
}

function uuid(r: SimpleJsonReader, text: string): string {
  if (!isUuid(text)) throw r.error(`expected a UUID string, got ${JSON.stringify(text.slice(0, 40))}`);
  return text.toLowerCase();
}

function reader(t: TypeDesc, pairOf: (d: StructDesc) => Pair): Read {
  switch (t.kind) {
    case 'bool':
      return (r) => {
        if (r.word('true')) return true;
        if (r.word('false')) return false;
        const text = r.numberText();
        if (text === '1') return true;
        if (text === '0') return false;
        throw text === undefined ? r.mismatch('bool') : r.error(`expected bool (1, 0, true or false), got ${text}`);
      };
    case 'byte':
    case 'i16':
    case 'i32': {
      const type = t.kind;
      return (r) => {
        const text = r.numberText();
        if (text === undefined) throw r.mismatch(type);
        return integer(r, text, type);
      };
    }
    case 'enum': {
      const e = t.enum;
      return (r) => {
        if (r.peek() === '"') return enumValue(r, e, r.string());
        const text = r.numberText();
        if (text === undefined) throw r.mismatch('i32');
        return integer(r, text, 'i32');
      };
    }
    case 'i64':
      return (r) => {
        const text = r.numberText();
        if (text === undefined) throw r.mismatch('i64');
        return int64(r, text);
      };
    case 'double':
      return (r) => {
        const text = r.numberText();
        if (text !== undefined) return Number(text);
        if (r.peek() === '"') {
          const s = r.string();
          const v = special(s);
          if (v === undefined) throw r.error(`expected double, got string ${JSON.stringify(s.slice(0, 40))}`);
          return v;
        }
        if (r.word('nan')) return NaN;
        if (r.word('inf')) return Infinity;
        if (r.word('-inf')) return -Infinity;
        throw r.mismatch('double');
      };
    case 'string':
      return (r) => {
        if (r.peek() !== '"') throw r.mismatch('string');
        return r.string();
      };
    case 'binary':
      return (r) => {
        if (r.peek() !== '"') throw r.mismatch('binary (base64 string)');
        return binary(r, r.string());
      };
    case 'uuid':
      return (r) => {
        if (r.peek() !== '"') throw r.mismatch('uuid');
        return uuid(r, r.string());
      };
    case 'struct': {
      const s = t.struct;
      return (r) => pairOf(s).dec(r);
    }
    case 'list':
    case 'set': {
      const elem = reader(t.elem, pairOf);
      const isList = t.kind === 'list';
      return (r) => {
        if (r.peek() !== '[') throw r.mismatch(t.kind);
        r.pos++;
        r.enter();
        const out: unknown[] = [];
        if (!r.accept(']')) {
          do {
            r.path.push(`[${out.length}]`);
            out.push(elem(r));
            r.path.pop();
          } while (r.more(']'));
        }
        r.leave();
        return isList ? out : new Set(out);
      };
    }
    case 'map': {
      const key = keyReader(t.key, pairOf);
      const value = reader(t.value, pairOf);
      return (r) => {
        if (r.peek() !== '{') throw r.mismatch('map');
        r.pos++;
        r.enter();
        const out = new Map<unknown, unknown>();
        if (!r.accept('}')) {
          do {
            const text = r.string();
            r.expect(':');
            r.path.push(`[${text}]`);
            const k = key(r, text);
            out.set(k, value(r));
            r.path.pop();
          } while (r.more('}'));
        }
        r.leave();
        return out;
      };
    }
  }
}

/** Map keys arrive as JSON strings: each key type is read back from the string's text. */
function keyReader(t: TypeDesc, pairOf: (d: StructDesc) => Pair): ReadKey {
  switch (t.kind) {
    case 'string': return (_r, s) => s;
    case 'binary': return binary;
    case 'uuid': return uuid;
    case 'bool':
      return (r, s) => {
        if (s === '1' || s === 'true') return true;
        if (s === '0' || s === 'false') return false;
        throw r.error(`expected a bool key (1, 0, true or false), got ${JSON.stringify(s.slice(0, 40))}`);
      };
    case 'byte':
    case 'i16':
    case 'i32': {
      const type = t.kind;
      return (r, s) => integer(r, s, type);
    }
    case 'enum': {
      const e = t.enum;
      return (r, s) => (INTEGER.test(s) ? integer(r, s, 'i32') : enumValue(r, e, s));
    }
    case 'i64': return int64;
    case 'double':
      return (r, s) => {
        const v = special(s);
        if (v !== undefined) return v;
        if (!NUMBER.test(s)) throw r.error(`expected a double key, got ${JSON.stringify(s.slice(0, 40))}`);
        return Number(s);
      };
    default: {
      // A struct or container key: its simple JSON, read by a reader of its own within the depth left.
      const read = reader(t, pairOf);
      return (r, s) => {
        const sub = r.nested(s);
        const v = read(sub);
        try {
          sub.end();
        } catch (e) {
          throw r.error(e instanceof ProtocolError ? e.message : String(e));
        }
        return v;
      };
    }
  }
}
