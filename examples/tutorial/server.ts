/**
 * The tutorial's Calculator server: node --import tsx examples/tutorial/server.ts
 * (PORT, default 9090). Prints `LISTENING <port>`, then one line per call.
 */
import { createServer } from '../../src/index.js';
import { calculatorHandler, tutorial } from './calculator.js';

// Apache's server listened on every interface; ours binds 127.0.0.1 unless told otherwise (host: '0.0.0.0').
const server = await createServer(tutorial.Calculator, calculatorHandler(), { port: Number(process.env.PORT ?? 9090), transport: 'buffered', protocol: 'binary' });
console.log(`LISTENING ${server.address.port}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
