/**
 * `loadSource`: IDL text in, module out, with includes read through a
 * caller-supplied `readFile`. Imports nothing from node:*, so it works in a
 * browser bundle; `load` (load.ts) wraps it with the file system.
 */
import { IdlError } from '../errors.js';
import type { Pos } from './ast.js';
import { buildModule, type ThriftModule } from './module.js';
import { parse } from './parser.js';
import { basename, dirname, isAbsolute, join, normalize } from './path.js';
import { resolveProgram, type IncludedProgram, type ResolvedProgram } from './resolve.js';

/** Options of {@link load} and {@link loadSource}. */
export interface LoadOptions {
  /** Directories searched, in order, for includes not found next to the including file. */
  includeDirs?: string[];
}

/** Options of {@link loadSource}. */
export type LoadSourceOptions = LoadOptions & {
  /** Program name, the prefix other files would use; default `main`. */
  name?: string;
  /** Path used in errors and to resolve relative includes; default `<source>`. */
  path?: string;
  /** Reads an included file (throws if it does not exist); without it, includes are an IdlError. */
  readFile?: (path: string) => string;
};

/** Loads IDL text. Throws IdlError (with file, line and column) for any bad input. */
export function loadSource(text: string, options: LoadSourceOptions = {}): ThriftModule {
  const path = options.path ?? '<source>';
  const loader = new Loader(options.readFile, options.includeDirs ?? []);
  try {
    return loader.module(loader.program(options.name ?? 'main', path, text));
  } catch (e) {
    if (e instanceof IdlError) throw e;
    // Contract: bad input never surfaces as a TypeError or RangeError from inside the loader.
    throw new IdlError(`internal error while loading: ${e instanceof Error ? e.message : String(e)}`, path, 1, 1, { cause: e });
  }
}

/** The program name Apache derives from a path: the file name without its extension. */
export function programName(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

class Loader {
  private readonly readFile: ((path: string) => string) | undefined;
  private readonly includeDirs: readonly string[];
  private readonly programs = new Map<string, ResolvedProgram>();
  private readonly modules = new Map<ResolvedProgram, ThriftModule>();
  /** Files being loaded, outermost first: an include of one of them is a cycle. */
  private readonly stack: string[] = [];

  constructor(readFile: ((path: string) => string) | undefined, includeDirs: readonly string[]) {
    this.readFile = readFile;
    this.includeDirs = includeDirs;
  }

  program(name: string, path: string, text: string): ResolvedProgram {
    const key = normalize(path);
    this.stack.push(key);
    const doc = parse(text, path);
    const includes: IncludedProgram[] = [];
    const byName = new Map<string, string>();
    for (const inc of doc.includes) {
      const incName = programName(inc.path);
      const { path: incPath, text: incText } = this.locate(inc.path, path, inc.pos);
      const prev = byName.get(incName);
      if (prev === incPath) continue;
      if (prev !== undefined) throw new IdlError(`two included files are both named ${incName}: ${prev} and ${incPath}`, path, inc.pos.line, inc.pos.column);
      byName.set(incName, incPath);
      let program = this.programs.get(incPath);
      if (program === undefined) {
        if (this.stack.includes(incPath)) {
          const cycle = [...this.stack.slice(this.stack.indexOf(incPath)), incPath].join(' -> ');
          throw new IdlError(`include cycle: ${cycle}`, path, inc.pos.line, inc.pos.column);
        }
        program = this.program(incName, incPath, incText!);
      }
      includes.push({ name: incName, program });
    }
    const program = resolveProgram(name, path, doc, includes);
    this.stack.pop();
    this.programs.set(key, program);
    return program;
  }

  module(program: ResolvedProgram): ThriftModule {
    let mod = this.modules.get(program);
    if (mod === undefined) {
      mod = buildModule(program, (p) => this.module(p));
      this.modules.set(program, mod);
    }
    return mod;
  }

  /** Finds an include next to the including file, then in each include dir (Apache's order). */
  private locate(rel: string, from: string, pos: Pos): { path: string; text: string | undefined } {
    const candidates = isAbsolute(rel)
      ? [normalize(rel)]
      : [join(dirname(from), rel), ...this.includeDirs.map((d) => join(d, rel))];
    let cause: unknown;
    for (const candidate of candidates) {
      // Already loaded (or being loaded): no need to read it again.
      if (this.programs.has(candidate) || this.stack.includes(candidate)) return { path: candidate, text: undefined };
      if (this.readFile === undefined) {
        throw new IdlError(`cannot include "${rel}": loadSource needs options.readFile to read included files`, from, pos.line, pos.column);
      }
      try {
        return { path: candidate, text: this.readFile(candidate) };
      } catch (e) {
        cause = e;
      }
    }
    throw new IdlError(`cannot find included file "${rel}" (looked for ${candidates.join(', ')})`, from, pos.line, pos.column, { cause });
  }
}
