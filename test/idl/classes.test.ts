import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSource } from '../../src/idl/index.js';

const mod = loadSource(`
  enum Color { RED, GREEN }
  struct Inner { 1: i32 n = 1, 2: list<i32> l = [1] }
  struct S {
    1: i32 a = 5
    2: string s
    3: list<string> tags = ["x"]
    4: map<string, set<i32>> m = {"k": [1, 2]}
    5: Inner inner = {"n": 2}
    6: binary b = "ab"
    7: Color c = Color.GREEN
    8: i64 big = 7
    9: optional bool flag
  }
  struct Words {
    1: i32 class
    2: string function
    3: i32 constructor
    4: string toString
    5: i32 __proto__
    6: string delete
  }
  exception Oops { 1: i32 code, 2: string message = "default message" }
  exception Plain { 1: i32 code, 2: string stack, 3: string name }
  exception Bare { 1: i32 code }
  union U { 1: i32 a, 2: string b }
`);

test('classes carry their IDL name and a non-enumerable static schema', () => {
  assert.is(mod.S.name, 'S');
  assert.is(mod.S.schema.name, 'S');
  assert.is(mod.S.schema.ctor, mod.S);
  assert.not.ok(Object.keys(mod.S).includes('schema'));
  assert.is(mod.U.schema.kind, 'union');
});

test('new Cls() applies every default and leaves the rest undefined', () => {
  const s = new mod.S();
  assert.equal(Object.keys(s), ['a', 's', 'tags', 'm', 'inner', 'b', 'c', 'big', 'flag']);
  assert.is(s.a, 5);
  assert.is(s.s, undefined);
  assert.equal(s.tags, ['x']);
  assert.equal(s.m, new Map([['k', new Set([1, 2])]]));
  assert.ok(s.inner instanceof mod.Inner);
  assert.equal({ ...s.inner }, { n: 2, l: [1] });
  assert.equal(s.b, new Uint8Array([97, 98]));
  assert.is(s.c, 1);
  assert.is(s.big, 7n);
  assert.is(s.flag, undefined);
});

test('init values win; null and undefined count as unset', () => {
  const s = new mod.S({ a: 0, s: 'hi', tags: null, flag: false, inner: undefined });
  assert.is(s.a, 0);
  assert.is(s.s, 'hi');
  assert.equal(s.tags, ['x']);
  assert.is(s.flag, false);
  assert.is(s.inner.n, 2);
});

test('container, struct and binary defaults are deep-copied per instance', () => {
  const x = new mod.S();
  const y = new mod.S();
  assert.is.not(x.tags, y.tags);
  assert.is.not(x.m, y.m);
  assert.is.not(x.m.get('k'), y.m.get('k'));
  assert.is.not(x.inner, y.inner);
  assert.is.not(x.inner.l, y.inner.l);
  assert.is.not(x.b, y.b);
  x.tags.push('mutated');
  x.m.get('k').add(99);
  x.inner.l.push(2);
  x.b[0] = 0;
  const z = new mod.S();
  assert.equal(z.tags, ['x']);
  assert.equal(z.m.get('k'), new Set([1, 2]));
  assert.equal(z.inner.l, [1]);
  assert.equal(z.b, new Uint8Array([97, 98]));
  assert.equal(mod.S.schema.fields[2].default, ['x'], 'the descriptor default is untouched');
});

test('every instance gets its fields in the same order, whatever the init order', () => {
  const a = new mod.S({ flag: true, a: 1 });
  const b = new mod.S({ a: 1, flag: true });
  assert.equal(Object.keys(a), Object.keys(b));
});

test('field names that are reserved words or Object.prototype members work', () => {
  const w = new mod.Words({ class: 1, function: 'f', delete: 'd' });
  assert.is(w.class, 1);
  assert.is(w.function, 'f');
  assert.is(w.delete, 'd');
  assert.is(w.constructor, undefined, 'not inherited from the init object');
  assert.is(w.toString, undefined);
  assert.is(w.__proto__, undefined);
  assert.ok(Object.getPrototypeOf(w) === mod.Words.prototype, 'the prototype is not replaced');
  const v = new mod.Words(JSON.parse('{"__proto__": 3, "constructor": 4}'));
  assert.is(v.__proto__, 3);
  assert.is(v.constructor, 4);
  assert.ok(v instanceof mod.Words);
});

test('exceptions are Errors and instances of their class, named by the IDL', () => {
  const e: any = new mod.Oops({ code: 7, message: 'boom' });
  assert.is(e instanceof Error, true);
  assert.ok(e instanceof mod.Oops);
  assert.is(e.name, 'Oops');
  assert.is(e.message, 'boom');
  assert.is(e.code, 7);
  assert.is(String(e), 'Oops: boom');
  assert.ok(typeof e.stack === 'string' || e.stack === undefined);
});

test('an exception message field falls back to its default; without one the message is the IDL name', () => {
  assert.is(new mod.Oops().message, 'default message');
  const b = new mod.Bare({ code: 1 });
  assert.is(b.message, 'Bare');
  assert.is(b.name, 'Bare');
  assert.ok(b instanceof Error);
  assert.equal(Object.keys(b), ['code']);
});

test("Error's own properties do not get in the way of fields named message, stack or name", () => {
  const p = new mod.Plain({ code: 1, stack: 'my stack', name: 'my name' });
  assert.is(p.stack, 'my stack');
  assert.is(p.name, 'my name');
  const unset = new mod.Plain();
  assert.is(unset.stack, undefined, 'an unset stack field reads as unset, not as the JS stack trace');
  assert.is(unset.name, undefined, 'a name field shadows the class name');
  assert.is(unset.message, 'Plain');
  const o = new mod.Oops({ code: 1, message: undefined });
  assert.is(o.message, 'default message');
  assert.ok(Object.keys(new mod.Oops()).includes('message'));
});

test('without eval (strict CSP) the classes behave the same', () => {
  const original = globalThis.Function;
  (globalThis as { Function: unknown }).Function = function () {
    throw new EvalError('Refused to evaluate a string as JavaScript');
  };
  let m, a, b, e: any;
  try {
    // Classes compile their initializer on the first instance, so the instances are built without eval too.
    m = loadSource('struct S { 1: list<i32> l = [1], 2: i32 class } exception E { 1: string message, 2: i32 c = 3 }');
    a = new m.S();
    b = new m.S({ class: 2 });
    e = new m.E({ message: 'x' });
  } finally {
    globalThis.Function = original;
  }
  assert.equal(Object.keys(a), ['l', 'class']);
  assert.is.not(a.l, b.l);
  assert.is(b.class, 2);
  assert.is(e instanceof Error && e instanceof m.E, true);
  assert.equal([e.name, e.message, e.c], ['E', 'x', 3]);
});

test.run();
