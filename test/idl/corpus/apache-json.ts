/**
 * Compares our descriptors with Apache's compiler: runs `thrift --gen json`
 * and checks a ProgramDesc against its output, definition by definition.
 * Grown from test/idl/ground-truth.test.ts (same shapes, same value rules),
 * extended to includes, annotations and included types. The compiler's output is
 * committed (test/fixtures/golden/idl-corpus.json, rewritten by `npm run golden`).
 */
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { golden } from '../../helpers/golden.js';
import type { Annotations, FieldDesc, ProgramDesc, StructDesc, TypeDesc } from '../../../src/protocol/schema.js';

type Json = any;

/** What the compiler said about one file: its JSON description, or the reason it refused. */
export type ApacheResult = { ok: true; json: Json } | { ok: false; message: string };

/** What Apache's compiler says about `file`: committed, and made again where the compiler is installed. */
export function apacheJson(file: string, includeDirs: readonly string[] = []): ApacheResult {
  // Keys and messages carry no machine's paths: the file's folder is written as {dir}/.
  const dir = `${dirname(file)}/`;
  const key = [file, ...includeDirs].map((p) => p.replaceAll(dir, '{dir}/')).join(' -I ');
  const said = golden('idl-corpus', key, 'thrift-compiler', () => {
    const r = compile(file, includeDirs);
    return r.ok ? r : { ok: false as const, message: r.message.replaceAll(dir, '{dir}/') };
  });
  return said.ok ? { ok: true, json: parseGeneratorJson(said.text) } : { ok: false, message: said.message.replaceAll('{dir}/', dir) };
}

/** Runs Apache's compiler: its JSON text, or why it refused the file. */
function compile(file: string, includeDirs: readonly string[]): { ok: true; text: string } | { ok: false; message: string } {
  const out = mkdtempSync(join(tmpdir(), 'thrift-corpus-'));
  try {
    try {
      const args = ['--gen', 'json', '-out', out, ...includeDirs.flatMap((d) => ['-I', d]), file];
      execFileSync('thrift', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      if (err.code === 'ENOENT') throw new Error('the Apache thrift compiler (thrift) is not installed; the corpus test needs it');
      return { ok: false, message: (err.stderr?.toString() ?? err.message).trim() };
    }
    const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.thrift$/, '');
    return { ok: true, text: indentless(readFileSync(join(out, `${base}.json`), 'utf8')) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A map literal whose keys are not strings: the generator prints such keys as bare JSON values. */
export class PairList {
  constructor(readonly pairs: [Json, Json][]) {}
}

/**
 * Parses the JSON generator's output. It is JSON except in two places, both
 * the generator's and not ours: map constants with list, set or map keys come
 * out as `{ [1, 2]: 3 }` (parsed here into a PairList), and integers are
 * printed in full (those past 2^53 are kept as strings so no digit is lost).
 */
export function parseGeneratorJson(text: string): Json {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`generator JSON: ${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const pairs: [Json, Json][] = [];
      ws();
      if (text[i] === '}') return (i++, {});
      for (;;) {
        const k = value();
        ws();
        if (text[i++] !== ':') fail('expected :');
        pairs.push([k, value()]);
        ws();
        const sep = text[i++];
        if (sep === '}') break;
        if (sep !== ',') fail('expected , or }');
      }
      if (pairs.every(([k]) => typeof k === 'string')) return Object.fromEntries(pairs);
      return new PairList(pairs);
    }
    if (c === '[') {
      i++;
      const items: Json[] = [];
      ws();
      if (text[i] === ']') return (i++, items);
      for (;;) {
        items.push(value());
        ws();
        const sep = text[i++];
        if (sep === ']') break;
        if (sep !== ',') fail('expected , or ]');
      }
      return items;
    }
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text) ?? fail('bad string');
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    SCALAR.lastIndex = i;
    const m = SCALAR.exec(text) ?? fail('unexpected character');
    i += m[0].length;
    const tok = m[0];
    if (tok === 'true' || tok === 'false' || tok === 'null') return JSON.parse(tok);
    if (/inf/i.test(tok)) return tok.startsWith('-') ? -Infinity : Infinity;
    if (/nan/i.test(tok)) return NaN;
    if (/^-?\d+$/.test(tok) && !Number.isSafeInteger(Number(tok))) return tok;
    return Number(tok);
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return result;
}

const STRING = /"(?:[^"\\]|\\.)*"/y;
const SCALAR = /true|false|null|-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)/iy;

/** Names every struct and enum descriptor reachable through includes by its program, for `prog.Name` references. */
function ownerMap(program: ProgramDesc): Map<object, string> {
  const owners = new Map<object, string>();
  const seen = new Set<ProgramDesc>();
  const visit = (p: ProgramDesc): void => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const s of p.structs) owners.set(s, p.name);
    for (const e of p.enums) owners.set(e, p.name);
    p.includes.forEach(visit);
  };
  visit(program);
  return owners;
}

/** A ProgramDesc checker bound to one program (so included types print as `prog.Name`). */
export class Comparer {
  private readonly owners: Map<object, string>;
  /** Counts of what was compared, for the report line. */
  readonly counts = { structs: 0, fields: 0, enums: 0, consts: 0, typedefs: 0, services: 0, functions: 0 };

  constructor(private readonly program: ProgramDesc) {
    this.owners = ownerMap(program);
  }

  private qualified(s: StructDesc): string {
    const owner = this.owners.get(s);
    return owner === undefined || owner === this.program.name ? s.name : `${owner}.${s.name}`;
  }

  private typeId(t: TypeDesc): string {
    switch (t.kind) {
      case 'byte': return 'i8';
      case 'enum': return 'i32';
      case 'struct': return t.struct.kind;
      default: return t.kind;
    }
  }

  /** Our type in the JSON generator's shape: { typeId, type? }. */
  jsonType(t: TypeDesc): { typeId: string; type?: Json } {
    const typeIdOnly = { typeId: this.typeId(t) };
    switch (t.kind) {
      case 'list': case 'set': {
        const e = this.jsonType(t.elem);
        return { ...typeIdOnly, type: { typeId: t.kind, elemTypeId: e.typeId, ...(e.type ? { elemType: e.type } : {}) } };
      }
      case 'map': {
        const k = this.jsonType(t.key);
        const v = this.jsonType(t.value);
        return {
          ...typeIdOnly,
          type: { typeId: 'map', keyTypeId: k.typeId, ...(k.type ? { keyType: k.type } : {}), valueTypeId: v.typeId, ...(v.type ? { valueType: v.type } : {}) },
        };
      }
      case 'struct': return { ...typeIdOnly, type: { typeId: t.struct.kind, class: this.qualified(t.struct) } };
      default: return typeIdOnly;
    }
  }

  /** Asserts that our runtime value equals the JSON generator's rendering of the same constant. */
  sameValue(ours: unknown, json: Json, t: TypeDesc, where: string): void {
    switch (t.kind) {
      case 'bool': assert.is(ours ? 1 : 0, json, where); return;
      case 'i64': assert.is(ours, BigInt(json), where); return;
      case 'binary': assert.is(new TextDecoder().decode(ours as Uint8Array), json, where); return;
      case 'double':
        // The generator prints 16 significant digits; ours keeps the full double.
        if (typeof json === 'number' && json !== 0) assert.ok(Math.abs((ours as number) - json) <= Math.abs(json) * 1e-15, `${where}: ${String(ours)} ≈ ${json}`);
        else assert.is(ours, json, where);
        return;
      case 'list': case 'set': {
        const arr = t.kind === 'set' ? [...(ours as Set<unknown>)] : (ours as unknown[]);
        // Apache keeps an empty list or set written as {} in its map form.
        if (!Array.isArray(json) && Object.keys(json).length === 0) json = [];
        // The generator prints a set literal as written, repeats included; a set holds each once.
        if (t.kind === 'set') json = json.filter((x: Json, i: number) => json.findIndex((y: Json) => JSON.stringify(y) === JSON.stringify(x)) === i);
        assert.is(arr.length, json.length, where);
        arr.forEach((v, i) => this.sameValue(v, json[i], t.elem, `${where}[${i}]`));
        return;
      }
      case 'map': {
        const m = ours as Map<unknown, unknown>;
        if (json instanceof PairList) {
          // List, set or map keys: match each printed pair to one of ours by value.
          assert.is(m.size, json.pairs.length, `${where} size`);
          for (const [jk, jv] of json.pairs) {
            const hit = [...m].find(([k]) => this.matches(k, jk, t.key));
            assert.ok(hit, `${where} has key ${JSON.stringify(jk)}`);
            this.sameValue(hit![1], jv, t.value, `${where}[${JSON.stringify(jk)}]`);
          }
          return;
        }
        // The generator renders map keys as JSON object keys: strings, in its own order.
        if (Array.isArray(json) && json.length === 0) json = {};
        const key = (k: unknown): string => keyText(k, t.key);
        assert.equal([...m.keys()].map(key).sort(), Object.keys(json).sort(), where);
        for (const [k, v] of m) this.sameValue(v, json[key(k)], t.value, `${where}[${key(k)}]`);
        return;
      }
      case 'struct': {
        assert.ok(ours instanceof t.struct.ctor!, `${where} is a ${t.struct.name}`);
        // Apache lists only the fields the literal sets; ours also carries defaults.
        for (const [k, v] of Object.entries(json)) {
          const f = t.struct.fields.find((x) => x.name === k);
          assert.ok(f, `${where}.${k} is a field of ${t.struct.name}`);
          this.sameValue((ours as Record<string, unknown>)[k], v, f!.type, `${where}.${k}`);
        }
        return;
      }
      default: assert.is(ours, json, where);
    }
  }

  private matches(ours: unknown, json: Json, t: TypeDesc): boolean {
    try {
      this.sameValue(ours, json, t, '');
      return true;
    } catch {
      return false;
    }
  }

  private annotations(ours: Annotations, theirs: Json, where: string): void {
    // The generator prints definition annotations only when there are some.
    assert.equal({ ...ours }, theirs ?? {}, `${where} annotations`);
  }

  private fields(ours: readonly FieldDesc[], theirs: Json[], where: string, exceptions = false, args = false): void {
    assert.equal(ours.map((f) => f.name), theirs.map((f) => f.name), `${where} field names`);
    ours.forEach((f, i) => {
      const j = theirs[i];
      const w = `${where}.${f.name}`;
      this.counts.fields++;
      assert.is(f.id, j.key, `${w} id`);
      // Result/throws fields are optional by our contract; Apache prints them req_out.
      // Apache drops `optional` in argument lists (req_out); we keep it for generated signatures, same wire.
      const theirsReq = exceptions ? 'optional' : REQ[j.required];
      if (!(args && f.requiredness === 'optional' && theirsReq === 'default')) assert.is(f.requiredness, theirsReq, `${w} requiredness`);
      assert.equal(this.jsonType(f.type), clean({ typeId: j.typeId, ...(j.type ? { type: j.type } : {}) }), `${w} type`);
      if ('default' in j) this.sameValue(f.default, j.default, f.type, `${w} default`);
      else assert.is(f.default, undefined, `${w} has no default`);
      this.annotations(f.annotations, j.annotations, w);
    });
  }

  /** Asserts that the whole program matches the compiler's JSON. */
  compare(theirs: Json): void {
    const ours = this.program;
    assert.is(ours.name, theirs.name, 'program name');
    assert.equal(ours.namespaces, theirs.namespaces, 'namespaces');
    assert.equal(ours.includes.map((p) => p.name), theirs.includes, 'includes');

    assert.equal(ours.enums.map((e) => e.name), theirs.enums.map((e: Json) => e.name), 'enum names and order');
    for (const [i, e] of ours.enums.entries()) {
      const j = theirs.enums[i];
      this.counts.enums++;
      assert.equal(e.values.map((v) => ({ name: v.name, value: v.value })), clean(j.members), `${e.name} values`);
      this.annotations(e.annotations, j.annotations, e.name);
    }

    assert.equal(ours.typedefs.map((t) => ({ name: t.name, ...this.jsonType(t.type) })), clean(theirs.typedefs), 'typedefs');
    this.counts.typedefs += ours.typedefs.length;

    assert.equal(ours.structs.map((s) => s.name), theirs.structs.map((s: Json) => s.name), 'struct names and order');
    for (const [i, s] of ours.structs.entries()) {
      const j = theirs.structs[i];
      this.counts.structs++;
      assert.is(s.kind === 'exception', j.isException, `${s.name} isException`);
      assert.is(s.kind === 'union', j.isUnion, `${s.name} isUnion`);
      this.fields(s.fields, j.fields, s.name);
      this.annotations(s.annotations, j.annotations, s.name);
    }

    assert.equal(ours.consts.map((c) => c.name), theirs.constants.map((c: Json) => c.name), 'const names and order');
    for (const [i, c] of ours.consts.entries()) {
      const j = theirs.constants[i];
      this.counts.consts++;
      assert.equal(this.jsonType(c.type), clean({ typeId: j.typeId, ...(j.type ? { type: j.type } : {}) }), `${c.name} type`);
      this.sameValue(c.value, j.value, c.type, c.name);
    }

    assert.equal(ours.services.map((s) => s.name), theirs.services.map((s: Json) => s.name), 'service names');
    for (const [i, s] of ours.services.entries()) {
      const j = theirs.services[i];
      this.counts.services++;
      const ext = s.extends && (s.extends as { name: string }).name;
      const extOwner = s.extends && this.serviceOwner(s.extends);
      assert.is(ext === undefined ? undefined : extOwner === ours.name ? ext : `${extOwner}.${ext}`, j.extends, `${s.name} extends`);
      this.annotations(s.annotations, j.annotations, s.name);
      assert.equal(s.functions.map((f) => f.name), j.functions.map((f: Json) => f.name), `${s.name} functions`);
      for (const [k, f] of s.functions.entries()) {
        const jf = j.functions[k];
        const w = `${s.name}.${f.name}`;
        this.counts.functions++;
        assert.is(f.oneway, jf.oneway, `${w} oneway`);
        if (f.returns === undefined) assert.is(jf.returnTypeId, 'void', `${w} returns void`);
        else assert.equal(this.jsonType(f.returns), clean({ typeId: jf.returnTypeId, ...(jf.returnType ? { type: jf.returnType } : {}) }), `${w} returns`);
        this.fields(f.args.fields, jf.arguments, `${w}(args)`, false, true);
        this.fields(f.throws, jf.exceptions, `${w}(throws)`, true);
        assert.equal(f.result.fields.map((x) => x.id), [...(f.returns ? [0] : []), ...jf.exceptions.map((e: Json) => e.key)], `${w} result ids`);
        this.annotations(f.annotations, jf.annotations, w);
      }
    }
  }

  private serviceOwner(svc: object): string | undefined {
    const seen = new Set<ProgramDesc>();
    const find = (p: ProgramDesc): string | undefined => {
      if (seen.has(p)) return undefined;
      seen.add(p);
      if (p.services.includes(svc as never)) return p.name;
      for (const inc of p.includes) {
        const hit = find(inc);
        if (hit) return hit;
      }
      return undefined;
    };
    return find(this.program);
  }
}

/** A scalar map key as the generator prints it: bools as 0 and 1, binary as its text. */
function keyText(k: unknown, t: TypeDesc): string {
  if (t.kind === 'bool') return k ? '1' : '0';
  if (t.kind === 'binary') return new TextDecoder().decode(k as Uint8Array);
  return String(k);
}

const REQ: Record<string, string> = { req_out: 'default', optional: 'optional', required: 'required' };

/** Drops what we do not compare inside types and values: docs, and annotations on type references. */
function clean(j: Json): Json {
  if (Array.isArray(j)) return j.map(clean);
  if (j && typeof j === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(j)) if (k !== 'doc' && k !== 'annotations') out[k] = clean(v);
    return out;
  }
  return j;
}

/** The generator's text without its indentation (a third of the committed size); JSON strings hold no raw newline, so no value changes. */
function indentless(text: string): string {
  return text.replace(/\n[ \t]+/g, '\n');
}
