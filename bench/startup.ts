/**
 * `npm run startup`: cold start-up of generated code against load() of the
 * same IDL (issue 17): Hive's metastore IDL (2,000+ lines, with fb303) from
 * the test corpus, in fresh processes, taking turns. The library is bundled
 * once to plain JS and imported first in every child, untimed; the generated
 * files are compiled to plain JS, so no TypeScript loader runs in the child.
 * Timed: `await import(<generated module>)` vs `load(<file>)`. Goal: ≤ 25%.
 *
 *   npm run startup -- [--runs N] [--idl path/to/file.thrift]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, transformSync } from 'esbuild';
import { main as cli } from '../src/cli.js';
import { median, REPO_DIR } from './common.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    idl: { type: 'string', default: join(REPO_DIR, 'test/idl/corpus/fixtures/hive_metastore.thrift') },
  },
  strict: true,
});
const runs = Math.max(1, Number(values.runs));
const idl = values.idl!;

const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-startup-'));
try {
  // The library as one plain ES module (what a built package gives), imported untimed by each child.
  await build({
    absWorkingDir: REPO_DIR, entryPoints: ['src/index.ts'], bundle: true, format: 'esm', platform: 'node',
    outfile: join(dir, 'runtime.mjs'), external: ['ws'], logLevel: 'warning',
  });
  const genDir = join(dir, 'gen');
  const code = cli(['gen', idl, '-o', genDir, '--runtime', '../runtime.mjs'], { out: () => {}, err: (t) => process.stderr.write(t) });
  if (code !== 0) throw new Error(`gen exited ${code}`);
  let genBytes = 0;
  for (const f of readdirSync(genDir).filter((n) => n.endsWith('.ts'))) {
    const js = transformSync(readFileSync(join(genDir, f), 'utf8'), { loader: 'ts', format: 'esm' }).code;
    writeFileSync(join(genDir, f.replace(/\.ts$/, '.js')), js);
    genBytes += Buffer.byteLength(js);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'warm.mjs'), 'export const warm = 1;\n');
  const root = readdirSync(genDir).find((n) => n === idl.replace(/^.*[\\/]/, '').replace(/\.thrift$/, '.js'))!;
  writeFileSync(join(dir, 'child.mjs'), `
const rt = await import('./runtime.mjs');
// The first dynamic import loads parts of Node's ESM loader; load() never pays that, so neither may the generated side.
await import('./warm.mjs');
const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
const mod = mode === 'gen' ? (await import(file)).$module : rt.load(file);
const ms = performance.now() - t0;
if (Object.keys(mod).length === 0) throw new Error('empty module');
process.stdout.write('T ' + ms + '\\n');
`);
  const child = (mode: 'gen' | 'load'): number => {
    const target = mode === 'gen' ? `./gen/${root}` : idl;
    const r = spawnSync(process.execPath, [join(dir, 'child.mjs'), mode, target], { cwd: dir, encoding: 'utf8' });
    const m = /^T (\S+)$/m.exec(r.stdout);
    if (r.status !== 0 || m === null) throw new Error(`child ${mode} failed (${r.status}): ${r.stderr}`);
    return Number(m[1]);
  };
  child('gen');
  child('load');
  const gen: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so drift on a shared machine hits both alike.
    if (i % 2 === 0) {
      gen.push(child('gen'));
      load.push(child('load'));
    } else {
      load.push(child('load'));
      gen.push(child('gen'));
    }
  }
  const g = median(gen);
  const l = median(load);
  const lines = readFileSync(idl, 'utf8').split('\n').length;
  console.log(`start-up, ${idl.replace(REPO_DIR, '')} (${lines} lines, ${statSync(idl).size} bytes), ${runs} fresh processes each, medians:`);
  console.log(`  load(file)                    ${l.toFixed(1)} ms`);
  console.log(`  import of the generated module ${g.toFixed(1)} ms  (${genBytes} bytes of JS with its includes)`);
  const ratio = g / l;
  console.log(`  generated / load() = ${(ratio * 100).toFixed(0)}%  (goal <= 25%: ${ratio <= 0.25 ? 'met' : 'NOT met'})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
