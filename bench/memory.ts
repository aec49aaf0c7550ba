/**
 * Case 3, memory of idle connections.
 * 3a, server memory per idle connection: each server (ours, Apache's) runs alone
 *   in a child process with --expose-gc; this process opens N connections, makes
 *   one ping call on each (so per-connection state that is built lazily exists),
 *   leaves them idle, and reads the server's RSS after a full GC. Per connection =
 *   (RSS with N open - RSS before) / N.
 * 3b, 10,000 idle connections on one server: the server's total RSS, the
 *   connections held by a child of their own (bench/idle-clients.ts); both
 *   children get their open-file limit raised as far as the hard limit allows.
 * 3c, client memory per connection: our createPool holding N idle connections
 *   against Apache's createConnection + createClient N times (it has no pool),
 *   measured inside the client process (bench/client-memory.ts).
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { load } from '../src/index.js';
import { binaryProtocol, encodeMessage, MessageType } from '../src/protocol/index.js';
import { BENCH_DIR, FIXTURE, median, openFileLimits, rotate, startChild, type Child, type RunConfig } from './common.js';
import { apacheGenDir } from './peers.js';
import type { Impl, Row } from './report.js';

type Transport = 'framed' | 'buffered';

/** Connections held by the 10,000-connection case. */
const MANY = 10_000;
// Descriptors a process needs besides its sockets (runtime, pipes, tsx).
const SPARE_FDS = 200;

/**
 * Connection count an open-file limit allows (one fd per connection in each
 * process, plus spares): the soft limit for this process, the hard one for a
 * child whose limit is raised.
 */
export function allowedConnections(wanted: number, limit = openFileLimits().soft): { n: number; note?: string } {
  const n = Math.min(wanted, Math.floor(limit - SPARE_FDS));
  if (n >= wanted) return { n: wanted };
  return { n, note: `open-file limit ${limit} allows ${n} connections, not ${wanted} (raise it with ulimit -n)` };
}

export function pingRequest(mod: any, transport: Transport): Uint8Array {
  const fn = mod.Bench.functions.find((f: any) => f.name === 'ping');
  const msg = encodeMessage(binaryProtocol.createWriter(), 'ping', MessageType.CALL, 1, binaryProtocol.codecs.argsCodec(fn.args).encode, []);
  if (transport === 'buffered') return msg;
  const frame = new Uint8Array(4 + msg.length);
  new DataView(frame.buffer).setUint32(0, msg.length);
  frame.set(msg, 4);
  return frame;
}

async function memOf(child: Child): Promise<{ rss: number; heap: number }> {
  const [, rss, heap, external] = (await child.ask('mem', 'MEM ')).split(' ').map(Number);
  return { rss: rss!, heap: heap! + external! };
}

/** Opens n connections in batches (within the listen backlog), one ping each, and waits for every reply. */
export async function openIdle(port: number, n: number, request: Uint8Array): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, n - i) }, async () => {
        const s = connect({ port, host: '127.0.0.1', noDelay: true });
        s.on('error', () => {});
        await once(s, 'connect');
        s.write(request);
        await once(s, 'data');
        return s;
      }),
    );
    sockets.push(...batch);
  }
  return sockets;
}

/** One measurement of one server: bytes of RSS and of JS heap + external per idle connection. */
async function measure(impl: Impl, transport: Transport, n: number, request: Uint8Array): Promise<{ rss: number; heap: number }> {
  const [script, args] = serverArgs(impl, transport);
  const server = await startChild(script, args, ['--expose-gc']);
  let sockets: Socket[] = [];
  try {
    // Warm the server's code paths on one connection first, so the baseline holds the compiled code.
    const warm = await openIdle(server.port, 1, request);
    warm[0]!.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const before = await memOf(server);
    sockets = await openIdle(server.port, n, request);
    await new Promise((r) => setTimeout(r, 500));
    const after = await memOf(server);
    return { rss: (after.rss - before.rss) / n, heap: (after.heap - before.heap) / n };
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop();
  }
}

function serverArgs(impl: Impl, transport: Transport): [string, string[]] {
  const script = join(BENCH_DIR, 'servers', impl === 'ours' ? 'ours.ts' : 'apache.ts');
  return [script, impl === 'ours' ? ['--transport', transport, '--protocol', 'binary'] : ['--transport', transport, '--gen', apacheGenDir()]];
}

/** One server holding n idle connections (opened by a child of their own): its total RSS and heap + external, in bytes. */
async function measureMany(impl: Impl, transport: Transport, n: number): Promise<{ rss: number; heap: number; perConn: number }> {
  const [script, args] = serverArgs(impl, transport);
  const fds = n + SPARE_FDS;
  const server = await startChild(script, args, ['--expose-gc'], fds);
  let clients: Child | undefined;
  try {
    clients = await startChild(join(BENCH_DIR, 'idle-clients.ts'), [], [], fds);
    await clients.ask(`open ${server.port} 1 ${transport}`, 'OPENED ');
    await new Promise((r) => setTimeout(r, 200));
    const before = await memOf(server);
    const opened = Number((await clients.ask(`open ${server.port} ${n} ${transport}`, 'OPENED ')).split(' ')[1]);
    if (opened !== n) throw new Error(`${opened} of ${n} connections opened`);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await memOf(server);
    return { rss: after.rss, heap: after.heap, perConn: (after.rss - before.rss) / n };
  } finally {
    await clients?.stop();
    await server.stop();
  }
}

/** Our pool's and Apache's connections, n of them, measured in a client process: bytes per connection. */
async function measureClient(impl: Impl, transport: Transport, n: number, port: number): Promise<{ rss: number; heap: number }> {
  const child = await startChild(join(BENCH_DIR, 'client-memory.ts'), [apacheGenDir()], ['--expose-gc'], n + 250 + SPARE_FDS);
  try {
    const [, rss, heap] = (await child.ask(`run ${impl} ${port} ${n} ${transport}`, 'RESULT ')).split(' ').map(Number);
    return { rss: rss!, heap: heap! };
  } finally {
    await child.stop();
  }
}

const med = (m: Map<Impl, number[]>): Row['median'] => Object.fromEntries([...m].map(([k, v]) => [k, median(v)]));
const push = (m: Map<Impl, number[]>, impl: Impl, v: number): void => void m.set(impl, [...(m.get(impl) ?? []), v]);

/** Runs case 3 (3a, 3b, 3c) for both transports. */
export async function runMemory(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(...(await runIdleServer(cfg, only, log)));
  rows.push(...(await runManyIdle(cfg, only, log)));
  rows.push(...(await runClientMemory(cfg, only, log)));
  return rows;
}

/** 3a: server memory per idle connection. */
async function runIdleServer(cfg: RunConfig, only: ((id: string) => boolean) | undefined, log: typeof console.log): Promise<Row[]> {
  const mod = load(FIXTURE) as any;
  const { n, note } = allowedConnections(cfg.connections);
  if (note) log(`  memory: ${note}`);
  const rounds = cfg.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const transport of ['buffered', 'framed'] as const) {
    if (only && !only(`memory-${transport}`)) continue;
    const request = pingRequest(mod, transport);
    const rss = new Map<Impl, number[]>();
    const heap = new Map<Impl, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const impl of rotate<Impl>(['ours', 'apache'], round)) {
        const m = await measure(impl, transport, n, request);
        rss.set(impl, [...(rss.get(impl) ?? []), m.rss / 1024]);
        heap.set(impl, [...(heap.get(impl) ?? []), m.heap / 1024]);
      }
      log(`  memory ${transport}: round ${round + 1}/${rounds}`);
    }
    const name = `3a ${n} idle conns, ${transport}`;
    rows.push({
      family: 'memory',
      name,
      unit: 'RSS KiB/conn',
      lowerIsBetter: true,
      median: med(rss),
      rounds: Object.fromEntries(rss),
      targets: [{ against: 'apache', max: 1 }],
      note,
    });
    rows.push({
      family: 'memory',
      name,
      unit: 'heap+ext KiB/conn',
      lowerIsBetter: true,
      median: med(heap),
      rounds: Object.fromEntries(heap),
      targets: [],
    });
  }
  return rows;
}

/** 3b: 10,000 idle connections on one server, total RSS. */
async function runManyIdle(cfg: RunConfig, only: ((id: string) => boolean) | undefined, log: typeof console.log): Promise<Row[]> {
  // Both children may be raised to the hard limit.
  const { n, note } = allowedConnections(MANY, openFileLimits().hard);
  if (note) log(`  memory: ${note}`);
  const rounds = cfg.quick ? 1 : 2;
  const rows: Row[] = [];
  for (const transport of ['buffered', 'framed'] as const) {
    if (only && !only(`memory-many-${transport}`)) continue;
    const rss = new Map<Impl, number[]>();
    const heap = new Map<Impl, number[]>();
    const perConn = new Map<Impl, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const impl of rotate<Impl>(['ours', 'apache'], round)) {
        const m = await measureMany(impl, transport, n);
        push(rss, impl, m.rss / 2 ** 20);
        push(heap, impl, m.heap / 2 ** 20);
        push(perConn, impl, m.perConn / 1024);
      }
      log(`  memory ${n} conns ${transport}: round ${round + 1}/${rounds}`);
    }
    const name = `3b ${n} idle conns on one server, ${transport}`;
    // The total holds each server's start-up memory too (the library, tsx's compiled
    // sources): the per-connection growth is what the target is about.
    rows.push({
      family: 'memory',
      name,
      unit: 'RSS MiB (total)',
      lowerIsBetter: true,
      median: med(rss),
      rounds: Object.fromEntries(rss),
      targets: [],
      note,
    });
    rows.push({
      family: 'memory',
      name,
      unit: 'RSS KiB/conn (growth)',
      lowerIsBetter: true,
      median: med(perConn),
      rounds: Object.fromEntries(perConn),
      targets: [{ against: 'apache', max: 1 }],
    });
    rows.push({ family: 'memory', name, unit: 'heap+ext MiB (total)', lowerIsBetter: true, median: med(heap), rounds: Object.fromEntries(heap), targets: [] });
  }
  return rows;
}

/** 3c: client memory per connection, our pool against Apache's connections, on our server. */
async function runClientMemory(cfg: RunConfig, only: ((id: string) => boolean) | undefined, log: typeof console.log): Promise<Row[]> {
  const { n, note } = allowedConnections(cfg.connections, openFileLimits().hard);
  if (note) log(`  memory: ${note}`);
  const rounds = cfg.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const transport of ['buffered', 'framed'] as const) {
    if (only && !only(`memory-client-${transport}`)) continue;
    const [script, args] = serverArgs('ours', transport);
    const server = await startChild(script, args, [], 2 * n + 1000);
    const rss = new Map<Impl, number[]>();
    const heap = new Map<Impl, number[]>();
    try {
      for (let round = 0; round < rounds; round++) {
        for (const impl of rotate<Impl>(['ours', 'apache'], round)) {
          const m = await measureClient(impl, transport, n, server.port);
          push(rss, impl, m.rss / 1024);
          push(heap, impl, m.heap / 1024);
        }
        log(`  memory client ${transport}: round ${round + 1}/${rounds}`);
      }
    } finally {
      await server.stop();
    }
    const name = `3c client, ${n} conns (ours pooled), ${transport}`;
    rows.push({ family: 'memory', name, unit: 'RSS KiB/conn', lowerIsBetter: true, median: med(rss), rounds: Object.fromEntries(rss), targets: [], note });
    rows.push({ family: 'memory', name, unit: 'heap+ext KiB/conn', lowerIsBetter: true, median: med(heap), rounds: Object.fromEntries(heap), targets: [] });
  }
  return rows;
}
