/**
 * tsc over generated code: correct use compiles cleanly, and each misuse
 * (wrong argument or return type, missing or unknown method...) fails with its
 * expected error on its own line. One tsc run checks every file at once;
 * diagnostics are attributed per file, so one error cannot hide another.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { negatives, negativeSource, positive } from './codegen-cases.js';
import { fixtures, gen, repo, removeScratch, scratch } from './generate.js';

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** The message with its indented continuation lines. */
  readonly text: string;
}

const dir = scratch('codegen-types');
gen(fixtures.echo, join(dir, 'gen'));
gen(fixtures.thriftTest, join(dir, 'gen'));
gen(fixtures.includesMain, join(dir, 'inc'), ['-I', fixtures.includesLib]);
const runtime = relative(dir, join(repo, 'src/index.js')).replace(/\\/g, '/');
const withRuntime = (text: string): string => text.replaceAll('%RT%', runtime);

writeFileSync(join(dir, 'positive.ts'), withRuntime(positive));
const negativeFiles = negatives.map((c, i) => {
  const file = `negative-${String(i).padStart(2, '0')}.ts`;
  const text = withRuntime(negativeSource(c));
  writeFileSync(join(dir, file), text);
  return { c, file, line: text.split('\n').findIndex((l) => l.includes('// !')) + 1 };
});
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
  extends: relative(dir, join(repo, 'tsconfig.json')),
  compilerOptions: { noEmit: true },
  include: ['*.ts', 'gen/*.ts', 'inc/*.ts'],
}));

/** Every diagnostic of one tsc run over the scratch project, for files inside it. */
function compile(): Diagnostic[] {
  let output: string;
  try {
    output = execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
  } catch (e) {
    output = (e as { stdout: string }).stdout;
  }
  const out: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.*)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m !== null) out.push({ file: m[1]!, line: Number(m[2]), code: m[3]!, text: m[4]! });
    else if (line.startsWith(' ') && out.length > 0) (out[out.length - 1] as { text: string }).text += `\n${line.trim()}`;
  }
  // Only our scratch files count: src/ belongs to the rest of the suite's typecheck.
  return out.map((d) => ({ ...d, file: relative(dir, join(repo, d.file)) })).filter((d) => !d.file.startsWith('..'));
}

const diagnostics = compile();
const format = (ds: Diagnostic[]): string => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.text}`).join('\n');

test('generated code (echo, ThriftTest, includes) compiles under strict tsc', () => {
  const inGenerated = diagnostics.filter((d) => d.file.startsWith('gen/') || d.file.startsWith('inc/'));
  assert.is(format(inGenerated), '');
});

test('correct use compiles: typed clients, handlers, pools, structs, enums, multiplexing, and loose load()', () => {
  assert.is(format(diagnostics.filter((d) => d.file === 'positive.ts')), '');
});

for (const { c, file, line } of negativeFiles) {
  test(`rejected: ${c.name}`, () => {
    const mine = diagnostics.filter((d) => d.file === file);
    assert.ok(mine.length > 0, `${file} compiled, but should fail with ${c.error}`);
    assert.is(format(mine.filter((d) => d.line !== line)), '', 'errors only on the misuse line');
    assert.is(mine[0]!.code, c.error, format(mine));
    assert.match(mine[0]!.text, c.message);
  });
}

test.after(removeScratch);

test.run();
