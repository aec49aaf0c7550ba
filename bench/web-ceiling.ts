/**
 * Where the time of a web call goes, and what node:http2 allows at best
 * (`node --import tsx bench/web-ceiling.ts [rounds] [callers]`, default 7 rounds,
 * 64 callers): each line drives `ping` from this process to a server child and
 * reports wall-clock calls/s and CPU µs per call on each side (process.cpuUsage()
 * here, the child's through its `cpu` control line), medians over rounds taken in
 * turn. `bare` lines are node:http2 / node:http with no Thrift on either side
 * (servers/bare-web.ts; the client a stream or request per call): the ceiling of
 * any Thrift stack on those modules. On a shared machine the CPU figures hold when
 * wall-clock ones swing; the ratios compare with Apache's HTTP/1.1 pair, as case 6 does.
 */
import { request as http1Request, Agent } from 'node:http';
import { connect as h2Connect } from 'node:http2';
import { join } from 'node:path';
import { createHttpConnection, load } from '../src/index.js';
import { BENCH_DIR, FIXTURE, median, startChild, type Child } from './common.js';
import { apacheGenDir, loadApache } from './peers.js';

const rounds = Number(process.argv[2] ?? 7);
const callers = Number(process.argv[3] ?? 64);
const CALLS = 4000;
const mod = load(FIXTURE) as any;
/** ping(), seqid 1, binary protocol: what every bare client sends. */
const PING = Buffer.from([0x80, 1, 0, 1, 0, 0, 0, 4, 0x70, 0x69, 0x6e, 0x67, 0, 0, 0, 1, 0]);

type Call = () => Promise<unknown>;

function bareH2(port: number): { call: Call; close(): void } {
  const session = h2Connect(`http://127.0.0.1:${port}`);
  const headers = { ':method': 'POST', ':path': '/', 'content-type': 'application/x-thrift', 'content-length': PING.length };
  const call: Call = () =>
    new Promise((resolve, reject) => {
      const stream = session.request(headers);
      stream.on('data', () => {});
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.end(PING);
    });
  return { call, close: () => session.close() };
}

function bareH1(port: number): { call: Call; close(): void } {
  const agent = new Agent({ keepAlive: true });
  const options = { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'Content-Type': 'application/x-thrift', 'Content-Length': PING.length } };
  const call: Call = () =>
    new Promise((resolve, reject) => {
      const req = http1Request(options, (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(PING);
    });
  return { call, close: () => agent.destroy() };
}

const children: Child[] = [];
async function child(script: string, args: string[]): Promise<Child> {
  const c = await startChild(join(BENCH_DIR, 'servers', script), args);
  children.push(c);
  return c;
}

const apache = await child('apache-web.ts', ['--gen', apacheGenDir()]);
const oursH2 = await child('ours-web.ts', ['--kind', 'h2c']);
const oursH1 = await child('ours-web.ts', ['--kind', 'http']);
const bareH2Server = await child('bare-web.ts', ['--kind', 'h2c']);
const bareH1Server = await child('bare-web.ts', ['--kind', 'http']);

const { thrift, Bench } = loadApache();
const apacheClient = thrift.createHttpClient(Bench, thrift.createHttpConnection('127.0.0.1', apache.port, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol }));
const ours = async (port: number, http2: boolean): Promise<Call> => {
  const client: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${port}/`, http2 });
  return () => client.ping();
};

const lines: [string, Child, Call][] = [
  ['apache http/1.1 (client+server)', apache, () => apacheClient.ping()],
  ['ours http/1.1', oursH1, await ours(oursH1.port, false)],
  ['ours h2c', oursH2, await ours(oursH2.port, true)],
  ['bare node:http2 (no Thrift)', bareH2Server, bareH2(bareH2Server.port).call],
  ['bare node:http (no Thrift)', bareH1Server, bareH1(bareH1Server.port).call],
  ['ours h2c client -> bare h2c server', bareH2Server, await ours(bareH2Server.port, true)],
  ['bare h2c client -> ours h2c server', oursH2, bareH2(oursH2.port).call],
];

const serverCpu = async (c: Child): Promise<number> => Number((await c.ask('cpu', 'CPU ')).split(' ')[1]);

/** Wall calls/s, client µs/call, server µs/call over `n` calls. */
async function measure(server: Child, call: Call, n: number): Promise<[number, number, number]> {
  const s0 = await serverCpu(server);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let left = n;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = await serverCpu(server);
  return [(n * 1000) / wall, (c.user + c.system) / n, (s1 - s0) / n];
}

const results = new Map<string, [number, number, number][]>();
for (let round = -1; round < rounds; round++) {
  const order = round % 2 === 0 ? lines : [...lines].reverse();
  for (const [name, server, call] of order) {
    const r = await measure(server, call, round < 0 ? CALLS / 4 : CALLS);
    if (round >= 0) results.set(name, [...(results.get(name) ?? []), r]);
  }
}

const table = [...results].map(([name, rs]) => {
  const wall = median(rs.map((r) => r[0]));
  const client = median(rs.map((r) => r[1]));
  const server = median(rs.map((r) => r[2]));
  return { name, wall, client, server };
});
const base = table[0]!;
console.log(`${callers} in flight, ${rounds} rounds of ${CALLS} calls, medians; ratios against ${base.name}`);
console.log(`${'line'.padEnd(36)} ${'calls/s'.padStart(8)} ${'client µs'.padStart(10)} ${'server µs'.padStart(10)} ${'wall ×'.padStart(7)} ${'cpu sum ×'.padStart(10)} ${'cpu max ×'.padStart(10)}`);
for (const t of table) {
  const sum = (base.client + base.server) / (t.client + t.server);
  const max = Math.max(base.client, base.server) / Math.max(t.client, t.server);
  console.log(
    `${t.name.padEnd(36)} ${t.wall.toFixed(0).padStart(8)} ${t.client.toFixed(0).padStart(10)} ${t.server.toFixed(0).padStart(10)} ${(t.wall / base.wall).toFixed(2).padStart(7)} ${sum.toFixed(2).padStart(10)} ${max.toFixed(2).padStart(10)}`,
  );
}
await Promise.all(children.map((c) => c.stop()));
process.exit(0);
