import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FieldNode, ServiceNode, StructNode } from '../../src/idl/ast.js';
import { parse } from '../../src/idl/parser.js';
import { throwsIdl } from './helpers.js';

const p = (src: string) => parse(src, 'f.thrift');
const fieldsOf = (src: string): FieldNode[] => [...(p(src).definitions[0] as StructNode).fields];

test('headers: include, cpp_include, every namespace form', () => {
  const doc = p(`
    include "a/b.thrift"
    cpp_include "<vector>"
    namespace * all.ns
    namespace py a.b
    namespace py.twisted tw
    namespace xsd test (uri = 'http://x')
    php_namespace OldPhp
    py_module old.py
    java_package old.java
    xsd_namespace "urn:x"
    smalltalk_category Cat
  `);
  assert.equal(doc.includes.map((i) => [i.path, i.pos.line, i.pos.column]), [['a/b.thrift', 2, 5]]);
  assert.equal(doc.cppIncludes, ['<vector>']);
  assert.equal(doc.namespaces, {
    '*': 'all.ns', py: 'old.py', 'py.twisted': 'tw', xsd: 'urn:x', php: 'OldPhp', java: 'old.java', 'smalltalk.category': 'Cat',
  });
});

test('implicit field ids count down from -1; explicit ids are kept', () => {
  const f = fieldsOf('struct S { string a; 5: i32 b, i64 c; 0: bool d }');
  assert.equal(f.map((x) => [x.name, x.id]), [['a', -1], ['b', 5], ['c', -2], ['d', -3]]);
});

test('requiredness, defaults, xsd options, annotations and field-name keywords', () => {
  const f = fieldsOf(`struct S {
    1: required string name = "x" xsd_optional xsd_nillable xsd_attrs { 1: string attr } (a.b = "c", flag);
    2: optional list<i32> (elem = "ann") l = [1, 2],
    3: i32 string
    4: bool required
    5: S & self
  } (struct.ann = 'v')`);
  assert.equal(f.map((x) => [x.id, x.name, x.requiredness]), [
    [1, 'name', 'required'], [2, 'l', 'optional'], [3, 'string', 'default'], [4, 'required', 'default'], [5, 'self', 'default'],
  ]);
  assert.equal(f[0]!.annotations, { 'a.b': 'c', flag: '1' });
  assert.equal(f[0]!.default, { kind: 'string', value: 'x', pos: { line: 2, column: 31 } });
  assert.equal((p('struct S {} (struct.ann = "v")').definitions[0] as StructNode).annotations, { 'struct.ann': 'v' });
});

test('unions make every field optional; argument lists keep optional (for generated signatures); throws are optional', () => {
  assert.equal(fieldsOf('union U { 1: required i32 a, 2: i32 b }').map((f) => f.requiredness), ['optional', 'optional']);
  const svc = p('service S { void f(1: optional i32 a, 2: required i32 b) throws (1: E e) }').definitions[0] as ServiceNode;
  assert.equal(svc.functions[0]!.args.map((f) => f.requiredness), ['optional', 'required']);
  assert.equal(svc.functions[0]!.throws.map((f) => f.requiredness), ['optional']);
});

test('types: base types, byte = i8, nested containers, cpp_type, refs with dots', () => {
  const f = fieldsOf(`struct S {
    1: byte a; 2: i8 b; 3: map cpp_type "std::unordered_map<int,int>" <i32, list<set<string>>> c;
    4: list<i32> cpp_type "std::vector<int>" d; 5: shared.T e; 6: uuid u; 7: binary bin
  }`);
  const strip = (t: unknown): unknown => JSON.parse(JSON.stringify(t, (k, v) => (k === 'pos' ? undefined : v)));
  assert.equal(f.map((x) => strip(x.type)), [
    { kind: 'base', base: 'byte' }, { kind: 'base', base: 'byte' },
    { kind: 'map', key: { kind: 'base', base: 'i32' }, value: { kind: 'list', elem: { kind: 'set', elem: { kind: 'base', base: 'string' } } } },
    { kind: 'list', elem: { kind: 'base', base: 'i32' } }, { kind: 'ref', name: 'shared.T' },
    { kind: 'base', base: 'uuid' }, { kind: 'base', base: 'binary' },
  ]);
});

test('enums: implicit values continue from the previous one, annotations on values and enum', () => {
  const doc = p('enum E { A, B = 10 (x = "y"), C; D = -3, E } (e.ann)');
  const e = doc.definitions[0]!;
  assert.is(e.kind, 'enum');
  if (e.kind !== 'enum') return;
  assert.equal(e.values.map((v) => [v.name, v.value]), [['A', 0], ['B', 10], ['C', 11], ['D', -3], ['E', -2]]);
  assert.equal(e.values[1]!.annotations, { x: 'y' });
  assert.equal(e.annotations, { 'e.ann': '1' });
});

test('services: extends with a dotted name, oneway, async, throws, annotations, separators', () => {
  const svc = p(`service S extends base.B {
    oneway void ping(1: i32 x) (fn.ann = "1");
    async void legacy(),
    i32 get(1: string k) throws (1: E1 e1, 2: E2 e2)
    void v()
  } (svc = "s")`).definitions[0] as ServiceNode;
  assert.equal(svc.extends?.name, 'base.B');
  assert.equal(svc.functions.map((f) => [f.name, f.oneway, f.returns === undefined, f.throws.length]), [
    ['ping', true, true, 0], ['legacy', true, true, 0], ['get', false, false, 2], ['v', false, true, 0],
  ]);
  assert.equal(svc.functions[0]!.annotations, { 'fn.ann': '1' });
  assert.equal(svc.annotations, { svc: 's' });
});

test('consts: every literal form', () => {
  const doc = p(`const list<i32> L = [1, 2; 3]
    const map<string, i32> M = {"a": 1, 'b': 2;}
    const double D = -1.5e3
    const i32 H = 0x1F
    const X.Y R = Enum.VALUE;
    typedef list<i32> (t = "1") IntList (td = "2")`);
  assert.equal(doc.definitions.map((d) => [d.kind, d.name]), [
    ['const', 'L'], ['const', 'M'], ['const', 'D'], ['const', 'H'], ['const', 'R'], ['typedef', 'IntList'],
  ]);
  const l = doc.definitions[0]!;
  if (l.kind === 'const' && l.value.kind === 'list') assert.equal(l.value.items.map((i) => (i.kind === 'int' ? i.value : null)), [1n, 2n, 3n]);
  else assert.unreachable('list literal');
});

test('stray separators between definitions are tolerated', () => {
  assert.is(p('struct A {};\nstruct B {},').definitions.length, 2);
});

test('syntax errors name the offending token', () => {
  throwsIdl(() => p('struct A {\n  1: i32\n}'), 3, 1, "expected a field name, found '}'");
  throwsIdl(() => p('struct {'), 1, 8, 'expected the name of a struct');
  throwsIdl(() => p('service S { void f( }'), 1, 21, "found '}'");
  throwsIdl(() => p('const i32 X 5'), 1, 13, "expected '='");
  throwsIdl(() => p('hello'), 1, 1, 'expected a definition');
  throwsIdl(() => p('include foo'), 1, 9, 'quoted string');
  throwsIdl(() => p('struct A { 1: i32 a, 2: void b }'), 1, 25, 'void');
});

test('keywords cannot name definitions; definitions cannot contain dots', () => {
  throwsIdl(() => p('struct list {}'), 1, 8, "'list' is a keyword");
  throwsIdl(() => p('enum a.b { X }'), 1, 6, 'cannot contain a dot');
  throwsIdl(() => p('struct S { 1: i32 a.b }'), 1, 19, 'cannot contain a dot');
});

test('senum and slist were removed from Apache Thrift', () => {
  throwsIdl(() => p('senum S { "a" }'), 1, 1, 'removed from Apache Thrift');
  throwsIdl(() => p('struct S {\n 1: slist x }'), 2, 5, 'removed from Apache Thrift');
});

test('duplicate field ids and names within one struct', () => {
  throwsIdl(() => p('struct S {\n  1: i32 a\n  1: i32 b\n}'), 3, 3, 'already has a field with id 1');
  throwsIdl(() => p('struct S {\n  1: i32 a\n  2: i32 a\n}'), 3, 10, 'already has a field named a');
  throwsIdl(() => p('service S { void f(1: i32 a, 1: i32 b) }'), 1, 30, 'f_args already has a field with id 1');
});

test('out-of-range ids and enum values, duplicate enum values and functions', () => {
  throwsIdl(() => p('struct S { 40000: i32 a }'), 1, 12, 'does not fit in i16');
  throwsIdl(() => p('enum E { A = 2147483648 }'), 1, 14, 'does not fit in i32');
  throwsIdl(() => p('enum E { A = 2147483647, B }'), 1, 26, 'overflows i32');
  throwsIdl(() => p('enum E { A, A }'), 1, 13, 'already has a value named A');
  throwsIdl(() => p('service S { void f(), void f() }'), 1, 28, 'already has a function named f');
});

test('oneway functions must return void and cannot throw; unions take one default', () => {
  throwsIdl(() => p('service S { oneway i32 f() }'), 1, 13, 'must return void');
  throwsIdl(() => p('service S { oneway void f() throws (1: E e) }'), 1, 36, 'cannot throw');
  throwsIdl(() => p('union U { 1: i32 a = 1, 2: i32 b = 2 }'), 1, 32, 'one field only');
});

test('absurd nesting is an IdlError, not a stack overflow', () => {
  throwsIdl(() => p(`const list<i32> X = ${'['.repeat(5000)}`), 1, 277, 'nested too deeply');
  throwsIdl(() => p(`typedef ${'list<'.repeat(5000)}i32 X`), 1, 1289, 'nested too deeply');
});

test.run();
