/** A server in its own process, so a test can kill it mid-call: prints `LISTENING <port>`, or `LISTENING <path>` given a unix socket path. */
import { createServer, load } from '../../src/index.js';
import { echoHandler } from './echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const transport = (process.argv[2] ?? 'buffered') as 'buffered' | 'framed';
const path = process.argv[3];
const server = await createServer(mod.Echo, echoHandler(mod), path === undefined ? { port: 0, transport } : { path, transport });
process.stdout.write(`LISTENING ${server.address.path ?? server.address.port}\n`);
