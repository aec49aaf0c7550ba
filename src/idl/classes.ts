/**
 * Runtime classes for structs, unions and exceptions. The constructor is
 * compiled once per struct so it assigns every field in declaration order:
 * all instances then share one V8 hidden class, which matters because the
 * decoders construct these on every message.
 */
import type { StructCtor, StructDesc, TypeDesc } from '../protocol/schema.js';

/**
 * A deep copy of `value`, a runtime value of `type`: containers, structs and
 * binary are copied, immutable values returned as they are.
 */
export function cloneValue(type: TypeDesc, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (type.kind) {
    case 'list': {
      const src = value as unknown[];
      const out = new Array<unknown>(src.length);
      for (let i = 0; i < src.length; i++) out[i] = cloneValue(type.elem, src[i]);
      return out;
    }
    case 'set': {
      const out = new Set<unknown>();
      for (const e of value as Set<unknown>) out.add(cloneValue(type.elem, e));
      return out;
    }
    case 'map': {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value as Map<unknown, unknown>) out.set(cloneValue(type.key, k), cloneValue(type.value, v));
      return out;
    }
    case 'binary':
      return (value as Uint8Array).slice();
    case 'struct': {
      const desc = type.struct;
      const src = value as Record<string, unknown>;
      const init: Record<string, unknown> = {};
      for (const f of desc.fields) {
        const v = cloneValue(f.type, ownValue(src, f.name));
        if (f.name === '__proto__') defineOwn(init, f.name, v);
        else init[f.name] = v;
      }
      return desc.ctor ? new desc.ctor(init) : init;
    }
    default:
      return value;
  }
}

/** True when values of `type` are mutable, so a default must be copied per instance. */
export function isMutableType(type: TypeDesc): boolean {
  const k = type.kind;
  return k === 'list' || k === 'set' || k === 'map' || k === 'struct' || k === 'binary';
}

/**
 * Creates the class of `desc` and attaches it as `desc.ctor`. `defaults[i]`
 * is the default of field i and `hasDefault[i]` says whether it has one; the
 * caller may fill both arrays later, until `desc.fields` is first read (the
 * first instance reads it; nothing here does before).
 */
export function createStructClass(desc: StructDesc, defaults: readonly unknown[], hasDefault: readonly boolean[]): StructCtor {
  const isException = desc.kind === 'exception';
  const idlName = desc.name;
  // Fields are read on the first instance only: a generated module decodes them on first use.
  let messageIndex = -2;
  const message = (init: Record<string, unknown> | undefined): string => {
    if (messageIndex === -2) messageIndex = desc.fields.findIndex((f) => f.name === 'message');
    return String((messageIndex >= 0 ? (init == null ? undefined : init['message']) ?? defaults[messageIndex] : undefined) ?? idlName);
  };
  // The field initializer is compiled on the first instance, not here: a module of a large IDL
  // defines hundreds of classes at import, most of which a program never builds (issue 17: start-up).
  let assign: Assign = (self, init) => {
    const names = desc.fields.map((f) => f.name);
    const types = desc.fields.map((f) => f.type);
    try {
      assign = compileAssign(names, types, defaults, hasDefault, isException);
    } catch (e) {
      // A Content-Security-Policy without 'unsafe-eval' forbids new Function; fall back to a loop.
      if (!(e instanceof EvalError)) throw e;
      assign = interpretAssign(names, types, defaults, hasDefault, isException);
    }
    assign(self, init);
  };
  // A class defined as a computed property gets the IDL name as its `name` (no defineProperty needed).
  const cls: StructCtor = isException
    ? {
        [idlName]: class extends Error {
          constructor(init?: Record<string, unknown>) {
            super(message(init));
            assign(this as unknown as Record<string, unknown>, init);
          }
        },
      }[idlName]!
    : {
        [idlName]: class {
          constructor(init?: Record<string, unknown>) {
            assign(this as unknown as Record<string, unknown>, init);
          }
        },
      }[idlName]!;
  Object.defineProperty(cls, 'schema', { value: desc, enumerable: false, writable: false, configurable: false });
  if (isException) {
    Object.defineProperty(cls.prototype, 'name', { value: desc.name, writable: true, enumerable: false, configurable: true });
  }
  desc.ctor = cls;
  return cls;
}

/** Sets every field of a new instance, in declaration order, from `init` or the defaults. */
type Assign = (self: Record<string, unknown>, init: Record<string, unknown> | null | undefined) => void;

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null));
const hasOwn = Object.hasOwn;

// Names whose plain assignment would not create an ordinary own data property on the instance.
function needsDefine(name: string, isException: boolean): boolean {
  return name === '__proto__' || (isException && (name === 'message' || name === 'stack'));
}

/** One straight-line function per struct, so every instance gets the same hidden class at full speed. */
function compileAssign(
  names: readonly string[], types: readonly TypeDesc[], D: readonly unknown[], hasDefault: readonly boolean[], isException: boolean,
): Assign {
  // `new C()` (every decoded struct) takes a branch that stores the defaults directly:
  // reading them through an empty init object cost a fifth of decoding a struct of four fields.
  const bare: string[] = [];
  const lines: string[] = [];
  for (let n = 0; n < names.length; n++) {
    const name = names[n]!;
    const key = JSON.stringify(name);
    // Object.prototype members would otherwise be read from an init object that lacks them.
    const read = name in Object.prototype ? `(hasOwn(init, ${key}) ? init[${key}] : undefined)` : `init[${key}]`;
    let fallback = 'undefined';
    if (hasDefault[n]) fallback = isMutableType(types[n]!) ? `C(T[${n}], D[${n}])` : `D[${n}]`;
    const store = (expr: string): string =>
      needsDefine(name, isException)
        ? `Object.defineProperty(self, ${key}, { value: ${expr}, writable: true, enumerable: true, configurable: true });`
        : `self[${key}] = ${expr};`;
    bare.push(store(fallback));
    lines.push(store(`${read} ?? ${fallback}`));
  }
  // Both branches store the same fields in the same order, so instances share one shape.
  lines.unshift(`if (init == null) {\n    ${bare.join('\n    ')}\n    return;\n  }`);
  const src = `"use strict";\nreturn function assign(self, init) {\n  ${lines.join('\n  ')}\n};`;
  const factory = new Function('E', 'D', 'T', 'C', 'hasOwn', src) as (...a: unknown[]) => Assign;
  return factory(EMPTY, D, types, cloneValue, hasOwn);
}

function interpretAssign(
  names: readonly string[], types: readonly TypeDesc[], D: readonly unknown[], hasDefault: readonly boolean[], isException: boolean,
): Assign {
  return (self, init) => {
    const i = init == null ? EMPTY : init;
    for (let n = 0; n < names.length; n++) {
      const name = names[n]!;
      let v = name in Object.prototype ? (hasOwn(i, name) ? i[name] : undefined) : i[name];
      if (v == null) v = hasDefault[n] ? (isMutableType(types[n]!) ? cloneValue(types[n]!, D[n]) : D[n]) : undefined;
      if (needsDefine(name, isException)) defineOwn(self, name, v);
      else self[name] = v;
    }
  };
}

function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return key in Object.prototype && !hasOwn(obj, key) ? undefined : obj[key];
}
