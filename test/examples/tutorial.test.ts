/**
 * examples/tutorial: Apache's Node tutorial (Calculator extends SharedService) as it
 * was (examples/tutorial/apache, on the npm `thrift` package with code from
 * `thrift --gen js:node`) and as ported (examples/tutorial), in all four pairings:
 * each client prints the same lines, each server sees every call (the oneway zip too).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/peers.js';
import { runTutorialClient } from '../../examples/tutorial/calculator.js';
import { run, start, type Child } from './children.js';

needs('thrift-compiler', "examples/tutorial against Apache's Node library (code from thrift --gen js:node)");

const dir = fileURLToPath(new URL('../../examples/tutorial/', import.meta.url));
const EXPECTED = ['ping()', '1+1=2', 'InvalidOperation Cannot divide by 0', '15-10=5', 'Check log: 5', 'zip()'];
const SERVER_SAW = ['ping()', 'add(1, 1)', 'calculate(1, {4, 1, 0})', 'calculate(1, {2, 15, 10})', 'getStruct(1)', 'zip()'];

const test = suite<{ gen: string }>('tutorial', { gen: '' });

test.before(async (ctx) => {
  ctx.gen = mkdtempSync(join(tmpdir(), 'thrift-streams-tutorial-'));
  for (const idl of ['tutorial.thrift', 'shared.thrift']) await run('thrift', ['--gen', 'js:node', '-out', ctx.gen, join(dir, idl)]);
});

test.after((ctx) => rmSync(ctx.gen, { recursive: true, force: true }));

const servers: Record<string, (gen: string) => Child> = {
  apache: (gen) => start(process.execPath, [join(dir, 'apache/server.cjs'), gen, '0']),
  ported: () => start(process.execPath, ['--import', 'tsx', join(dir, 'server.ts')], { PORT: '0' }),
};

const clients: Record<string, (gen: string, port: number) => Promise<string[]>> = {
  apache: async (gen, port) => {
    const child = start(process.execPath, [join(dir, 'apache/client.cjs'), gen, String(port)]);
    assert.is(await child.exited, 0, "Apache's client exits cleanly");
    return child.lines;
  },
  ported: (_gen, port) => runTutorialClient(port, () => {}),
};

for (const server of Object.keys(servers)) {
  for (const client of Object.keys(clients)) {
    test(`${client} client → ${server} server: the tutorial's lines, and the server sees every call`, async ({ gen }) => {
      const child = servers[server](gen);
      try {
        const port = Number((await child.line(/^LISTENING \d+$/)).slice('LISTENING '.length));
        assert.equal(await clients[client](gen, port), EXPECTED);
        await child.line(/^zip\(\)$/, 5000);
        assert.equal(child.lines.slice(1), SERVER_SAW);
      } finally {
        await child.stop();
      }
    });
  }
}

test.run();
