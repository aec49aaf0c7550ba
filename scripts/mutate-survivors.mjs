/**
 * Lists the surviving mutants of the Stryker JSON reports under reports/mutation/ (or the files given):
 * file:line, mutator, and the replacement, one per line.
 *   node scripts/mutate-survivors.mjs [report.json...]
 * With `--recheck <test filter>...` after the reports, re-applies each survivor, one at a time, in
 * a throwaway copy of src/ and test/ (never in this tree, which a running Stryker may be copying)
 * and runs those tests (test/run.ts filters, bailing at the first failure): a quick way to see
 * which survivors the tests added since the report now kill, without a whole forced Stryker run.
 *   node scripts/mutate-survivors.mjs reports/mutation/processor.json --recheck processor/
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'reports', 'mutation');
const argv = process.argv.slice(2);
const at = argv.indexOf('--recheck');
const named = at < 0 ? argv : argv.slice(0, at);
const filters = at < 0 ? [] : argv.slice(at + 1);
const reports = named.length > 0 ? named : readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('incremental')).map((f) => join(dir, f));

const survivors = [];
for (const path of reports) {
  const { files } = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const m of mutants) {
      if (m.status === 'Survived' || m.status === 'NoCoverage') survivors.push({ file, ...m });
    }
  }
}

const describe = (m) => `${m.file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement)}`;

if (at < 0) {
  for (const m of survivors) console.log(describe(m));
} else {
  if (filters.length === 0) throw new Error('--recheck needs test filters');
  const copy = mkdtempSync(join(tmpdir(), 'recheck-'));
  for (const part of ['src', 'test', 'package.json', 'tsconfig.json']) cpSync(join(root, part), join(copy, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  let killed = 0;
  const test = () =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/run.ts', ...filters], {
      cwd: copy,
      env: { ...process.env, UVU_BAIL: '1', FUZZ_RUNS: process.env.FUZZ_RUNS ?? '25' },
      encoding: 'utf8',
      timeout: 120_000,
    });
  try {
    // Without a mutant the tests must pass in the copy, or every 'killed' below would mean nothing.
    const baseline = test();
    if (baseline.status !== 0) throw new Error(`the tests fail in the copy without any mutant:\n${baseline.stdout.slice(-2000)}${baseline.stderr.slice(-2000)}`);
    for (const m of survivors) {
      const path = join(copy, m.file);
      const original = readFileSync(path, 'utf8');
      const lines = original.split('\n');
      // The report's positions are 1-based, lines and columns (mutation-testing-report-schema).
      const offset = (p) => lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;
      writeFileSync(path, original.slice(0, offset(m.location.start)) + m.replacement + original.slice(offset(m.location.end)));
      const run = test();
      writeFileSync(path, original);
      // A mutant the transpiler cannot load proves nothing about the tests.
      if (/TransformError|SyntaxError/.test(run.stderr + run.stdout)) throw new Error(`mutant does not load: ${describe(m)}`);
      const dead = run.status !== 0;
      if (dead) killed++;
      console.log(`${dead ? 'killed  ' : 'survived'} ${describe(m)}`);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  console.log(`recheck: ${killed} of ${survivors.length} survivors now killed`);
}
