/**
 * Checks our descriptors against Apache's own compiler: `thrift --gen json`
 * describes every struct, service, enum and const; ours must agree. The compiler's
 * output is committed (test/fixtures/golden/idl-ground-truth.json, `npm run golden`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaOf } from '../../src/idl/index.js';
import { load } from '../../src/node/load.js';
import { golden } from '../helpers/golden.js';
import type { FieldDesc, ProgramDesc, TypeDesc } from '../../src/protocol/schema.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

type Json = any;

/** What Apache's compiler says about `file`: committed, and made again where the compiler is installed. */
function apacheJson(file: string): Json {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const text = golden('idl-ground-truth', name, 'thrift-compiler', () => compile(file));
  // Integers past 2^53 would lose precision in JSON.parse; keep them as strings.
  return JSON.parse(text.replace(/(?<=[:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '"$1"'));
}

/** Runs Apache's compiler and returns its JSON text. */
function compile(file: string): string {
  const out = mkdtempSync(join(tmpdir(), 'thrift-json-'));
  try {
    try {
      execFileSync('thrift', ['--gen', 'json', '-out', out, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      if (err.code === 'ENOENT') throw new Error('the Apache thrift compiler (thrift) is not installed; the ground-truth test needs it');
      throw new Error(`thrift --gen json failed: ${err.stderr?.toString() ?? err.message}`);
    }
    const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.thrift$/, '');
    return indentless(readFileSync(join(out, `${base}.json`), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function typeId(t: TypeDesc): string {
  switch (t.kind) {
    case 'byte': return 'i8';
    case 'enum': return 'i32';
    case 'struct': return t.struct.kind;
    default: return t.kind;
  }
}

/** Our type in the JSON generator's shape: { typeId, type? }. */
function jsonType(t: TypeDesc): { typeId: string; type?: Json } {
  const typeIdOnly = { typeId: typeId(t) };
  switch (t.kind) {
    case 'list': case 'set': {
      const e = jsonType(t.elem);
      return { ...typeIdOnly, type: { typeId: t.kind, elemTypeId: e.typeId, ...(e.type ? { elemType: e.type } : {}) } };
    }
    case 'map': {
      const k = jsonType(t.key);
      const v = jsonType(t.value);
      return {
        ...typeIdOnly,
        type: { typeId: 'map', keyTypeId: k.typeId, ...(k.type ? { keyType: k.type } : {}), valueTypeId: v.typeId, ...(v.type ? { valueType: v.type } : {}) },
      };
    }
    case 'struct': return { ...typeIdOnly, type: { typeId: t.struct.kind, class: t.struct.name } };
    default: return typeIdOnly;
  }
}

/** Drops what we do not model (docs, type annotations). */
function clean(j: Json): Json {
  if (Array.isArray(j)) return j.map(clean);
  if (j && typeof j === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(j)) if (k !== 'doc' && k !== 'annotations') out[k] = clean(v);
    return out;
  }
  return j;
}

/** Asserts that our runtime value equals the JSON generator's rendering of the same constant. */
function sameValue(ours: unknown, json: Json, t: TypeDesc, where: string): void {
  switch (t.kind) {
    case 'bool': assert.is(ours ? 1 : 0, json, where); return;
    case 'i64': assert.is(ours, BigInt(json), where); return;
    case 'binary': assert.is(new TextDecoder().decode(ours as Uint8Array), json, where); return;
    case 'list': case 'set': {
      const arr = t.kind === 'set' ? [...(ours as Set<unknown>)] : (ours as unknown[]);
      // Apache keeps an empty set written as {} in its map form.
      if (!Array.isArray(json) && Object.keys(json).length === 0) json = [];
      assert.is(arr.length, json.length, where);
      arr.forEach((v, i) => sameValue(v, json[i], t.elem, `${where}[${i}]`));
      return;
    }
    case 'map': {
      const m = ours as Map<unknown, unknown>;
      assert.equal([...m.keys()].map(String).sort(), Object.keys(json).sort(), where);
      for (const [k, v] of m) sameValue(v, json[String(k)], t.value, `${where}[${String(k)}]`);
      return;
    }
    case 'struct': {
      assert.ok(ours instanceof t.struct.ctor!, `${where} is a ${t.struct.name}`);
      // Apache lists only the fields the literal sets; ours also carries defaults.
      for (const [k, v] of Object.entries(json)) {
        const f = t.struct.fields.find((x) => x.name === k)!;
        sameValue((ours as Record<string, unknown>)[k], v, f.type, `${where}.${k}`);
      }
      return;
    }
    default: assert.is(ours, json, where);
  }
}

const REQ: Record<string, string> = { req_out: 'default', optional: 'optional', required: 'required' };

function checkFields(ours: readonly FieldDesc[], theirs: Json[], where: string, exceptions = false, args = false): void {
  assert.equal(ours.map((f) => f.name), theirs.map((f) => f.name), `${where} field names`);
  ours.forEach((f, i) => {
    const j = theirs[i];
    const w = `${where}.${f.name}`;
    assert.is(f.id, j.key, `${w} id`);
    // Result/throws fields are optional by our contract; Apache prints them req_out.
    // Apache drops `optional` in argument lists (req_out); we keep it for generated signatures, same wire.
    const theirsReq = exceptions ? 'optional' : REQ[j.required];
    if (!(args && f.requiredness === 'optional' && theirsReq === 'default')) assert.is(f.requiredness, theirsReq, `${w} requiredness`);
    assert.equal(jsonType(f.type), clean({ typeId: j.typeId, ...(j.type ? { type: j.type } : {}) }), `${w} type`);
    if ('default' in j) sameValue(f.default, j.default, f.type, `${w} default`);
    else assert.is(f.default, undefined, `${w} has no default`);
  });
}

function compare(ours: ProgramDesc, theirs: Json): void {
  assert.equal(ours.namespaces, theirs.namespaces, 'namespaces');
  assert.equal(ours.enums.map((e) => ({ name: e.name, members: e.values.map((v) => ({ name: v.name, value: v.value })) })), clean(theirs.enums));
  assert.equal(ours.typedefs.map((t) => ({ name: t.name, ...jsonType(t.type) })), clean(theirs.typedefs));
  assert.equal(ours.structs.map((s) => s.name), theirs.structs.map((s: Json) => s.name), 'struct names and order');
  for (const [i, s] of ours.structs.entries()) {
    const j = theirs.structs[i];
    assert.is(s.kind === 'exception', j.isException, `${s.name} isException`);
    assert.is(s.kind === 'union', j.isUnion, `${s.name} isUnion`);
    checkFields(s.fields, j.fields, s.name);
  }
  assert.equal(ours.consts.map((c) => c.name), theirs.constants.map((c: Json) => c.name), 'const names');
  for (const [i, c] of ours.consts.entries()) {
    const j = theirs.constants[i];
    assert.equal(jsonType(c.type), clean({ typeId: j.typeId, ...(j.type ? { type: j.type } : {}) }), `${c.name} type`);
    sameValue(c.value, j.value, c.type, c.name);
  }
  assert.equal(ours.services.map((s) => s.name), theirs.services.map((s: Json) => s.name), 'service names');
  for (const [i, s] of ours.services.entries()) {
    const j = theirs.services[i];
    assert.is(s.extends?.name, j.extends, `${s.name} extends`);
    assert.equal(s.functions.map((f) => f.name), j.functions.map((f: Json) => f.name), `${s.name} functions`);
    for (const [k, f] of s.functions.entries()) {
      const jf = j.functions[k];
      const w = `${s.name}.${f.name}`;
      assert.is(f.oneway, jf.oneway, `${w} oneway`);
      if (f.returns === undefined) assert.is(jf.returnTypeId, 'void', `${w} returns void`);
      else assert.equal(jsonType(f.returns), clean({ typeId: jf.returnTypeId, ...(jf.returnType ? { type: jf.returnType } : {}) }), `${w} returns`);
      checkFields(f.args.fields, jf.arguments, `${w}(args)`, false, true);
      checkFields(f.throws, jf.exceptions, `${w}(throws)`, true);
      assert.equal(f.result.fields.map((x) => x.id), [...(f.returns ? [0] : []), ...jf.exceptions.map((e: Json) => e.key)], `${w} result ids`);
    }
  }
}

test('ThriftTest.thrift matches thrift --gen json: structs, services, enums, consts', () => {
  const file = join(fixtures, 'ThriftTest.thrift');
  compare(schemaOf(load(file)), apacheJson(file));
});

test('a const-heavy IDL matches thrift --gen json, value for value', () => {
  const file = join(fixtures, 'ground-truth-extra.thrift');
  compare(schemaOf(load(file)), apacheJson(file));
});

test('ThriftTest-uuid.thrift loads with uuid fields and functions', () => {
  const mod = load(join(fixtures, 'ThriftTest-uuid.thrift'));
  const crazy = mod.CrazyNesting.schema.fields.find((f: FieldDesc) => f.name === 'uuid_field');
  assert.equal([crazy.id, crazy.type], [5, { kind: 'uuid' }]);
  const fn = mod.ThriftTest.functions.find((f: { name: string }) => f.name === 'testUuid');
  assert.equal(fn.returns, { kind: 'uuid' });
  assert.equal(fn.args.fields[0].type, { kind: 'uuid' });
});

test.run();

/** The generator's text without its indentation (a third of the committed size); JSON strings hold no raw newline, so no value changes. */
function indentless(text: string): string {
  return text.replace(/\n[ \t]+/g, '\n');
}
