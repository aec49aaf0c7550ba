/**
 * One cold IDL load in a fresh process (spawned by idl.ts):
 * `idl-child.ts ours|thriftrw <file>`. The loader's modules are imported first
 * and not counted; the first load() is timed (cold: nothing compiled or
 * cached yet), then 10 more (warm). Prints `IDL <cold ms> <warm median ms> <cold CPU ms>`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { load } from '../src/index.js';

const [impl, file] = process.argv.slice(2);
const require = createRequire(import.meta.url);
let run: () => unknown;
if (impl === 'ours') {
  run = () => load(file!);
} else {
  const { Thrift } = require('thriftrw');
  run = () => new Thrift({ source: readFileSync(file!, 'utf8'), strict: false, allowOptionalArguments: true });
}
const c0 = process.cpuUsage();
const t0 = performance.now();
run();
const cold = performance.now() - t0;
const c1 = process.cpuUsage(c0);
// CPU time of the cold load: what other load on the machine leaves unchanged (wall time waits for it).
const coldCpu = (c1.user + c1.system) / 1000;
const warm: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  run();
  warm.push(performance.now() - t);
}
warm.sort((a, b) => a - b);
process.stdout.write(`IDL ${cold} ${(warm[4]! + warm[5]!) / 2} ${coldCpu}\n`);
