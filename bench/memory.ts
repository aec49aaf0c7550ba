/**
 * Case 3, server memory: resident memory per idle connection. Each server
 * (ours, Apache's) runs alone in a child process with --expose-gc; this
 * process opens N connections, makes one ping call on each (so per-connection
 * state that is built lazily exists), leaves them idle, and reads the server's
 * RSS after a full GC. Per connection = (RSS with N open - RSS before) / N.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { load } from '../src/index.js';
import { binaryProtocol, encodeMessage, MessageType } from '../src/protocol/index.js';
import { BENCH_DIR, FIXTURE, median, rotate, startChild, type Child, type RunConfig } from './common.js';
import { apacheGenDir } from './peers.js';
import type { Impl, Row } from './report.js';

type Transport = 'framed' | 'buffered';

/** The soft limit on open files of this process (children inherit it). */
function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    // Not Linux: assume a generous limit and let connect() fail loudly if not.
  }
  return Infinity;
}

/** Connection count the fd limit allows: the bench process holds one fd per connection, the server another. */
export function allowedConnections(wanted: number): { n: number; note?: string } {
  const limit = openFileLimit();
  const n = Math.min(wanted, Math.floor(limit - 200));
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
  const script = join(BENCH_DIR, 'servers', impl === 'ours' ? 'ours.ts' : 'apache.ts');
  const args = impl === 'ours' ? ['--transport', transport, '--protocol', 'binary'] : ['--transport', transport, '--gen', apacheGenDir()];
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

/** Runs case 3 for both transports. */
export async function runMemory(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
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
    const med = (m: Map<Impl, number[]>): Row['median'] => Object.fromEntries([...m].map(([k, v]) => [k, median(v)]));
    const name = `3 ${n} idle conns, ${transport}`;
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
