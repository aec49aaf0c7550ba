/** The published shape: `npm run build` writes dist/, and both module systems load it through the exports map. */
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('..', import.meta.url).pathname;

test('npm run build writes ESM, CommonJS and .d.ts that load through the exports map', () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  const script = `
    const fixture = ${JSON.stringify(new URL('./fixtures/echo.thrift', import.meta.url).pathname)};
    const check = async (t, p, tr) => {
      const mod = t.load(fixture);
      const [a, b] = tr.createMemoryPair();
      t.serveConnection(b, new t.Processor(mod.Echo, { echoI32: (v) => v }, { protocol: p.compactProtocol }));
      const c = t.createClient(mod.Echo, a, { protocol: p.compactProtocol });
      const v = await c.echoI32(7);
      await c.close();
      return v + ':' + (typeof t.ThriftError) + ':' + (typeof p.binaryProtocol.measure);
    };
  `;
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `${script}
    const t = await import('thrift-streams'); const p = await import('thrift-streams/protocol'); const tr = await import('thrift-streams/transport');
    console.log(await check(t, p, tr));`], { cwd: root, encoding: 'utf8' });
  assert.is(esm.trim(), '7:function:function');
  const cjs = execFileSync(process.execPath, ['-e', `${script}
    const t = require('thrift-streams'); const p = require('thrift-streams/protocol'); const tr = require('thrift-streams/transport');
    check(t, p, tr).then((v) => console.log(v));`], { cwd: root, encoding: 'utf8' });
  assert.is(cjs.trim(), '7:function:function');
  const dts = execFileSync('ls', ['dist/types/index.d.ts', 'dist/types/protocol/index.d.ts', 'dist/types/transport/index.d.ts'], { cwd: root, encoding: 'utf8' });
  assert.is(dts.trim().split('\n').length, 3);
});

test.run();
