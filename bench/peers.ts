/**
 * Loads the peers: Apache Thrift's npm `thrift` with the code Debian's
 * compiler generates for fixtures/bench.thrift (`thrift --gen js:node`, into a
 * temp dir, once per process), and Uber's `thriftrw`, which reads the IDL at run time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE, REPO_DIR } from './common.js';

const require = createRequire(join(REPO_DIR, 'package.json'));

/** Apache's library and its generated module for the fixture. */
export interface Apache {
  thrift: any;
  /** bench_types.js: Small, Item, Nested, Ints, Blob. */
  types: any;
  /** Bench.js: Client and Processor. */
  Bench: any;
  /** node-int64, Apache's i64 representation. */
  Int64: any;
}

let apache: Apache | undefined;

/**
 * Generates Apache's code for the fixture (with a given dir, reuses it: the
 * servers get the bench process's dir so the compiler runs once per run).
 */
export function loadApache(genDir?: string): Apache {
  if (apache) return apache;
  let dir = genDir;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'thrift-streams-bench-'));
    const owned = dir;
    process.once('exit', () => rmSync(owned, { recursive: true, force: true }));
    try {
      execFileSync('thrift', ['--gen', 'js:node', '-out', dir, FIXTURE], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(
        missing ? 'the Apache Thrift compiler `thrift` is not on PATH (Debian: apt-get install thrift-compiler)' : `thrift --gen js:node failed: ${e}`,
        { cause: e },
      );
    }
  }
  const thrift = require('thrift');
  // Code from Debian's 0.17 compiler calls thrift.Q (fcall, defer), which the
  // 0.24 library no longer exports: this is the subset it uses, with Q's semantics.
  thrift.Q ??= {
    fcall: (fn: (...a: unknown[]) => unknown, ...args: unknown[]) => new Promise((resolve) => resolve(fn(...args))),
    defer() {
      let resolve!: (v: unknown) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  };
  // The generated files require('thrift') and require('node-int64') from the
  // temp dir; a node_modules link resolves them to the instances loaded here.
  const link = join(dir, 'node_modules');
  if (!existsSync(link)) symlinkSync(join(REPO_DIR, 'node_modules'), link, 'dir');
  apache = {
    thrift,
    types: require(join(dir, 'bench_types.js')),
    Bench: require(join(dir, 'Bench.js')),
    Int64: require('node-int64'),
  };
  (apache as Apache & { dir: string }).dir = dir;
  return apache;
}

/** The directory loadApache() generated into, to hand to child processes. */
export function apacheGenDir(): string {
  return (loadApache() as Apache & { dir: string }).dir;
}

/** thriftrw's runtime model of the fixture (non-strict: the fixture has default requiredness). */
export function loadThriftrw(): any {
  const { Thrift } = require('thriftrw');
  return new Thrift({ source: readFileSync(FIXTURE, 'utf8'), strict: false, allowOptionalArguments: true });
}
