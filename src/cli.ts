/**
 * The `thrift-streams` command (bin/thrift-streams.mjs runs it):
 * `thrift-streams gen <file.thrift> -o <dir>` writes typed TypeScript for a
 * .thrift file and its includes. Exit codes: 0 done, 1 bad IDL or an I/O
 * failure, 2 bad usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IdlError } from './errors.js';
import { generateTypes } from './idl/codegen.js';
import { loadSource, programName } from './idl/load-source.js';
import { schemaOf } from './idl/module.js';

/** Where the command writes; tests pass their own. */
export interface CliIo {
  /** Normal output (one line per written file). */
  out(text: string): void;
  /** Errors and usage on bad input. */
  err(text: string): void;
}

/** The text of `thrift-streams --help`. */
export const USAGE = `Usage: thrift-streams gen <file.thrift> -o <dir> [options]

Writes one .ts file per .thrift file (the given one and everything it includes)
into <dir>: an interface and a class per struct, union and exception, a const
object and a type per enum, the consts, and per service a typed client
interface, a typed handler interface and the service object, so that
createConnection(Service), createPool(Service) and createServer(Service, handler)
are fully typed. The generated code embeds the resolved schema as data (no IDL
parser at run time); its descriptors equal load()'s, so both produce identical
bytes on the wire.

Options:
  -o, --out <dir>         directory to write to (created if missing)
  -I, --include <dir>     also look for included files in <dir> (repeatable;
                          after the including file's own directory)
      --runtime <module>  module the generated code imports thrift-streams from
                          (default: thrift-streams)
      --module <esm|cjs>  module syntax: esm (import/export, default) or cjs
                          (import = require / export =, for CommonJS packages
                          compiled with verbatimModuleSyntax)
  -h, --help              show this help
  -v, --version           print the version of thrift-streams

Exit codes: 0 success, 1 invalid IDL or I/O error, 2 invalid usage.
Example: npx thrift-streams gen idl/service.thrift -o src/gen
`;

const consoleIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

class UsageError extends Error {}

interface GenArgs {
  file: string;
  out: string;
  includeDirs: string[];
  runtime: string | undefined;
  module: 'esm' | 'cjs';
}

/**
 * Runs the command with `argv` (without node and the script) and returns the exit
 * code; `version` is what `--version` prints (bin/thrift-streams.mjs reads it from package.json).
 */
export function main(argv: readonly string[], io: CliIo = consoleIo, version = 'unknown'): number {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.err(USAGE);
      return 2;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === '-v' || command === '--version' || command === 'version') {
      io.out(`${version}\n`);
      return 0;
    }
    if (command !== 'gen') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      io.out(USAGE);
      return 0;
    }
    const args = parseGenArgs(rest);
    for (const path of generate(args)) io.out(`wrote ${path}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`thrift-streams: ${e.message}\nRun \`thrift-streams --help\` for usage.\n`);
      return 2;
    }
    io.err(`thrift-streams: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function parseGenArgs(argv: readonly string[]): GenArgs {
  let file: string | undefined;
  let out: string | undefined;
  let runtime: string | undefined;
  let module: 'esm' | 'cjs' = 'esm';
  const includeDirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      // `-Idir` as the Apache compiler accepts it.
      if (flag.startsWith('-I') && flag.length > 2) return flag.slice(2);
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-o' || flag === '--out') out = value();
    else if (flag === '-I' || flag === '--include' || /^-I./.test(flag)) includeDirs.push(value());
    else if (flag === '--runtime') runtime = value();
    else if (flag === '--module') {
      const m = value();
      if (m !== 'esm' && m !== 'cjs') throw new UsageError(`--module must be esm or cjs, not ${JSON.stringify(m)}`);
      module = m;
    }
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`one .thrift file at a time (got ${JSON.stringify(file)} and ${JSON.stringify(arg)})`);
  }
  if (file === undefined) throw new UsageError('gen needs a .thrift file');
  if (out === undefined) throw new UsageError('gen needs an output directory: -o <dir>');
  return { file, out, includeDirs, runtime, module };
}

/** Loads the file as load() does, keeping each file's text, generates, and writes; returns the written paths. */
function generate(args: GenArgs): string[] {
  const path = resolve(args.file);
  const texts = new Map<string, string>();
  const read = (p: string): string => {
    const text = readFileSync(p, 'utf8');
    texts.set(p, text);
    return text;
  };
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    throw new IdlError(`cannot read ${path}: ${(e as Error).message}`, path, 1, 1, { cause: e });
  }
  const mod = loadSource(text, { name: programName(path), path, includeDirs: args.includeDirs.map((d) => resolve(d)), readFile: read });
  const files = generateTypes(schemaOf(mod), {
    runtime: args.runtime,
    module: args.module,
    readSource: (p) => {
      const t = texts.get(p);
      if (t === undefined) throw new Error(`no source text recorded for ${p}`);
      return t;
    },
  });
  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  return files.map((f) => {
    const target = join(outDir, f.fileName);
    writeFileSync(target, f.text);
    return target;
  });
}
