/**
 * How to start a TypeScript file in the runtime this test runs under: Node needs
 * tsx, Bun runs TypeScript as is, Deno needs --sloppy-imports because our sources
 * import siblings as `./x.js` (the spelling Node's ESM resolution and tsc want).
 */
type Globals = typeof globalThis & { Bun?: unknown; Deno?: unknown };

/** The command and arguments that run `script` with `args` in the current runtime. */
export function tsCommand(script: string, args: readonly string[] = []): [string, string[]] {
  const g = globalThis as Globals;
  if (g.Deno !== undefined) return [process.execPath, ['run', '-A', '--sloppy-imports', script, ...args]];
  if (g.Bun !== undefined) return [process.execPath, [script, ...args]];
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}
