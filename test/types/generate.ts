/**
 * Shared by the codegen tests: runs `thrift-streams gen` (in process) into a
 * scratch directory under .tmp/ (gitignored), with the generated code
 * importing the runtime from this checkout's src/index.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
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
};

const made: string[] = [];

/** A fresh, empty scratch directory `.tmp/<name>-<pid>` (per process, so parallel runs do not collide). */
export function scratch(name: string): string {
  const dir = join(repo, '.tmp', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  made.push(dir);
  return dir;
}

/** Removes every scratch directory this process made (set THRIFT_KEEP_SCRATCH=1 to keep them for a look). */
export function removeScratch(): void {
  if (process.env.THRIFT_KEEP_SCRATCH === '1') return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
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
