/**
 * The module object a load returns: every definition of the file by name
 * (service → ServiceDesc, struct → class, enum → frozen object, const →
 * value, include → that file's module) plus the ProgramDesc, hidden under a
 * non-enumerable `__schema`.
 */
import type { ProgramDesc } from '../protocol/schema.js';
import type { ResolvedProgram } from './resolve.js';

/** What `load` and `loadSource` return: the file's definitions by name. */
export type ThriftModule = { readonly [name: string]: any };

const SCHEMA = '__schema';

/** Builds the module object of a resolved program; included modules come from `moduleOf`. */
export function buildModule(program: ResolvedProgram, moduleOf: (p: ResolvedProgram) => ThriftModule): ThriftModule {
  const mod: Record<string, unknown> = Object.create(null);
  for (const inc of program.includes) define(mod, inc.name, moduleOf(inc.program), true);
  for (const [name, value] of program.exports) define(mod, name, value, true);
  define(mod, SCHEMA, program.desc, false);
  return Object.freeze(mod);
}

/** The reflection entry point: the ProgramDesc behind a module returned by `load` or `loadSource`. */
export function schemaOf(mod: ThriftModule): ProgramDesc {
  const desc = mod != null && Object.prototype.hasOwnProperty.call(mod, SCHEMA) ? (mod[SCHEMA] as ProgramDesc) : undefined;
  if (desc === undefined) throw new TypeError('schemaOf expects a module returned by load() or loadSource()');
  return desc;
}

function define(obj: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(obj, key, { value, enumerable, writable: false, configurable: false });
}
