/**
 * Mutation testing with Stryker: `npm run mutate [-- <folder or file>...]`.
 * Each source group below is mapped to the test files that cover it, and each group runs as
 * its own Stryker pass whose command runner runs only those tests (test/run.ts with filters,
 * bailing at the first failure), so a mutant costs one short uvu run, not the whole suite.
 * Incremental mode keeps one results file per group under reports/mutation/: a later run
 * re-tests only mutants whose code changed. Not part of `npm test`: it takes minutes per group.
 * Env: MUTATE_CONCURRENCY (default 1, the machine is shared), MUTATE_CHECK=0 to skip the
 * TypeScript checker, MUTATE_FORCE=1 to re-test every mutant (the command runner cannot tell
 * Stryker which tests changed, so after adding tests force a run to re-check old survivors),
 * MUTATE_TESTS to run other test filters than the map's (a quicker, narrower pass),
 * MUTATE_TMP for the sandbox folder (default .stryker-tmp; give a second concurrent run its own),
 * MUTATE_NAME for the report's base name instead of the group's (a run of one file of a group
 * then keeps its own report, instead of replacing the group's: Stryker writes a report, and its
 * incremental file, only for the files of that run, and only when the run ends),
 * MUTATE_TIMEOUT_MS added to twice the dry run's time before a mutant counts as a timeout
 * (default 10000), FUZZ_RUNS for the fuzz properties (default 25 here).
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Source file -> the test filters (substrings of paths under test/, as test/run.ts takes them)
 * that exercise it. The first group whose pattern matches a file wins.
 */
const groups = [
  { name: 'protocol-simple-json', match: /^src\/protocol\/simple-json/, tests: ['protocol/simple-json', 'fuzz/simple-json', 'server/json-route.test'] },
  { name: 'protocol-json', match: /^src\/protocol\/json/, tests: ['protocol/limits-boundary', 'protocol/json', 'fuzz/independent'] },
  { name: 'protocol-binary', match: /^src\/protocol\/(binary|byte-reader|utf8|uuid|skip|measure-by-skipping)/, tests: ['protocol/limits-boundary', 'protocol/binary', 'protocol/utf8', 'protocol/golden.test', 'fuzz/decoders'] },
  { name: 'protocol-compact', match: /^src\/protocol\/compact/, tests: ['protocol/limits-boundary', 'protocol/compact', 'protocol/binary', 'protocol/golden.test', 'fuzz/decoders', 'fuzz/independent'] },
  { name: 'protocol-codec', match: /^src\/protocol\//, tests: ['protocol/codec-generated', 'protocol/limits-boundary', 'protocol/binary', 'protocol/golden.test', 'protocol/json.test', 'protocol/simple-json.test', 'fuzz/decoders', 'idl/codegen-wire'] },
  { name: 'processor', match: /^src\/processor\//, tests: ['processor/', 'call/interceptors', 'server/error-policy', 'e2e/rpc', 'hardening/faults'] },
  { name: 'transport-framed', match: /^src\/transport\/(framed|slab)/, tests: ['transport/framed', 'fuzz/framing'] },
  { name: 'transport-buffered', match: /^src\/transport\/buffered/, tests: ['transport/buffered', 'transport/polyfill'] },
  { name: 'transport-header', match: /^src\/transport\/(header|zlib)/, tests: ['transport/header', 'transport/zlib', 'e2e/header'] },
  { name: 'transport-detect', match: /^src\/transport\/(detect|peek)/, tests: ['transport/detect', 'transport/peek', 'server/detection'] },
  { name: 'transport-web', match: /^src\/transport\/(http|websocket)/, tests: ['web/http.test', 'web/websocket', 'web/limits-boundary'] },
  { name: 'transport-streams', match: /^src\/transport\/(channel|stream-channel|framings|memory|streams|duplex-ends|types)/, tests: ['transport/memory', 'transport/direct', 'transport/layering', 'transport/polyfill', 'e2e/rpc', 'e2e/chain'] },
  // The pool and the reconnecting client have their own tests: the whole client map costs ~50 s a
  // mutant (client/lifecycle spawns servers, e2e/rpc runs every wire), these ~5 s. Recheck their
  // survivors with the wide map (mutate-survivors --recheck client/ e2e/rpc hardening/timeouts)
  // before triage: a survivor of a narrow map may be killed by a test it leaves out.
  { name: 'client-pool', match: /^src\/client\/pool/, tests: ['client/pool', 'client/balanced', 'client/arguments', 'hardening/faults'] },
  { name: 'client-reconnecting', match: /^src\/client\/reconnecting/, tests: ['client/reconnecting', 'client/arguments'] },
  { name: 'client', match: /^src\/client\//, tests: ['client/', 'e2e/rpc', 'e2e/chain', 'e2e/header', 'web/http.test', 'web/websocket', 'hardening/timeouts'] },
];

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && name !== 'index.ts') out.push(relative(root, path));
  }
  return out;
}

// A filter that matches no test file would leave its group's mutants untested and surviving:
// a stale map must stop the run, not lower the score.
const testFiles = walk(join(root, 'test'), []).map((f) => f.replace(/\\/g, '/'));
for (const group of groups) {
  for (const filter of group.tests) {
    if (!testFiles.some((f) => f.endsWith('.test.ts') && f.slice('test/'.length).includes(filter))) {
      console.error(`mutate: the test filter '${filter}' of group ${group.name} matches no test file; fix the map in scripts/mutate.mjs`);
      process.exit(2);
    }
  }
}

const args = process.argv.slice(2);
const targets = args.length > 0 ? args : ['src/protocol', 'src/processor', 'src/transport/framed.ts', 'src/transport/buffered.ts', 'src/transport/channel.ts', 'src/transport/memory.ts'];
const files = [];
for (const target of targets) {
  const path = resolve(root, target);
  const found = statSync(path).isDirectory() ? walk(path, []) : [relative(root, path)];
  for (const file of found) if (!files.includes(file)) files.push(file);
}

const byGroup = new Map();
for (const file of files) {
  const group = groups.find((g) => g.match.test(file));
  if (!group) {
    console.error(`mutate: no test mapping for ${file}; add it to the groups in scripts/mutate.mjs`);
    process.exit(2);
  }
  if (!byGroup.has(group)) byGroup.set(group, []);
  byGroup.get(group).push(file);
}

const { Stryker } = await import('@stryker-mutator/core');
const reports = join(root, 'reports', 'mutation');
mkdirSync(reports, { recursive: true });
let failed = false;
for (const [group, mutate] of byGroup) {
  const started = Date.now();
  if (process.env.MUTATE_TESTS) group.tests = process.env.MUTATE_TESTS.split(/\s+/).filter(Boolean);
  console.log(`\nmutate: ${group.name}: ${mutate.join(' ')}\n  tests: ${group.tests.join(' ')}`);
  const check = process.env.MUTATE_CHECK !== '0';
  const reportName = process.env.MUTATE_NAME ?? group.name;
  const stryker = new Stryker({
    mutate,
    testRunner: 'command',
    // UVU_BAIL stops at the first failing test: a killed mutant costs only the tests up to it.
    commandRunner: { command: `node --import tsx test/run.ts ${group.tests.join(' ')}` },
    coverageAnalysis: 'off',
    checkers: check ? ['typescript'] : [],
    // Only src is typechecked: a mutant that breaks src's types can never run; tests run untyped under tsx.
    tsconfigFile: 'tsconfig.mutate.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
    incremental: true,
    force: process.env.MUTATE_FORCE === '1',
    incrementalFile: join('reports', 'mutation', `${reportName}.incremental.json`),
    reporters: ['clear-text', 'progress-append-only', 'json'],
    jsonReporter: { fileName: join('reports', 'mutation', `${reportName}.json`) },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    ignorePatterns: ['bench', 'docs', 'examples', 'reports', 'dist', '.tmp', '.stryker-tmp*'],
    // Two runs at once need two temp dirs: each cleans its own up at the end.
    tempDirName: process.env.MUTATE_TMP ?? '.stryker-tmp',
    timeoutMS: Number(process.env.MUTATE_TIMEOUT_MS ?? 10_000),
    timeoutFactor: 2,
    thresholds: { high: 90, low: 80, break: null },
    logLevel: 'info',
  });
  process.env.UVU_BAIL = '1';
  process.env.FUZZ_RUNS ??= '25';
  process.env.TEST_BUDGET_MS ??= '60000';
  const results = await stryker.runMutationTest();
  const counts = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const killed = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = killed + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const score = valid === 0 ? 100 : (100 * killed) / valid;
  console.log(`mutate: ${group.name}: ${score.toFixed(1)}% killed of ${valid} valid mutants ${JSON.stringify(counts)} in ${Math.round((Date.now() - started) / 1000)} s`);
  if (score < 90) failed = true;
}
process.exitCode = failed ? 1 : 0;
