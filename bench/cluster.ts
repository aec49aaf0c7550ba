/**
 * Calls/s of examples/cluster with 1 and 2 worker processes: 16 connections,
 * 64 pings in flight, for DURATION_MS (default 3000) after a 1 s warm-up.
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

async function measure(workers: number): Promise<number> {
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
        await c.ping();
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

const one = await measure(1);
const two = await measure(2);
console.log(`cluster: 1 worker ${Math.round(one)} calls/s, 2 workers ${Math.round(two)} calls/s (x${(two / one).toFixed(2)})`);
