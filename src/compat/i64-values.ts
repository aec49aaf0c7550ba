/**
 * Converts i64 values wherever the schema says i64, deep in structs, lists, sets
 * and maps: node-int64 values into bigints, so Apache-era values can be written,
 * and bigints into node-int64 values, so Apache-era handlers can read what they
 * are given. Returns the same object when nothing changed, so the usual values
 * pass through uncopied.
 */
import type { FieldDesc, TypeDesc } from '../protocol/index.js';
import { fromInt64, isInt64Like, toInt64, type Int64Constructor, type Int64Like } from './int64.js';

/** `value` with every node-int64 value at an i64 position replaced by its bigint. */
export function bigintsFor(type: TypeDesc, value: unknown): unknown {
  return mapI64(type, value, toBigint);
}

/**
 * `value` with every bigint at an i64 position replaced by a node-int64 value:
 * `new Int64(bytes)` when node-int64's class is given, else toInt64's look-alike.
 */
export function int64sFor(type: TypeDesc, value: unknown, Int64?: Int64Constructor): unknown {
  return mapI64(type, value, (v) => (typeof v === 'bigint' ? toInt64(v, Int64) : v));
}

/** The arguments of a call (or a handler's), converted by their declared types. */
export function bigintArgs(fields: readonly FieldDesc[], args: readonly unknown[]): unknown[] {
  return args.map((a, i) => (i < fields.length ? bigintsFor(fields[i].type, a) : a));
}

/** The arguments a handler is given, with node-int64 values for i64 (see int64sFor). */
export function int64Args(fields: readonly FieldDesc[], args: readonly unknown[], Int64?: Int64Constructor): unknown[] {
  return args.map((a, i) => (i < fields.length ? int64sFor(fields[i].type, a, Int64) : a));
}

function toBigint(v: unknown): unknown {
  return isInt64Like(v) ? fromInt64(v as Int64Like) : v;
}

/** `value` with `leaf` applied at every i64 position of `type`; containers and structs are copied only where something changed. */
function mapI64(type: TypeDesc, value: unknown, leaf: (v: unknown) => unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case 'i64':
      return leaf(value);
    case 'list':
      return Array.isArray(value) ? mapArray(value, (e) => mapI64(type.elem, e, leaf)) : value;
    case 'set': {
      if (Array.isArray(value)) return mapArray(value, (e) => mapI64(type.elem, e, leaf));
      if (!(value instanceof Set)) return value;
      let changed = false;
      const out = new Set<unknown>();
      for (const e of value) {
        const c = mapI64(type.elem, e, leaf);
        changed ||= c !== e;
        out.add(c);
      }
      return changed ? out : value;
    }
    case 'map': {
      if (value instanceof Map) {
        let changed = false;
        const out = new Map<unknown, unknown>();
        for (const [k, v] of value) {
          const ck = mapI64(type.key, k, leaf);
          const cv = mapI64(type.value, v, leaf);
          changed ||= ck !== k || cv !== v;
          out.set(ck, cv);
        }
        return changed ? out : value;
      }
      return typeof value === 'object' ? fieldsOf(value as Record<string, unknown>, (v) => mapI64(type.value, v, leaf)) : value;
    }
    case 'struct':
      return typeof value === 'object' ? structOf(type.struct.fields, value as Record<string, unknown>, leaf) : value;
    default:
      return value;
  }
}

function mapArray(value: readonly unknown[], f: (e: unknown) => unknown): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = f(value[i]);
    if (c !== value[i]) (out ??= value.slice())[i] = c;
  }
  return out ?? value;
}

function fieldsOf(value: Record<string, unknown>, f: (v: unknown) => unknown): object {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(value)) {
    const c = f(value[k]);
    if (c !== value[k]) (out ??= { ...value })[k] = c;
  }
  return out ?? value;
}

/** A struct with its fields converted; a copy keeps the prototype, so generated classes and exceptions stay themselves. */
function structOf(fields: readonly FieldDesc[], value: Record<string, unknown>, leaf: (v: unknown) => unknown): object {
  let out: Record<string, unknown> | undefined;
  for (const field of fields) {
    const v = value[field.name];
    const c = mapI64(field.type, v, leaf);
    if (c !== v) (out ??= Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>, value))[field.name] = c;
  }
  return out ?? value;
}
