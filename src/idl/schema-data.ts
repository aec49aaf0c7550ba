/**
 * The schema as data: a resolved ProgramDesc written as compact JSON
 * (positional arrays, small integer codes), which generated modules embed and
 * `defineIdlModule` turns back into descriptors and classes without the IDL
 * parser. Types are already resolved (no typedef names) and values already
 * converted, so reading the data needs no name lookup beyond definitions.
 *
 * `encodeProgram` runs at generation time only; the types document the format.
 */
import type {
  Annotations, BaseKind, EnumDesc, FieldDesc, FunctionDesc, ProgramDesc, ServiceDesc, StructDesc, TypeDesc,
} from '../protocol/schema.js';

/** Base types by their code in {@link TypeData}. */
export const BASE_KINDS: readonly BaseKind[] = ['bool', 'byte', 'i16', 'i32', 'i64', 'double', 'string', 'binary', 'uuid'];

/**
 * A type: a base type code (index in BASE_KINDS), the name of a definition of
 * the same file, `[0, elem]` list, `[1, elem]` set, `[2, key, value]` map, or
 * `[3, program, name]` a definition of another file of the include closure.
 */
export type TypeData = number | string | [0, TypeData] | [1, TypeData] | [2, TypeData, TypeData] | [3, string, string];

/** Annotations as `[key, value]` pairs (an object literal would turn a `__proto__` key into a prototype), or 0 for none. */
export type AnnotationsData = readonly (readonly [string, string])[] | 0;

/** Requiredness codes. */
export const REQUIREDNESS = ['default', 'required', 'optional'] as const;

/** A field: id, name, type, requiredness code, annotations, and the default value when the field has one. */
export type FieldData = [id: number, name: string, type: TypeData, req: number, annotations?: AnnotationsData, dflt?: unknown];

/** A function: name, oneway (1) or not (0), return type or -1 for void, arguments, throws, annotations. */
export type FunctionData = [name: string, oneway: number, returns: TypeData | -1, args: FieldData[], throws: FieldData[], annotations?: AnnotationsData];

/** Definition codes, first element of each {@link DefinitionData}. */
export const DEF = { ENUM: 0, STRUCT: 1, UNION: 2, EXCEPTION: 3, SERVICE: 4, CONST: 5, TYPEDEF: 6 } as const;

/** One definition, in declaration order. */
export type DefinitionData =
  | [0, name: string, values: [name: string, value: number, annotations?: AnnotationsData][], annotations?: AnnotationsData]
  // Fields as JSON text of FieldData[]: decoded on first use (first instance, codec or reflection).
  | [1 | 2 | 3, name: string, fields: string, annotations?: AnnotationsData]
  // Functions as JSON text of FunctionData[]: decoded on first use, so an unused service costs a string scan at import.
  | [4, name: string, parent: TypeData | 0, functions: string, annotations?: AnnotationsData]
  | [5, name: string, type: TypeData, value: unknown]
  | [6, name: string, type: TypeData];

/** One file: name, path, namespaces, the names of its direct includes in order, its definitions. */
export type ProgramData = [name: string, path: string, namespaces: AnnotationsData, includes: string[], definitions: DefinitionData[]];

/**
 * Values are written by their type: bool as boolean; byte, i16, i32, enum as
 * number; double as number, or a string for -0 and non-finite; i64 as number
 * when safe, else a decimal string; string and uuid as string; binary as
 * byte array; list and set as array; map as `[key, value]` pairs; struct as
 * an array by field index, `null` for unset, trailing nulls dropped.
 */
function encodeValue(type: TypeDesc, v: unknown): unknown {
  switch (type.kind) {
    case 'double': {
      const n = v as number;
      return Object.is(n, -0) || !Number.isFinite(n) ? String(Object.is(n, -0) ? '-0' : n) : n;
    }
    case 'i64': {
      const b = v as bigint;
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
    }
    case 'binary': return [...(v as Uint8Array)];
    case 'list': return (v as unknown[]).map((e) => encodeValue(type.elem, e));
    case 'set': return [...(v as Set<unknown>)].map((e) => encodeValue(type.elem, e));
    case 'map': return [...(v as Map<unknown, unknown>)].map(([k, e]) => [encodeValue(type.key, k), encodeValue(type.value, e)]);
    case 'struct': {
      const src = v as Record<string, unknown>;
      const out = type.struct.fields.map((f) => {
        const x = Object.prototype.hasOwnProperty.call(src, f.name) ? src[f.name] : undefined;
        return x === undefined || x === null ? null : encodeValue(f.type, x);
      });
      while (out.length > 0 && out[out.length - 1] === null) out.pop();
      return out;
    }
    default: return v;
  }
}

/**
 * `program` as data. `ownerOf` names the program that defines a struct, enum
 * or service; `order` lists the file's definitions in declaration order (the
 * order of the module's keys).
 */
export function encodeProgram(program: ProgramDesc, ownerOf: (desc: object) => string, order: readonly string[]): ProgramData {
  const ref = (desc: StructDesc | EnumDesc | ServiceDesc): TypeData => {
    const owner = ownerOf(desc);
    return owner === program.name ? desc.name : [3, owner, desc.name];
  };
  const type = (t: TypeDesc): TypeData => {
    switch (t.kind) {
      case 'list': return [0, type(t.elem)];
      case 'set': return [1, type(t.elem)];
      case 'map': return [2, type(t.key), type(t.value)];
      case 'enum': return ref(t.enum);
      case 'struct': return ref(t.struct);
      default: return BASE_KINDS.indexOf(t.kind);
    }
  };
  const field = (f: FieldDesc): FieldData => {
    const out: FieldData = [f.id, f.name, type(f.type), REQUIREDNESS.indexOf(f.requiredness), annotations(f.annotations)];
    if (Object.prototype.hasOwnProperty.call(f, 'default')) out.push(encodeValue(f.type, f.default));
    else if (out[4] === 0) out.pop();
    return out;
  };
  const fn = (f: FunctionDesc): FunctionData => {
    const out: FunctionData = [f.name, f.oneway ? 1 : 0, f.returns === undefined ? -1 : type(f.returns), f.args.fields.map(field), f.throws.map(field)];
    const a = annotations(f.annotations);
    if (a !== 0) out.push(a);
    return out;
  };
  const withAnnotations = <T extends unknown[]>(out: T, a: Annotations): T => {
    const data = annotations(a);
    if (data !== 0) out.push(data);
    return out;
  };
  const byName = new Map<string, DefinitionData>();
  for (const e of program.enums) {
    byName.set(e.name, withAnnotations([DEF.ENUM, e.name, e.values.map((v) => withAnnotations<[string, number, AnnotationsData?]>([v.name, v.value], v.annotations))], e.annotations) as DefinitionData);
  }
  for (const s of program.structs) {
    const code = s.kind === 'struct' ? DEF.STRUCT : s.kind === 'union' ? DEF.UNION : DEF.EXCEPTION;
    byName.set(s.name, withAnnotations([code, s.name, JSON.stringify(s.fields.map(field))], s.annotations) as DefinitionData);
  }
  for (const s of program.services) {
    byName.set(s.name, withAnnotations([DEF.SERVICE, s.name, s.extends === undefined ? 0 : ref(s.extends), JSON.stringify(s.functions.map(fn))], s.annotations) as DefinitionData);
  }
  for (const c of program.consts) byName.set(c.name, [DEF.CONST, c.name, type(c.type), encodeValue(c.type, c.value)]);
  for (const t of program.typedefs) byName.set(t.name, [DEF.TYPEDEF, t.name, type(t.type)]);
  const definitions = order.map((name) => byName.get(name)!);
  return [program.name, basename(program.path), annotations(program.namespaces), program.includes.map((p) => p.name), definitions];
}

function annotations(a: Annotations): AnnotationsData {
  const keys = Object.keys(a);
  return keys.length === 0 ? 0 : keys.map((k) => [k, a[k]!] as const);
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
