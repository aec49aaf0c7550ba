import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSource, schemaOf } from '../../src/idl/index.js';
import type { StructDesc, TypeDesc } from '../../src/protocol/schema.js';
import { rejects } from './helpers.js';

const structOf = (src: string, name: string): StructDesc => schemaOf(loadSource(src)).structs.find((s) => s.name === name)!;

test('typedef chains resolve to their target everywhere', () => {
  const mod = loadSource(`
    typedef i64 A
    typedef A B
    typedef list<B> Bs
    struct S { 1: Bs ids, 2: B one }
  `);
  const s = schemaOf(mod);
  assert.equal(s.typedefs.map((t) => [t.name, t.type]), [
    ['A', { kind: 'i64' }], ['B', { kind: 'i64' }], ['Bs', { kind: 'list', elem: { kind: 'i64' } }],
  ]);
  assert.equal(s.structs[0]!.fields.map((f) => f.type), [{ kind: 'list', elem: { kind: 'i64' } }, { kind: 'i64' }]);
  assert.is(s.structs[0]!.fields[1]!.type, s.typedefs[0]!.type, 'base types are shared singletons');
});

test('i8 and byte are one kind', () => {
  const s = structOf('struct S { 1: i8 a, 2: byte b }', 'S');
  assert.equal(s.fields.map((f) => f.type.kind), ['byte', 'byte']);
});

test('structs are referenced before definition and recursively', () => {
  const s = schemaOf(loadSource(`
    struct Tree { 1: list<Tree> children, 2: Leaf leaf, 3: Color color }
    struct Leaf { 1: string v }
    enum Color { RED }
  `));
  const [tree, leaf] = s.structs;
  const t = tree!.fields;
  assert.is((t[0]!.type as { elem: TypeDesc }).elem.kind, 'struct');
  assert.is(((t[0]!.type as { elem: { struct: StructDesc } }).elem).struct, tree);
  assert.is((t[1]!.type as { struct: StructDesc }).struct, leaf);
  assert.equal(t[2]!.type, { kind: 'enum', enum: s.enums[0] });
});

test('unions, exceptions and their kinds', () => {
  const s = schemaOf(loadSource('union U { 1: i32 a } exception E { 1: string message } struct S {}'));
  assert.equal(s.structs.map((x) => [x.name, x.kind]), [['U', 'union'], ['E', 'exception'], ['S', 'struct']]);
  assert.equal(s.structs[0]!.fields[0]!.requiredness, 'optional');
});

test('functions get <fn>_args and <fn>_result; void has no success field', () => {
  const mod = loadSource(`
    exception NotFound { 1: string message }
    service Store {
      string get(1: string key, 2: i32 ttl = 30) throws (1: NotFound nf)
      void put(1: string key)
      oneway void fire()
    }
  `);
  const [get, put, fire] = mod.Store.functions;
  assert.equal(get.args.name, 'get_args');
  assert.equal(get.args.kind, 'struct');
  assert.equal(get.args.fields.map((f: any) => [f.id, f.name, f.requiredness, f.default]), [[1, 'key', 'default', undefined], [2, 'ttl', 'default', 30]]);
  assert.equal(get.result.name, 'get_result');
  assert.equal(get.result.fields.map((f: any) => [f.id, f.name, f.requiredness, f.type.kind]), [
    [0, 'success', 'optional', 'string'], [1, 'nf', 'optional', 'struct'],
  ]);
  assert.is(get.throws[0], get.result.fields[1]);
  assert.equal(get.returns, { kind: 'string' });
  assert.is(get.args.ctor, undefined);
  assert.equal(put.returns, undefined);
  assert.equal(put.result.fields, []);
  assert.equal(put.throws, []);
  assert.is(fire.oneway, true);
});

test('service extends a service of the same file, declared before or after', () => {
  const mod = loadSource('service Child extends Base { void c() } service Base { void b() }');
  assert.is(mod.Child.extends, mod.Base);
  assert.is(mod.Base.extends, undefined);
  assert.equal(mod.Child.functions.map((f: any) => f.name), ['c']);
});

test('annotations land on structs, fields, functions, services, enums and enum values', () => {
  const mod = loadSource(`
    enum E { A (ev = "1") } (en = "2")
    struct S { 1: i32 x (fa = "3") } (sa = "4")
    service Svc { void f() (fn) } (svc = "5")
  `);
  const s = schemaOf(mod);
  assert.equal(s.enums[0]!.annotations, { en: '2' });
  assert.equal(s.enums[0]!.values[0]!.annotations, { ev: '1' });
  assert.equal(s.structs[0]!.annotations, { sa: '4' });
  assert.equal(s.structs[0]!.fields[0]!.annotations, { fa: '3' });
  assert.equal(mod.Svc.annotations, { svc: '5' });
  assert.equal(mod.Svc.functions[0].annotations, { fn: '1' });
});

test('const values map to runtime values of every type', () => {
  const mod = loadSource(`
    enum Color { RED, GREEN = 5, BLUE }
    struct P { 1: i32 x = 1, 2: list<string> tags }
    const bool T = true
    const bool F = 0
    const i8 B = -128
    const byte B2 = 127
    const i16 S = 0x7FFF
    const i32 I = -0x10
    const i64 L = 9223372036854775807
    const i64 LMIN = -9223372036854775808
    const double D = 1.5e3
    const double D2 = 7
    const string STR = 'it\\'s'
    const binary BIN = "h\u00e9"
    const uuid U = "00112233-4455-6677-8899-AABBCCDDEEFF"
    const uuid U2 = "{00112233-4455-6677-8899-aabbccddeeff}"
    const Color C = Color.BLUE
    const Color C2 = 5
    const i32 CI = Color.GREEN
    const list<i32> LIST = [1, 2, 3]
    const set<string> SET = ["a", "b"]
    const set<i32> EMPTYSET = {}
    const map<string, list<i32>> MAP = {"k": [1], "e": []}
    const map<Color, P> MP = {Color.RED: {"x": 9}}
    const P PV = {"x": 2, "tags": ["t"]}
    const i32 REF = I
    const i64 WIDE = I
    const list<P> LP = [PV, {}]
  `);
  assert.is(mod.T, true);
  assert.is(mod.F, false);
  assert.is(mod.B, -128);
  assert.is(mod.B2, 127);
  assert.is(mod.S, 32767);
  assert.is(mod.I, -16);
  assert.is(mod.L, 9223372036854775807n);
  assert.is(mod.LMIN, -9223372036854775808n);
  assert.is(mod.D, 1500);
  assert.is(mod.D2, 7);
  assert.is(mod.STR, "it's");
  assert.equal(mod.BIN, new Uint8Array([0x68, 0xc3, 0xa9]));
  assert.is(mod.U, '00112233-4455-6677-8899-aabbccddeeff');
  assert.is(mod.U2, '00112233-4455-6677-8899-aabbccddeeff');
  assert.is(mod.C, 6);
  assert.is(mod.C2, 5);
  assert.is(mod.CI, 5);
  assert.equal(mod.LIST, [1, 2, 3]);
  assert.equal(mod.SET, new Set(['a', 'b']));
  assert.equal(mod.EMPTYSET, new Set());
  assert.equal(mod.MAP, new Map([['k', [1]], ['e', []]]));
  assert.ok(mod.MP.get(0) instanceof mod.P);
  assert.is(mod.MP.get(0).x, 9);
  assert.ok(mod.PV instanceof mod.P);
  assert.equal({ ...mod.PV }, { x: 2, tags: ['t'] });
  assert.is(mod.REF, -16);
  assert.is(mod.WIDE, -16n);
  assert.is(mod.LP[0].x, 2);
  assert.is.not(mod.LP[0], mod.PV, 'a referenced struct const is copied');
  assert.is.not(mod.LP[0].tags, mod.PV.tags);
  assert.equal({ ...mod.LP[1] }, { x: 1, tags: undefined });
  const consts = schemaOf(mod).consts;
  assert.equal(consts.map((c) => c.name).slice(0, 3), ['T', 'F', 'B']);
  assert.equal(consts.find((c) => c.name === 'C')!.type.kind, 'enum');
});

test('consts may reference consts defined later, and enum constants in other types', () => {
  const mod = loadSource('const i32 A = B\nconst i32 B = 3\nconst list<i32> L = [A, B]');
  assert.equal([mod.A, mod.B, mod.L], [3, 3, [3, 3]]);
});

test('enums are frozen name → value objects', () => {
  const mod = loadSource('enum E { A, B = 4, C }');
  assert.equal({ ...mod.E }, { A: 0, B: 4, C: 5 });
  assert.ok(Object.isFrozen(mod.E));
  assert.equal(schemaOf(mod).enums[0]!.values.map((v) => [v.name, v.value]), [['A', 0], ['B', 4], ['C', 5]]);
});

test('the module holds services, classes, enums and consts; __schema is hidden', () => {
  const mod = loadSource('struct S {} enum E { A } service X {} const i32 K = 1 typedef i32 T', { name: 'prog' });
  assert.equal(Object.keys(mod), ['S', 'E', 'X', 'K']);
  assert.is(mod.X.kind, 'service');
  assert.is(typeof mod.S, 'function');
  const schema = schemaOf(mod);
  assert.is(schema.name, 'prog');
  assert.is(schema.path, '<source>');
  assert.is(mod.__schema, schema);
  assert.ok(Object.isFrozen(mod));
});

test('undefined names', () => {
  rejects('struct S {\n  1: Missing m\n}', 2, 6, 'undefined type Missing');
  rejects('typedef nope.T X', 1, 9, 'undefined type nope.T');
  rejects('service A extends B {}', 1, 19, 'undefined service B');
  rejects('struct B {}\nservice A extends B {}', 2, 19, 'B is a struct, not a service');
  rejects('service X {}\nstruct S { 1: X x }', 2, 15, 'X is a service, not a type');
  rejects('const i32 A = NOPE', 1, 15, 'undefined constant NOPE');
  rejects('enum E { A }\nconst E X = E.B', 2, 13, 'enum E has no value named B');
  rejects('struct S {}\nconst i32 X = S', 2, 15, 'S is a struct, not a constant');
});

test('duplicate definitions', () => {
  rejects('struct A {}\nenum A { X }', 2, 1, 'A is already defined');
  rejects('const i32 K = 1\nconst i32 K = 2', 2, 1, 'K is already defined');
  rejects('service S {}\nservice S {}', 2, 1, 'S is already defined');
});

test('cycles: typedefs, consts, service inheritance, self-constructing defaults', () => {
  rejects('typedef B A\ntypedef A B', 2, 9, 'typedef A refers to itself');
  rejects('const i32 A = B\nconst i32 B = A', 2, 15, 'constant A refers to itself');
  rejects('service A extends B {}\nservice B extends A {}', 2, 19, 'inheritance cycle');
  rejects('service A extends A {}', 1, 19, 'cannot extend itself');
  rejects('struct A { 1: A child = {} }', 1, 25, 'depend on themselves');
});

test('throws may list exceptions only', () => {
  rejects('struct NotAnError {}\nservice S { void f() throws (1: NotAnError e) }', 2, 33, 'exceptions only');
  rejects('service S { void f() throws (1: i32 code) }', 1, 33, 'exceptions only');
});

test('const values that do not fit their type', () => {
  rejects('const i32 X = "five"', 1, 15, 'string "five" does not fit type i32');
  rejects('const i8 X = 300', 1, 14, 'integer 300 does not fit type byte');
  rejects('const i64 X = 9223372036854775808', 1, 15, 'does not fit type i64');
  rejects('const i16 X = 32768', 1, 15, 'does not fit type i16');
  rejects('const i32 X = 2147483648', 1, 15, 'does not fit type i32');
  rejects('const i32 X = 1.5', 1, 15, 'does not fit type i32');
  rejects('const bool X = 2', 1, 16, 'does not fit type bool');
  rejects('const string X = 1', 1, 18, 'does not fit type string');
  rejects('const double X = "1"', 1, 18, 'does not fit type double');
  rejects('const uuid X = "not-a-uuid"', 1, 16, 'not a uuid');
  rejects('enum E { A }\nconst E X = 7', 2, 13, '7 is not a value of enum E');
  rejects('enum E { A }\nenum F { A }\nconst E X = F.A', 3, 13, 'F.A is a value of enum F, not of E');
  rejects('const list<i32> X = [1, "a"]', 1, 25, 'does not fit type i32');
  rejects('const list<i32> X = {1: 2}', 1, 21, 'a map does not fit type list<i32>');
  rejects('const map<i32, i32> X = [1]', 1, 25, 'a list does not fit');
  rejects('struct P { 1: i32 x }\nconst P X = {"y": 1}', 2, 14, 'struct P has no field named y');
  rejects('struct P { 1: i32 x }\nconst P X = {x: 1}', 2, 14, 'must be a quoted string');
  rejects('union U { 1: i32 a, 2: i32 b }\nconst U X = {"a": 1, "b": 2}', 2, 22, 'one field only');
  rejects('struct P {\n  1: i32 x = "s"\n}', 2, 14, 'does not fit type i32');
  rejects('service S { void f(1: i8 a = 1000) }', 1, 30, 'does not fit type byte');
  rejects('const i64 WIDE = 1\nconst i8 N = WIDE_\n', 2, 14, 'undefined constant WIDE_');
  rejects('const i64 BIG = 1000\nconst i8 N = BIG', 2, 14, 'constant BIG (i64) does not fit type byte');
});

test('reserved and clashing module names', () => {
  rejects('struct __schema {}', 1, 1, 'reserved');
});

test.run();
