import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSource, schemaOf } from '../../src/idl/index.js';

/** A synthetic IDL of about `lines` lines using most constructs. */
function generate(lines: number): string {
  const out: string[] = ['namespace * big.generated'];
  let i = 0;
  while (out.length < lines) {
    out.push(`/** Enum ${i}. */`, `enum E${i} {`, '  A = 1,', '  B,', '  C = 0x10', '}');
    out.push(`typedef list<S${i}> S${i}List`);
    out.push(`struct S${i} {`);
    out.push(`  1: required i32 id = ${i}`, '  2: optional string name = "n"', `  3: E${i} kind = E${i}.B`, '  4: map<string, list<i64>> index');
    out.push(`  5: set<double> ratios = [0.5, 1.5e3]`, '  6: binary blob', '  7: uuid key', `  8: S${i}List children`);
    if (i > 0) out.push(`  9: S${i - 1} prev (note = "link")`);
    out.push('} (kind = "generated")');
    out.push(`exception X${i} { 1: string message, 2: i32 code = -${i} }`);
    out.push(`const S${i} DEFAULT_${i} = {"id": ${i}, "name": "d${i}", "ratios": [1]}`);
    out.push(`service Svc${i}${i > 0 ? ` extends Svc${i - 1}` : ''} {`);
    out.push(`  S${i} get${i}(1: i32 id, 2: E${i} kind) throws (1: X${i} err),`, `  oneway void fire${i}(1: S${i}List all)`, '}');
    i++;
  }
  return out.join('\n');
}

test('a generated 3,000-line IDL loads quickly', () => {
  const src = generate(3000);
  const lineCount = src.split('\n').length;
  const t0 = performance.now();
  const mod = loadSource(src);
  const ms = performance.now() - t0;
  console.log(`    loaded ${lineCount} lines (${src.length} chars) in ${ms.toFixed(1)} ms`);
  const schema = schemaOf(mod);
  assert.ok(lineCount >= 3000);
  assert.ok(schema.structs.length > 200);
  assert.is(mod.DEFAULT_3.id, 3);
  assert.is(mod.DEFAULT_3.kind, 2);
});

test.run();
