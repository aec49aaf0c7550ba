/**
 * CPU time per call of the web transports, client and server in this one
 * process (`node --import tsx bench/web-cpu.ts [rounds] [filter]`, the filter a
 * substring of the case names, e.g. `ws`): process.cpuUsage()
 * around N calls, medians over alternating rounds. On a machine shared with other
 * work, throughput swings with the load while CPU per call stays put, so this is
 * the figure to compare there; `npm run bench -- --only web` is the wall-clock one.
 * `bare ws` is a `ws` client and server with no Thrift (the server turns each
 * request into its reply by setting the message type byte): the ceiling of any
 * Thrift stack on that package.
 */
import WebSocket, { WebSocketServer } from 'ws';
import { createHttpConnection, createHttpServer, createWebSocketServer, createWebSocketConnection, load } from '../src/index.js';
import { loadApache } from './peers.js';
import { once } from 'node:events';
import { FIXTURE } from './common.js';
const mod: any = load(FIXTURE);
const h = { ping() {}, echo: (v: unknown) => v };
const { thrift, Bench } = loadApache();
const web = thrift.createWebServer({ services: { '/': { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol, processor: Bench, handler: { ping: () => undefined, echo: (v: unknown) => v } } } });
await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
const ap = web.address().port;
const s1 = await createHttpServer(mod.Bench, h, { port: 0 });
const s2 = await createHttpServer(mod.Bench, h, { port: 0, http2: true });
const sw = await createWebSocketServer(mod.Bench, h, { port: 0 });
const c1: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${s1.address.port}/` });
const c2: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${s2.address.port}/`, http2: true });
const cw: any = await createWebSocketConnection(mod.Bench, { url: `ws://127.0.0.1:${sw.address.port}/`, WebSocket: WebSocket as any });
const ahc = thrift.createHttpClient(Bench, thrift.createHttpConnection('127.0.0.1', ap, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol }));
const wsc = thrift.createWSConnection('127.0.0.1', ap, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol }); wsc.open(); await once(wsc, 'open');
const awc = thrift.createWSClient(Bench, wsc);
const cross1: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${ap}/` });
const cross2 = thrift.createHttpClient(Bench, thrift.createHttpConnection('127.0.0.1', s1.address.port, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol }));
const bare = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await once(bare, 'listening');
bare.on('connection', (ws) => ws.on('message', (data: Buffer) => ((data[3] = 2), ws.send(data))));
const bareClient = new WebSocket(`ws://127.0.0.1:${(bare.address() as { port: number }).port}/`, { perMessageDeflate: false });
await once(bareClient, 'open');
/** ping(), seqid 1, binary protocol; replies come back in order, so a queue of resolvers matches them. */
const PING = Buffer.from([0x80, 1, 0, 1, 0, 0, 0, 4, 0x70, 0x69, 0x6e, 0x67, 0, 0, 0, 1, 0]);
const waiting: (() => void)[] = [];
let head = 0;
bareClient.on('message', () => {
  waiting[head++]!();
  if (head === waiting.length) waiting.length = head = 0;
});
const barePing = (): Promise<void> => new Promise<void>((resolve) => (waiting.push(resolve), bareClient.send(PING)));
const all: [string, () => Promise<unknown>][] = [['ours h1', () => c1.ping()], ['apache h1', () => ahc.ping()], ['ours h2c', () => c2.ping()], ['ours ws', () => cw.ping()], ['apache ws', () => awc.ping()], ['bare ws (no Thrift)', barePing], ['our client->apache srv', () => cross1.ping()], ['apache client->our srv', () => cross2.ping()]];
const cases = all.filter(([n]) => n.includes(process.argv[3] ?? ''));
async function measure(call: () => Promise<unknown>, k: number, n: number): Promise<number> {
  const t = process.cpuUsage(); let left = n;
  await Promise.all(Array.from({ length: k }, async () => { while (left-- > 0) await call(); }));
  const d = process.cpuUsage(t); return (d.user + d.system) / n;
}
const res: Record<string, number[]> = {};
for (let r = 0; r < Number(process.argv[2] ?? 5); r++) for (const [n, c] of (r % 2 ? [...cases].reverse() : cases)) for (const k of [1, 64]) { const v = await measure(c, k, r === 0 ? 300 : 2000); if (r > 0) (res[`${n} k=${k}`] ??= []).push(v); }
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(34), 'cpu µs/call', med(v).toFixed(0), '  rounds', v.map(Math.round).join(' '));
process.exit(0);
