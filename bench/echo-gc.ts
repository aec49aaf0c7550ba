/**
 * The nested echo in a fresh process, for issue 14's GC regime (row 2d):
 *
 *   node [--trace-gc-nvp] --import tsx bench/echo-gc.ts [framed|buffered] [in flight, 64] [ms per round, 3000]
 *
 * Starts our server as a child, runs our client here at the given calls in flight, and per
 * round prints calls/s, CPU µs per call of each side, and the client's GC pause µs per call
 * by kind (1 scavenge, 4 mark-compact, 8 incremental marking). With `--trace-gc-nvp`, a
 * scavenge's `new_space_survived` and `promoted` say whether replies are being promoted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { load } from '../src/index.js';
import { BENCH_DIR, FIXTURE, startChild } from './common.js';
import { makeNested } from './payloads.js';
import { drive, oursClients } from './rpc.js';

const transport = (process.argv[2] ?? 'framed') as 'framed' | 'buffered';
const callers = Number(process.argv[3] ?? 64);
const ms = Number(process.argv[4] ?? 3000);
const mod = load(FIXTURE) as any;
const server = await startChild(join(BENCH_DIR, 'servers', 'ours.ts'), ['--transport', transport, '--protocol', 'binary']);
/** CPU µs used so far by process `pid` (Linux /proc; utime + stime at 100 Hz). */
const cpuOf = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const clients = await oursClients(mod, server.port, transport, makeNested(mod));
const gcByKind = new Map<number, number>();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcByKind.set(kind, (gcByKind.get(kind) ?? 0) + e.duration);
  }
}).observe({ entryTypes: ['gc'] });
await drive(clients.calls.echo.b, callers, 1000);
for (let round = 0; round < 3; round++) {
  let calls = 0;
  const call = (): Promise<unknown> => (calls++, clients.calls.echo.b());
  gcByKind.clear();
  const c0 = process.cpuUsage();
  const s0 = cpuOf(server.process.pid!);
  const rate = await drive(call, callers, ms);
  const c = process.cpuUsage(c0);
  const server1 = cpuOf(server.process.pid!);
  const gc = [...gcByKind].map(([k, v]) => `${k}: ${((v * 1000) / calls).toFixed(1)}`).join(', ');
  console.log(`${transport}, ${callers} in flight: ${rate.toFixed(0)} calls/s; CPU µs per call: client ${((c.user + c.system) / calls).toFixed(1)}, server ${((server1 - s0) / calls).toFixed(1)}; client GC µs per call by kind {${gc}}`);
}
await clients.close();
await server.stop();
process.exit(0);
