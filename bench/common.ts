/**
 * What every benchmark family shares: paths, the machine description, order
 * statistics, a time-boxed ops/s loop, and child processes that print a
 * `LISTENING <port>` line and are always killed when the run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The bench/ folder. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO_DIR = join(BENCH_DIR, '..');
/** The IDL all cases speak. */
export const FIXTURE = join(BENCH_DIR, 'fixtures', 'bench.thrift');
/** Where results and CPU profiles go. */
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** Knobs shared by the families; `--quick` shrinks them. */
export interface RunConfig {
  quick: boolean;
  /** Measured rounds (after the warm-up round). */
  rounds: number;
  /** Time budget of one codec measurement, ms. */
  codecMs: number;
  /** Time budget of one RPC measurement, ms. */
  rpcMs: number;
  /** Idle connections opened for the memory case. */
  connections: number;
  /** Cold IDL loads (fresh processes) per implementation. */
  idlRuns: number;
}

/** The configuration of a full run and of `--quick`. */
export function runConfig(quick: boolean): RunConfig {
  return quick
    ? { quick, rounds: 3, codecMs: 120, rpcMs: 300, connections: 2000, idlRuns: 3 }
    : { quick, rounds: 7, codecMs: 300, rpcMs: 900, connections: 2000, idlRuns: 7 };
}

/** The machine a run happened on, printed at the top and stored with the results. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** Describes this machine. */
export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0..100), nearest rank, of a non-empty list sorted ascending. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * Runs `op` repeatedly for about `budgetMs` and returns operations per second.
 * Batches grow until one takes a few ms, so the clock is read rarely.
 */
export function opsPerSecond(op: () => void, budgetMs: number): number {
  let batch = 1;
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    const t0 = now;
    for (let i = 0; i < batch; i++) op();
    ops += batch;
    now = performance.now();
    if (now - t0 < 5) batch *= 2;
  }
  return (ops * 1000) / (now - start);
}

/** Rotates `items` by `round`, so every implementation gets every position across rounds. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

const children = new Set<ChildProcess>();
// Last resort: no server outlives the run, whatever path it took.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** A child process that printed `LISTENING <port>`. */
export interface Child {
  readonly port: number;
  readonly process: ChildProcess;
  /** Sends one line on stdin and resolves with the next stdout line starting with `reply`. */
  ask(line: string, reply: string): Promise<string>;
  /** Kills the child and waits for it to exit. */
  stop(): Promise<void>;
}

/** This process's limits on open files (children inherit them): the soft one in force and the hard ceiling. */
export function openFileLimits(): { soft: number; hard: number } {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const n = (x: string): number => (x === 'unlimited' ? Infinity : Number(x));
    if (m) return { soft: n(m[1]!), hard: n(m[2]!) };
  } catch {
    // Not Linux: assume a generous limit and let connect() fail loudly if not.
  }
  return { soft: Infinity, hard: Infinity };
}

/**
 * Starts `node [nodeArgs] script args` and waits for its `LISTENING <port>` line.
 * With `openFiles`, the child's soft limit on open files is raised to it first
 * (through `sh -c ulimit -n`; the hard limit caps it), for cases that hold
 * thousands of sockets.
 */
export async function startChild(script: string, args: string[], nodeArgs: string[] = [], openFiles?: number): Promise<Child> {
  const argv = ['--import', 'tsx', ...nodeArgs, script, ...args];
  const { soft, hard } = openFileLimits();
  const raise = openFiles !== undefined && openFiles > soft && Number.isFinite(hard);
  const child = raise
    ? spawn('/bin/sh', ['-c', `ulimit -n ${Math.min(openFiles, hard)} && exec "$0" "$@"`, process.execPath, ...argv], { cwd: REPO_DIR, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { cwd: REPO_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const lines = createInterface({ input: child.stdout! });
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  let onListening: ((port: number) => void) | undefined;
  lines.on('line', (line) => {
    const m = /^LISTENING (\d+)$/.exec(line);
    if (m && onListening) return onListening(Number(m[1]));
    const i = waiting.findIndex((w) => line.startsWith(w.prefix));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not listen within 20 s; stderr: ${stderr}`)), 20_000);
    onListening = (p) => {
      clearTimeout(timer);
      onListening = undefined;
      resolve(p);
    };
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening; stderr: ${stderr}`));
    });
  });
  return {
    port,
    process: child,
    ask(line, reply) {
      return new Promise((resolve) => {
        waiting.push({ prefix: reply, resolve });
        child.stdin!.write(`${line}\n`);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Formats a number with 3 significant digits and a k/M suffix. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)}k`;
  if (a >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}
