/**
 * Converts constant literals (const values and field defaults) to runtime
 * values of their declared type, rejecting what does not fit: bool → boolean,
 * byte/i16/i32/double/enum → number, i64 → bigint, string → string,
 * binary → Uint8Array (UTF-8), uuid → lowercase canonical string, list →
 * Array, set → Set, map → Map, struct → an instance of its class.
 * Acceptance follows apache/thrift compiler/cpp/src/thrift/main.cc
 * validate_const_rec and parse/t_scope.h resolve_const_value, but stricter on
 * ranges (300 is not a byte, 2 is not a bool).
 */
import { IdlError } from '../errors.js';
import type { EnumDesc, StructDesc, TypeDesc } from '../protocol/schema.js';
import { isUuid } from '../protocol/uuid.js';
import type { Pos, ValueNode } from './ast.js';
import { cloneValue } from './classes.js';

/** A position in a named file. */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A const already checked against its own declared type. */
export interface ResolvedConst<S> {
  readonly name: string;
  readonly type: TypeDesc;
  readonly value: unknown;
  readonly node: ValueNode;
  readonly scope: S;
}

/** What conversion needs from the resolver: name lookup and lazy resolution. */
export interface ValueEnv<S extends { readonly file: string }> {
  /** The enum a (possibly include-prefixed) name denotes in `scope`, if it is one. */
  findEnum(scope: S, name: string): EnumDesc | undefined;
  /** The const a (possibly include-prefixed) name denotes in `scope`, resolved; undefined if none. */
  findConst(scope: S, name: string, loc: Loc): ResolvedConst<S> | undefined;
  /** Makes sure the defaults of `desc` are known, so its class may be instantiated. */
  prepareStruct(desc: StructDesc, loc: Loc): void;
}

const I8: readonly [bigint, bigint] = [-128n, 127n];
const I16: readonly [bigint, bigint] = [-32768n, 32767n];
const I32: readonly [bigint, bigint] = [-2147483648n, 2147483647n];
const I64: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const utf8 = new TextEncoder();

/** The type as IDL text, for messages. */
export function typeName(type: TypeDesc): string {
  switch (type.kind) {
    case 'list': case 'set': return `${type.kind}<${typeName(type.elem)}>`;
    case 'map': return `map<${typeName(type.key)},${typeName(type.value)}>`;
    case 'enum': return type.enum.name;
    case 'struct': return type.struct.name;
    default: return type.kind;
  }
}

/** Structural type equality (enums and structs by identity). */
export function sameType(a: TypeDesc, b: TypeDesc): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list': case 'set': return sameType(a.elem, (b as typeof a).elem);
    case 'map': return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case 'enum': return a.enum === (b as typeof a).enum;
    case 'struct': return a.struct === (b as typeof a).struct;
    default: return true;
  }
}

/**
 * `node` converted to a runtime value of `type`, names looked up in `scope`.
 * `at`, when given, is where errors are reported instead of the node's own
 * position (used when a const is re-read through a reference to it).
 */
export function convertValue<S extends { readonly file: string }>(
  env: ValueEnv<S>, node: ValueNode, type: TypeDesc, scope: S, at?: Loc,
): unknown {
  const loc = (pos: Pos): Loc => at ?? { file: scope.file, line: pos.line, column: pos.column };
  const fail = (pos: Pos, message: string): IdlError => {
    const l = loc(pos);
    return new IdlError(message, l.file, l.line, l.column);
  };
  const mismatch = (n: ValueNode): IdlError => fail(n.pos, `${describe(n)} does not fit type ${typeName(type)}`);

  if (node.kind === 'ident') return convertName(env, node, type, scope, loc(node.pos), fail);

  switch (type.kind) {
    case 'bool':
      if (node.kind === 'int' && (node.value === 0n || node.value === 1n)) return node.value === 1n;
      throw mismatch(node);
    case 'byte': return Number(intIn(node, I8, mismatch));
    case 'i16': return Number(intIn(node, I16, mismatch));
    case 'i32': return Number(intIn(node, I32, mismatch));
    case 'i64': return intIn(node, I64, mismatch);
    case 'double':
      if (node.kind === 'int' && !node.isBool) return Number(node.value);
      if (node.kind === 'double' && Number.isFinite(node.value)) return node.value;
      throw mismatch(node);
    case 'string':
      if (node.kind === 'string') return node.value;
      throw mismatch(node);
    case 'binary':
      if (node.kind === 'string') return utf8.encode(node.value);
      throw mismatch(node);
    case 'uuid': {
      if (node.kind !== 'string') throw mismatch(node);
      // Apache also accepts the Windows GUID form {xxxxxxxx-...} (t_const_value.h validate_uuid).
      const s = node.value.length === 38 && node.value[0] === '{' && node.value[37] === '}' ? node.value.slice(1, 37) : node.value;
      if (!isUuid(s)) throw fail(node.pos, `${describe(node)} is not a uuid (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
      return s.toLowerCase();
    }
    case 'enum': {
      if (node.kind !== 'int' || node.isBool) throw mismatch(node);
      const v = node.value;
      const found = type.enum.values.find((e) => BigInt(e.value) === v);
      if (!found) throw fail(node.pos, `${v} is not a value of enum ${type.enum.name}`);
      return found.value;
    }
    case 'list': case 'set': {
      let items: readonly ValueNode[];
      if (node.kind === 'list') items = node.items;
      // ThriftTest.thrift writes an empty set as {}; Apache accepts it.
      else if (node.kind === 'map' && node.entries.length === 0) items = [];
      else throw mismatch(node);
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = convertValue(env, items[i]!, type.elem, scope, at);
      return type.kind === 'list' ? out : new Set(out);
    }
    case 'map': {
      let entries: readonly (readonly [ValueNode, ValueNode])[];
      if (node.kind === 'map') entries = node.entries;
      else if (node.kind === 'list' && node.items.length === 0) entries = [];
      else throw mismatch(node);
      const out = new Map<unknown, unknown>();
      for (const [k, v] of entries) out.set(convertValue(env, k, type.key, scope, at), convertValue(env, v, type.value, scope, at));
      return out;
    }
    case 'struct': {
      const desc = type.struct;
      if (node.kind !== 'map') throw mismatch(node);
      const init: Record<string, unknown> = {};
      const set = new Set<string>();
      for (const [k, v] of node.entries) {
        if (k.kind !== 'string') throw fail(k.pos, `a field name in a ${desc.kind} literal must be a quoted string, not ${describe(k)}`);
        const field = desc.fields.find((f) => f.name === k.value);
        if (!field) throw fail(k.pos, `${desc.kind} ${desc.name} has no field named ${k.value}`);
        set.add(field.name);
        if (desc.kind === 'union' && set.size > 1) throw fail(k.pos, `a union literal may set one field only (union ${desc.name})`);
        Object.defineProperty(init, field.name, {
          value: convertValue(env, v, field.type, scope, at), writable: true, enumerable: true, configurable: true,
        });
      }
      env.prepareStruct(desc, loc(node.pos));
      return desc.ctor ? new desc.ctor(init) : init;
    }
  }
}

function convertName<S extends { readonly file: string }>(
  env: ValueEnv<S>, node: ValueNode & { kind: 'ident' }, type: TypeDesc, scope: S, loc: Loc,
  fail: (pos: Pos, message: string) => IdlError,
): unknown {
  const name = node.name;
  const dot = name.lastIndexOf('.');
  // Enum.VALUE (or include.Enum.VALUE): Apache registers every enum value as an i32 constant.
  if (dot > 0) {
    const en = env.findEnum(scope, name.slice(0, dot));
    // For an enum-typed value Apache looks only at the last name, in the declared enum
    // (t_const_value::get_identifier_name): `MyEnum2 f = MyEnum1.ME2_2` is MyEnum2.ME2_2, as in
    // apache/thrift test/EnumTest.thrift. A prefix naming another enum that has the same value
    // name stays an error: there the text means something else than what Apache reads.
    if (type.kind === 'enum' && !en?.values.some((v) => v.name === name.slice(dot + 1))) {
      const own = type.enum.values.find((v) => v.name === name.slice(dot + 1));
      if (own) return own.value;
    }
    if (en) {
      const valueName = name.slice(dot + 1);
      const ev = en.values.find((v) => v.name === valueName);
      if (!ev) throw fail(node.pos, `enum ${en.name} has no value named ${valueName}`);
      if (type.kind === 'enum') {
        if (type.enum !== en) throw fail(node.pos, `${name} is a value of enum ${en.name}, not of ${type.enum.name}`);
        return ev.value;
      }
      if (type.kind === 'i32' || type.kind === 'i64' || type.kind === 'i16' || type.kind === 'byte' || type.kind === 'double') {
        const int: ValueNode = { kind: 'int', value: BigInt(ev.value), isBool: false, pos: node.pos };
        return convertValue(env, int, type, scope, loc);
      }
      throw fail(node.pos, `enum value ${name} does not fit type ${typeName(type)}`);
    }
  }
  const c = env.findConst(scope, name, loc);
  if (!c) throw fail(node.pos, `undefined constant ${name}`);
  if (sameType(c.type, type)) return cloneValue(type, c.value);
  try {
    // Another type: read the referenced literal again as this type, the way Apache copies the raw value.
    return convertValue(env, c.node, type, c.scope, loc);
  } catch (e) {
    if (!(e instanceof IdlError)) throw e;
    throw new IdlError(`constant ${name} (${typeName(c.type)}) does not fit type ${typeName(type)}`, loc.file, loc.line, loc.column, { cause: e });
  }
}

function intIn(node: ValueNode, [min, max]: readonly [bigint, bigint], mismatch: (n: ValueNode) => IdlError): bigint {
  if (node.kind !== 'int' || node.isBool || node.value < min || node.value > max) throw mismatch(node);
  return node.value;
}

function describe(node: ValueNode): string {
  switch (node.kind) {
    case 'int': return node.isBool ? String(node.value === 1n) : `integer ${node.value}`;
    case 'double': return `number ${node.value}`;
    case 'string': return `string ${JSON.stringify(node.value)}`;
    case 'ident': return node.name;
    case 'list': return 'a list';
    case 'map': return 'a map';
  }
}
