/**
 * The module object a load returns: every definition of the file by name
 * (service → ServiceDesc, struct → class, enum → frozen object, const →
 * value, include → that file's module) plus the ProgramDesc, hidden under a
 * non-enumerable `__schema`.
 */
import type { EnumDesc, ProgramDesc } from '../protocol/schema.js';
import type { ResolvedProgram } from './resolve.js';

/** What `load` and `loadSource` return: the file's definitions by name. */
export type ThriftModule = { readonly [name: string]: any };

const SCHEMA = '__schema';

/** Builds the module object of a resolved program; included modules come from `moduleOf`. */
export function buildModule(program: ResolvedProgram, moduleOf: (p: ResolvedProgram) => ThriftModule): ThriftModule {
  return moduleObject(program.desc, program.includes.map((inc) => [inc.name, moduleOf(inc.program)]), program.exports);
}

/** The frozen module object: includes by name, then the definitions in declaration order, then the hidden schema. */
export function moduleObject(
  desc: ProgramDesc,
  includes: readonly (readonly [name: string, mod: ThriftModule])[],
  exports: readonly (readonly [name: string, value: unknown])[],
): ThriftModule {
  const mod: Record<string, unknown> = Object.create(null);
  for (const [name, inc] of includes) define(mod, name, inc, true);
  for (const [name, value] of exports) define(mod, name, value, true);
  define(mod, SCHEMA, desc, false);
  return Object.freeze(mod);
}

/** The reflection entry point: the ProgramDesc behind a module returned by `load` or `loadSource`. */
export function schemaOf(mod: ThriftModule): ProgramDesc {
  const desc = mod != null && Object.prototype.hasOwnProperty.call(mod, SCHEMA) ? (mod[SCHEMA] as ProgramDesc) : undefined;
  if (desc === undefined) throw new TypeError('schemaOf expects a module returned by load() or loadSource()');
  return desc;
}

/** The runtime value of an enum: its values by name, frozen. */
export function enumObject(desc: EnumDesc): Readonly<Record<string, number>> {
  const obj: Record<string, number> = {};
  // Plain assignment then freeze gives the same descriptors as defineProperty, faster; `__proto__` needs the latter.
  for (const v of desc.values) {
    if (v.name === '__proto__') Object.defineProperty(obj, v.name, { value: v.value, enumerable: true, writable: true, configurable: true });
    else obj[v.name] = v.value;
  }
  return Object.freeze(obj);
}

function define(obj: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(obj, key, { value, enumerable, writable: false, configurable: false });
}
