/**
 * Case 5's child, run by Node, Bun or Deno alike: codec case 1b (binary; ours,
 * V8's or JavaScriptCore's JSON, protobufjs) and the ping RPC (our server and
 * our client in this one process, sequential and 64 in flight). Prints one
 * JSON line of medians. Arguments: --rounds N --codec-ms MS --rpc-ms MS.
 */
import { createConnection, createServer, load } from '../src/index.js';
import { binaryProtocol } from '../src/protocol/index.js';
import { jsonCodec, nestedAsJson, protobufNested } from './anchors.js';
import { oursCodec } from './codec.js';
import { FIXTURE, median, opsPerSecond } from './common.js';
import { makePayload } from './payloads.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const rounds = opt('rounds', 3);
const codecMs = opt('codec-ms', 300);
const rpcMs = opt('rpc-ms', 600);

const mod = load(FIXTURE) as any;
const value = makePayload(mod, 'nested') as any;
const pb = protobufNested(value);
const codecs: [string, { encode(v: unknown): unknown; decode(x: any): unknown }, unknown][] = [
  ['ours', oursCodec(binaryProtocol, mod.Nested.schema), value],
  ['json', jsonCodec, nestedAsJson(value)],
  ['protobufjs', pb.codec, pb.value],
];
const codec: Record<string, number[]> = {};
for (let round = -1; round < rounds; round++) {
  for (const [name, c, v] of codecs) {
    const ops = opsPerSecond(() => c.decode(c.encode(v)), round < 0 ? codecMs / 2 : codecMs);
    if (round >= 0) (codec[name] ??= []).push(ops);
  }
}

/** Calls per second over about `ms`, keeping `inFlight` calls outstanding. */
async function rate(call: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  const until = t0 + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await call();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - t0);
}

const server = await createServer(mod.Bench, { ping() {}, echo: (v: unknown) => v }, { port: 0, host: '127.0.0.1', transport: 'framed' });
const conn: any = await createConnection(mod.Bench, { port: server.address.port, host: '127.0.0.1', transport: 'framed' });
const rpc: Record<string, number[]> = { seq: [], inflight64: [] };
await rate(() => conn.ping(), 64, rpcMs / 2);
for (let round = 0; round < rounds; round++) {
  rpc.seq!.push(await rate(() => conn.ping(), 1, rpcMs));
  rpc.inflight64!.push(await rate(() => conn.ping(), 64, rpcMs));
}
await conn.close();
await server.close();

const med = (o: Record<string, number[]>): Record<string, number> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
console.log(JSON.stringify({ codec: med(codec), ping: med(rpc) }));
process.exit(0);
