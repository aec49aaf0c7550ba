import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadSource, schemaOf } from '../../src/idl/index.js';
import { load } from '../../src/node/load.js';
import { rejects, throwsIdl } from './helpers.js';

const dir = fileURLToPath(new URL('./fixtures/includes/', import.meta.url));

test('includes resolve relative to the including file, then through includeDirs', () => {
  const mod = load(join(dir, 'main.thrift'), { includeDirs: [join(dir, 'lib')] });
  const schema = schemaOf(mod);
  assert.is(schema.name, 'main');
  assert.is(schema.path, join(dir, 'main.thrift'));
  assert.equal(schema.includes.map((p) => p.name), ['shared', 'common', 'also']);
  assert.is(typeof mod.shared.SharedStruct, 'function');
  assert.is(mod.common.Level.HIGH, 1);
  assert.is(mod.TWICE, 42);
  const holder = new mod.Holder();
  assert.ok(holder.s instanceof mod.shared.SharedStruct);
  assert.is(holder.s.key, 7);
  assert.is(holder.level, 1);
  assert.is(schema.structs[0]!.fields[2]!.type.kind, 'struct');
});

test('service extends a service of an included file', () => {
  const mod = load(join(dir, 'main.thrift'), { includeDirs: [join(dir, 'lib')] });
  assert.is(mod.Main.extends, mod.shared.SharedService);
  const get = mod.Main.functions[0];
  assert.is(get.returns.struct, mod.shared.SharedStruct.schema);
  assert.is(get.args.fields[0].type.enum.name, 'Level');
});

test('a file included twice (by different files) is loaded once', () => {
  const mod = load(join(dir, 'main.thrift'), { includeDirs: [join(dir, 'lib')] });
  assert.is(mod.also.shared, mod.shared);
  assert.is(schemaOf(mod.also).includes[0], schemaOf(mod.shared));
  assert.is(mod.also.Wrapper.schema.fields[0].type.struct, mod.shared.SharedStruct.schema);
});

test('an include not found anywhere is an IdlError at the include', () => {
  throwsIdl(() => load(join(dir, 'main.thrift')), 2, 1, 'cannot find included file "common.thrift"', join(dir, 'main.thrift'));
});

test('include cycles are rejected', () => {
  const e = throwsIdl(() => load(join(dir, 'cycle', 'a.thrift')), 2, 1, 'include cycle', join(dir, 'cycle', 'b.thrift'));
  assert.match(e.message, /a\.thrift -> .*b\.thrift -> .*a\.thrift/);
});

test('loadSource reads includes through readFile, relative to options.path, then includeDirs', () => {
  const files: Record<string, string> = {
    'idl/types.thrift': 'include "../base/base.thrift"\nstruct T { 1: base.B b }',
    'base/base.thrift': 'struct B { 1: i32 x = 1 }',
    'vendor/ext.thrift': 'const i32 EXT = 5',
  };
  const read: string[] = [];
  const readFile = (p: string) => {
    read.push(p);
    const text = files[p];
    if (text === undefined) throw new Error(`ENOENT ${p}`);
    return text;
  };
  const mod = loadSource('include "types.thrift"\ninclude "ext.thrift"\nconst i32 Y = ext.EXT', {
    path: 'idl/main.thrift', name: 'main', readFile, includeDirs: ['vendor'],
  });
  assert.is(mod.Y, 5);
  assert.is(new mod.types.T().b, undefined);
  assert.is(new mod.types.base.B().x, 1);
  assert.equal(read, ['idl/types.thrift', 'base/base.thrift', 'idl/ext.thrift', 'vendor/ext.thrift']);
});

test('loadSource without readFile cannot include', () => {
  rejects('\n  include "x.thrift"', 2, 3, 'needs options.readFile');
});

test('loadSource detects a cycle through readFile, and a self-include', () => {
  const files: Record<string, string> = { 'a.thrift': 'include "b.thrift"', 'b.thrift': 'include "a.thrift"' };
  const readFile = (p: string) => files[p] ?? (() => { throw new Error('missing'); })();
  throwsIdl(() => loadSource(files['a.thrift']!, { path: 'a.thrift', readFile }), 1, 1, 'include cycle: a.thrift -> b.thrift -> a.thrift', 'b.thrift');
  throwsIdl(() => loadSource('include "self.thrift"', { path: 'self.thrift', readFile: () => 'include "self.thrift"' }), 1, 1, 'include cycle', 'self.thrift');
});

test('errors inside an included file name that file', () => {
  const readFile = (p: string) => (p === 'bad.thrift' ? 'struct S {\n  1: Nope n\n}' : '');
  throwsIdl(() => loadSource('include "bad.thrift"', { readFile }), 2, 6, 'undefined type Nope', 'bad.thrift');
});

test('names from an include need its prefix, and only direct includes are visible', () => {
  const files: Record<string, string> = { 'a.thrift': 'include "b.thrift"\nstruct A {}', 'b.thrift': 'struct B {}' };
  const readFile = (p: string) => files[p]!;
  throwsIdl(() => loadSource('include "a.thrift"\nstruct M { 1: A a }', { readFile }), 2, 15, 'undefined type A');
  throwsIdl(() => loadSource('include "a.thrift"\nstruct M { 1: b.B b }', { readFile }), 2, 15, 'undefined type b.B');
  assert.ok(loadSource('include "a.thrift"\nstruct M { 1: a.A a }', { readFile }).M);
});

test('two different files with the same include name clash', () => {
  const readFile = () => 'struct X {}';
  throwsIdl(() => loadSource('include "a/x.thrift"\ninclude "b/x.thrift"', { readFile }), 2, 1, 'both named x');
});

test('load of a missing file is an IdlError', () => {
  throwsIdl(() => load(join(dir, 'nope.thrift')), 1, 1, 'cannot read');
});

test.run();
