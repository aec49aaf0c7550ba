/**
 * Runs Apache Thrift's Node library as a peer for the interop tests: generates
 * its code for fixtures/interop.thrift with the real compiler, and starts
 * peers/apache-server.cjs and peers/apache-client.cjs as child processes that
 * are always killed, whatever path the test takes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The two transports both libraries speak over TBinaryProtocol. */
export type TransportName = 'buffered' | 'framed';

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

let generated: Promise<string> | undefined;
/**
 * Generates Apache's Node code for the IDL once per run, into a fresh directory
 * under the OS temp dir, and returns that directory. Fails (never skips) when
 * the compiler is missing.
 */
export function apacheGenDir(): Promise<string> {
  generated ??= new Promise<string>((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-interop-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFile('thrift', ['--gen', 'js:node', '-out', dir, IDL_PATH], (err, _stdout, stderr) => {
      if (!err) return resolve(dir);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? 'the Apache Thrift compiler `thrift` is not on PATH (Debian: apt-get install thrift-compiler)'
            : `thrift --gen js:node failed: ${stderr || err.message}`,
          { cause: err },
        ),
      );
    });
  });
  return generated;
}

/** A running peers/apache-server.cjs. */
export interface ApacheServer {
  readonly port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts Apache's server on an ephemeral port and resolves once it printed `LISTENING <port>`. */
export async function startApacheServer(transport: TransportName): Promise<ApacheServer> {
  const gen = await apacheGenDir();
  const child = track(
    spawn(process.execPath, [SERVER_SCRIPT, '--transport', transport, '--gen', gen], { stdio: ['ignore', 'pipe', 'pipe'] }),
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
 * `undeclaredType` is the TApplicationException type the server sends for an
 * undeclared handler error.
 */
export async function runApacheClient(opts: {
  port: number;
  transport: TransportName;
  undeclaredType: number;
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
        '--undeclared-type', String(opts.undeclaredType),
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
