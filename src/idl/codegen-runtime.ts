/**
 * What generated code calls at import time: `defineIdlModule` builds the
 * module of one .thrift file from the resolved schema the generator embedded
 * as data (schema-data.ts), without the IDL parser, resolver or constant
 * evaluator, so a bundle of generated code carries none of them. The module
 * has the shape `load()` gives and its descriptors are equal, so the bytes on
 * the wire are the same. Included files come as the modules their own
 * generated files built, so a struct or exception of an included file is one
 * class everywhere (`instanceof` and declared throws work across files).
 */
import { IdlError } from '../errors.js';
import type {
  Annotations, EnumDesc, FieldDesc, FunctionDesc, ProgramDesc, ServiceDesc, StructDesc, TypeDesc,
} from '../protocol/schema.js';
import { BASE_TYPES } from './base-types.js';
import { createStructClass } from './classes.js';
import { enumObject, moduleObject, schemaOf, type ThriftModule } from './module.js';
import {
  BASE_KINDS, DEF, REQUIREDNESS, type AnnotationsData, type DefinitionData, type FieldData, type FunctionData, type ProgramData, type TypeData,
} from './schema-data.js';

/**
 * The class of a generated struct, union or exception: `new` takes the write
 * shape (`init` may be left out when no field is required) and builds the read shape.
 */
export interface StructClass<Value, Init> {
  new (...init: {} extends Init ? [init?: Init] : [init: Init]): Value;
  readonly prototype: Value;
  /** The descriptor the codecs read. */
  readonly schema: StructDesc;
}

/** What generated code passes: the file's schema as JSON text (or parsed) and the modules of its direct includes. */
export interface IdlModuleSpec {
  /** The schema as `thrift-streams gen` wrote it (schema-data.ts). */
  readonly schema: string | ProgramData;
  /** The modules of the included files, by program name (each built by defineIdlModule). */
  readonly includes?: Readonly<Record<string, ThriftModule>>;
}

type Def = StructDesc | EnumDesc | ServiceDesc;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds a module from the schema data `thrift-streams gen` embeds. Throws IdlError when an include is missing. */
export function defineIdlModule(spec: IdlModuleSpec): ThriftModule {
  if (spec === null || typeof spec !== 'object' || (typeof spec.schema !== 'string' && !Array.isArray(spec.schema))) {
    const old = spec as unknown as { path?: unknown } | null;
    const path = old !== null && typeof old === 'object' && typeof old.path === 'string' ? old.path : '<generated>';
    throw new IdlError('this generated module was written by an older thrift-streams (it has no schema data): run thrift-streams gen again', path, 1, 1);
  }
  const [name, path, namespaces, includeNames, definitions] = typeof spec.schema === 'string'
    ? (JSON.parse(spec.schema) as ProgramData)
    : spec.schema;

  // Definitions of other files, by program name: direct includes and everything they include.
  const includes: (readonly [string, ThriftModule])[] = [];
  const programs = new Map<string, ProgramDesc>();
  const visit = (p: ProgramDesc): void => {
    if (programs.has(p.name)) return;
    programs.set(p.name, p);
    for (const inc of p.includes) visit(inc);
  };
  for (const incName of includeNames) {
    const mod = spec.includes?.[incName];
    if (mod === undefined) throw new IdlError(`the generated module of included file ${incName} was not passed as includes.${incName}`, path, 1, 1);
    includes.push([incName, mod]);
    visit(schemaOf(mod));
  }
  const foreign = new Map<string, Map<string, Def>>();
  const foreignDef = (program: string, def: string): Def => {
    let defs = foreign.get(program);
    if (defs === undefined) {
      const p = programs.get(program);
      if (p === undefined) throw new IdlError(`no generated module for program ${program}, referenced by ${name}`, path, 1, 1);
      defs = new Map<string, Def>([...p.structs, ...p.enums, ...p.services].map((d) => [d.name, d]));
      foreign.set(program, defs);
    }
    return defs.get(def)!;
  };

  // First pass: every definition of this file exists, so types may refer to any of them (structs to themselves too).
  const own = new Map<string, Def>();
  for (const d of definitions) {
    switch (d[0]) {
      case DEF.ENUM:
        own.set(d[1], { name: d[1], values: d[2].map(([n, value, a]) => ({ name: n, value, annotations: ann(a) })), annotations: ann(d[3]) });
        break;
      case DEF.STRUCT: case DEF.UNION: case DEF.EXCEPTION:
        own.set(d[1], { kind: d[0] === DEF.STRUCT ? 'struct' : d[0] === DEF.UNION ? 'union' : 'exception', name: d[1] } as StructDesc);
        break;
      default:
        break;
    }
  }
  // A service may extend one defined further down the file: services are built on first use.
  const serviceData = new Map(definitions.filter((d) => d[0] === DEF.SERVICE).map((d) => [d[1], d as Extract<DefinitionData, [4, ...unknown[]]>]));
  const def = (t: string | [3, string, string]): Def => {
    if (typeof t !== 'string') return foreignDef(t[1], t[2]);
    let d = own.get(t);
    if (d === undefined) {
      d = service(serviceData.get(t)!, def, type, field);
      own.set(t, d);
    }
    return d;
  };
  const type = (t: TypeData): TypeDesc => {
    if (typeof t === 'number') return BASE_TYPES[BASE_KINDS[t]!];
    if (typeof t === 'string' || t[0] === 3) {
      const d = def(t);
      return 'values' in d ? { kind: 'enum', enum: d } : { kind: 'struct', struct: d as StructDesc };
    }
    if (t[0] === 2) return { kind: 'map', key: type(t[1]), value: type(t[2]) };
    return { kind: t[0] === 0 ? 'list' : 'set', elem: type(t[1]) };
  };

  const value = (t: TypeDesc, v: unknown): unknown => {
    switch (t.kind) {
      case 'double': return typeof v === 'string' ? Number(v) : v;
      case 'i64': return BigInt(v as number | string);
      case 'binary': return Uint8Array.from(v as number[]);
      case 'list': return (v as unknown[]).map((e) => value(t.elem, e));
      case 'set': return new Set((v as unknown[]).map((e) => value(t.elem, e)));
      case 'map': return new Map((v as [unknown, unknown][]).map(([k, e]) => [value(t.key, k), value(t.value, e)]));
      case 'struct': {
        const s = t.struct;
        const init: Record<string, unknown> = {};
        const items = v as unknown[];
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (item === null) continue;
          const f = s.fields[i]!;
          Object.defineProperty(init, f.name, { value: value(f.type, item), writable: true, enumerable: true, configurable: true });
        }
        return s.ctor ? new s.ctor(init) : init;
      }
      default: return v;
    }
  };
  const field = (f: FieldData): FieldDesc => {
    const d: Mutable<FieldDesc> = { id: f[0], name: f[1], type: type(f[2]), requiredness: REQUIREDNESS[f[3]]!, annotations: ann(f[4]) };
    if (f.length > 5) d.default = value(d.type, f[5]);
    return d;
  };

  const exports: [string, unknown][] = [];
  const structs: StructDesc[] = [];
  const enums: EnumDesc[] = [];
  const services: ServiceDesc[] = [];
  const consts: { name: string; type: TypeDesc; value: unknown }[] = [];
  const typedefs: { name: string; type: TypeDesc }[] = [];
  // Every class exists before any field is decoded: a default may be an instance of any struct.
  for (const d of definitions) {
    if (d[0] !== DEF.STRUCT && d[0] !== DEF.UNION && d[0] !== DEF.EXCEPTION) continue;
    const s = own.get(d[1]) as Mutable<StructDesc>;
    const defaults: unknown[] = [];
    const hasDefault: boolean[] = [];
    const text = d[2];
    let cached: FieldDesc[] | undefined;
    // Decoded on first read (the first instance, a codec, reflection), then a plain data property.
    Object.defineProperty(s, 'fields', {
      enumerable: true,
      configurable: true,
      get(): readonly FieldDesc[] {
        if (cached !== undefined) return cached;
        const data = JSON.parse(text) as FieldData[];
        const fields: Mutable<FieldDesc>[] = data.map((f) => ({ id: f[0], name: f[1], type: type(f[2]), requiredness: REQUIREDNESS[f[3]]!, annotations: ann(f[4]) }));
        cached = fields;
        replaceGetter(s, 'fields', fields);
        for (const f of data) {
          hasDefault.push(f.length > 5);
          defaults.push(undefined);
        }
        // After the data property is set: a default may build instances, whose classes read fields.
        for (let i = 0; i < data.length; i++) {
          if (data[i]!.length <= 5) continue;
          const v = value(fields[i]!.type, data[i]![5]);
          defaults[i] = v;
          fields[i]!.default = v;
        }
        return fields;
      },
    });
    s.annotations = ann(d[3]);
    createStructClass(s, defaults, hasDefault);
  }

  for (const d of definitions) {
    switch (d[0]) {
      case DEF.ENUM: {
        const e = own.get(d[1]) as EnumDesc;
        enums.push(e);
        exports.push([d[1], enumObject(e)]);
        break;
      }
      case DEF.STRUCT: case DEF.UNION: case DEF.EXCEPTION: {
        const s = own.get(d[1]) as StructDesc;
        structs.push(s);
        exports.push([d[1], s.ctor]);
        break;
      }
      case DEF.SERVICE: {
        const s = def(d[1]) as ServiceDesc;
        services.push(s);
        exports.push([d[1], s]);
        break;
      }
      case DEF.CONST: {
        const t = type(d[2]);
        const c = { name: d[1], type: t, value: value(t, d[3]) };
        consts.push(c);
        exports.push([d[1], c.value]);
        break;
      }
      case DEF.TYPEDEF:
        typedefs.push({ name: d[1], type: type(d[2]) });
        break;
    }
  }
  const desc: ProgramDesc = {
    name,
    path,
    includes: includes.map(([, mod]) => schemaOf(mod)),
    namespaces: ann(namespaces),
    structs,
    enums,
    services,
    consts,
    typedefs,
  };
  return moduleObject(desc, includes, exports);
}

/** A service; its parent is defined earlier in the file or in an include, as the resolver requires. */
function service(
  d: Extract<DefinitionData, [4, ...unknown[]]>,
  def: (t: string | [3, string, string]) => Def,
  type: (t: TypeData) => TypeDesc,
  field: (f: FieldData) => FieldDesc,
): ServiceDesc {
  const fn = (f: FunctionData): FunctionDesc => {
    const returns = f[2] === -1 ? undefined : type(f[2]);
    const args = f[3].map(field);
    const throws = f[4].map(field);
    const result: FieldDesc[] = [];
    if (returns !== undefined) result.push({ id: 0, name: 'success', type: returns, requiredness: 'optional', annotations: NO_ANNOTATIONS });
    result.push(...throws);
    return {
      name: f[0],
      oneway: f[1] === 1,
      returns,
      args: { kind: 'struct', name: `${f[0]}_args`, fields: args, annotations: NO_ANNOTATIONS },
      result: { kind: 'struct', name: `${f[0]}_result`, fields: result, annotations: NO_ANNOTATIONS },
      throws,
      annotations: ann(f[5]),
    };
  };
  const parent = d[2] === 0 ? undefined : def(d[2] as string | [3, string, string]) as ServiceDesc;
  const desc = { kind: 'service', name: d[1], extends: parent } as Mutable<ServiceDesc>;
  // Built on first read (serviceFunctions, when a client or processor is made), then a plain data property.
  const text = d[3];
  let cached: FunctionDesc[] | undefined;
  Object.defineProperty(desc, 'functions', {
    enumerable: true,
    configurable: true,
    get(): readonly FunctionDesc[] {
      cached ??= (JSON.parse(text) as FunctionData[]).map(fn);
      replaceGetter(desc, 'functions', cached);
      return cached;
    },
  });
  desc.annotations = ann(d[4]);
  return desc;
}

/** Turns a decode-on-first-read getter into the data property `load()` would have set (unless the object was frozen since). */
function replaceGetter(obj: object, key: string, value: unknown): void {
  if (Object.getOwnPropertyDescriptor(obj, key)?.configurable) Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

// Most definitions have no annotations: they share one frozen empty object.
const NO_ANNOTATIONS: Annotations = Object.freeze({});

function ann(a: AnnotationsData | undefined): Annotations {
  if (!a) return NO_ANNOTATIONS;
  const out: Record<string, string> = {};
  for (const [k, v] of a) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  return out;
}
