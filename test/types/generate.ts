/**
 * Shared by the codegen tests: runs `thrift-streams gen` (in process) into a
 * scratch directory under .tmp/ (gitignored), with the generated code
 * importing the runtime from this checkout's src/index.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';

/** The repository root. */
export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The IDL files the codegen tests generate from. */
export const fixtures = {
  echo: join(repo, 'test/fixtures/echo.thrift'),
  thriftTest: join(repo, 'test/idl/fixtures/ThriftTest.thrift'),
  includesMain: join(repo, 'test/idl/fixtures/includes/main.thrift'),
  includesLib: join(repo, 'test/idl/fixtures/includes/lib'),
  strict: join(repo, 'test/types/strict.thrift'),
};

/**
 * A fresh, empty scratch directory `.tmp/<name>-XXXXXX`, unique to its caller: the
 * runner imports every test file before running any, so each file owns its own.
 */
export function scratch(name: string): string {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  return mkdtempSync(join(repo, '.tmp', `${name}-`));
}

/** Removes one scratch directory (set THRIFT_KEEP_SCRATCH=1 to keep it for a look). */
export function removeScratch(dir: string | undefined): void {
  if (dir !== undefined && process.env.THRIFT_KEEP_SCRATCH !== '1') rmSync(dir, { recursive: true, force: true });
}

/** Runs `gen <file> -o <outDir> [...extra]`; throws with the CLI's output unless it exits 0. */
export function gen(file: string, outDir: string, extra: string[] = []): string[] {
  let out = '';
  let err = '';
  const runtime = relative(outDir, join(repo, 'src/index.js')).replace(/\\/g, '/');
  const code = main(['gen', file, '-o', outDir, '--runtime', runtime.startsWith('.') ? runtime : `./${runtime}`, ...extra], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  if (code !== 0) throw new Error(`thrift-streams gen exited ${code}: ${err}`);
  return out.trim().split('\n').map((l) => l.replace(/^wrote /, ''));
}
