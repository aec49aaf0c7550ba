/** examples/cluster: one service on one port served by two worker processes; SIGTERM drains calls in flight. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, load, type ServiceClient } from '../../src/index.js';
import { within } from '../helpers/wait.js';

const example = fileURLToPath(new URL('../../examples/cluster/server.ts', import.meta.url));
const mod = load(fileURLToPath(new URL('../../examples/cluster/cluster.thrift', import.meta.url)));

test('two workers share one port, connections are spread over both, and SIGTERM lets a call in flight finish', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', example], {
    env: { ...process.env, WORKERS: '2', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const conns: ServiceClient[] = [];
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await within(lines.next(), 20_000, 'both workers to listen');
    const port = Number(/^LISTENING (\d+)$/.exec(String(first.value))?.[1]);
    for (let i = 0; i < 6; i++) conns.push(await createConnection(mod.Cluster, { port, transport: 'framed', timeout: 10_000 }));
    const pids = new Set(await Promise.all(conns.map((c) => c.pid())));
    assert.is(pids.size, 2, `connections reached ${pids.size} worker(s)`);
    assert.not.ok(pids.has(child.pid!), 'the primary serves nothing itself');
    const inflight = conns.map((c) => c.slow(300));
    // Let the calls reach the workers before the signal: each connection answers one ping first.
    await Promise.all(conns.map((c) => c.ping()));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.equal(await within(Promise.all(inflight), 10_000, 'the calls in flight to finish'), [300, 300, 300, 300, 300, 300]);
    const [code] = await within(exited, 10_000, 'the primary to exit');
    assert.is(code, 0);
  } finally {
    for (const c of conns) c.destroy();
    child.kill('SIGKILL');
  }
});

test.run();
