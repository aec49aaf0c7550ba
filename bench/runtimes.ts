/**
 * Case 5, every runtime: bench/runtime-child.ts under Node, Bun and Deno (the
 * binaries of the devDependencies @oven/bun-linux-x64 and @deno/linux-x64-glibc),
 * one after another, each measuring codec case 1b against its own JSON and
 * protobufjs and our ping RPC. A runtime whose binary is missing is reported, not skipped silently.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR, type RunConfig } from './common.js';
import type { Row } from './report.js';

const RUNTIMES: [name: string, binary: string, args: string[]][] = [
  ['node', process.execPath, ['--import', 'tsx']],
  ['bun', join(REPO_DIR, 'node_modules/@oven/bun-linux-x64/bin/bun'), []],
  // Deno needs --sloppy-imports for the sources' .js specifiers of .ts files.
  ['deno', join(REPO_DIR, 'node_modules/@deno/linux-x64-glibc/deno'), ['run', '-A', '--sloppy-imports']],
];

interface ChildResult {
  codec: Record<'ours' | 'json' | 'protobufjs', number>;
  ping: Record<'seq' | 'inflight64', number>;
}

function runChild(binary: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd: REPO_DIR, timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${binary} failed: ${err.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`${binary}: no result line in ${JSON.stringify(stdout)}`));
      }
    });
  });
}

/** Runs case 5 on every runtime whose binary is present. */
export async function runRuntimes(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, binary, pre] of RUNTIMES) {
    if (only && !only(name)) continue;
    if (!existsSync(binary)) {
      log(`  runtimes: ${name} missing at ${binary} (npm ci installs it)`);
      continue;
    }
    const r = await runChild(binary, [...pre, 'bench/runtime-child.ts', '--rounds', String(cfg.rounds), '--codec-ms', String(cfg.codecMs), '--rpc-ms', String(cfg.rpcMs)]);
    log(`  runtimes: ${name} done`);
    rows.push({
      family: 'runtime',
      name: `5 codec 1b binary on ${name}`,
      unit: 'ops/s',
      median: { ours: r.codec.ours, json: r.codec.json, protobufjs: r.codec.protobufjs },
      rounds: {},
      targets: [{ against: 'json', min: 2 }, { against: 'protobufjs', min: 3 }],
    });
    rows.push({ family: 'runtime', name: `5 ping sequential on ${name} (one process)`, unit: 'calls/s', median: { ours: r.ping.seq }, rounds: {}, targets: [] });
    rows.push({ family: 'runtime', name: `5 ping 64 in flight on ${name} (one process)`, unit: 'calls/s', median: { ours: r.ping.inflight64 }, rounds: {}, targets: [] });
  }
  return rows;
}
