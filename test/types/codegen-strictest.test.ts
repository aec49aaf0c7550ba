/**
 * Generated code under the strictest tsconfig teams use (@tsconfig/strictest's
 * checks plus verbatimModuleSyntax), in both module systems: an ES module
 * package (`gen`, import/export) and a CommonJS package (`gen --module cjs`,
 * import = require / export =). Each project compiles the generated files of
 * every fixture and a program that uses them; tsc must find nothing in either.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, gen, removeScratch, repo, scratch } from './generate.js';

const STRICTEST = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  allowUnusedLabels: false,
  allowUnreachableCode: false,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [join(repo, 'node_modules/@types')],
};

/** A program using the generated code, written for either module system. */
function usage(kind: 'esm' | 'cjs', runtime: string): string {
  const imports = kind === 'esm'
    ? `import { createConnection, createServer } from '${runtime}';
import { Calc, InvalidOperation, Value, type CalcHandler } from './gen/strict.js';
import { Echo, Point } from './gen/echo.js';
import { Main } from './inc/main.js';
import { SharedStruct } from './inc/shared.js';`
    : `import rt = require('${runtime}');
import strict = require('./gen/strict.js');
import echo = require('./gen/echo.js');
import main = require('./inc/main.js');
import shared = require('./inc/shared.js');
const { createConnection, createServer } = rt;
const { Calc, InvalidOperation, Value } = strict;
type CalcHandler = strict.CalcHandler;
type Value = strict.Value;
const { Echo, Point } = echo;
const { Main } = main;
const { SharedStruct } = shared;`;
  return `${imports}

${kind === 'esm' ? 'export ' : ''}async function use(v: Value): Promise<string> {
  const handler: CalcHandler = {
    put: (value) => value,
    compute: (a, b) => {
      if (b === undefined) throw new InvalidOperation({ whatOp: a, why: undefined });
      return a + b;
    },
    note: () => {},
  };
  await createServer(Calc, handler, { port: 0 });
  const calc = await createConnection(Calc);
  const n: number = await calc.compute(1);
  const put = await calc.put(new Value({ n: 2 }));
  const client = await createConnection(Echo);
  const p = await client.echoPoint(new Point({ x: 1, y: 2, label: undefined }));
  await createServer(Main, { getStruct: (key) => new SharedStruct({ key }), get: () => ({ key: 1 }) }, { port: 0 });
  const label: string = p.label ?? String(n);
  if (put.s !== undefined) return put.s + label;
  return v.n !== undefined ? v.n.toString() : label;
}
${kind === 'cjs' ? 'export = use;\n' : ''}`;
}

interface Project {
  readonly dir: string;
  readonly output: string;
  readonly files: string[];
}

/** Generates every fixture into `<dir>/gen` and `<dir>/inc`, writes the usage and a strictest tsconfig, and runs tsc. */
function project(root: string, kind: 'esm' | 'cjs'): Project {
  const dir = join(root, kind);
  mkdirSync(dir);
  // The package type decides how NodeNext reads every .ts file below it.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: kind === 'esm' ? 'module' : 'commonjs' }));
  const extra = kind === 'cjs' ? ['--module', 'cjs'] : [];
  for (const f of [fixtures.echo, fixtures.thriftTest, fixtures.strict]) gen(f, join(dir, 'gen'), extra);
  gen(fixtures.includesMain, join(dir, 'inc'), ['-I', fixtures.includesLib, ...extra]);
  const runtime = relative(dir, join(repo, 'src/index.js')).replace(/\\/g, '/');
  writeFileSync(join(dir, 'usage.ts'), usage(kind, runtime));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: STRICTEST, include: ['*.ts', 'gen/*.ts', 'inc/*.ts'] }));
  let output: string;
  try {
    output = execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false', '--listFiles'], {
      cwd: dir, encoding: 'utf8', stdio: 'pipe',
    });
  } catch (e) {
    output = (e as { stdout?: string }).stdout ?? String(e);
  }
  const files = ['usage.ts', ...['gen', 'inc'].flatMap((d) => readdirSync(join(dir, d)).map((n) => `${d}/${n}`))];
  return { dir, output, files };
}

/** Diagnostics of the project's own files (src/ is the rest of the suite's concern), and whether tsc saw every file. */
function check(p: Project): void {
  const listed = new Set<string>();
  const mine: string[] = [];
  const global: string[] = [];
  for (const line of p.output.split('\n')) {
    const m = /^(.*)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m !== null) {
      const file = relative(p.dir, resolve(p.dir, m[1]!));
      if (!file.startsWith('..')) mine.push(`${file}:${m[2]} ${m[3]} ${m[4]}`);
    } else if (/^error TS\d+:/.test(line)) {
      global.push(line);
    } else if (line.trim() !== '' && !line.startsWith(' ')) {
      listed.add(relative(p.dir, resolve(p.dir, line.trim())));
    }
  }
  assert.is(global.join('\n'), '', 'tsc errors that belong to no file: nothing was checked');
  assert.equal(p.files.filter((f) => !listed.has(f)), [], 'files tsc did not compile');
  assert.is(mine.join('\n'), '');
}

const root = scratch('codegen-strictest');

test('ES module package: generated code and its use compile under the strictest flags', () => {
  check(project(root, 'esm'));
});

test('CommonJS package (gen --module cjs): generated code and its use compile under the strictest flags', () => {
  check(project(root, 'cjs'));
});

test.after(() => {
  removeScratch(root);
});

test.run();
