/** Code generated with `--runtime thrift-streams/browser` runs on the browser entry alone. */
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, gen, removeScratch, repo, scratch } from '../types/generate.js';

test('generated code on the browser entry: a client and a processor over a memory pair', async () => {
  const dir = scratch('codegen-browser');
  const runtime = `./${relative(dir, join(repo, 'src/browser.js')).replace(/\\/g, '/')}`;
  try {
    gen(fixtures.echo, dir, ['--runtime', runtime]);
    const echo = await import(pathToFileURL(join(dir, 'echo.ts')).href);
    const browser = await import('../../src/browser.js');
    const { createMemoryPair } = await import('../../src/transport/memory.js');
    const [a, b] = createMemoryPair();
    browser.serveConnection(b, new browser.Processor(echo.Echo, { echoPoint: (p: unknown) => p, version: () => '1.0' }), { transport: 'framed' });
    const client = browser.createClient(echo.Echo, a, { transport: 'framed', timeout: 5000 });
    const p = await client.echoPoint(new echo.Point({ x: 1, y: 2 }));
    assert.instance(p, echo.Point);
    assert.is(p.color, echo.Color.GREEN);
    assert.is(await client.version(), '1.0');
    await client.close();
  } finally {
    removeScratch(dir);
  }
});

test.run();
