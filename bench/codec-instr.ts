/**
 * Codec case 1b under `valgrind --tool=callgrind`: instruction counts do not
 * depend on the machine's load, so they compare implementations reliably where
 * ops/s cannot. Run one implementation per process with N iterations, and once
 * with 0, and subtract:
 *
 *   npx esbuild bench/codec-instr.ts --bundle --platform=node --format=esm --outfile=/tmp/ci.mjs \
 *     --external:thrift --external:thriftrw   # (tsx's start-up would dominate under valgrind)
 *   WARM=1000 valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded /tmp/ci.mjs ours-binary 300
 *
 * (the bundle needs bench/fixtures beside it). `--single-threaded` keeps the
 * optimizing compiler and the GC on the counted thread at the same points of
 * every run; without it counts vary by a fifth between identical runs.
 * Implementations: ours-binary, ours-compact, json, protobufjs. The warm-up
 * (WARM iterations, default 1,000) happens in both runs.
 */
import { load } from '../src/index.js';
import { binaryProtocol, compactProtocol } from '../src/protocol/index.js';
import { jsonCodec, nestedAsJson, protobufNested } from './anchors.js';
import { oursCodec } from './codec.js';
import { FIXTURE } from './common.js';
import { makePayload } from './payloads.js';

const [which = 'ours-binary', nArg = '1000'] = process.argv.slice(2);
const n = Number(nArg);
const mod = load(FIXTURE) as any;
const value = makePayload(mod, 'nested') as any;
let codec: { encode(v: unknown): unknown; decode(x: any): unknown };
let v: unknown = value;
switch (which) {
  case 'ours-binary': codec = oursCodec(binaryProtocol, mod.Nested.schema); break;
  case 'ours-compact': codec = oursCodec(compactProtocol, mod.Nested.schema); break;
  case 'json': codec = jsonCodec; v = nestedAsJson(value); break;
  case 'protobufjs': { const p = protobufNested(value); codec = p.codec; v = p.value; break; }
  default: throw new Error(`unknown implementation ${which}`);
}
let sink = 0;
const loop = (k: number): void => {
  for (let i = 0; i < k; i++) sink ^= (codec.decode(codec.encode(v)) as object) === v ? 1 : 0;
};
loop(Number(process.env.WARM ?? 1000));
const t0 = process.hrtime.bigint();
loop(n);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${which} n=${n} ${ms.toFixed(1)} ms ${sink}`);
