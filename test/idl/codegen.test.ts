/** Code generation: what `thrift-streams gen` writes, its names and its errors, and the command line itself. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main, USAGE } from '../../src/cli.js';
import { IdlError } from '../../src/errors.js';
import { generateTypes } from '../../src/idl/codegen.js';
import { defineIdlModule } from '../../src/idl/codegen-runtime.js';
import { loadSource, schemaOf } from '../../src/idl/index.js';
import { fixtures, gen, removeScratch, repo, scratch as scratchDir } from '../types/generate.js';

// This file's scratch directories, under one root of its own.
let scratchRoot: string | undefined;

/** A fresh, empty directory `<root>/<name>` for one test. */
function scratch(name: string): string {
  scratchRoot ??= scratchDir('idl-codegen');
  const dir = join(scratchRoot, name);
  mkdirSync(dir);
  return dir;
}

/** Generates from IDL text (no includes) and returns the one file's text. */
function genText(idl: string): string {
  const mod = loadSource(idl, { name: 'm', path: '/x/m.thrift' });
  const files = generateTypes(schemaOf(mod), { readSource: () => idl, runtime: 'thrift-streams' });
  assert.is(files.length, 1);
  return files[0]!.text;
}

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('echo.thrift: typed client and handler interfaces, struct read and write shapes, enum values', () => {
  const dir = scratch('codegen-echo');
  const written = gen(fixtures.echo, dir);
  assert.equal(written, [join(dir, 'echo.ts')]);
  const text = readFileSync(join(dir, 'echo.ts'), 'utf8');
  for (const line of [
    'export const Color = $m.Color as { readonly RED: 1; readonly GREEN: 2; readonly BLUE: 10 };',
    'export type Color = 1 | 2 | 10;',
    'export type Id = bigint;',
    '  color: Color;', // a field with an IDL default is always set when read
    '  color?: Color;', // ... and may be left out when written
    '  label?: string;',
    'export const Point = $m.Point as $StructClass<Point, PointInit>;',
    '  tags?: ReadonlySet<string> | readonly string[];',
    '  index?: ReadonlyMap<string, readonly number[]> | Readonly<Record<string, readonly number[]>>;',
    '  nested?: bigint[][];',
    'export interface NotFound extends Omit<Error, "message"> {',
    'export interface Invalid extends Error {',
    'export const ANSWER: number = $m.ANSWER;',
    'export interface EchoClient extends BaseClient {',
    '  add(a: number, b: bigint | number): Promise<bigint>;',
    '  echoSet(v: ReadonlySet<string> | readonly string[]): Promise<Set<string>>;',
    'export interface EchoHandler extends BaseHandler {',
    '  add: (a: number, b: bigint) => bigint | number | Promise<bigint | number>;',
    '  find: (id: number) => PointInit | Promise<PointInit>;',
    'export const Echo = $m.Echo as $TypedService<EchoClient, EchoHandler>;',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  assert.ok(text.includes('execute("close", ...)'), 'close() is documented as shadowed by the client');
});

test('the embedded IDL text is exactly the file, whatever it contains', () => {
  const idl = 'const string S = "back`tick ${x} \\\\ slash"\r\nstruct A { 1: i32 x }\r\n';
  const text = genText(idl);
  const source = /source: (`(?:\\.|[^`\\])*`)/s.exec(text)![1]!;
  assert.is(new Function(`return ${source};`)(), idl);
});

test('ThriftTest.thrift: generates, with typedefs, unions, nested containers and services', () => {
  const dir = scratch('codegen-thrifttest');
  gen(fixtures.thriftTest, dir);
  const text = readFileSync(join(dir, 'ThriftTest.ts'), 'utf8');
  assert.ok(text.includes('export type UserId = bigint;'));
  assert.ok(text.includes('  testInsanity(argument: InsanityInit): Promise<Map<bigint, Map<Numberz, Insanity>>>;'));
  assert.ok(text.includes('export interface SecondServiceClient {'));
  assert.ok(/export interface Xception extends Omit<Error, "message"> \{\n {2}errorCode\?: number;\n {2}message\?: string;/.test(text));
});

test('includes: one file per .thrift file, importing each other by program name', () => {
  const dir = scratch('codegen-includes');
  const written = gen(fixtures.includesMain, dir, ['-I', fixtures.includesLib]);
  assert.equal(written.map((p) => p.slice(dir.length + 1)).sort(), ['also.ts', 'common.ts', 'main.ts', 'shared.ts']);
  const main = readFileSync(join(dir, 'main.ts'), 'utf8');
  assert.ok(main.includes('import * as shared from "./shared.js";'));
  assert.ok(main.includes('includes: { shared: shared.$module, common: common.$module, also: also.$module },'));
  assert.ok(main.includes('  s: shared.SharedStruct;'));
  assert.ok(main.includes('export interface MainHandler extends shared.SharedServiceHandler {'));
});

test('a type reached only through an include of an include is imported for its type alone', () => {
  const files = new Map([
    ['/p/a.thrift', 'struct Deep { 1: i32 x }'],
    ['/p/b.thrift', 'include "a.thrift"\ntypedef a.Deep Alias'],
    ['/p/c.thrift', 'include "b.thrift"\nstruct Top { 1: b.Alias d }'],
  ]);
  const mod = loadSource(files.get('/p/c.thrift')!, { name: 'c', path: '/p/c.thrift', readFile: (p) => files.get(p)! });
  const out = generateTypes(schemaOf(mod), { readSource: (p) => files.get(p)! });
  assert.equal(out.map((f) => f.fileName), ['a.ts', 'b.ts', 'c.ts']);
  const c = out[2]!.text;
  assert.ok(c.includes('import * as b from "./b.js";'));
  assert.ok(c.includes('import type * as a from "./a.js";'));
  assert.ok(c.includes('  d?: a.Deep;'));
});

test('generated names an IDL name already takes get a $; IDL names that shadow globals are qualified', () => {
  const text = genText('struct PointInit { 1: i32 a }\nstruct Point { 1: PointInit p }\nstruct Map { 1: map<string, i32> m }\nservice S {}\nstruct SClient {}');
  assert.ok(text.includes('export interface Point$Init {'));
  assert.ok(text.includes('  p?: PointInitInit;'));
  assert.ok(text.includes('export interface S$Client {'));
  assert.ok(text.includes('export interface SHandler {'));
  assert.ok(text.includes('  m?: globalThis.Map<string, number>;'));
});

test('arguments are positional and required: `optional` in an argument list is ignored, as by Apache', () => {
  const text = genText('service S { void f(1: i32 a, 2: optional i32 b, 3: string c) }');
  assert.ok(text.includes('  f(a: number, b: number, c: string): Promise<void>;'));
  assert.ok(text.includes('  f: (a: number, b: number, c: string) => void | Promise<void>;'));
});

test('a child service that redefines an inherited function omits it from the parent interface', () => {
  const text = genText('service P { i32 f() }\nservice C extends P { string f() }');
  assert.ok(text.includes('export interface CClient extends Omit<PClient, "f"> {'));
  assert.ok(text.includes('export interface CHandler extends Omit<PHandler, "f"> {'));
});

test('a definition name that cannot be a TypeScript declaration is an IdlError at its position', () => {
  const idl = 'struct A { 1: i32 x }\n\nstruct delete { 1: i32 y }';
  const mod = loadSource(idl, { name: 'm', path: '/x/m.thrift' });
  try {
    generateTypes(schemaOf(mod), { readSource: () => idl });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, IdlError);
    assert.is(`${(e as IdlError).line}:${(e as IdlError).column}`, '3:8');
    assert.match((e as Error).message, /struct delete cannot be generated/);
  }
});

test('defineIdlModule refuses an include whose generated module is not passed', () => {
  try {
    defineIdlModule({ name: 'm', path: 'm.thrift', source: 'include "other.thrift"\nstruct A { 1: other.B b }' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, IdlError);
    assert.match((e as Error).message, /m\.thrift:1:1: .*other\.thrift.*includes\.other/);
  }
});

test('cli: --help prints the usage and exits 0; no arguments prints it to stderr and exits 2', () => {
  const help = run(['--help']);
  assert.is(help.code, 0);
  assert.is(help.out, USAGE);
  assert.ok(USAGE.includes('thrift-streams gen <file.thrift> -o <dir>'));
  assert.is(run(['gen', '--help']).code, 0);
  const none = run([]);
  assert.is(none.code, 2);
  assert.is(none.err, USAGE);
});

test('cli: --version and -v print the version given by the bin and exit 0', () => {
  for (const flag of ['--version', '-v']) {
    let out = '';
    assert.is(main([flag], { out: (t) => (out += t), err: () => assert.unreachable('no error') }, '1.2.3'), 0);
    assert.is(out, '1.2.3\n');
  }
});

test('cli: bad usage exits 2 with a one-line reason', () => {
  for (const [argv, reason] of [
    [['gen', fixtures.echo], 'gen needs an output directory: -o <dir>'],
    [['gen', '-o', 'x'], 'gen needs a .thrift file'],
    [['gen', fixtures.echo, '-o'], '-o needs a value'],
    [['gen', fixtures.echo, '-o', 'x', '--bogus'], 'unknown option --bogus'],
    [['gen', 'a.thrift', 'b.thrift', '-o', 'x'], 'one .thrift file at a time'],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ] as const) {
    const r = run([...argv]);
    assert.is(r.code, 2, argv.join(' '));
    assert.ok(r.err.startsWith(`thrift-streams: ${reason}`), r.err);
    assert.ok(r.err.includes('--help'));
  }
});

test('cli: invalid IDL exits 1 with file:line:column and writes nothing', () => {
  const dir = scratch('codegen-bad');
  const bad = join(repo, 'test/idl/fixtures/includes/cycle/a.thrift');
  const r = run(['gen', bad, '-o', join(dir, 'out')]);
  assert.is(r.code, 1);
  assert.match(r.err, /^thrift-streams: \/.*\.thrift:\d+:\d+: include cycle/);
  assert.not.ok(existsSync(join(dir, 'out')));
  const missing = run(['gen', join(dir, 'nope.thrift'), '-o', join(dir, 'out')]);
  assert.is(missing.code, 1);
  assert.match(missing.err, /nope\.thrift:1:1: cannot read/);
});

test('cli: -I<dir>, --include=<dir> and --out=<dir> forms are accepted', () => {
  const dir = scratch('codegen-forms');
  const r = run(['gen', fixtures.includesMain, `-I${fixtures.includesLib}`, `--out=${dir}`]);
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(join(dir, 'common.ts')));
  const r2 = run(['gen', fixtures.includesMain, `--include=${fixtures.includesLib}`, '--out', dir]);
  assert.is(r2.code, 0, r2.err);
});

test('bin/thrift-streams.mjs runs the command (exit codes pass through)', () => {
  const dir = scratch('codegen-bin');
  const bin = join(repo, 'bin/thrift-streams.mjs');
  const out = execFileSync(process.execPath, [bin, 'gen', fixtures.echo, '-o', dir], { encoding: 'utf8' });
  assert.ok(out.includes(`wrote ${join(dir, 'echo.ts')}`));
  assert.ok(readFileSync(join(dir, 'echo.ts'), 'utf8').includes('from "thrift-streams";'));
  try {
    execFileSync(process.execPath, [bin, 'gen'], { encoding: 'utf8', stdio: 'pipe' });
    assert.unreachable('should exit 2');
  } catch (e) {
    assert.is((e as { status: number }).status, 2);
  }
});

test.after(() => {
  removeScratch(scratchRoot);
});

test.run();
