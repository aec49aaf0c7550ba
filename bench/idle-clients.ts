/**
 * Holds idle connections for the 10,000-connection memory case in a process of
 * its own, so they count against its open-file limit, not the bench process's.
 * Prints `LISTENING 0` once it takes commands; `open <port> <n> <framed|buffered>`
 * opens n connections, makes one ping call on each and answers `OPENED <n>`; the
 * connections stay open until stdin closes.
 */
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import { load } from '../src/index.js';
import { FIXTURE } from './common.js';
import { openIdle, pingRequest } from './memory.js';

const mod = load(FIXTURE) as any;
const held: Socket[] = [];
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, port, n, transport] = line.trim().split(' ');
  if (cmd !== 'open') return;
  openIdle(Number(port), Number(n), pingRequest(mod, transport as 'framed' | 'buffered')).then(
    (sockets) => {
      held.push(...sockets);
      process.stdout.write(`OPENED ${sockets.length}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`idle-clients: ${String(e)}\n`);
      process.exit(1);
    },
  );
});
lines.once('close', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
process.stdout.write('LISTENING 0\n');
