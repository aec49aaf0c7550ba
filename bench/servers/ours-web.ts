/**
 * Our web server for the Bench service, binary protocol: `--kind http|h2c|ws`
 * (HTTP/1.1 POST, cleartext HTTP/2, WebSocket). Prints `LISTENING <port>`; see control.ts.
 */
import { createHttpServer, createWebSocketServer, load } from '../../src/index.js';
import { FIXTURE } from '../common.js';
import { args, serveControl } from './control.js';

const a = args();
const mod = load(FIXTURE) as any;
const handler = {
  ping() {},
  echo(v: unknown) {
    return v;
  },
};
const server =
  a.kind === 'ws'
    ? await createWebSocketServer(mod.Bench, handler, { port: 0 })
    : await createHttpServer(mod.Bench, handler, { port: 0, http2: a.kind === 'h2c' });
serveControl();
process.stdout.write(`LISTENING ${server.address.port}\n`);
