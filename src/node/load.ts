/**
 * `load`: reads a .thrift file and its includes from disk. The only file of
 * the IDL layer that touches node:fs and node:path.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IdlError } from '../errors.js';
import { loadSource, programName, type LoadOptions } from '../idl/load-source.js';
import type { ThriftModule } from '../idl/module.js';

/** Loads a .thrift file (synchronously), resolving includes on disk. Throws IdlError for any bad input. */
export function load(path: string, options: LoadOptions = {}): ThriftModule {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new IdlError(`cannot read ${abs}: ${(e as Error).message}`, abs, 1, 1, { cause: e });
  }
  return loadSource(text, {
    name: programName(abs),
    path: abs,
    includeDirs: (options.includeDirs ?? []).map((d) => resolve(d)),
    readFile: (p) => readFileSync(p, 'utf8'),
  });
}
