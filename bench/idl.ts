/**
 * Case 4, IDL load: a generated 3,000-line IDL loaded cold, each load in a
 * fresh process (idl-child.ts), ours and thriftrw's run-time loader taking
 * turns. The target is issue 14's, absolute: < 35 ms cold. The cold load's CPU time is
 * shown too: on a machine shared with other work, it stays put while wall time waits.
 * thriftrw is shown for scale.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, REPO_DIR, median, rotate, type RunConfig } from './common.js';
import { generateIdl } from './idl-gen.js';
import type { Impl, Row } from './report.js';

const LINES = 3000;

function child(impl: Impl, file: string): Promise<{ cold: number; warm: number; coldCpu: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'idl-child.ts'), impl, file], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    p.once('error', reject);
    p.once('exit', (code) => {
      const m = /^IDL (\S+) (\S+) (\S+)$/m.exec(out);
      if (code !== 0 || !m) return reject(new Error(`idl-child ${impl} failed (${code}): ${err}`));
      resolve({ cold: Number(m[1]), warm: Number(m[2]), coldCpu: Number(m[3]) });
    });
  });
}

/** Runs case 4. */
export async function runIdl(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  if (only && !only('idl')) return [];
  const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-idl-'));
  const file = join(dir, 'gen.thrift');
  writeFileSync(file, generateIdl(LINES));
  try {
    const cold = new Map<Impl, number[]>();
    const warm = new Map<Impl, number[]>();
    const coldCpu = new Map<Impl, number[]>();
    for (let i = 0; i < cfg.idlRuns; i++) {
      for (const impl of rotate<Impl>(['ours', 'thriftrw'], i)) {
        const r = await child(impl, file);
        cold.set(impl, [...(cold.get(impl) ?? []), r.cold]);
        warm.set(impl, [...(warm.get(impl) ?? []), r.warm]);
        coldCpu.set(impl, [...(coldCpu.get(impl) ?? []), r.coldCpu]);
      }
    }
    log(`  idl: ${cfg.idlRuns} cold loads each`);
    const med = (m: Map<Impl, number[]>): Row['median'] => Object.fromEntries([...m].map(([k, v]) => [k, median(v)]));
    return [
      {
        family: 'idl',
        name: `4 load() ${LINES}-line IDL, cold`,
        unit: 'ms',
        lowerIsBetter: true,
        median: med(cold),
        rounds: Object.fromEntries(cold),
        targets: [{ against: 'abs', max: 35 }],
      },
      {
        family: 'idl',
        name: `4 load() ${LINES}-line IDL, cold, CPU time`,
        unit: 'ms',
        lowerIsBetter: true,
        median: med(coldCpu),
        rounds: Object.fromEntries(coldCpu),
        targets: [],
      },
      {
        family: 'idl',
        name: `4 load() ${LINES}-line IDL, warm`,
        unit: 'ms',
        lowerIsBetter: true,
        median: med(warm),
        rounds: Object.fromEntries(warm),
        targets: [],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
