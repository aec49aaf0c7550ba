/**
 * Calls/s of examples/cluster with 1 and 2 worker processes: 16 connections,
 * 64 calls in flight, for DURATION_MS (default 3000) after a 1 s warm-up; once with
 * ping() (the wire dominates) and once with work(200) (a 200 µs handler dominates).
 * The load comes from this process, which shares the machine's cores with the workers.
 *
 *   node --import tsx bench/cluster.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createConnection, load, type ServiceClient } from '../src/index.js';

const example = fileURLToPath(new URL('../examples/cluster/server.ts', import.meta.url));
const mod = load(fileURLToPath(new URL('../examples/cluster/cluster.thrift', import.meta.url)));
const duration = Number(process.env.DURATION_MS ?? 3000);

async function measure(workers: number, call: (c: ServiceClient) => Promise<unknown>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', example], { env: { ...process.env, WORKERS: String(workers), PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const port = Number(/LISTENING (\d+)/.exec(String((await lines.next()).value))?.[1]);
  const conns: ServiceClient[] = [];
  for (let i = 0; i < 16; i++) conns.push(await createConnection(mod.Cluster, { port, transport: 'framed', timeout: 10_000 }));
  const run = async (ms: number): Promise<number> => {
    let n = 0;
    const end = performance.now() + ms;
    await Promise.all(Array.from({ length: 64 }, async (_, i) => {
      const c = conns[i % conns.length];
      while (performance.now() < end) {
        await call(c);
        n++;
      }
    }));
    return n / (ms / 1000);
  };
  await run(1000);
  const rate = await run(duration);
  for (const c of conns) c.destroy();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return rate;
}

for (const [what, call] of [
  ['ping()', (c: ServiceClient) => c.ping()],
  ['work(200)', (c: ServiceClient) => c.work(200)],
] as const) {
  const one = await measure(1, call);
  const two = await measure(2, call);
  console.log(`cluster ${what}: 1 worker ${Math.round(one)} calls/s, 2 workers ${Math.round(two)} calls/s (x${(two / one).toFixed(2)})`);
}
