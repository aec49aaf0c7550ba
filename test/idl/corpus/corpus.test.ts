/**
 * load() on real IDL written by others: Apache Thrift's own test IDLs and
 * large public IDLs (fixtures/, each with a header naming its origin). Every
 * file that Apache's compiler accepts must load and describe the same way as
 * `thrift --gen json`; every file it refuses, we refuse too, at the same spot
 * or for the same reason. One struct per file also round-trips through the
 * binary and compact codecs.
 *
 * Differences that belong to the JSON generator's output, not to either
 * loader, are handled in apache-json.ts: set literals printed with their
 * repeats, bool map keys printed as 0/1, map constants with container keys
 * printed as invalid JSON (`{ [1, 2]: 3 }`), doubles printed to 16 digits,
 * and result/throws fields printed as req_out where we call them optional.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdlError } from '../../../src/errors.js';
import { schemaOf } from '../../../src/idl/index.js';
import { load } from '../../../src/node/load.js';
import { binaryProtocol, compactProtocol, type Protocol, type StructDesc, type TypeDesc } from '../../../src/protocol/index.js';
import { apacheJson, Comparer } from './apache-json.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** Top-level fixtures, plus included files kept at the path their includer names (checked on their own too). */
const INCLUDED_ONLY = ['share/fb303/if/fb303.thrift'];
const files = [...readdirSync(fixtures).filter((f) => f.endsWith('.thrift')), ...INCLUDED_ONLY].sort();

/**
 * Files Debian's compiler 0.17 refuses, with its message and ours. Both must
 * refuse: a file Apache rejects is not one we may quietly accept.
 */
const REFUSED: Record<string, { apache: RegExp; ours: RegExp; why: string }> = {
  'AnnotationTest.thrift': {
    apache: /:55\][\s\S]*"senum" is no longer supported/,
    ours: /:55:1: 'senum' was removed from Apache Thrift/,
    why: 'an old revision that still uses senum, removed from the language in 0.13',
  },
  'SmallTest.thrift': {
    apache: /:29\][\s\S]*"senum" is no longer supported/,
    ours: /:29:1: 'senum' was removed from Apache Thrift/,
    why: 'an old revision that still uses senum',
  },
  'BrokenConstants.thrift': {
    apache: /:23\][\s\S]*This integer is too big: "9876543210987654321"/,
    ours: /:26:9: enum value 68719476736 does not fit in i32/,
    why: 'broken on purpose: an i64 past 2^63 (line 23) and an enum value past i32 (line 26); each compiler names the first it checks',
  },
  'cassandra.thrift': {
    apache: /:344\][\s\S]*identifier ONE is unqualified/,
    ours: /:344:73: undefined constant ONE/,
    why: 'Cassandra 0.7-era IDL: enum defaults written bare (=ONE), accepted by compilers before 0.9',
  },
};

/** A value of `type` that every codec accepts: zero, empty, the first enum value, a minimal struct. */
function zero(type: TypeDesc, depth: number): unknown {
  switch (type.kind) {
    case 'bool': return false;
    case 'byte': case 'i16': case 'i32': case 'double': return 0;
    case 'i64': return 0n;
    case 'string': return '';
    case 'binary': return new Uint8Array(0);
    case 'uuid': return '00000000-0000-0000-0000-000000000000';
    case 'list': return [];
    case 'set': return new Set();
    case 'map': return new Map();
    case 'enum': return type.enum.values[0]?.value ?? 0;
    case 'struct': return instance(type.struct, depth + 1);
  }
}

/** An instance built by the struct's own constructor (so IDL defaults apply), required fields filled in. */
function instance(desc: StructDesc, depth = 0): object {
  const init: Record<string, unknown> = {};
  if (desc.kind === 'union') {
    const f = desc.fields[0];
    if (f) init[f.name] = zero(f.type, depth);
  } else {
    for (const f of desc.fields) if (f.requiredness === 'required' && f.default === undefined) init[f.name] = zero(f.type, depth);
  }
  if (depth > 20) throw new Error(`${desc.name}: required fields nest too deep for a smoke instance`);
  return desc.ctor ? new desc.ctor(init) : init;
}

function roundTrip(protocol: Protocol, desc: StructDesc, value: object): unknown {
  const w = protocol.createWriter();
  w.begin();
  protocol.codecs.encoder(desc)(w, value);
  const bytes = w.finish();
  const r = protocol.createReader();
  r.reset(bytes);
  return protocol.codecs.decoder(desc)(r);
}

/** The struct that exercises the most: the one with the most fields (a struct before a union or exception). */
function pick(structs: readonly StructDesc[]): StructDesc | undefined {
  const rank = (s: StructDesc): number => s.fields.length + (s.kind === 'struct' ? 1000 : 0);
  return [...structs].sort((a, b) => rank(b) - rank(a))[0];
}

const report: string[] = [];

for (const file of files) {
  const path = join(fixtures, file);
  const refused = REFUSED[file];
  if (refused) {
    test(`${file}: refused by Apache's compiler and by load() (${refused.why})`, () => {
      const theirs = apacheJson(path);
      assert.is(theirs.ok, false, `thrift --gen json now accepts ${file}: move it out of REFUSED`);
      if (!theirs.ok) assert.match(theirs.message, refused.apache);
      let caught: unknown;
      try {
        load(path);
      } catch (e) {
        caught = e;
      }
      assert.instance(caught, IdlError, 'load() refuses it with an IdlError');
      assert.match((caught as Error).message, refused.ours);
      const message = theirs.ok ? '' : theirs.message.replaceAll(fixtures, '').split('\n').filter(Boolean).at(-1);
      report.push(`${file.padEnd(28)} refused  apache: ${message}`);
    });
    continue;
  }

  test(`${file}: load() describes it as thrift --gen json does; one struct round-trips`, () => {
    const theirs = apacheJson(path);
    assert.ok(theirs.ok, theirs.ok ? '' : `Apache's compiler refuses ${file}: ${theirs.message}`);
    const t0 = performance.now();
    const mod = load(path);
    const ms = performance.now() - t0;
    const program = schemaOf(mod);
    const comparer = new Comparer(program);
    if (theirs.ok) comparer.compare(theirs.json);

    const desc = pick(program.structs);
    let wire = 'no struct';
    if (desc) {
      const value = instance(desc);
      for (const protocol of [binaryProtocol, compactProtocol]) {
        assert.equal(roundTrip(protocol, desc, value), value, `${desc.name} through ${protocol.name}`);
      }
      wire = `${desc.name} (${desc.fields.length} fields) round-trips`;
    }

    const lines = readFileSync(path, 'utf8').split('\n').length;
    const c = comparer.counts;
    report.push(
      `${file.padEnd(28)} ${String(lines).padStart(5)} lines  ${c.structs} structs ${c.enums} enums ${c.typedefs} typedefs ${c.consts} consts ` +
        `${c.services} services ${c.functions} functions  load ${ms.toFixed(1)} ms  ${wire}`,
    );
  });
}

test('the corpus report', () => {
  assert.is(report.length, files.length, 'every corpus file was checked');
  console.log(`\n    corpus (${files.length} files):\n${report.map((l) => `      ${l}`).join('\n')}`);
});

test.run();
