/**
 * Turns node-int64 values into bigints wherever the schema says i64, deep in
 * structs, lists, sets and maps, so Apache-era values can be written. Returns the
 * same object when nothing changed, so the usual values pass through uncopied.
 */
import type { FieldDesc, TypeDesc } from '../protocol/index.js';
import { fromInt64, isInt64Like } from './int64.js';

/** `value` with every node-int64 value at an i64 position replaced by its bigint. */
export function bigintsFor(type: TypeDesc, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case 'i64':
      return isInt64Like(value) ? fromInt64(value) : value;
    case 'list':
      return Array.isArray(value) ? mapArray(value, (e) => bigintsFor(type.elem, e)) : value;
    case 'set': {
      if (Array.isArray(value)) return mapArray(value, (e) => bigintsFor(type.elem, e));
      if (!(value instanceof Set)) return value;
      let changed = false;
      const out = new Set<unknown>();
      for (const e of value) {
        const c = bigintsFor(type.elem, e);
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
          const ck = bigintsFor(type.key, k);
          const cv = bigintsFor(type.value, v);
          changed ||= ck !== k || cv !== v;
          out.set(ck, cv);
        }
        return changed ? out : value;
      }
      return typeof value === 'object' ? fieldsOf(value as Record<string, unknown>, (v) => bigintsFor(type.value, v)) : value;
    }
    case 'struct':
      return typeof value === 'object' ? structOf(type.struct.fields, value as Record<string, unknown>) : value;
    default:
      return value;
  }
}

/** The arguments of a call (or a handler's), converted by their declared types. */
export function bigintArgs(fields: readonly FieldDesc[], args: readonly unknown[]): unknown[] {
  return args.map((a, i) => (i < fields.length ? bigintsFor(fields[i].type, a) : a));
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
function structOf(fields: readonly FieldDesc[], value: Record<string, unknown>): object {
  let out: Record<string, unknown> | undefined;
  for (const field of fields) {
    const v = value[field.name];
    const c = bigintsFor(field.type, v);
    if (c !== v) (out ??= Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>, value))[field.name] = c;
  }
  return out ?? value;
}
