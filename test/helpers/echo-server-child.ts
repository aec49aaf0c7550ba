/** A server in its own process, so a test can kill it mid-call: args [transport] [port], prints `LISTENING <port>`. */
import { createServer, load } from '../../src/index.js';
import { echoHandler } from './echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const transport = (process.argv[2] ?? 'buffered') as 'buffered' | 'framed';
const server = await createServer(mod.Echo, echoHandler(mod), { port: Number(process.argv[3] ?? 0), transport });
process.stdout.write(`LISTENING ${server.address.port}\n`);
