/** A server in its own process, so a test can kill it mid-call: args [transport] [port | unix path], prints `LISTENING <port>` or `LISTENING <path>`. */
import { createServer, load } from '../../src/index.js';
import { echoHandler } from './echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const transport = (process.argv[2] ?? 'buffered') as 'buffered' | 'framed';
const where = process.argv[3];
const at = where === undefined ? { port: 0 } : /^\d+$/.test(where) ? { port: Number(where) } : { path: where };
const server = await createServer(mod.Echo, echoHandler(mod), { ...at, transport });
process.stdout.write(`LISTENING ${server.address.path ?? server.address.port}\n`);
