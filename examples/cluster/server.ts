/**
 * One service served by several Node processes on one port, with node:cluster:
 * the primary forks WORKERS workers (default: one per core) and each worker runs
 * createServer on PORT; the primary hands connections to workers round-robin.
 * SIGTERM (or SIGINT) to the primary is passed on to every worker, whose
 * server.close() stops accepting and lets calls in flight finish before it exits.
 *
 *   WORKERS=2 PORT=9090 node --import tsx examples/cluster/server.ts
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createServer, load } from '../../src/index.js';

const workers = Number(process.env.WORKERS ?? availableParallelism());
const port = Number(process.env.PORT ?? 9090);

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    // Port 0 is resolved once by the primary, so every worker shares the same port.
    if (++listening === workers) console.log(`LISTENING ${address.port}`);
  });
  cluster.on('exit', (worker, code, sig) => {
    if (!stopping) console.error(`worker ${worker.process.pid} died (${sig ?? code})`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const mod = load(new URL('./cluster.thrift', import.meta.url).pathname);
  const server = await createServer(
    mod.Cluster,
    {
      pid: () => process.pid,
      ping() {},
      slow: (ms: number) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
      work(micros: number) {
        const end = performance.now() + micros / 1000;
        let spins = 0;
        while (performance.now() < end) spins++;
        return spins;
      },
    },
    { port, transport: 'framed' },
  );
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
