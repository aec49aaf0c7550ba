/** Code generation: what `thrift-streams gen` writes, its names and its errors, and the command line itself. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
    'export const Color = $m["Color"] as { readonly RED: 1; readonly GREEN: 2; readonly BLUE: 10 };',
    'export type Color = 1 | 2 | 10;',
    'export type Id = bigint;',
    '  color: Color;', // a field with an IDL default is always set when read
    '  color?: Color | undefined;', // ... and may be left out (or undefined) when written
    '  label?: string | undefined;',
    'export const Point = $m["Point"] as $StructClass<Point, PointInit>;',
    '  tags?: ReadonlySet<string> | readonly string[] | undefined;',
    '  index?: ReadonlyMap<string, readonly number[]> | Readonly<Record<string, readonly number[]>> | undefined;',
    '  nested?: bigint[][] | undefined;',
    'export interface NotFound extends Omit<Error, "message"> {',
    'export interface Invalid extends Error {',
    'export const ANSWER: number = $m["ANSWER"];',
    'export interface EchoClient extends BaseClient {',
    '  add(a: number, b: bigint | number): Promise<bigint>;',
    '  echoSet(v: ReadonlySet<string> | readonly string[]): Promise<Set<string>>;',
    'export interface EchoHandler extends BaseHandler {',
    '  add: (a: number, b: bigint) => bigint | number | Promise<bigint | number>;',
    '  find: (id: number) => PointInit | Promise<PointInit>;',
    'export const Echo = $m["Echo"] as $TypedService<EchoClient, EchoHandler>;',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  assert.ok(text.includes('execute("close", ...)'), 'close() is documented as shadowed by the client');
});

test("a function named then gets no client method (the type would be a thenable), only a note; the handler keeps it", () => {
  const text = genText('service C { i32 then(1: i32 x) }');
  assert.ok(text.includes("// function then: reachable as execute('then', ...) only"), 'the note');
  assert.not.ok(/^  then\(x: number\): Promise<number>;$/m.test(text), 'no then method in the client interface');
  assert.ok(text.includes('  then: (x: number) => number | Promise<number>;'), 'the handler has it');
});

test('the embedded schema is data: no IDL text, and strings with quotes, backslashes and line separators survive', () => {
  const idl = 'const string S = "back`tick \' quote ${x} \\\\ slash \u2028"\r\nstruct A { 1: i32 x } // a comment\r\n';
  const text = genText(idl);
  assert.not.ok(text.includes('a comment'), 'the IDL text is not embedded');
  const schema = /schema: ('(?:\\.|[^'\\])*'),/s.exec(text)![1]!;
  const data = JSON.parse(new Function(`return ${schema};`)() as string) as unknown[];
  assert.equal((data[4] as unknown[][])[0], [5, 'S', 6, 'back`tick \' quote ${x} \\ slash \u2028']);
});

test('ThriftTest.thrift: generates, with typedefs, unions, nested containers and services', () => {
  const dir = scratch('codegen-thrifttest');
  gen(fixtures.thriftTest, dir);
  const text = readFileSync(join(dir, 'ThriftTest.ts'), 'utf8');
  assert.ok(text.includes('export type UserId = bigint;'));
  assert.ok(text.includes('  testInsanity(argument: InsanityInit): Promise<Map<bigint, Map<Numberz, Insanity>>>;'));
  assert.ok(text.includes('export interface SecondServiceClient {'));
  assert.ok(/export interface Xception extends Omit<Error, "message"> \{\n {2}errorCode\?: number \| undefined;\n {2}message\?: string \| undefined;/.test(text));
});

test('includes: one file per .thrift file, importing each other by program name', () => {
  const dir = scratch('codegen-includes');
  const written = gen(fixtures.includesMain, dir, ['-I', fixtures.includesLib]);
  assert.equal(written.map((p) => p.slice(dir.length + 1)).sort(), ['also.ts', 'common.ts', 'main.ts', 'shared.ts']);
  const main = readFileSync(join(dir, 'main.ts'), 'utf8');
  assert.ok(main.includes('import * as shared from "./shared.js";'));
  assert.ok(main.includes('includes: { shared: shared.$module, common: common.$module, also: also.$module },'));
  assert.ok(main.includes('  s: shared.SharedStruct;') || main.includes('  s?: shared.SharedStruct | undefined;'), main);
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
  assert.ok(c.includes('  d?: a.Deep | undefined;'));
});

test('generated names an IDL name already takes get a $; IDL names that shadow globals are qualified', () => {
  const text = genText('struct PointInit { 1: i32 a }\nstruct Point { 1: PointInit p }\nstruct Map { 1: map<string, i32> m }\nservice S {}\nstruct SClient {}');
  assert.ok(text.includes('export interface Point$Init {'));
  assert.ok(text.includes('  p?: PointInitInit | undefined;'));
  assert.ok(text.includes('export interface S$Client {'));
  assert.ok(text.includes('export interface SHandler {'));
  assert.ok(text.includes('  m?: globalThis.Map<string, number> | undefined;'));
});

test('optional arguments: trailing ones may be left out by the client; the handler receives undefined', () => {
  const text = genText('service S { void f(1: i32 a, 2: optional i32 b, 3: string c, 4: optional i64 d, 5: optional string e) }');
  assert.ok(text.includes('  f(a: number, b: number | undefined, c: string, d?: bigint | number, e?: string): Promise<void>;'), text);
  assert.ok(text.includes('  f: (a: number, b: number | undefined, c: string, d: bigint | undefined, e: string | undefined) => void | Promise<void>;'));
});

test('a union is one object type per field: that one set, the others ?: undefined', () => {
  const text = genText('struct P { 1: i32 x }\nunion U { 1: string s, 2: i64 n, 3: list<P> items }');
  for (const line of [
    'export type U =',
    '  | { s: string; n?: undefined; items?: undefined }',
    '  | { s?: undefined; n: bigint; items?: undefined }',
    '  | { s?: undefined; n?: undefined; items: P[] }',
    'export type UInit =',
    '  | { s?: undefined; n: bigint | number; items?: undefined }',
    '  | { s?: undefined; n?: undefined; items: readonly PInit[] }',
    'export const U = $m["U"] as $StructClass<U, UInit>;',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
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

test('a generated module decodes struct fields and service functions on first read, then holds plain data', async () => {
  const dir = scratch('codegen-lazy');
  gen(fixtures.echo, dir);
  const echo = await import(pathToFileURL(join(dir, 'echo.ts')).href);
  const bag = echo.Bag.schema;
  const point = echo.Point.schema;
  assert.type(Object.getOwnPropertyDescriptor(bag, 'fields')!.get, 'function', 'not decoded at import');
  assert.type(Object.getOwnPropertyDescriptor(echo.Echo, 'functions')!.get, 'function', 'not decoded at import');
  // A descriptor frozen before its first read still decodes (the getter keeps its result).
  Object.freeze(point);
  assert.equal(point.fields.map((f: { name: string }) => f.name), ['x', 'y', 'label', 'color']);
  assert.is(point.fields, point.fields);
  assert.is(new echo.Point({ x: 1, y: 2 }).color, echo.Color.GREEN, 'the default was decoded with the fields');
  new echo.Bag();
  assert.ok(Array.isArray(Object.getOwnPropertyDescriptor(bag, 'fields')!.value), 'a data property after the first instance');
  assert.is(echo.Echo.functions.length, 22);
  assert.ok(Array.isArray(Object.getOwnPropertyDescriptor(echo.Echo, 'functions')!.value));
});

test('defineIdlModule refuses an include whose generated module is not passed', () => {
  try {
    defineIdlModule({ schema: '["m","m.thrift",0,["other"],[]]' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, IdlError);
    assert.match((e as Error).message, /m\.thrift:1:1: .*other.*includes\.other/);
  }
});

test('defineIdlModule tells code generated by an older version (IDL text, no schema data) to be generated again', () => {
  try {
    defineIdlModule({ name: 'm', path: 'm.thrift', source: 'struct A {}' } as never);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, IdlError);
    assert.match((e as Error).message, /m\.thrift:1:1: .*older thrift-streams.*run thrift-streams gen again/);
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
