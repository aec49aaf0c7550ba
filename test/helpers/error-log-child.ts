/**
 * A server without onError in its own process (so the process-wide stderr budget
 * is fresh): a client calls `fail` `argv[2]` times, then it exits. The test reads its stderr.
 */
import { createConnection, createServer, load } from '../../src/index.js';
import { echoHandler } from './echo-handler.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const server = await createServer(mod.Echo, echoHandler(mod), { port: 0 });
const conn = await createConnection(mod.Echo, { port: server.address.port, timeout: 5000 });
const messages: string[] = [];
for (let i = 0; i < Number(process.argv[2] ?? 1); i++) messages.push(await conn.fail(`boom secret ${i}`).then(() => 'resolved', (e: Error) => e.message));
process.stdout.write(`${JSON.stringify(messages)}\n`);
conn.destroy();
server.destroy();
