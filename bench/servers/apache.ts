/**
 * Apache Thrift's Node server for the Bench service, over TBinaryProtocol:
 * `--transport buffered|framed --gen <dir of thrift --gen js:node output>`.
 * Prints `LISTENING <port>`; see control.ts.
 */
import { loadApache } from '../peers.js';
import { args, serveControl } from './control.js';

const a = args();
const { thrift, Bench } = loadApache(a.gen);
// Promise style: Apache's processor picks it when a handler declares exactly the IDL's parameters.
const handler = {
  ping: () => undefined,
  echo: (v: unknown) => v,
};
const server = thrift.createServer(Bench, handler, {
  transport: a.transport === 'framed' ? thrift.TFramedTransport : thrift.TBufferedTransport,
  protocol: thrift.TBinaryProtocol,
});
server.listen(0, '127.0.0.1', () => {
  serveControl();
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
