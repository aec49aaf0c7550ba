/**
 * Profiles our side of a case, for bench/profile.md:
 *
 *   node --import tsx bench/profile.ts codec:blob-binary rpc:echo-b-framed memory:buffered web:http-b [--ms 5000]
 *
 * codec: the encode+decode loop under --cpu-prof. rpc: our server and our
 * client (separate processes) both under --cpu-prof. memory: heap snapshots
 * of our server before and after 2,000 idle connections, diffed by object kind.
 * web: our web server (`web:http-a`, `web:h2c-b`, `web:ws-b`) under --cpu-prof, driven by our
 * client, which is profiled too for `ws` (in profile-target.ts; the HTTP ones run here, unprofiled).
 * Profiles go to bench/results/profiles/ (not committed); the top 15
 * functions by self time are printed with file:line.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpConnection, load } from '../src/index.js';
import { BENCH_DIR, FIXTURE, REPO_DIR, RESULTS_DIR, startChild } from './common.js';
import { formatTop } from './cpuprofile-top.js';
import { heapDiff } from './heap-diff.js';
import { openIdle, pingRequest } from './memory.js';
import { drive } from './rpc.js';

const DIR = join(RESULTS_DIR, 'profiles');
// One directory per profiled process: tsx's loader thread writes a profile of its own next to the main thread's.
const PROF = (name: string): string[] => {
  rmSync(join(DIR, name), { recursive: true, force: true });
  return ['--cpu-prof', '--cpu-prof-interval', '250', `--cpu-prof-dir=${join(DIR, name)}`];
};

/** The main thread's profile (thread id 0 in Node's CPU.<date>.<time>.<pid>.<tid>.<seq> names). */
function mainProfile(name: string): string {
  const f = readdirSync(join(DIR, name)).find((x) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(x));
  if (!f) throw new Error(`no main-thread profile in ${join(DIR, name)}`);
  return join(DIR, name, f);
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

const argv = process.argv.slice(2);
const mi = argv.indexOf('--ms');
const ms = mi >= 0 ? Number(argv.splice(mi, 2)[1]) : 5000;
mkdirSync(DIR, { recursive: true });
const target = join(BENCH_DIR, 'profile-target.ts');

for (const spec of argv) {
  const [family, id] = spec.split(':') as [string, string];
  console.log(`== ${spec}`);
  if (family === 'codec') {
    await run(['--import', 'tsx', ...PROF(`codec-${id}`), target, 'codec', id, String(ms)]);
    console.log(formatTop(mainProfile(`codec-${id}`)));
  } else if (family === 'rpc') {
    const transport = id.split('-')[2]!;
    const server = await startChild(join(BENCH_DIR, 'servers', 'ours.ts'), ['--transport', transport, '--protocol', 'binary'], PROF(`rpc-${id}-server`));
    try {
      await run(['--import', 'tsx', ...PROF(`rpc-${id}-client`), target, 'rpc', id, String(server.port), String(ms)]);
    } finally {
      await server.stop();
    }
    console.log(`-- client\n${formatTop(mainProfile(`rpc-${id}-client`))}`);
    console.log(`-- server\n${formatTop(mainProfile(`rpc-${id}-server`))}`);
  } else if (family === 'memory') {
    const transport = id as 'framed' | 'buffered';
    const mod = load(FIXTURE) as any;
    const request = pingRequest(mod, transport);
    const n = 2000;
    const server = await startChild(join(BENCH_DIR, 'servers', 'ours.ts'), ['--transport', transport, '--protocol', 'binary'], ['--expose-gc']);
    try {
      (await openIdle(server.port, 1, request))[0]!.destroy();
      await new Promise((r) => setTimeout(r, 200));
      const before = join(DIR, `memory-${transport}-before.heapsnapshot`);
      const after = join(DIR, `memory-${transport}-after.heapsnapshot`);
      await server.ask('mem', 'MEM ');
      await server.ask(`heap ${before}`, 'HEAP ');
      const sockets = await openIdle(server.port, n, request);
      await new Promise((r) => setTimeout(r, 500));
      await server.ask('mem', 'MEM ');
      await server.ask(`heap ${after}`, 'HEAP ');
      for (const s of sockets) s.destroy();
      console.log(heapDiff(before, after, n));
    } finally {
      await server.stop();
    }
  } else if (family === 'web') {
    const [kind, mode] = id.split('-') as [string, string];
    const server = await startChild(join(BENCH_DIR, 'servers', 'ours-web.ts'), ['--kind', kind], PROF(`web-${id}-server`));
    try {
      if (kind === 'ws') {
        await run(['--import', 'tsx', ...PROF(`web-${id}-client`), target, 'web', id, String(server.port), String(ms)]);
        console.log(`-- client\n${formatTop(mainProfile(`web-${id}-client`))}`);
      } else {
        const mod = load(FIXTURE) as any;
        const client: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${server.port}/`, http2: kind === 'h2c' });
        const rate = await drive(() => client.ping(), mode === 'b' ? 64 : 1, ms);
        console.log(`${Math.round(rate)} calls/s`);
        await client.close();
      }
    } finally {
      await server.stop();
    }
    console.log(`-- server\n${formatTop(mainProfile(`web-${id}-server`))}`);
  } else {
    throw new Error(`unknown family in ${spec}; expected codec:, rpc:, memory: or web:`);
  }
}
process.exit(0);
