/**
 * Runs Apache Thrift's Node library as a peer for the interop tests: generates
 * its code for fixtures/interop.thrift and fixtures/interop-plus.thrift with the
 * real compiler, and starts
 * peers/apache-server.cjs and peers/apache-client.cjs as child processes that
 * are always killed, whatever path the test takes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The two transports both libraries speak. */
export type TransportName = 'buffered' | 'framed';

/** The protocol an Apache peer speaks; `strictWrite: false` makes its binary client write old-style message headers. */
export interface ApacheWire {
  protocol: 'binary' | 'compact';
  strictWrite: boolean;
}

/** Whose server a client talks to: it decides the TApplicationExceptions to expect. */
export type ServerKind = 'thrift-streams' | 'apache';

/**
 * The TApplicationExceptions each server sends (doc/specs/thrift-rpc.md types):
 * INTERNAL_ERROR (6) for an undeclared handler error and UNKNOWN_METHOD (1), as
 * the C++, Java and Python servers do. Apache's Node server sends every one
 * without its type field (TApplicationException.write in lib/thrift/thrift.js
 * tests `this.code`, which is never set), so the type reads as UNKNOWN (0) and
 * only the message tells the cases apart. peers/apache-client.cjs keeps the same table.
 */
export const APP_ERRORS: Record<ServerKind, Record<'undeclared' | 'unknownMethod', { type: number; message?: string }>> = {
  'thrift-streams': { undeclared: { type: 6 }, unknownMethod: { type: 1 } },
  apache: {
    undeclared: { type: 0, message: 'undeclared: boom' },
    unknownMethod: { type: 0, message: 'Unknown function notOnServer' },
  },
};

/** What peers/apache-client.cjs prints. */
export interface ApacheClientReport {
  passed: number;
  failed: number;
  total: number;
  failures: { name: string; error: string }[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** The IDL every interop test speaks. */
export const IDL_PATH = join(here, 'fixtures', 'interop.thrift');
/** InteropPlus (Interop plus a function no Interop server implements) and InteropSkew; it includes IDL_PATH. */
export const PLUS_IDL_PATH = join(here, 'fixtures', 'interop-plus.thrift');
const SERVER_SCRIPT = join(here, 'peers', 'apache-server.cjs');
const CLIENT_SCRIPT = join(here, 'peers', 'apache-client.cjs');

// Budgets for a peer to come up and to finish every check; exceeding one fails the test.
const LISTEN_TIMEOUT_MS = 10_000;
const CLIENT_TIMEOUT_MS = 120_000;
const EXIT_TIMEOUT_MS = 5_000;

const children = new Set<ChildProcess>();
// Last resort if the runner exits with a peer still alive (a test's finally normally got there first).
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills a child this module started and waits until it has exited. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Runs Apache's compiler on one IDL, into `outDir`. */
function compile(idl: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('thrift', ['--gen', 'js:node', '-out', outDir, idl], (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? 'the Apache Thrift compiler `thrift` is not on PATH (Debian: apt-get install thrift-compiler)'
            : `thrift --gen js:node ${idl} failed: ${stderr || err.message}`,
          { cause: err },
        ),
      );
    });
  });
}

let generated: Promise<string> | undefined;
/**
 * Generates Apache's Node code for the IDL once per run, into a fresh directory
 * under the OS temp dir, and returns that directory. Fails (never skips) when
 * the compiler is missing.
 */
export function apacheGenDir(): Promise<string> {
  generated ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-interop-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    // Both files into one directory: InteropPlus.js requires ./Interop.js beside it.
    for (const idl of [IDL_PATH, PLUS_IDL_PATH]) await compile(idl, dir);
    return dir;
  })();
  return generated;
}

/** A running peers/apache-server.cjs. */
export interface ApacheServer {
  readonly port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts Apache's server on an ephemeral port and resolves once it printed `LISTENING <port>`. */
export async function startApacheServer(transport: TransportName, protocol: ApacheWire['protocol'] = 'binary'): Promise<ApacheServer> {
  const gen = await apacheGenDir();
  const child = track(
    spawn(process.execPath, [SERVER_SCRIPT, '--transport', transport, '--protocol', protocol, '--gen', gen], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`apache-server printed no LISTENING line within ${LISTEN_TIMEOUT_MS} ms; stderr: ${stderr}`)),
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
        reject(new Error(`apache-server exited (${code ?? signal}) before listening; stderr: ${stderr}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return { port, stop: () => stop(child) };
  } catch (err) {
    await stop(child);
    throw err;
  }
}

/**
 * Runs peers/apache-client.cjs against a server and returns its report.
 * `server` names whose server it is (see APP_ERRORS); `wire` the protocol (binary with strict headers by default).
 */
export async function runApacheClient(opts: {
  port: number;
  transport: TransportName;
  server: ServerKind;
  wire?: ApacheWire;
}): Promise<ApacheClientReport> {
  const gen = await apacheGenDir();
  const child = track(
    spawn(
      process.execPath,
      [
        CLIENT_SCRIPT,
        '--port', String(opts.port),
        '--transport', opts.transport,
        '--gen', gen,
        '--server', opts.server,
        '--protocol', opts.wire?.protocol ?? 'binary',
        '--strict-write', String(opts.wire?.strictWrite ?? true),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`apache-client did not finish within ${CLIENT_TIMEOUT_MS} ms; stderr: ${stderr}`)),
        CLIENT_TIMEOUT_MS,
      );
      // 'close' (not 'exit') so that stdout has been read to its end.
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    if (code !== 0) throw new Error(`apache-client exited with ${code}; stderr: ${stderr}`);
    const last = stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as ApacheClientReport;
    } catch {
      throw new Error(`apache-client printed no JSON report; stdout: ${stdout}; stderr: ${stderr}`);
    }
  } finally {
    await stop(child);
  }
}
