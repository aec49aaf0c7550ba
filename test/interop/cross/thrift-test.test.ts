/**
 * Apache's cross-language test, ThriftTest (test/idl/fixtures/ThriftTest.thrift), between
 * thrift-streams and the real peers: Debian's python3-thrift and Apache's Node
 * library. Every peer × direction (our client → their server, their client →
 * our server) × protocol (binary, compact, json) × transport (buffered, framed;
 * THeader with binary or compact inside, info headers round-tripped on every
 * call, and for python zlib off and on) runs the same checks (cases.ts), plus
 * multiplexed (ThriftTest and SecondService on one port) over binary and
 * compact. Each peer's client against its own server runs too, as a check of
 * the harness, reported apart.
 *
 * Every peer client of every setting calls ONE thrift-streams server started
 * with default options (transport and protocol 'auto', multiplexed with
 * ThriftTest as the default service): it recognises each connection's framing
 * and protocol. A peer's server is started once per setting. Settings run a
 * few at a time. One matrix is printed at the end, and any failed check fails its test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, load, type Interceptor, type ThriftModule, type ThriftServer } from '../../../src/index.js';
import { checksFor, type CellChecks, type PeerName, type ProtocolName, type ServerKind, type TransportName } from './cases.js';
import { secondServiceHandler, thriftTestHandler } from './handler.js';
import { runOurClient, type ClientReport } from './our-client.js';
import { IDL_PATH, runPeerClient, startPeerServer, writeCasesFile, type PeerSettings } from './peers.js';
import { needs } from '../../helpers/peers.js';

needs(['thrift-compiler', 'python3-thrift'], 'cross suite: ThriftTest against Python and Apache Node, every protocol and transport');

const PEERS: readonly PeerName[] = ['python', 'node'];
const PROTOCOLS: readonly ProtocolName[] = ['binary', 'compact', 'json'];
const TRANSPORTS: readonly TransportName[] = ['buffered', 'framed', 'header', 'header-zlib'];
const MULTIPLEXED_PROTOCOLS: readonly ProtocolName[] = ['binary', 'compact'];
/** THeader carries binary or compact (HeaderFormat.md protocol ids; Apache's peers know no other). */
const HEADER_PROTOCOLS: readonly ProtocolName[] = ['binary', 'compact'];
/** Which peer runs which setting: Apache's Node library implements no THeader transform (zlib). */
function supports(peer: PeerName, s: PeerSettings): boolean {
  if (!s.transport.startsWith('header')) return true;
  return HEADER_PROTOCOLS.includes(s.protocol) && (peer === 'python' || s.transport === 'header');
}

/**
 * Whether the peer's own server runs a setting. Apache's Node server answers a
 * THeader request without a header (its processors flush the inner protocol:
 * the reply leaves as unframed binary, 0x80010002...), so only its client runs THeader.
 */
function serverSupports(peer: PeerName, s: PeerSettings): boolean {
  return supports(peer, s) && !(peer === 'node' && s.transport.startsWith('header'));
}

const runs = (peer: PeerName, direction: Direction, s: PeerSettings): boolean =>
  direction === 'peer-to-ours' ? supports(peer, s) : serverSupports(peer, s);
/** Settings in flight at once: each holds a server and two clients, on a 2-core machine. */
const PARALLEL_SETTINGS = 3;

const SETTINGS: readonly PeerSettings[] = [
  ...PROTOCOLS.flatMap((protocol) => TRANSPORTS.map((transport) => ({ protocol, transport, multiplexed: false }))),
  ...MULTIPLEXED_PROTOCOLS.flatMap((protocol) => TRANSPORTS.map((transport) => ({ protocol, transport, multiplexed: true }))),
].filter((s) => PEERS.some((peer) => supports(peer, s)));

type Direction = 'ours-to-peer' | 'peer-to-ours' | 'peer-to-peer';
const DIRECTIONS: Record<Direction, (peer: PeerName) => string> = {
  'ours-to-peer': (peer) => `thrift-streams client -> ${peer} server`,
  'peer-to-ours': (peer) => `${peer} client -> thrift-streams server`,
  'peer-to-peer': (peer) => `${peer} client -> ${peer} server`,
};

/** The outcome of one cell: a client's report, or why the cell could not run. */
interface CellResult {
  report?: ClientReport;
  error?: unknown;
  excluded: CellChecks['excluded'];
}

let loaded: ThriftModule | undefined;
function mod(): ThriftModule {
  loaded ??= load(IDL_PATH);
  return loaded;
}

const cellKey = (peer: PeerName, direction: Direction, s: PeerSettings) =>
  `${peer}|${direction}|${s.protocol}|${s.transport}|${s.multiplexed ? 'multiplexed' : 'plain'}`;

/** Cell results by key, each settled exactly once (never rejected). */
const cells = new Map<string, { promise: Promise<CellResult>; resolve: (r: CellResult) => void }>();
for (const peer of PEERS) {
  for (const direction of Object.keys(DIRECTIONS) as Direction[]) {
    for (const s of SETTINGS) {
      if (!runs(peer, direction, s)) continue;
      let resolve!: (r: CellResult) => void;
      const promise = new Promise<CellResult>((r) => (resolve = r));
      cells.set(cellKey(peer, direction, s), { promise, resolve });
    }
  }
}

/** Runs one cell's client and settles the cell; never throws. */
async function runCell(
  peer: PeerName,
  direction: Direction,
  s: PeerSettings,
  server: ServerKind,
  run: (list: CellChecks) => Promise<ClientReport>,
): Promise<void> {
  const list = checksFor({ peer, protocol: s.protocol, server, multiplexed: s.multiplexed });
  let result: CellResult;
  try {
    result = { report: await run(list), excluded: list.excluded };
  } catch (error) {
    result = { error, excluded: list.excluded };
  }
  cells.get(cellKey(peer, direction, s))!.resolve(result);
}

/** A peer's server for one setting, with our client and the peer's own client against it. */
async function peerServerSetting(peer: PeerName, s: PeerSettings): Promise<void> {
  let server;
  try {
    server = await startPeerServer(peer, s);
  } catch (error) {
    for (const direction of ['ours-to-peer', 'peer-to-peer'] as const) {
      cells.get(cellKey(peer, direction, s))!.resolve({ error, excluded: [] });
    }
    return;
  }
  const port = server.port;
  try {
    await Promise.all([
      runCell(peer, 'ours-to-peer', s, peer, (list) => runOurClient(mod(), { ...s, port, checks: list.checks })),
      runCell(peer, 'peer-to-peer', s, peer, async (list) =>
        runPeerClient(peer, { ...s, port, casesFile: await writeCasesFile(mod(), list.checks) }),
      ),
    ]);
  } finally {
    await server.stop();
  }
}

/** Puts each request's THeader info headers on its reply as echo-<key>, as the peers' servers here do. */
const echoHeaders: Interceptor = (next) => (call) => {
  const context = call.context;
  if (context !== undefined) for (const [k, v] of Object.entries(context.headers)) context.responseHeaders[`echo-${k}`] = v;
  return next(call);
};

let shared: Promise<ThriftServer> | undefined;
/** The one thrift-streams server of the run: default options (auto-detection), both services, ThriftTest for plain clients. */
function ourServer(): Promise<ThriftServer> {
  const m = mod();
  shared ??= createServer(
    { ThriftTest: [m.ThriftTest, thriftTestHandler(m)], SecondService: [m.SecondService, secondServiceHandler()] },
    { host: '127.0.0.1', port: 0, defaultService: 'ThriftTest', interceptors: [echoHeaders] },
  );
  return shared;
}

/** Every peer's client of one setting against the shared server. */
async function ourServerSetting(s: PeerSettings): Promise<void> {
  const peers = PEERS.filter((peer) => supports(peer, s));
  let server: ThriftServer;
  try {
    server = await ourServer();
  } catch (error) {
    for (const peer of peers) cells.get(cellKey(peer, 'peer-to-ours', s))!.resolve({ error, excluded: [] });
    return;
  }
  const port = server.address.port!;
  await Promise.all(
    peers.map((peer) =>
      runCell(peer, 'peer-to-ours', s, 'thrift-streams', async (list) =>
        runPeerClient(peer, { ...s, port, casesFile: await writeCasesFile(mod(), list.checks) }),
      ),
    ),
  );
}

let everything: Promise<void> | undefined;
/** Starts every setting, PARALLEL_SETTINGS at a time; resolves when all cells have settled. */
function runAll(): Promise<void> {
  everything ??= (async () => {
    const jobs: (() => Promise<void>)[] = [];
    for (const s of SETTINGS) {
      jobs.push(() => ourServerSetting(s));
      for (const peer of PEERS) if (serverSupports(peer, s)) jobs.push(() => peerServerSetting(peer, s));
    }
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) await jobs[next++]!();
    };
    try {
      await Promise.all(Array.from({ length: PARALLEL_SETTINGS }, worker));
    } finally {
      if (shared !== undefined) await shared.then((server) => server.close(), () => {});
    }
  })();
  return everything;
}

// ---------------------------------------------------------------------------
// The matrix

function describe(s: PeerSettings): string {
  return `${s.protocol}, ${s.transport}${s.multiplexed ? ', multiplexed' : ''}`;
}

function resultText(r: CellResult): string {
  const na = r.excluded.length ? ` (${r.excluded.length} n/a)` : '';
  if (!r.report) {
    const why = r.error instanceof Error ? r.error.message : String(r.error);
    return `did not run: ${why.split('\n')[0]!.slice(0, 110)}`;
  }
  const slowest = r.report.slowestMs === undefined ? '' : `  slowest call ${r.report.slowestMs} ms`;
  return `${String(r.report.passed).padStart(3)} passed ${String(r.report.failed).padStart(3)} failed${slowest}${na}`;
}

async function printMatrix(): Promise<void> {
  const row = async (peer: PeerName, direction: Direction, s: PeerSettings) => {
    const r = await cells.get(cellKey(peer, direction, s))!.promise;
    return `  ${peer.padEnd(7)} ${DIRECTIONS[direction](peer).padEnd(38)} ${s.protocol.padEnd(8)} ${s.transport.padEnd(11)} ${(s.multiplexed ? 'mux' : '-').padEnd(4)} ${resultText(r)}`;
  };
  const header = `  ${'peer'.padEnd(7)} ${'direction'.padEnd(38)} ${'protocol'.padEnd(8)} ${'transport'.padEnd(11)} ${'mux'.padEnd(4)} checks`;
  const main: string[] = [];
  const harness: string[] = [];
  for (const peer of PEERS) {
    for (const direction of ['ours-to-peer', 'peer-to-ours'] as const) {
      for (const s of SETTINGS) if (runs(peer, direction, s)) main.push(await row(peer, direction, s));
    }
    for (const s of SETTINGS) if (runs(peer, 'peer-to-peer', s)) harness.push(await row(peer, 'peer-to-peer', s));
  }
  const excluded = new Set<string>();
  for (const { promise } of cells.values()) for (const e of (await promise).excluded) excluded.add(`  n/a: ${e.name}: ${e.why}`);
  const notes = [...excluded];
  console.log(
    `\nThriftTest cross-language matrix (test/idl/fixtures/ThriftTest.thrift):\n${header}\n${main.join('\n')}\n` +
      `\nHarness check, each peer's client against its own server:\n${header}\n${harness.join('\n')}\n` +
      (notes.length ? `\nLeft out where a peer cannot pass them (documented in cases.ts):\n${notes.join('\n')}\n` : ''),
  );
}

test.before(() => {
  void runAll();
});

test.after(async () => {
  // Every child process and server is gone once every setting has finished.
  await runAll();
  await printMatrix();
});

async function assertCell(peer: PeerName, direction: Direction, s: PeerSettings): Promise<void> {
  const r = await cells.get(cellKey(peer, direction, s))!.promise;
  const who = `${DIRECTIONS[direction](peer)} (${describe(s)})`;
  if (!r.report) throw r.error instanceof Error ? r.error : new Error(`${who}: ${String(r.error)}`);
  const detail = r.report.failures.map((f) => `\n  - ${f.name}: ${f.error}`).join('');
  assert.ok(r.report.total > 0, `${who}: ran no check`);
  assert.is(r.report.failed, 0, `${who}: ${r.report.failed} of ${r.report.total} checks failed:${detail}`);
  assert.is(r.report.passed, r.report.total, `${who}: passed ${r.report.passed} of ${r.report.total}`);
}

for (const peer of PEERS) {
  for (const s of SETTINGS) {
    if (runs(peer, 'ours-to-peer', s)) {
      test(`${peer}: our client passes every check against the ${peer} server (${describe(s)})`, () =>
        assertCell(peer, 'ours-to-peer', s));
    }
    if (runs(peer, 'peer-to-ours', s)) {
      test(`${peer}: the ${peer} client passes every check against our server (${describe(s)})`, () =>
        assertCell(peer, 'peer-to-ours', s));
    }
    if (runs(peer, 'peer-to-peer', s)) {
      test(`harness: the ${peer} client passes every check against the ${peer} server (${describe(s)})`, () =>
        assertCell(peer, 'peer-to-peer', s));
    }
  }
}

test.run();
