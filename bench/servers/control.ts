/**
 * The stdin protocol every bench server speaks, so the bench process can read
 * a server's memory: the line `mem` is answered with `MEM <rss> <heapUsed>
 * <external> <arrayBuffers> <heapTotal> <new space>` (bytes, after a full GC when
 * --expose-gc is on; the last two are what V8 reserved: its young generation
 * grows with allocation churn and counts in RSS though it holds nothing live),
 * and `heap <file>` writes a heap snapshot there and answers `HEAP <file>`;
 * `cpu` answers `CPU <µs>`, the process's user+system CPU time so far.
 */
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/** Answers `mem` lines on stdin; exits when stdin closes (the bench process went away). */
export function serveControl(): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [cmd, arg] = line.trim().split(' ');
    if (cmd === 'heap' && arg) {
      writeHeapSnapshot(arg);
      process.stdout.write(`HEAP ${arg}\n`);
      return;
    }
    if (cmd === 'cpu') {
      const c = process.cpuUsage();
      process.stdout.write(`CPU ${c.user + c.system}\n`);
      return;
    }
    if (cmd !== 'mem') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      gc();
    }
    const m = process.memoryUsage();
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    process.stdout.write(`MEM ${m.rss} ${m.heapUsed} ${m.external} ${m.arrayBuffers} ${m.heapTotal} ${young}\n`);
  });
  lines.once('close', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

/** Reads `--name value` pairs from argv. */
export function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i + 1 < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
  return out;
}
