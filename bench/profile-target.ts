/**
 * The client side of a profiled case, run by profile.ts under --cpu-prof:
 *
 *   profile-target.ts codec <size>-<protocol> <ms>        e.g. codec blob-binary 5000
 *   profile-target.ts rpc <payload>-<mode>-<transport> <port> <ms>   e.g. rpc echo-b-framed 40123 5000
 *   profile-target.ts web ws-<mode> <port> <ms>           e.g. web ws-b 40123 5000 (our WebSocket client, ping)
 *
 * Runs only our implementation, for about <ms>, then exits normally so the profile is written.
 */
import WebSocket from 'ws';
import { createWebSocketConnection, load, type WebSocketConstructor } from '../src/index.js';
import { binaryProtocol, compactProtocol } from '../src/protocol/index.js';
import { FIXTURE } from './common.js';
import { oursCodec } from './codec.js';
import { CODEC_CASES, makeNested, makePayload } from './payloads.js';
import { drive, MODES, oursClients } from './rpc.js';

const [family, id, ...rest] = process.argv.slice(2);
const mod = load(FIXTURE) as any;
if (family === 'codec') {
  const [size, proto] = id!.split('-');
  const c = CODEC_CASES.find((x) => x.id === size);
  if (!c) throw new Error(`unknown codec case ${id}`);
  const codec = oursCodec(proto === 'compact' ? compactProtocol : binaryProtocol, mod[c.struct].schema);
  const value = makePayload(mod, c.id);
  const end = performance.now() + Number(rest[0]);
  let ops = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 16; i++) codec.decode(codec.encode(value));
    ops += 16;
  }
  console.log(`${ops} ops`);
} else if (family === 'rpc') {
  const [payload, mode, transport] = id!.split('-') as ['ping' | 'echo', 'a' | 'b' | 'c', 'framed' | 'buffered'];
  const clients = await oursClients(mod, Number(rest[0]), transport, makeNested(mod));
  const rate = await drive(clients.calls[payload][mode], MODES[mode].callers, Number(rest[1]));
  console.log(`${rate.toFixed(0)} calls/s`);
  await clients.close();
} else if (family === 'web') {
  const mode = id!.split('-')[1];
  const client: any = await createWebSocketConnection(mod.Bench, { url: `ws://127.0.0.1:${rest[0]}/`, WebSocket: WebSocket as unknown as WebSocketConstructor });
  const rate = await drive(() => client.ping(), mode === 'b' ? 64 : 1, Number(rest[1]));
  console.log(`${rate.toFixed(0)} calls/s`);
  await client.close();
} else {
  throw new Error(`unknown family ${family}`);
}
process.exit(0);
