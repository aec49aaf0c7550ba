/**
 * The core end-to-end suite (test/e2e/rpc.test.ts: server and client over TCP,
 * buffered and framed, pool, exceptions, oneway, timeouts, lifecycle) under Bun and
 * Deno, with the binaries the devDependencies @oven/bun-linux-x64 and
 * @deno/linux-x64-glibc ship. Each runtime runs test/run.ts itself, uvu and all.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bunPath, denoPath, has } from '../helpers/peers.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

const runtimes: [name: 'bun' | 'deno', binary: string | undefined, args: string[]][] = [
  ['bun', bunPath(), ['test/run.ts', 'e2e/rpc.test']],
  // --sloppy-imports: our sources import siblings as ./x.js, which Deno otherwise will not map to x.ts.
  ['deno', denoPath(), ['run', '-A', '--sloppy-imports', 'test/run.ts', 'e2e/rpc.test']],
];

for (const [name, binary, args] of runtimes) {
  if (!has(name, `runtimes: the core e2e suite under ${name}`)) continue;
  test(`the core e2e suite passes under ${name}`, async () => {
    const version = (await run(binary!, ['--version'], { cwd: root })).stdout.split('\n')[0]!.replace(/^deno /, '').trim();
    // NO_COLOR keeps Deno's warnings plain; the closing line is plain in every runtime.
    const r = await run(binary!, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 }).catch((e) => e as { stdout: string; stderr: string; code: number });
    const closing = /uvu: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(r.stdout);
    assert.ok(closing, `${name} printed no closing line:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    const [, passed, failed] = closing!.map(Number);
    console.log(`\n  ${name} ${version}: ${passed} passed, ${failed} failed`);
    assert.is(failed, 0, r.stdout.slice(-3000));
    assert.ok(passed! > 0);
    assert.is((r as { code?: number }).code ?? 0, 0);
  });
}

test.run();
