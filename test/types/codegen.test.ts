/**
 * tsc over generated code: correct use compiles cleanly, and each misuse
 * (wrong argument or return type, missing or unknown method...) fails with its
 * expected error on its own line. One tsc run checks every file at once;
 * diagnostics are attributed per file, so one error cannot hide another.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { negatives, negativeSource, positive } from './codegen-cases.js';
import { fixtures, gen, removeScratch, repo, scratch } from './generate.js';

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** The message with its indented continuation lines. */
  readonly text: string;
}

// Made at import: the diagnostics below are computed before any test runs.
const dir = scratch('codegen-types');
gen(fixtures.echo, join(dir, 'gen'));
gen(fixtures.thriftTest, join(dir, 'gen'));
gen(fixtures.strict, join(dir, 'gen'));
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

/** What one tsc run over the scratch project said. */
interface Compiled {
  /** Diagnostics of files inside the scratch project, paths relative to it. */
  readonly diagnostics: Diagnostic[];
  /**
   * Errors with no file and line (a config error such as TS18003, no inputs),
   * or tsc failing to run: any of them means nothing was really checked.
   */
  readonly broken: string[];
  /** The files tsc compiled (--listFiles), relative to the scratch project. */
  readonly files: Set<string>;
}

/** One tsc run over the scratch project; tsc runs there, so no path depends on the caller's directory. */
function compile(): Compiled {
  const args = [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false', '--listFiles'];
  let output: string;
  const broken: string[] = [];
  try {
    output = execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    output = stdout ?? '';
    if (stderr?.trim()) broken.push(`tsc stderr: ${stderr.trim()}`);
    if (stdout === undefined) broken.push(`tsc did not run: ${String(e)}`);
  }
  const diagnostics: Diagnostic[] = [];
  const files = new Set<string>();
  let last: { text: string } | undefined;
  for (const line of output.split('\n')) {
    const m = /^(.*)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m !== null) {
      const file = relative(dir, resolve(dir, m[1]!));
      const d = { file, line: Number(m[2]), code: m[3]!, text: m[4]! };
      // Only the scratch project's files count: src/ belongs to the rest of the suite's typecheck.
      if (file.startsWith('..')) last = undefined;
      else diagnostics.push((last = d));
    } else if (/\berror TS\d+:/.test(line)) {
      broken.push(line);
      last = undefined;
    } else if (line.startsWith(' ') && last !== undefined) {
      last.text += `\n${line.trim()}`;
    } else if (line.trim() !== '') {
      files.add(relative(dir, resolve(dir, line.trim())));
    }
  }
  return { diagnostics, broken, files };
}

const compiled = compile();
const format = (ds: Diagnostic[]): string => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.text}`).join('\n');
const projectFiles = ['positive.ts', ...negativeFiles.map((n) => n.file), 'gen', 'inc'].flatMap((f) =>
  f.endsWith('.ts') ? [f] : readdirSync(join(dir, f)).filter((n) => n.endsWith('.ts')).map((n) => `${f}/${n}`),
);

/** Asserts that tsc checked `files` and found nothing wrong in them nor in the project as a whole. */
function assertCompiles(files: string[]): void {
  assert.is(compiled.broken.join('\n'), '', 'tsc reported errors that belong to no file: nothing was checked');
  assert.ok(files.length > 0, 'no file to check');
  const unchecked = files.filter((f) => !compiled.files.has(f));
  assert.equal(unchecked, [], 'files tsc did not compile');
  const inProject = new Set(projectFiles);
  assert.is(format(compiled.diagnostics.filter((d) => !inProject.has(d.file))), '', 'errors outside the files under test');
  assert.is(format(compiled.diagnostics.filter((d) => files.includes(d.file))), '');
}

test('generated code (echo, ThriftTest, includes, strict) compiles under strict tsc', () => {
  assertCompiles(projectFiles.filter((f) => f.startsWith('gen/') || f.startsWith('inc/')));
});

test('correct use compiles: typed clients, handlers, pools, structs, enums, multiplexing, and loose load()', () => {
  assertCompiles(['positive.ts']);
});

for (const { c, file, line } of negativeFiles) {
  test(`rejected: ${c.name}`, () => {
    const mine = compiled.diagnostics.filter((d) => d.file === file);
    assert.ok(mine.length > 0, `${file} compiled, but should fail with ${c.error}`);
    assert.is(format(mine.filter((d) => d.line !== line)), '', 'errors only on the misuse line');
    assert.is(mine[0]!.code, c.error, format(mine));
    assert.match(mine[0]!.text, c.message);
  });
}

test.after(() => {
  removeScratch(dir);
});

test.run();
