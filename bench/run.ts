/**
 * `npm run bench`: issue 5's benchmark suite. Runs ours and the peers in one
 * run, alternating, several rounds after a warm-up, and prints per case the
 * medians, the ratios ours/peer and whether the target is met.
 *
 *   npm run bench -- [--quick] [--only codec,rpc,memory,idl,otel,runtimes,web] [--filter REGEX]
 *                    [--rounds N] [--readme] [--json FILE]
 *
 * A full run of every family writes bench/results/latest.json; a quick or
 * partial run writes bench/results/partial.json unless --json says otherwise.
 * --readme puts the table into bench/README.md and docs/performance.md between their result markers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCodec } from './codec.js';
import { BENCH_DIR, fmt, machine, REPO_DIR, RESULTS_DIR, runConfig } from './common.js';
import { runIdl } from './idl.js';
import { runMemory } from './memory.js';
import { markdown, table, verdict, type Impl, type Row } from './report.js';
import { runOtel } from './otel.js';
import { runRpc } from './rpc.js';
import { runRuntimes } from './runtimes.js';
import { runWeb } from './web.js';

const FAMILIES = ['codec', 'rpc', 'memory', 'idl', 'otel', 'runtimes', 'web'] as const;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    filter: { type: 'string' },
    rounds: { type: 'string' },
    readme: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

const families = values.only ? values.only.split(',').map((s) => s.trim()) : [...FAMILIES];
for (const f of families) {
  if (!(FAMILIES as readonly string[]).includes(f)) throw new Error(`--only: unknown family ${f}; expected ${FAMILIES.join(',')}`);
}
const cfg = runConfig(values.quick);
if (values.rounds) cfg.rounds = Math.max(1, Number(values.rounds));
const filter = values.filter ? new RegExp(values.filter) : undefined;
const only = filter ? (id: string) => filter.test(id) : undefined;

function commit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (src modified)` : sha;
  } catch {
    return 'unknown';
  }
}

const m = machine();
const started = new Date();
const header = [
  `thrift-streams benchmarks, ${started.toISOString()}`,
  `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, node ${m.node}`,
  `commit: ${commit()}; ${cfg.quick ? 'quick' : 'full'} run, ${cfg.rounds} rounds after a warm-up, medians`,
];
console.log(header.join('\n'));

const rows: Row[] = [];
const t0 = performance.now();
for (const family of families) {
  console.log(`${family}...`);
  const run = { codec: runCodec, rpc: runRpc, memory: runMemory, idl: runIdl, otel: runOtel, runtimes: runRuntimes, web: runWeb }[family as (typeof FAMILIES)[number]];
  rows.push(...(await run(cfg, only)));
}
const seconds = (performance.now() - t0) / 1000;

// Issue 14's echo target: the nested echo at 64 in flight against the codec's own rate in the
// same run (one encode + one decode of the struct per side and call, each side its own core).
const codecBound = rows.find((r) => r.family === 'codec' && r.name.startsWith('1b') && r.name.endsWith('(binary)'))?.median.ours;
for (const echo of rows.filter((r) => r.family === 'rpc' && r.name.startsWith('2b') && r.name.includes(', echo, ') && r.unit === 'calls/s')) {
  const rate = echo.median.ours;
  if (codecBound === undefined || rate === undefined) continue;
  // CPU per call of each side against the codec's µs per op: the share the echo could reach
  // with a whole core per side, apart from what the machine's load takes.
  const codecUs = 1e6 / codecBound;
  const client = echo.extra?.clientCpuUs;
  const server = echo.extra?.serverCpuUs;
  const raw = echo.extra?.rawClientCpuUs;
  // Each side does one encode+decode per call and moves the call's bytes both ways: the raw
  // client's CPU per call of the same frames is that I/O with nothing of Thrift, so no client
  // can beat codec + raw per call, and codec / (codec + raw) is the share this machine allows.
  const floor = raw === undefined ? '' : `; the raw client moving the same bytes takes ${fmt(raw)} µs, so codec + I/O allow at most ${fmt(codecUs / (codecUs + raw))} of the codec rate`;
  const cpu =
    client === undefined
      ? undefined
      : `CPU per call: client ${fmt(client)} µs, server ${server === undefined ? '-' : `${fmt(server)} µs`}; codec ${fmt(codecUs)} µs per encode+decode, so a core per side allows ${fmt(codecUs / Math.max(client, server ?? 0))} of the codec rate${floor}`;
  rows.push({
    family: 'rpc',
    name: `${echo.name.replace(/^2b /, '2d ')} vs codec 1b (binary)`,
    unit: 'share of codec ops/s',
    median: { ours: rate / codecBound },
    rounds: {},
    targets: [{ against: 'abs', min: 0.9 }],
    note: cpu,
  });
}

function cell(row: Row, impl: Impl): string {
  const v = row.median[impl];
  if (v === undefined) return '-';
  if (row.family === 'codec') return `${fmt(v)} (${fmt(row.extra![`${impl}MBps`])} MB/s)`;
  return fmt(v);
}

console.log('');
console.log(table(rows, cell));
for (const r of rows) if (r.note) console.log(`note: ${r.name}: ${r.note}`);
const checks = rows.flatMap((r) => r.targets.map((t) => ({ row: r, v: verdict(r, t) })));
const missed = checks.filter((c) => c.v.met === false);
console.log(`\ntargets: ${checks.length - missed.length} of ${checks.length} met; run took ${seconds.toFixed(0)} s`);
for (const { row, v } of missed) {
  console.log(`  missed: ${row.name} [${row.unit}] ${v.text}: ${v.ratio !== undefined ? `${v.ratio.toFixed(2)}x` : fmt(row.median.ours)}`);
}

const complete = !values.quick && !filter && families.length === FAMILIES.length;
const jsonPath = values.json ?? join(RESULTS_DIR, complete ? 'latest.json' : 'partial.json');
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(
  jsonPath,
  `${JSON.stringify(
    {
      date: started.toISOString(),
      machine: m,
      commit: commit(),
      config: cfg,
      families,
      filter: values.filter ?? null,
      seconds: Math.round(seconds),
      rows: rows.map((r) => ({
        ...r,
        verdicts: r.targets.map((t) => {
          const v = verdict(r, t);
          return { target: v.text, ratio: v.ratio ?? null, met: v.met ?? null };
        }),
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`results: ${jsonPath}`);

if (values.readme) {
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const block = [
    start,
    '',
    `${started.toISOString().slice(0, 10)}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, commit ${commit()}, ` +
      `${cfg.quick ? 'quick' : 'full'} run (${cfg.rounds} rounds, medians), ${seconds.toFixed(0)} s. ` +
      `Targets met: ${checks.length - missed.length} of ${checks.length}.`,
    '',
    markdown(rows, cell),
    '',
    ...rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`),
    ...(rows.some((r) => r.note) ? [''] : []),
    end,
  ].join('\n');
  // The same table goes into bench/README.md and the user docs.
  for (const readme of [join(BENCH_DIR, 'README.md'), join(REPO_DIR, 'docs', 'performance.md')]) {
    const text = readFileSync(readme, 'utf8');
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${readme} has no ${start} … ${end} markers`);
    writeFileSync(readme, text.slice(0, i) + block + text.slice(j + end.length));
    console.log(`table written to ${readme}`);
  }
}
process.exit(0);
