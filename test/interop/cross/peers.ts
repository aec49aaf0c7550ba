/**
 * Runs the peers of the cross suite as child processes: Debian's python3-thrift
 * (through /usr/bin/python3, the only interpreter that imports it) and Apache's
 * Node library (npm `thrift`), each on code the real compiler generates from
 * test/idl/fixtures/ThriftTest.thrift at test time. A server prints `LISTENING <port>`;
 * a client runs a cases file and prints one JSON report. Every child is killed
 * on every path; a missing peer fails the test with the reason.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { schemaOf, type ThriftModule } from '../../../src/index.js';
import type { Check, PeerName, ProtocolName, TransportName } from './cases.js';
import type { ClientReport } from './our-client.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Apache's ThriftTest IDL, without uuid (Debian's 0.17 compiler predates it). */
// Apache's ThriftTest IDL (no uuid: Debian's 0.17 compiler reads it), shared with the IDL tests.
export const IDL_PATH = join(here, '..', '..', 'idl', 'fixtures', 'ThriftTest.thrift');
/** Debian's python3-thrift is installed for the system interpreter only, not the pyenv one on PATH. */
const PYTHON = '/usr/bin/python3';

const SCRIPTS: Record<PeerName, { command: string; server: string; client: string }> = {
  python: { command: PYTHON, server: join(here, 'peers', 'python-server.py'), client: join(here, 'peers', 'python-client.py') },
  node: { command: process.execPath, server: join(here, 'peers', 'node-server.cjs'), client: join(here, 'peers', 'node-client.cjs') },
};

// Budgets for a peer to come up, to finish its checks and to exit; exceeding one fails the test.
const LISTEN_TIMEOUT_MS = 15_000;
const CLIENT_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 5_000;

/** Where a peer runs: its wire settings. */
export interface PeerSettings {
  protocol: ProtocolName;
  transport: TransportName;
  multiplexed: boolean;
}

const children = new Set<ChildProcess>();
// Last resort if the runner exits with a peer still alive (a finally normally got there first).
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(peer: PeerName, script: string, args: string[]): ChildProcess {
  const child = spawn(SCRIPTS[peer].command, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Without a listener, a failed spawn (ENOENT) would be thrown as an uncaught error.
  child.once('error', () => children.delete(child));
  return child;
}

/** Kills a child this module started and waits until it has exited. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function spawnError(peer: PeerName, err: NodeJS.ErrnoException): Error {
  if (err.code === 'ENOENT' && peer === 'python') {
    return new Error(`${PYTHON} is missing (Debian: apt-get install python3 python3-thrift)`, { cause: err });
  }
  return err;
}

function settingsArgs(s: PeerSettings): string[] {
  return ['--protocol', s.protocol, '--transport', s.transport, ...(s.multiplexed ? ['--multiplexed'] : [])];
}

/** Runs Apache's compiler on the IDL for one generator, into `outDir`. */
function compile(generator: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('thrift', ['--gen', generator, '-out', outDir, IDL_PATH], (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? 'the Apache Thrift compiler `thrift` is not on PATH (Debian: apt-get install thrift-compiler)'
            : `thrift --gen ${generator} ${IDL_PATH} failed: ${stderr || err.message}`,
          { cause: err },
        ),
      );
    });
  });
}

interface Generated {
  root: string;
  dirs: Record<PeerName, string>;
}
let generated: Promise<Generated> | undefined;
/** Generates both peers' code once per run into a fresh temp directory, removed at exit. */
function generate(): Promise<Generated> {
  generated ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'thrift-streams-cross-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    const dirs = { python: join(root, 'py'), node: join(root, 'node') };
    for (const dir of Object.values(dirs)) mkdirSync(dir);
    await compile('py', dirs.python);
    await compile('js:node', dirs.node);
    return { root, dirs };
  })();
  return generated;
}

let casesWritten = 0;
/** Writes checks for a peer client to a file: the checks, and the IDL fields of every struct. */
export async function writeCasesFile(mod: ThriftModule, checks: Check[]): Promise<string> {
  const { root } = await generate();
  const structFields: Record<string, string[]> = {};
  for (const s of schemaOf(mod).structs) structFields[s.name] = s.fields.map((f) => f.name);
  const file = join(root, `cases-${++casesWritten}.json`);
  writeFileSync(file, JSON.stringify({ checks, structFields }));
  return file;
}

/** A running peer server. */
export interface PeerServer {
  readonly port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a peer's ThriftTest server on an ephemeral port; resolves once it printed `LISTENING <port>`. */
export async function startPeerServer(peer: PeerName, settings: PeerSettings): Promise<PeerServer> {
  const { dirs } = await generate();
  const child = launch(peer, SCRIPTS[peer].server, [...settingsArgs(settings), '--gen', dirs[peer]]);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${peer} server printed no LISTENING line within ${LISTEN_TIMEOUT_MS} ms; stderr: ${stderr}`)),
        LISTEN_TIMEOUT_MS,
      );
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const m = /^LISTENING (\d+)$/.exec(line);
        if (!m) return;
        clearTimeout(timer);
        lines.close();
        // Keep draining stdout so that a chatty server can never block on a full pipe.
        child.stdout!.resume();
        resolve(Number(m[1]));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${peer} server exited (${code ?? signal}) before listening; stderr: ${stderr}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(spawnError(peer, err));
      });
    });
    return { port, stop: () => stop(child) };
  } catch (err) {
    await stop(child);
    throw err;
  }
}

/** Runs a peer's ThriftTest client over the checks of `casesFile` against a server; returns its report. */
export async function runPeerClient(peer: PeerName, settings: PeerSettings & { port: number; casesFile: string }): Promise<ClientReport> {
  const { dirs } = await generate();
  const child = launch(peer, SCRIPTS[peer].client, [
    ...settingsArgs(settings),
    '--gen', dirs[peer],
    '--port', String(settings.port),
    '--cases', settings.casesFile,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${peer} client did not finish within ${CLIENT_TIMEOUT_MS} ms; stderr: ${stderr}`)),
        CLIENT_TIMEOUT_MS,
      );
      // 'close' (not 'exit') so that stdout has been read to its end.
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(spawnError(peer, err));
      });
    });
    if (code !== 0) throw new Error(`${peer} client exited with ${code}; stderr: ${stderr.slice(-2000)}`);
    const last = stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as ClientReport;
    } catch {
      throw new Error(`${peer} client printed no JSON report; stdout: ${stdout.slice(-2000)}; stderr: ${stderr.slice(-2000)}`);
    }
  } finally {
    await stop(child);
  }
}
