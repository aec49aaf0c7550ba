/** Child processes for the example tests: started, read line by line, always killed. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { within } from '../helpers/wait.js';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A running child: the lines it printed so far, a wait for one, and a kill. */
export interface Child {
  readonly lines: string[];
  /** Resolves once a line matching `pattern` was printed (or rejects after `ms`). */
  line(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with its exit code once it ended by itself. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `command args`, collecting stdout lines; stderr goes to ours. */
export function start(command: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.add(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters) w();
  });
  return {
    lines,
    exited,
    line(pattern, ms = 20_000) {
      return within(
        new Promise<string>((resolve) => {
          const check = (): void => {
            const found = lines.find((l) => pattern.test(l));
            if (found === undefined) return;
            waiters.delete(check);
            resolve(found);
          };
          waiters.add(check);
          check();
        }),
        ms,
        `a line matching ${pattern} from ${command} ${args.join(' ')}`,
      );
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs a command to its end; rejects with its stderr on failure. */
export function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))),
  );
}
