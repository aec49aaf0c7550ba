/**
 * Compiles one encoder and one decoder per struct descriptor, once, and caches them.
 * The generated code calls only ProtocolWriter/ProtocolReader methods, so each
 * protocol gets its own compiled copy (its own cache): call sites inside stay
 * monomorphic, which is what makes them fast.
 */
import { ProtocolError, ProtocolErrorType, ThriftError } from '../errors.js';
import { describe } from './describe.js';
import { type FieldDesc, type StructDesc, type TypeDesc, ttypeOf } from './schema.js';
import type { ProtocolReader, ProtocolWriter } from './types.js';
import { interpretStruct } from './codec-interpreted.js';

/** Writes one struct value (fields, then STOP). */
export type StructEncoder = (w: ProtocolWriter, value: unknown) => void;
/** Reads one struct value. */
export type StructDecoder = (r: ProtocolReader) => any;

interface Slot {
  enc: StructEncoder;
  dec: StructDecoder;
}

/** Helpers the generated code calls on its cold paths (errors); the simple JSON codecs share them. */
export const helpers = {
  invalid(type: string, value: unknown): ProtocolError {
    return new ProtocolError(`expected ${type}, got ${describe(value)}`, ProtocolErrorType.INVALID_DATA);
  },
  missing(struct: string, field: string): ProtocolError {
    return new ProtocolError(`required field ${struct}.${field} is not set`, ProtocolErrorType.INVALID_DATA);
  },
  unionCount(struct: string, n: number): ProtocolError {
    return new ProtocolError(`union ${struct} must have at most one field set, has ${n}`, ProtocolErrorType.INVALID_DATA);
  },
  badElem(what: string, expected: number, got: number): ProtocolError {
    return new ProtocolError(`${what}: expected wire type ${expected}, got ${got}`, ProtocolErrorType.INVALID_DATA);
  },
  wrap(e: unknown, struct: string, field: string): unknown {
    if (e instanceof ProtocolError) return new ProtocolError(`${struct}.${field}: ${e.message}`, e.type, { cause: e.cause });
    if (e instanceof ThriftError) return e;
    return new ProtocolError(`${struct}.${field}: ${e instanceof Error ? e.message : String(e)}`, ProtocolErrorType.INVALID_DATA, { cause: e });
  },
  forEachEntry(m: unknown, fn: (v: unknown, k: unknown) => void): void {
    if (m instanceof Map) m.forEach(fn);
    else for (const k of Object.keys(m as object)) fn((m as Record<string, unknown>)[k], k);
  },
  mapSize(m: unknown): number {
    if (m instanceof Map) return m.size;
    if (m !== null && typeof m === 'object' && !Array.isArray(m)) return Object.keys(m).length;
    throw helpers.invalid('map (Map or plain object)', m);
  },
  setSize(s: unknown): number {
    if (s instanceof Set) return s.size;
    if (Array.isArray(s)) return s.length;
    throw helpers.invalid('set (Set or Array)', s);
  },
};

/** Options for {@link CodecCache}. */
export interface CodecCacheOptions {
  /**
   * Build codecs from closures instead of generated code. Chosen automatically
   * when `new Function` is forbidden (a Content-Security-Policy without 'unsafe-eval').
   */
  interpret?: boolean;
}

/** A per-protocol cache of compiled struct codecs. */
export class CodecCache {
  private readonly slots = new WeakMap<StructDesc, Slot>();
  private interpret: boolean;

  constructor(options: CodecCacheOptions = {}) {
    this.interpret = options.interpret ?? false;
  }

  private readonly positional = new WeakMap<StructDesc, Slot>();

  /** The compiled encoder of a struct (compiled on first use). */
  encoder(desc: StructDesc): StructEncoder {
    return this.slot(desc).enc;
  }

  /** The compiled decoder of a struct (compiled on first use). */
  decoder(desc: StructDesc): StructDecoder {
    return this.slot(desc).dec;
  }

  /**
   * Codecs that take and return the struct's fields as an array in declaration
   * order: function arguments, which callers and handlers pass positionally.
   */
  argsCodec(desc: StructDesc): { encode: StructEncoder; decode: StructDecoder } {
    const slot = this.slot(desc, true);
    return { encode: slot.enc, decode: slot.dec };
  }

  private slot(desc: StructDesc, positional = false): Slot {
    const cache = positional ? this.positional : this.slots;
    const cached = cache.get(desc);
    if (cached) return cached;
    // Registered before compiling so recursive references find it; referenced codecs
    // are read from their slot at call time, after compilation has finished.
    const pending: Slot = { enc: fail, dec: fail };
    cache.set(desc, pending);
    const pair = (!this.interpret && this.compile(desc, positional, pending)) || interpretStruct(desc, (d) => this.slot(d), positional, helpers);
    pending.enc = pair.enc;
    pending.dec = pair.dec;
    return pending;
  }

  /** Generates the codec pair of `desc`; undefined (and interpretation from then on) where eval is forbidden. */
  private compile(desc: StructDesc, positional: boolean, self: Slot): Slot | undefined {
    const refs: Slot[] = [];
    const refIndex = new Map<StructDesc, number>();
    const ref = (d: StructDesc): string => {
      let i = refIndex.get(d);
      if (i === undefined) {
        i = refs.length;
        refIndex.set(d, i);
        refs.push(d === desc && !positional ? self : this.slot(d));
      }
      return `S${i}`;
    };
    const access = positional
      ? (f: FieldDesc) => `[${desc.fields.indexOf(f)}]`
      : (f: FieldDesc) => `[${lit(f.name)}]`;
    const encBody = genEncoder(desc, ref, access);
    const decBody = genDecoder(desc, ref, access, positional);
    const prelude = refs.map((_, i) => `const S${i} = S[${i}];`).join('\n');
    let make: (...args: unknown[]) => [StructEncoder, StructDecoder];
    try {
      make = new Function('h', 'S', 'C', `"use strict";\n${prelude}\nreturn [${encBody}, ${decBody}];`) as typeof make;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      this.interpret = true;
      return undefined;
    }
    const [enc, dec] = make(helpers, refs, desc.ctor);
    return { enc, dec };
  }
}

function fail(): never {
  throw new ProtocolError('codec used before compilation finished', ProtocolErrorType.UNKNOWN);
}

const lit = (s: string): string => JSON.stringify(s);

function writeCall(t: TypeDesc): string | undefined {
  switch (t.kind) {
    case 'bool': return 'writeBool';
    case 'byte': return 'writeByte';
    case 'i16': return 'writeI16';
    case 'i32': case 'enum': return 'writeI32';
    case 'i64': return 'writeI64';
    case 'double': return 'writeDouble';
    case 'string': return 'writeString';
    case 'binary': return 'writeBinary';
    case 'uuid': return 'writeUuid';
    default: return undefined;
  }
}

function readCall(t: TypeDesc): string | undefined {
  switch (t.kind) {
    case 'bool': return 'readBool';
    case 'byte': return 'readByte';
    case 'i16': return 'readI16';
    case 'i32': case 'enum': return 'readI32';
    case 'i64': return 'readI64';
    case 'double': return 'readDouble';
    case 'string': return 'readString';
    case 'binary': return 'readBinary';
    case 'uuid': return 'readUuid';
    default: return undefined;
  }
}

/** Statements writing value expression `x` of type t. `d` numbers nested loop variables. */
function encValue(t: TypeDesc, x: string, d: number, ref: (s: StructDesc) => string): string {
  const call = writeCall(t);
  if (call) return `w.${call}(${x});`;
  switch (t.kind) {
    case 'struct':
      return `${ref(t.struct)}.enc(w, ${x});`;
    case 'list': {
      const a = `a${d}`, i = `i${d}`;
      return `{ const ${a} = ${x}; if (!Array.isArray(${a})) throw h.invalid('list (Array)', ${a});
w.writeListBegin(${ttypeOf(t.elem)}, ${a}.length);
for (let ${i} = 0; ${i} < ${a}.length; ${i}++) { ${encValue(t.elem, `${a}[${i}]`, d + 1, ref)} } }`;
    }
    case 'set': {
      const a = `a${d}`, e = `e${d}`;
      return `{ const ${a} = ${x}; w.writeSetBegin(${ttypeOf(t.elem)}, h.setSize(${a}));
for (const ${e} of ${a}) { ${encValue(t.elem, e, d + 1, ref)} } }`;
    }
    case 'map': {
      const a = `a${d}`, k = `k${d}`, v = `v${d}`;
      return `{ const ${a} = ${x}; w.writeMapBegin(${ttypeOf(t.key)}, ${ttypeOf(t.value)}, h.mapSize(${a}));
h.forEachEntry(${a}, (${v}, ${k}) => { ${encValue(t.key, k, d + 1, ref)} ${encValue(t.value, v, d + 1, ref)} }); }`;
    }
    default:
      throw new Error(`unreachable type ${(t as TypeDesc).kind}`);
  }
}

/** Statements reading a value of type t into the assignable expression `target`. */
function decValue(t: TypeDesc, target: string, d: number, ref: (s: StructDesc) => string): string {
  const call = readCall(t);
  if (call) return `${target} = r.${call}();`;
  switch (t.kind) {
    case 'struct':
      return `${target} = ${ref(t.struct)}.dec(r);`;
    case 'list':
    case 'set': {
      const n = `n${d}`, a = `a${d}`, i = `i${d}`, e = `e${d}`;
      const et = ttypeOf(t.elem);
      const isList = t.kind === 'list';
      return `{ const ${n} = r.${isList ? 'readListBegin' : 'readSetBegin'}();
if (${n} > 0 && r.elemType !== ${et}) throw h.badElem(${lit(t.kind + ' element')}, ${et}, r.elemType);
const ${a} = ${isList ? '[]' : 'new Set()'};
for (let ${i} = 0; ${i} < ${n}; ${i}++) { let ${e}; ${decValue(t.elem, e, d + 1, ref)} ${a}.${isList ? 'push' : 'add'}(${e}); }
r.${isList ? 'readListEnd' : 'readSetEnd'}();
${target} = ${a}; }`;
    }
    case 'map': {
      const n = `n${d}`, a = `a${d}`, i = `i${d}`, k = `k${d}`, v = `v${d}`;
      const kt = ttypeOf(t.key), vt = ttypeOf(t.value);
      return `{ const ${n} = r.readMapBegin();
if (${n} > 0 && (r.keyType !== ${kt} || r.valueType !== ${vt})) throw h.badElem('map entry', ${kt * 256 + vt}, r.keyType * 256 + r.valueType);
const ${a} = new Map();
for (let ${i} = 0; ${i} < ${n}; ${i}++) { let ${k}, ${v}; ${decValue(t.key, k, d + 1, ref)} ${decValue(t.value, v, d + 1, ref)} ${a}.set(${k}, ${v}); }
r.readMapEnd();
${target} = ${a}; }`;
    }
    default:
      throw new Error(`unreachable type ${(t as TypeDesc).kind}`);
  }
}

/** How generated code reaches a field: `["name"]` on objects, `[index]` on argument arrays. */
type Access = (f: FieldDesc) => string;

function genEncoder(desc: StructDesc, ref: (s: StructDesc) => string, access: Access): string {
  const name = lit(desc.name);
  const isUnion = desc.kind === 'union';
  const lines: string[] = [];
  for (const f of desc.fields) {
    const set = `w.writeFieldBegin(${ttypeOf(f.type)}, ${f.id}); ${encValue(f.type, 'x', 0, ref)}${isUnion ? ' u++;' : ''}`;
    const unset = f.requiredness === 'required' ? ` else { f = ''; throw h.missing(${name}, ${lit(f.name)}); }` : '';
    lines.push(`f = ${lit(f.name)}; x = v${access(f)}; if (x != null) { ${set} }${unset}`);
  }
  return `function encode_${safe(desc.name)}(w, v) {
if (v === null || typeof v !== 'object') throw h.invalid(${lit('struct ' + desc.name)}, v);
let f = '', x${isUnion ? ', u = 0' : ''};
try {
w.writeStructBegin();
${lines.join('\n')}
${isUnion ? `if (u > 1) { f = ''; throw h.unionCount(${name}, u); }` : ''}
w.writeFieldStop();
w.writeStructEnd();
} catch (e) { throw f === '' ? e : h.wrap(e, ${name}, f); }
}`;
}

function genDecoder(desc: StructDesc, ref: (s: StructDesc) => string, access: Access, positional: boolean): string {
  const required = desc.fields.filter((f) => f.requiredness === 'required');
  // Required fields are tracked by bit; beyond 31 of them, by count of distinct ids seen.
  const useBits = required.length <= 31;
  const cases = desc.fields.map((f: FieldDesc) => {
    const ri = required.indexOf(f);
    const mark = ri < 0 ? '' : useBits ? ` seen |= ${1 << ri};` : ` if (!seen.has(${f.id})) seen.add(${f.id});`;
    return `case ${f.id}: if (t === ${ttypeOf(f.type)}) { ${decValue(f.type, `o${access(f)}`, 0, ref)}${mark} continue; } break;`;
  });
  const create = positional
    ? `[${desc.fields.map(() => 'undefined').join(', ')}]`
    : desc.ctor ? 'new C()' : `{ ${desc.fields.map((f) => `${lit(f.name)}: undefined`).join(', ')} }`;
  let check = '';
  if (required.length > 0) {
    const full = useBits ? (required.length === 31 ? 0x7fffffff : (1 << required.length) - 1) : required.length;
    const test = useBits ? `seen !== ${full}` : `seen.size !== ${full}`;
    const which = useBits
      ? required.map((f, i) => `if ((seen & ${1 << i}) === 0) throw h.missing(${lit(desc.name)}, ${lit(f.name)});`).join(' ')
      : required.map((f) => `if (!seen.has(${f.id})) throw h.missing(${lit(desc.name)}, ${lit(f.name)});`).join(' ');
    check = `if (${test}) { ${which} }`;
  }
  return `function decode_${safe(desc.name)}(r) {
r.readStructBegin();
const o = ${create};
${required.length > 0 ? (useBits ? 'let seen = 0;' : 'const seen = new Set();') : ''}
for (;;) {
const t = r.readFieldBegin();
if (t === 0) break;
switch (r.fieldId) {
${cases.join('\n')}
}
r.skip(t);
}
${check}
r.readStructEnd();
return o;
}`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_$]/g, '_');
}
