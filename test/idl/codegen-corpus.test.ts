/**
 * Generated modules, which build their schema from embedded data without the
 * IDL parser, against load() of the same file, for every IDL of the test
 * corpus and fixtures: the same module keys (includes too), equal
 * descriptors (types, requiredness, defaults, annotations, functions, consts),
 * classes with the same fields, and the same bytes in binary and compact for
 * a filled-in value of every struct, default instances, every function's
 * arguments, and every const.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schemaOf, type ThriftModule } from '../../src/idl/index.js';
import { load } from '../../src/node/load.js';
import {
  binaryProtocol, compactProtocol, encodeMessage, MessageType, serviceFunctions,
  type Protocol, type StructDesc, type TypeDesc,
} from '../../src/protocol/index.js';
import { fixtures as typeFixtures, gen, removeScratch, scratch } from '../types/generate.js';

const corpus = fileURLToPath(new URL('./corpus/fixtures/', import.meta.url));
// Refused by load() (and by Apache's compiler): see corpus.test.ts.
const REFUSED = new Set(['AnnotationTest.thrift', 'SmallTest.thrift', 'BrokenConstants.thrift', 'cassandra.thrift']);
const cases: { name: string; file: string; includeDirs: string[] }[] = [
  ...readdirSync(corpus).filter((f) => f.endsWith('.thrift') && !REFUSED.has(f)).sort().map((f) => ({ name: f, file: join(corpus, f), includeDirs: [] })),
  { name: 'share/fb303/if/fb303.thrift', file: join(corpus, 'share/fb303/if/fb303.thrift'), includeDirs: [] },
  { name: 'fixtures/ThriftTest.thrift', file: typeFixtures.thriftTest, includeDirs: [] },
  { name: 'fixtures/ThriftTest-uuid.thrift', file: fileURLToPath(new URL('./fixtures/ThriftTest-uuid.thrift', import.meta.url)), includeDirs: [] },
  { name: 'fixtures/ground-truth-extra.thrift', file: fileURLToPath(new URL('./fixtures/ground-truth-extra.thrift', import.meta.url)), includeDirs: [] },
  { name: 'fixtures/includes/main.thrift', file: typeFixtures.includesMain, includeDirs: [typeFixtures.includesLib] },
  { name: 'test/fixtures/echo.thrift', file: typeFixtures.echo, includeDirs: [] },
];

const dir = scratch('codegen-corpus');
const protocols: readonly Protocol[] = [binaryProtocol, compactProtocol];

/** Equal as data, cycles allowed; functions (class constructors) are compared by name; ProgramDesc paths are skipped. */
function same(a: unknown, b: unknown, at: string, seen = new Map<object, object>()): void {
  if (typeof a !== typeof b) assert.unreachable(`${at}: ${typeof a} vs ${typeof b}`);
  if (typeof a === 'function') {
    assert.is((a as { name: string }).name, (b as { name: string }).name, `${at}: class name`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object') {
    assert.ok(Object.is(a, b), `${at}: ${String(a)} vs ${String(b)}`);
    return;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (seen.get(x) === y) return;
  seen.set(x, y);
  assert.is(x.constructor?.name, y.constructor?.name, `${at}: constructor`);
  if (x instanceof Uint8Array) {
    assert.equal([...x], [...(y as unknown as Uint8Array)], at);
    return;
  }
  if (x instanceof Map || x instanceof Set || Array.isArray(x)) {
    const xs = [...(x as unknown as Iterable<unknown>)];
    const ys = [...(y as unknown as Iterable<unknown>)];
    assert.is(xs.length, ys.length, `${at}: size`);
    for (let i = 0; i < xs.length; i++) same(xs[i], ys[i], `${at}[${i}]`, seen);
    return;
  }
  const keys = Object.keys(x).sort();
  assert.equal(keys, Object.keys(y).sort(), `${at}: keys`);
  const isProgram = 'structs' in x && 'services' in x;
  for (const k of keys) if (!(isProgram && k === 'path')) same(x[k], y[k], `${at}.${k}`, seen);
}

/** A value of `type` with something in it, built with the classes of the side `type` belongs to. */
function sample(type: TypeDesc, depth: number): unknown {
  switch (type.kind) {
    case 'bool': return true;
    case 'byte': return -7;
    case 'i16': return 300;
    case 'i32': return -70000;
    case 'i64': return 1n << 40n;
    case 'double': return 0.25;
    case 'string': return 'sé';
    case 'binary': return new Uint8Array([0, 255]);
    case 'uuid': return '00112233-4455-6677-8899-aabbccddeeff';
    case 'enum': return type.enum.values.at(-1)?.value ?? 0;
    case 'list': return depth > 3 ? [] : [sample(type.elem, depth + 1)];
    case 'set': return depth > 3 ? new Set() : new Set([sample(type.elem, depth + 1)]);
    case 'map': return depth > 3 ? new Map() : new Map([[sample(type.key, depth + 1), sample(type.value, depth + 1)]]);
    case 'struct': return filled(type.struct, depth + 1);
  }
}

/** Every field set when shallow (the first one for a union), required fields only when deep. */
function filled(desc: StructDesc, depth: number): object {
  const init: Record<string, unknown> = {};
  const fields = desc.kind === 'union' ? desc.fields.slice(0, 1) : desc.fields;
  for (const f of fields) {
    if (depth > 3 && f.requiredness !== 'required') continue;
    if (depth > 12) throw new Error(`${desc.name}: required fields nest too deep`);
    Object.defineProperty(init, f.name, { value: sample(f.type, depth), enumerable: true, writable: true, configurable: true });
  }
  return desc.ctor ? new desc.ctor(init) : init;
}

/** The bytes of a REPLY message carrying `value`, or the error message when encoding refuses it. */
function bytes(protocol: Protocol, encode: (w: never, v: never) => void, value: unknown): string {
  try {
    return Buffer.from(encodeMessage(protocol.createWriter(), 'x', MessageType.REPLY, 1, encode as never, value)).toString('hex');
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** Module keys, recursively into included modules. */
function shape(mod: ThriftModule, out: string[] = [], prefix = ''): string[] {
  for (const k of Object.keys(mod)) {
    const v = mod[k];
    const kind = typeof v === 'function' ? `class(${Object.keys(new (v as new () => object)()).join(',')})`
      : v !== null && typeof v === 'object' && !Array.isArray(v) && Object.isFrozen(v) && !(v instanceof Map) ? 'object' : typeof v;
    out.push(`${prefix}${k}: ${kind}`);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === null) shape(v as ThriftModule, out, `${prefix}${k}.`);
  }
  return out;
}

for (const c of cases) {
  test(`${c.name}: the generated module equals load() (shape, descriptors, bytes)`, async () => {
    const out = join(dir, c.name.replace(/[^A-Za-z0-9]/g, '_'));
    const written = gen(c.file, out, c.includeDirs.flatMap((d) => ['-I', d]));
    const root = written.at(-1)!;
    const generated = ((await import(pathToFileURL(root).href)) as { $module: ThriftModule }).$module;
    const loaded = load(c.file, { includeDirs: c.includeDirs });

    let shapeOf: (m: ThriftModule) => string[] = shape;
    try {
      shape(loaded);
    } catch {
      // A class whose constructor needs its required fields cannot be built bare: compare keys only.
      shapeOf = (m) => Object.keys(m);
    }
    assert.equal(shapeOf(generated), shapeOf(loaded), 'module shape');
    same(schemaOf(generated), schemaOf(loaded), 'schema');

    const g = schemaOf(generated);
    const l = schemaOf(loaded);
    for (let i = 0; i < g.structs.length; i++) {
      const gs = g.structs[i]!;
      const ls = l.structs[i]!;
      for (const protocol of protocols) {
        const enc = (d: StructDesc) => protocol.codecs.encoder(d) as never;
        assert.is(bytes(protocol, enc(gs), filled(gs, 0)), bytes(protocol, enc(ls), filled(ls, 0)), `${protocol.name} ${gs.name} filled`);
        const bare = (d: StructDesc): unknown => {
          try {
            return new d.ctor!();
          } catch {
            return undefined;
          }
        };
        assert.is(bytes(protocol, enc(gs), bare(gs)), bytes(protocol, enc(ls), bare(ls)), `${protocol.name} ${gs.name} defaults`);
      }
    }
    for (let i = 0; i < g.services.length; i++) {
      const gf = [...serviceFunctions(g.services[i]!).values()];
      const lf = [...serviceFunctions(l.services[i]!).values()];
      assert.equal(gf.map((f) => f.name), lf.map((f) => f.name), 'service functions');
      for (let j = 0; j < gf.length; j++) {
        for (const protocol of protocols) {
          const args = (f: typeof gf[number]) => f.args.fields.map((a) => sample(a.type, 1));
          assert.is(
            bytes(protocol, protocol.codecs.argsCodec(gf[j]!.args).encode as never, args(gf[j]!)),
            bytes(protocol, protocol.codecs.argsCodec(lf[j]!.args).encode as never, args(lf[j]!)),
            `${protocol.name} ${gf[j]!.name} args`,
          );
        }
      }
    }
    for (let i = 0; i < g.consts.length; i++) {
      const gc = g.consts[i]!;
      if (gc.type.kind !== 'struct') continue;
      const lc = l.consts[i]!;
      for (const protocol of protocols) {
        const enc = (t: TypeDesc) => protocol.codecs.encoder((t as { struct: StructDesc }).struct) as never;
        assert.is(bytes(protocol, enc(gc.type), gc.value), bytes(protocol, enc(lc.type), lc.value), `${protocol.name} const ${gc.name}`);
      }
    }
  });
}

test.after(() => {
  removeScratch(dir);
});

test.run();
