/**
 * What generated code calls at import time: `defineIdlModule` builds the
 * module of one .thrift file from its embedded IDL text with the same parser
 * and resolver as `load`, so generated code and `load()` share one schema and
 * produce the same bytes. Included files come as the modules their own
 * generated files built, so a struct or exception of an included file is one
 * class everywhere (`instanceof` and declared throws work across files).
 */
import { IdlError } from '../errors.js';
import type { StructDesc } from '../protocol/schema.js';
import { programName } from './load-source.js';
import { buildModule, type ThriftModule } from './module.js';
import { parse } from './parser.js';
import { resolveProgram, type IncludedProgram, type ResolvedProgram } from './resolve.js';

/** The IDL of one file as generated code embeds it. */
export interface IdlModuleSpec {
  /** Program name, the prefix other files use (`shared` for shared.thrift). */
  readonly name: string;
  /** File name used in errors and reported by `schemaOf(mod).path`. */
  readonly path: string;
  /** The IDL text. */
  readonly source: string;
  /** The modules of the included files, by program name (each built by defineIdlModule). */
  readonly includes?: Readonly<Record<string, ThriftModule>>;
}

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

const programs = new WeakMap<ThriftModule, ResolvedProgram>();
const modules = new WeakMap<ResolvedProgram, ThriftModule>();

/** Builds a module from embedded IDL text, reusing the modules of its includes. Throws IdlError for bad input. */
export function defineIdlModule(spec: IdlModuleSpec): ThriftModule {
  const { name, path, source } = spec;
  try {
    const doc = parse(source, path);
    const included: IncludedProgram[] = [];
    const seen = new Set<string>();
    for (const inc of doc.includes) {
      const incName = programName(inc.path);
      if (seen.has(incName)) continue;
      seen.add(incName);
      const mod = spec.includes?.[incName];
      const program = mod === undefined ? undefined : programs.get(mod);
      if (program === undefined) {
        throw new IdlError(`the generated module of included file "${inc.path}" was not passed as includes.${incName}`, path, inc.pos.line, inc.pos.column);
      }
      included.push({ name: incName, program });
    }
    const program = resolveProgram(name, path, doc, included);
    const mod = buildModule(program, (p) => {
      const m = modules.get(p);
      if (m === undefined) throw new Error(`no module for included program ${p.desc.name}`);
      return m;
    });
    programs.set(mod, program);
    modules.set(program, mod);
    return mod;
  } catch (e) {
    if (e instanceof IdlError) throw e;
    throw new IdlError(`internal error while loading: ${e instanceof Error ? e.message : String(e)}`, path, 1, 1, { cause: e });
  }
}
