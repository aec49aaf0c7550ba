/**
 * Struct codecs built from closures instead of generated code: the fallback where
 * `new Function` is forbidden (a Content-Security-Policy without 'unsafe-eval').
 * Same wire behaviour and errors as the compiled codecs, slower.
 */
import { type FieldDesc, type StructDesc, type TypeDesc, ttypeOf } from './schema.js';
import type { ProtocolReader, ProtocolWriter } from './types.js';

/** The compiled-codec helpers this fallback shares (errors, container sizes). */
export interface CodecHelpers {
  invalid(type: string, value: unknown): Error;
  missing(struct: string, field: string): Error;
  unionCount(struct: string, n: number): Error;
  badElem(what: string, expected: number, got: number): Error;
  wrap(e: unknown, struct: string, field: string): unknown;
  forEachEntry(m: unknown, fn: (v: unknown, k: unknown) => void): void;
  mapSize(m: unknown): number;
  setSize(s: unknown): number;
}

/** A codec pair as the cache stores it. */
export interface CodecPair {
  enc: (w: ProtocolWriter, value: unknown) => void;
  dec: (r: ProtocolReader) => any;
}

type Write = (w: ProtocolWriter, x: any) => void;
type Read = (r: ProtocolReader) => unknown;

/** Builds the encoder and decoder of `desc`; `slotOf` gives the (possibly still pending) codecs of referenced structs. */
export function interpretStruct(desc: StructDesc, slotOf: (d: StructDesc) => CodecPair, positional: boolean, h: CodecHelpers): CodecPair {
  const fields = desc.fields;
  const keys: (string | number)[] = fields.map((f, i) => (positional ? i : f.name));
  const writers = fields.map((f) => writer(f.type, slotOf, h));
  const readers = new Map<number, { index: number; ttype: number; read: Read }>();
  fields.forEach((f, i) => readers.set(f.id, { index: i, ttype: ttypeOf(f.type), read: reader(f.type, slotOf, h) }));
  const required = fields.map((f) => f.requiredness === 'required');
  const isUnion = desc.kind === 'union';
  const C = desc.ctor;

  const enc = (w: ProtocolWriter, v: any): void => {
    if (v === null || typeof v !== 'object') throw h.invalid(`struct ${desc.name}`, v);
    let f: FieldDesc | undefined;
    let set = 0;
    try {
      w.writeStructBegin();
      for (let i = 0; i < fields.length; i++) {
        f = fields[i];
        const x = v[keys[i]];
        if (x != null) {
          w.writeFieldBegin(ttypeOf(f.type), f.id);
          writers[i](w, x);
          set++;
        } else if (required[i]) {
          f = undefined;
          throw h.missing(desc.name, fields[i].name);
        }
      }
      f = undefined;
      if (isUnion && set > 1) throw h.unionCount(desc.name, set);
      w.writeFieldStop();
      w.writeStructEnd();
    } catch (e) {
      throw f === undefined ? e : h.wrap(e, desc.name, f.name);
    }
  };

  const dec = (r: ProtocolReader): any => {
    r.readStructBegin();
    let o: any;
    if (positional) o = new Array(fields.length).fill(undefined);
    else if (C) o = new C();
    else {
      o = {};
      for (const f of fields) o[f.name] = undefined;
    }
    const seen = new Set<number>();
    for (let t = r.readFieldBegin(); t !== 0; t = r.readFieldBegin()) {
      const entry = readers.get(r.fieldId);
      if (entry !== undefined && entry.ttype === t) {
        o[keys[entry.index]] = entry.read(r);
        seen.add(entry.index);
      } else {
        r.skip(t);
      }
    }
    for (let i = 0; i < fields.length; i++) if (required[i] && !seen.has(i)) throw h.missing(desc.name, fields[i].name);
    r.readStructEnd();
    return o;
  };
  return { enc, dec };
}

function writer(t: TypeDesc, slotOf: (d: StructDesc) => CodecPair, h: CodecHelpers): Write {
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
      return (w, x) => slotOf(s).enc(w, x);
    }
    case 'list': {
      const et = ttypeOf(t.elem);
      const elem = writer(t.elem, slotOf, h);
      return (w, x) => {
        if (!Array.isArray(x)) throw h.invalid('list (Array)', x);
        w.writeListBegin(et, x.length);
        for (let i = 0; i < x.length; i++) elem(w, x[i]);
      };
    }
    case 'set': {
      const et = ttypeOf(t.elem);
      const elem = writer(t.elem, slotOf, h);
      return (w, x) => {
        w.writeSetBegin(et, h.setSize(x));
        for (const e of x) elem(w, e);
      };
    }
    case 'map': {
      const kt = ttypeOf(t.key);
      const vt = ttypeOf(t.value);
      const key = writer(t.key, slotOf, h);
      const value = writer(t.value, slotOf, h);
      return (w, x) => {
        w.writeMapBegin(kt, vt, h.mapSize(x));
        h.forEachEntry(x, (v, k) => {
          key(w, k);
          value(w, v);
        });
      };
    }
  }
}

function reader(t: TypeDesc, slotOf: (d: StructDesc) => CodecPair, h: CodecHelpers): Read {
  switch (t.kind) {
    case 'bool': return (r) => r.readBool();
    case 'byte': return (r) => r.readByte();
    case 'i16': return (r) => r.readI16();
    case 'i32': case 'enum': return (r) => r.readI32();
    case 'i64': return (r) => r.readI64();
    case 'double': return (r) => r.readDouble();
    case 'string': return (r) => r.readString();
    case 'binary': return (r) => r.readBinary();
    case 'uuid': return (r) => r.readUuid();
    case 'struct': {
      const s = t.struct;
      return (r) => slotOf(s).dec(r);
    }
    case 'list':
    case 'set': {
      const et = ttypeOf(t.elem);
      const elem = reader(t.elem, slotOf, h);
      const isList = t.kind === 'list';
      return (r) => {
        const n = isList ? r.readListBegin() : r.readSetBegin();
        if (n > 0 && r.elemType !== et) throw h.badElem(`${t.kind} element`, et, r.elemType);
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(elem(r));
        if (isList) {
          r.readListEnd();
          return out;
        }
        r.readSetEnd();
        return new Set(out);
      };
    }
    case 'map': {
      const kt = ttypeOf(t.key);
      const vt = ttypeOf(t.value);
      const key = reader(t.key, slotOf, h);
      const value = reader(t.value, slotOf, h);
      return (r) => {
        const n = r.readMapBegin();
        if (n > 0 && (r.keyType !== kt || r.valueType !== vt)) throw h.badElem('map entry', kt * 256 + vt, r.keyType * 256 + r.valueType);
        const out = new Map();
        for (let i = 0; i < n; i++) {
          const k = key(r);
          out.set(k, value(r));
        }
        r.readMapEnd();
        return out;
      };
    }
  }
}
