/**
 * Runs every `*.test.ts` under test/ with uvu, one file after another, then prints
 * the plain closing line `uvu: N passed, N failed, K skipped` that CI reads (the
 * first two numbers first). A suite whose Debian peer is missing is skipped by name
 * (test/helpers/peers.ts); under REQUIRE_PEERS=1 each such skip counts as a failure.
 * Usage: node --import tsx test/run.ts [substring-filter...]
 * UVU_BAIL=1 exits (code 1) at the first failing test: mutation runs use it to kill a mutant fast.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PeerMissing, peerFailures, peerSkips, peersRequired } from './helpers/peers.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
// A hung test must fail the run, not stall CI: the whole suite has this budget. It leaves
// room for the packed-tarball consumer test (npm pack, npm install, five tsc runs) and the
// Bun and Deno runs on a loaded 2-core machine.
const budgetMs = Number(process.env.TEST_BUDGET_MS ?? 12 * 60_000);

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = walk(root, []).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));

// uvu counts tests but prints its own summary; capture the numbers from it.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 4096) captured = captured.slice(-4096);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const watchdog = setTimeout(() => {
  console.error(`\ntest run exceeded its budget of ${budgetMs} ms; a test is hung`);
  console.log('uvu: 0 passed, 1 failed, 0 skipped');
  process.exit(1);
}, budgetMs);
watchdog.unref();

(globalThis as Record<string, unknown>).UVU_DEFER = 1;
const uvu = await import('uvu');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
let index = 0;
for (const file of files) {
  (globalThis as Record<string, unknown>).UVU_INDEX = index++;
  queue.push([relative(root, file)]);
  try {
    await import(pathToFileURL(file).href);
  } catch (e) {
    // needs() left this file out: it is listed below, not a crash.
    if (!(e instanceof PeerMissing)) throw e;
  }
}
await uvu.exec(process.env.UVU_BAIL === '1');

const strip = captured.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(strip)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(strip)?.[1] ?? 0);
for (const s of peerSkips) {
  const verdict = peersRequired ? 'FAILED (REQUIRE_PEERS=1)' : 'skipped';
  console.log(`${verdict} (needs ${s.peer}: ${s.install}): ${s.what}`);
}
for (const f of peerFailures) console.log(`FAILED: ${f}`);
const skipped = peersRequired ? 0 : peerSkips.length;
const failed = total - passed + (peersRequired ? peerSkips.length : 0) + peerFailures.length;
console.log(`uvu: ${passed} passed, ${failed} failed, ${skipped} skipped`);
// uvu sets the exit code for failed tests but not for a suite whose before hook threw
// (it then counts that suite's tests without running them): fail on any shortfall.
if (failed > 0) process.exitCode = 1;
if (total === 0 && peerSkips.length === 0) {
  console.error('no test ran');
  process.exitCode = 1;
}
// Sockets or timers left open by a test must not keep CI waiting.
setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
