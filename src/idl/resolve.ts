/**
 * Turns the syntax tree of one file (its includes already resolved) into
 * schema descriptors. Structs may be used before they are defined and may
 * contain themselves, so descriptors are created first and filled in a
 * second pass; typedefs, consts, service inheritance and struct defaults are
 * resolved lazily, each with a guard that reports a cycle instead of looping.
 */
import { IdlError } from '../errors.js';
import type {
  ConstDesc, EnumDesc, EnumTypeDesc, FieldDesc, FunctionDesc, ProgramDesc, ServiceDesc,
  StructDesc, StructTypeDesc, TypedefDesc, TypeDesc,
} from '../protocol/schema.js';
import type {
  ConstNode, DocumentNode, EnumNode, FieldNode, FunctionNode, Pos, ServiceNode, StructNode, TypedefNode, TypeNode,
} from './ast.js';
import { BASE_TYPES } from './base-types.js';
import { createStructClass } from './classes.js';
import { enumObject } from './module.js';
import { convertValue, type Loc, type ResolvedConst, type ValueEnv } from './const-values.js';

/** One included program as the including file names it. */
export interface IncludedProgram {
  readonly name: string;
  readonly program: ResolvedProgram;
}

/** A resolved file: its descriptor plus what later files need to refer into it. */
export interface ResolvedProgram {
  readonly desc: ProgramDesc;
  readonly scope: Scope;
  /** Own definitions in declaration order, with their runtime values, for building the module. */
  readonly exports: readonly (readonly [name: string, value: unknown])[];
  readonly includes: readonly IncludedProgram[];
}

const PENDING = 1;
const DONE = 2;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface TypedefEntry { kind: 'typedef'; node: TypedefNode; scope: Scope; state: number; type?: TypeDesc }
interface EnumEntry { kind: 'enum'; node: EnumNode; scope: Scope; desc: EnumDesc; type: EnumTypeDesc }
interface StructEntry {
  kind: 'struct'; node: StructNode; scope: Scope; desc: Mutable<StructDesc>; type: StructTypeDesc;
  fields: Mutable<FieldDesc>[]; defaults: unknown[]; state: number;
}
interface ServiceEntry { kind: 'service'; node: ServiceNode; scope: Scope; state: number; desc?: ServiceDesc }
interface ConstEntry { kind: 'const'; node: ConstNode; scope: Scope; state: number; resolved?: ResolvedConst<Scope> }
type Entry = TypedefEntry | EnumEntry | StructEntry | ServiceEntry | ConstEntry;

/** The names one file can see: its own definitions, and its direct includes' under `include.Name`. */
export class Scope {
  /** The file, for error messages. */
  readonly file: string;
  /** Own definitions by name. */
  readonly entries = new Map<string, Entry>();
  /** Direct includes by include name. */
  readonly includes = new Map<string, Scope>();

  constructor(file: string) {
    this.file = file;
  }

  /** The definition `name` denotes here: own first, then `include.Name`. */
  find(name: string): Entry | undefined {
    const own = this.entries.get(name);
    if (own !== undefined) return own;
    const dot = name.indexOf('.');
    if (dot <= 0) return undefined;
    return this.includes.get(name.slice(0, dot))?.entries.get(name.slice(dot + 1));
  }
}

// Links struct descriptors back to their entries so defaults can be prepared across files.
const structEntries = new WeakMap<StructDesc, StructEntry>();

const env: ValueEnv<Scope> = {
  findEnum(scope, name) {
    const e = scope.find(name);
    return e?.kind === 'enum' ? e.desc : undefined;
  },
  findConst(scope, name, loc) {
    const e = scope.find(name);
    if (e === undefined) return undefined;
    if (e.kind !== 'const') throw new IdlError(`${name} is ${describeEntry(e)}, not a constant`, loc.file, loc.line, loc.column);
    return resolveConst(e, loc);
  },
  prepareStruct(desc, loc) {
    const e = structEntries.get(desc);
    if (e !== undefined) prepareDefaults(e, loc);
  },
};

/**
 * Resolves one parsed file whose includes are already resolved. Throws
 * IdlError on undefined or duplicate names, cycles, and values that do not
 * fit their types.
 */
export function resolveProgram(name: string, path: string, doc: DocumentNode, includes: readonly IncludedProgram[]): ResolvedProgram {
  const scope = new Scope(path);
  for (const inc of includes) scope.includes.set(inc.name, inc.program.scope);
  const err = (pos: Pos, message: string): IdlError => new IdlError(message, path, pos.line, pos.column);

  const structs: StructEntry[] = [];
  const enums: EnumEntry[] = [];
  const services: ServiceEntry[] = [];
  const consts: ConstEntry[] = [];
  const typedefs: TypedefEntry[] = [];
  for (const def of doc.definitions) {
    if (def.name === '__schema') throw err(def.pos, `the name __schema is reserved`);
    const prev = scope.entries.get(def.name);
    if (prev !== undefined) throw err(def.pos, `${def.name} is already defined (as ${describeEntry(prev)} at line ${prev.node.pos.line})`);
    if (scope.includes.has(def.name)) throw err(def.pos, `${def.name} is already the name of an included file`);
    let entry: Entry;
    switch (def.kind) {
      case 'typedef':
        typedefs.push(entry = { kind: 'typedef', node: def, scope, state: 0 });
        break;
      case 'enum': {
        const desc: EnumDesc = {
          name: def.name,
          values: def.values.map((v) => ({ name: v.name, value: v.value, annotations: v.annotations })),
          annotations: def.annotations,
        };
        enums.push(entry = { kind: 'enum', node: def, scope, desc, type: { kind: 'enum', enum: desc } });
        break;
      }
      case 'struct': case 'union': case 'exception': {
        const fields: Mutable<FieldDesc>[] = [];
        const desc: Mutable<StructDesc> = { kind: def.kind, name: def.name, fields, annotations: def.annotations };
        const e: StructEntry = { kind: 'struct', node: def, scope, desc, type: { kind: 'struct', struct: desc }, fields, defaults: [], state: 0 };
        structEntries.set(desc, e);
        structs.push(entry = e);
        break;
      }
      case 'service':
        services.push(entry = { kind: 'service', node: def, scope, state: 0 });
        break;
      case 'const':
        consts.push(entry = { kind: 'const', node: def, scope, state: 0 });
        break;
    }
    scope.entries.set(def.name, entry);
  }

  const typedefDescs: TypedefDesc[] = typedefs.map((t) => ({ name: t.node.name, type: resolveTypedef(t) }));

  // Field types first for every struct, then the classes: a class needs only names and types.
  for (const s of structs) {
    for (const f of s.node.fields) {
      s.fields.push(fieldDesc(f, scope));
      s.defaults.push(undefined);
    }
  }
  for (const s of structs) createStructClass(s.desc, s.defaults, s.node.fields.map((f) => f.default !== undefined));

  for (const s of structs) prepareDefaults(s, undefined);
  const serviceDescs = services.map((s) => resolveService(s));
  const constDescs: ConstDesc[] = consts.map((c) => {
    const r = resolveConst(c);
    return { name: r.name, type: r.type, value: r.value };
  });

  const exports: [string, unknown][] = [];
  for (const def of doc.definitions) {
    const e = scope.entries.get(def.name)!;
    switch (e.kind) {
      case 'struct': exports.push([def.name, e.desc.ctor]); break;
      case 'enum': exports.push([def.name, enumObject(e.desc)]); break;
      case 'service': exports.push([def.name, e.desc]); break;
      case 'const': exports.push([def.name, e.resolved!.value]); break;
      case 'typedef': break;
    }
  }

  const desc: ProgramDesc = {
    name,
    path,
    includes: includes.map((i) => i.program.desc),
    namespaces: doc.namespaces,
    structs: structs.map((s) => s.desc),
    enums: enums.map((e) => e.desc),
    services: serviceDescs,
    consts: constDescs,
    typedefs: typedefDescs,
  };
  return { desc, scope, exports, includes };
}

function resolveType(node: TypeNode, scope: Scope): TypeDesc {
  switch (node.kind) {
    case 'base': return BASE_TYPES[node.base];
    case 'list': return { kind: 'list', elem: resolveType(node.elem, scope) };
    case 'set': return { kind: 'set', elem: resolveType(node.elem, scope) };
    case 'map': return { kind: 'map', key: resolveType(node.key, scope), value: resolveType(node.value, scope) };
    case 'ref': {
      const e = scope.find(node.name);
      if (e === undefined) throw new IdlError(`undefined type ${node.name}`, scope.file, node.pos.line, node.pos.column);
      switch (e.kind) {
        case 'typedef': return resolveTypedef(e, { file: scope.file, line: node.pos.line, column: node.pos.column });
        case 'enum': case 'struct': return e.type;
        default: throw new IdlError(`${node.name} is ${describeEntry(e)}, not a type`, scope.file, node.pos.line, node.pos.column);
      }
    }
  }
}

function resolveTypedef(e: TypedefEntry, from?: Loc): TypeDesc {
  if (e.state === DONE) return e.type!;
  if (e.state === PENDING) {
    const l = from ?? { file: e.scope.file, ...e.node.pos };
    throw new IdlError(`typedef ${e.node.name} refers to itself`, l.file, l.line, l.column);
  }
  e.state = PENDING;
  e.type = resolveType(e.node.type, e.scope);
  e.state = DONE;
  return e.type;
}

function fieldDesc(f: FieldNode, scope: Scope): Mutable<FieldDesc> {
  return { id: f.id, name: f.name, type: resolveType(f.type, scope), requiredness: f.requiredness, annotations: f.annotations };
}

/** Computes the field defaults of a struct, which may build other structs' instances. */
function prepareDefaults(s: StructEntry, from: Loc | undefined): void {
  if (s.state === DONE) return;
  if (s.state === PENDING) {
    const l = from ?? { file: s.scope.file, ...s.node.pos };
    throw new IdlError(`the default values of ${s.desc.kind} ${s.desc.name} depend on themselves`, l.file, l.line, l.column);
  }
  s.state = PENDING;
  const nodes = s.node.fields;
  for (let i = 0; i < nodes.length; i++) {
    const def = nodes[i]!.default;
    if (def === undefined) continue;
    const v = convertValue(env, def, s.fields[i]!.type, s.scope);
    s.defaults[i] = v;
    s.fields[i]!.default = v;
  }
  s.state = DONE;
}

function resolveConst(c: ConstEntry, from?: Loc): ResolvedConst<Scope> {
  if (c.state === DONE) return c.resolved!;
  if (c.state === PENDING) {
    const l = from ?? { file: c.scope.file, ...c.node.pos };
    throw new IdlError(`constant ${c.node.name} refers to itself`, l.file, l.line, l.column);
  }
  c.state = PENDING;
  const type = resolveType(c.node.type, c.scope);
  const value = convertValue(env, c.node.value, type, c.scope);
  c.resolved = { name: c.node.name, type, value, node: c.node.value, scope: c.scope };
  c.state = DONE;
  return c.resolved;
}

function resolveService(s: ServiceEntry): ServiceDesc {
  if (s.state === DONE) return s.desc!;
  const { node, scope } = s;
  if (s.state === PENDING) throw new IdlError(`service ${node.name} extends itself`, scope.file, node.pos.line, node.pos.column);
  s.state = PENDING;
  let parent: ServiceDesc | undefined;
  if (node.extends !== undefined) {
    const { name, pos } = node.extends;
    const e = scope.find(name);
    if (e === undefined) throw new IdlError(`undefined service ${name}`, scope.file, pos.line, pos.column);
    if (e.kind !== 'service') throw new IdlError(`${name} is ${describeEntry(e)}, not a service`, scope.file, pos.line, pos.column);
    if (e === s) throw new IdlError(`service ${node.name} cannot extend itself`, scope.file, pos.line, pos.column);
    if (e.state === PENDING) throw new IdlError(`inheritance cycle: service ${node.name} extends ${name}, which extends ${node.name}`, scope.file, pos.line, pos.column);
    parent = resolveService(e);
  }
  const desc: ServiceDesc = {
    kind: 'service',
    name: node.name,
    extends: parent,
    functions: node.functions.map((f) => functionDesc(f, scope)),
    annotations: node.annotations,
  };
  s.desc = desc;
  s.state = DONE;
  return desc;
}

function functionDesc(f: FunctionNode, scope: Scope): FunctionDesc {
  const returns = f.returns === undefined ? undefined : resolveType(f.returns, scope);
  const args = f.args.map((a) => withDefault(fieldDesc(a, scope), a, scope));
  const throws = f.throws.map((t) => {
    const d = withDefault(fieldDesc(t, scope), t, scope);
    if (d.type.kind !== 'struct' || d.type.struct.kind !== 'exception') {
      const what = d.type.kind === 'struct' ? `${d.type.struct.kind} ${d.type.struct.name}` : `type ${d.type.kind === 'enum' ? d.type.enum.name : d.type.kind}`;
      throw new IdlError(`throws may list exceptions only; ${t.name} is a ${what}`, scope.file, t.type.pos.line, t.type.pos.column);
    }
    return d;
  });
  const result: FieldDesc[] = [];
  if (returns !== undefined) result.push({ id: 0, name: 'success', type: returns, requiredness: 'optional', annotations: {} });
  result.push(...throws);
  return {
    name: f.name,
    oneway: f.oneway,
    returns,
    args: { kind: 'struct', name: `${f.name}_args`, fields: args, annotations: {} },
    result: { kind: 'struct', name: `${f.name}_result`, fields: result, annotations: {} },
    throws,
    annotations: f.annotations,
  };
}

function withDefault(d: Mutable<FieldDesc>, f: FieldNode, scope: Scope): FieldDesc {
  if (f.default !== undefined) d.default = convertValue(env, f.default, d.type, scope);
  return d;
}

function describeEntry(e: Entry): string {
  switch (e.kind) {
    case 'typedef': return 'a typedef';
    case 'enum': return 'an enum';
    case 'struct': return e.desc.kind === 'exception' ? 'an exception' : `a ${e.desc.kind}`;
    case 'service': return 'a service';
    case 'const': return 'a constant';
  }
}
