/**
 * examples/aiothrift: aiothrift's PingPong quickstart as ported, against Apache's
 * Python library (python3-thrift, code from `thrift --gen py`) both ways: our
 * client and pool against a Python server, a Python client against our server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { needs, SYSTEM_PYTHON } from '../helpers/peers.js';
import { run, start } from './children.js';

needs(['thrift-compiler', 'python3-thrift'], "examples/aiothrift against Apache's Python library (code from thrift --gen py)");

const dir = fileURLToPath(new URL('../../examples/aiothrift/', import.meta.url));
/** What both clients print: ping, add(5, 6), three adds through the pool, ping. */
const EXPECTED = ['pong', '11', '10', '11', '12', 'pong'];

const test = suite<{ gen: string }>('aiothrift', { gen: '' });

test.before(async (ctx) => {
  ctx.gen = mkdtempSync(join(tmpdir(), 'thrift-streams-aiothrift-'));
  await run('thrift', ['--gen', 'py', '-out', ctx.gen, join(dir, 'pingpong.thrift')]);
});

test.after((ctx) => rmSync(ctx.gen, { recursive: true, force: true }));

test('the ported client and pool against a python3-thrift server', async ({ gen }) => {
  const server = start(SYSTEM_PYTHON, [join(dir, 'py_server.py'), gen]);
  try {
    const port = (await server.line(/^LISTENING \d+$/)).slice('LISTENING '.length);
    const client = start(process.execPath, ['--import', 'tsx', join(dir, 'client.ts')], { PORT: port });
    assert.is(await client.exited, 0, 'the client exits cleanly');
    assert.equal(client.lines, EXPECTED);
  } finally {
    await server.stop();
  }
});

test('a python3-thrift client against the ported server', async ({ gen }) => {
  const server = start(process.execPath, ['--import', 'tsx', join(dir, 'server.ts')], { PORT: '0' });
  try {
    const port = (await server.line(/^LISTENING \d+$/)).slice('LISTENING '.length);
    const client = start(SYSTEM_PYTHON, [join(dir, 'py_client.py'), gen, port]);
    assert.is(await client.exited, 0, 'the Python client exits cleanly');
    assert.equal(client.lines, EXPECTED);
  } finally {
    await server.stop();
  }
});

test.run();
