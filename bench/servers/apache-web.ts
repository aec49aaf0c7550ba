/**
 * Apache Thrift's Node web server (`createWebServer`: HTTP POST and WebSocket on
 * one port) for the Bench service, TBufferedTransport + TBinaryProtocol:
 * `--gen <dir of thrift --gen js:node output>`. Prints `LISTENING <port>`; see control.ts.
 */
import { loadApache } from '../peers.js';
import { args, serveControl } from './control.js';

const a = args();
const { thrift, Bench } = loadApache(a.gen);
const handler = {
  ping: () => undefined,
  echo: (v: unknown) => v,
};
const server = thrift.createWebServer({
  services: { '/': { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol, processor: Bench, handler } },
});
server.listen(0, '127.0.0.1', () => {
  serveControl();
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
