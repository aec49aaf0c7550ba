/**
 * Case 5, web transports on loopback (issue 19): `ping` over HTTP/1.1 POST,
 * HTTP/2 and WebSocket, one call at a time and 64 in flight, ours (client and
 * server) against Apache's `createWebServer` with its HTTP and WebSocket clients,
 * binary protocol. Apache's Node library has no HTTP/2, so the HTTP/2 lines compare
 * ours over h2c with Apache over HTTP/1.1. The `cross` lines pair one side of ours
 * with one of Apache's (our client → Apache's server as `ours`, Apache's client →
 * our server as `apache`), to tell which side costs. Servers are child processes.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createHttpConnection, createWebSocketConnection, load, type WebSocketConstructor } from '../src/index.js';
import { BENCH_DIR, FIXTURE, median, rotate, startChild, type Child, type RunConfig } from './common.js';
import { apacheGenDir, loadApache } from './peers.js';
import type { Impl, Row, Target } from './report.js';
import { drive } from './rpc.js';

type Kind = 'http' | 'h2' | 'ws' | 'cross';
type Mode = 'a' | 'b';

const MODES: Record<Mode, { label: string; callers: number }> = {
  a: { label: '1 in flight', callers: 1 },
  b: { label: '64 in flight', callers: 64 },
};

const LABELS: Record<Kind, string> = {
  http: '5 HTTP/1.1',
  h2: '5 HTTP/2 (h2c) vs Apache HTTP/1.1',
  ws: '5 WebSocket',
  cross: '5 HTTP/1.1 cross: ours=our client→Apache server, apache=Apache client→our server',
};

/** The targets, ours / apache. */
const TARGETS: Record<Kind, Record<Mode, Target[]>> = {
  http: { a: [{ against: 'apache', min: 1 }], b: [{ against: 'apache', min: 1 }] },
  h2: { a: [], b: [{ against: 'apache', min: 3 }] },
  ws: { a: [{ against: 'apache', min: 1.5 }], b: [{ against: 'apache', min: 2.5 }] },
  cross: { a: [], b: [] },
};

type Call = () => Promise<unknown>;

/** Apache's HTTP client (node:http, the global keep-alive agent) on `port`. */
function apacheHttp(port: number): { call: Call; close(): void } {
  const { thrift, Bench } = loadApache();
  const connection = thrift.createHttpConnection('127.0.0.1', port, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol });
  connection.on('error', (e: Error) => console.error(`apache http client: ${e.message}`));
  const client = thrift.createHttpClient(Bench, connection);
  return { call: () => client.ping(), close() {} };
}

/** Apache's WebSocket client on `port`. */
async function apacheWs(port: number): Promise<{ call: Call; close(): void }> {
  const { thrift, Bench } = loadApache();
  const connection = thrift.createWSConnection('127.0.0.1', port, { path: '/', transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol });
  connection.on('error', (e: Error) => console.error(`apache ws client: ${e.message}`));
  connection.open();
  await once(connection, 'open');
  const client = thrift.createWSClient(Bench, connection);
  return { call: () => client.ping(), close: () => connection.close() };
}

interface Line {
  kind: Kind;
  mode: Mode;
  rate: Map<Impl, number[]>;
}

/** Runs case 5. `only` filters lines by id, e.g. `web-http-a`, `web-h2-b`, `web-ws-b`. */
export async function runWeb(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  const mod = load(FIXTURE) as any;
  const gen = apacheGenDir();
  const lines: Line[] = [];
  for (const kind of ['http', 'h2', 'ws', 'cross'] as const) {
    for (const mode of ['a', 'b'] as const) {
      if (only && !only(`web-${kind}-${mode}`)) continue;
      lines.push({ kind, mode, rate: new Map() });
    }
  }
  if (lines.length === 0) return [];

  const servers: Child[] = [];
  const closers: (() => unknown)[] = [];
  const calls = new Map<string, Call>();
  try {
    const oursWeb = join(BENCH_DIR, 'servers', 'ours-web.ts');
    const apache = await startChild(join(BENCH_DIR, 'servers', 'apache-web.ts'), ['--gen', gen]);
    servers.push(apache);
    const kinds = new Set(lines.map((l) => l.kind));
    const apacheHttpClient = apacheHttp(apache.port);
    if (kinds.has('http') || kinds.has('h2') || kinds.has('cross')) calls.set('apache-http', apacheHttpClient.call);
    if (kinds.has('http') || kinds.has('cross')) {
      const ours = await startChild(oursWeb, ['--kind', 'http']);
      servers.push(ours);
      const client: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${ours.port}/` });
      closers.push(() => client.close());
      calls.set('ours-http', () => client.ping());
      if (kinds.has('cross')) {
        const toApache: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${apache.port}/` });
        closers.push(() => toApache.close());
        calls.set('ours-cross', () => toApache.ping());
        calls.set('apache-cross', apacheHttp(ours.port).call);
      }
    }
    if (kinds.has('h2')) {
      const ours = await startChild(oursWeb, ['--kind', 'h2c']);
      servers.push(ours);
      const client: any = await createHttpConnection(mod.Bench, { url: `http://127.0.0.1:${ours.port}/`, http2: true });
      closers.push(() => client.close());
      calls.set('ours-h2', () => client.ping());
      calls.set('apache-h2', apacheHttpClient.call);
    }
    if (kinds.has('ws')) {
      const ours = await startChild(oursWeb, ['--kind', 'ws']);
      servers.push(ours);
      const client: any = await createWebSocketConnection(mod.Bench, { url: `ws://127.0.0.1:${ours.port}/`, WebSocket: WebSocket as unknown as WebSocketConstructor });
      closers.push(() => client.close());
      calls.set('ours-ws', () => client.ping());
      const a = await apacheWs(apache.port);
      closers.push(() => a.close());
      calls.set('apache-ws', a.call);
    }
    const key = (impl: Impl, kind: Kind): string => `${impl}-${kind}`;

    for (let round = -1; round < cfg.rounds; round++) {
      const ms = round < 0 ? cfg.rpcMs / 3 : cfg.rpcMs;
      for (const line of lines) {
        for (const impl of rotate<Impl>(['ours', 'apache'], round + 1)) {
          const call = calls.get(key(impl, line.kind))!;
          const rate = await drive(call, MODES[line.mode].callers, ms);
          if (round < 0) continue;
          const list = line.rate.get(impl) ?? [];
          list.push(rate);
          line.rate.set(impl, list);
        }
      }
      log(round < 0 ? '  web: warm-up done' : `  web: round ${round + 1}/${cfg.rounds}`);
    }
  } finally {
    await Promise.all(closers.map(async (c) => c()));
    await Promise.all(servers.map((s) => s.stop()));
  }
  return lines.map((line) => ({
    family: 'web',
    name: `${LABELS[line.kind]}, ${MODES[line.mode].label}, ping`,
    unit: 'calls/s',
    median: Object.fromEntries([...line.rate].map(([k, v]) => [k, median(v)])),
    rounds: Object.fromEntries(line.rate),
    targets: TARGETS[line.kind][line.mode],
  }));
}
