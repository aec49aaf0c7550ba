/**
 * Our server for the Bench service: `--transport buffered|framed
 * --protocol binary|compact`. Prints `LISTENING <port>`; see control.ts.
 */
import { createServer, load } from '../../src/index.js';
import { FIXTURE } from '../common.js';
import { args, serveControl } from './control.js';

const a = args();
const mod = load(FIXTURE) as any;
const server = await createServer(
  mod.Bench,
  {
    ping() {},
    echo(v: unknown) {
      return v;
    },
  },
  { port: 0, transport: a.transport as 'buffered' | 'framed', protocol: (a.protocol ?? 'binary') as 'binary' },
);
serveControl();
process.stdout.write(`LISTENING ${server.address.port}\n`);
