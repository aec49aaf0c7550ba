/**
 * Case 3c, client memory: this process opens n client connections to a server
 * and reports its own growth per connection after a full GC (run it with
 * --expose-gc). Prints `LISTENING 0` once it takes commands;
 * `run <ours|apache> <port> <n> <framed|buffered>` answers `RESULT <rss> <heap+external>
 * <new space before> <new space after>`: bytes per connection, then the young
 * generation's size (it grows with allocation churn, and counts in RSS). Its first argument is the dir of Apache's generated code.
 * - ours: one createPool holding n connections (n acquired at once, one ping on
 *   each, all released: idle in the pool);
 * - apache: n of Apache's createConnection + createClient (it has no pool), one ping on each.
 * With HEAP_SNAPSHOTS=<dir> it also writes heap snapshots before and after (bench/heap-diff.ts compares them).
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { createPool, load } from '../src/index.js';
import { FIXTURE } from './common.js';
import { loadApache } from './peers.js';

type Transport = 'framed' | 'buffered';

const mod = load(FIXTURE) as any;

function memory(): { rss: number; heap: number; young: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  return { rss: m.rss, heap: m.heapUsed + m.external, young };
}

/** Opens n pooled connections, one ping each, all released; returns what closes the pool. */
async function ours(port: number, n: number, transport: Transport): Promise<() => Promise<void>> {
  const pool = await createPool(mod.Bench, { port, transport, minsize: 0, maxsize: n });
  // All checked out before any is given back, or the pool would hand out the same ones again.
  const taken: any[] = [];
  for (let i = 0; i < n; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, n - i) }, () => pool.acquire()));
    await Promise.all(batch.map((c: any) => c.ping()));
    taken.push(...batch);
  }
  for (const c of taken) pool.release(c);
  if (pool.freesize !== n) throw new Error(`the pool holds ${pool.freesize} idle connections, not ${n}`);
  return () => pool.close();
}

/** Opens n of Apache's connections with a client each, one ping each; returns what ends them. */
async function apache(port: number, n: number, transport: Transport): Promise<() => Promise<void>> {
  const { thrift, Bench } = loadApache(process.argv[2]);
  const held: { client: any; connection: any }[] = [];
  for (let i = 0; i < n; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, n - i) }, async () => {
        const connection = thrift.createConnection('127.0.0.1', port, {
          transport: transport === 'framed' ? thrift.TFramedTransport : thrift.TBufferedTransport,
          protocol: thrift.TBinaryProtocol,
        });
        connection.on('error', (e: Error) => console.error(`apache client: ${e.message}`));
        await once(connection, 'connect');
        const client = thrift.createClient(Bench, connection);
        await client.ping();
        return { client, connection };
      }),
    );
    held.push(...batch);
  }
  return async () => {
    for (const { connection } of held) connection.end();
  };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, impl, port, n, transport] = line.trim().split(' ');
  if (cmd !== 'run') return;
  const open = impl === 'ours' ? ours : apache;
  void (async () => {
    // Warm the client's code paths first, so the baseline holds the compiled code.
    const warm = await open(Number(port), 250, transport as Transport);
    await warm();
    await new Promise((r) => setTimeout(r, 300));
    const before = memory();
    const snaps = process.env.HEAP_SNAPSHOTS;
    if (snaps) writeHeapSnapshot(`${snaps}/client-${impl}-before.heapsnapshot`);
    await open(Number(port), Number(n), transport as Transport);
    await new Promise((r) => setTimeout(r, 500));
    const after = memory();
    if (snaps) writeHeapSnapshot(`${snaps}/client-${impl}-after.heapsnapshot`);
    process.stdout.write(`RESULT ${(after.rss - before.rss) / Number(n)} ${(after.heap - before.heap) / Number(n)} ${before.young} ${after.young}\n`);
  })().catch((e: unknown) => {
    process.stderr.write(`client-memory: ${String(e)}\n`);
    process.exit(1);
  });
});
lines.once('close', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
process.stdout.write('LISTENING 0\n');
