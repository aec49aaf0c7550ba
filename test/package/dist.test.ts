/** The published shape: `npm run build` writes dist/, and both module systems load it through the exports map. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../..', import.meta.url).pathname;

test('npm run build writes ESM, CommonJS and .d.ts that load through the exports map', () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  const script = `
    const fixture = ${JSON.stringify(new URL('../fixtures/echo.thrift', import.meta.url).pathname)};
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

test('an error made by the CommonJS build is instanceof the ESM build\'s class, and the reverse', () => {
  // Runs after the build above: both copies of errors.js are loaded into one process.
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
    const { createRequire } = await import('node:module');
    const esm = await import('thrift-streams');
    const cjs = createRequire(process.cwd() + '/')('thrift-streams');
    const fromCjs = new cjs.TimeoutError('t');
    const fromEsm = new esm.ConnectionClosedError('c');
    console.log(JSON.stringify([
      esm.TimeoutError !== cjs.TimeoutError,
      fromCjs instanceof esm.TimeoutError, fromCjs instanceof esm.ThriftError, fromCjs instanceof esm.ConnectionClosedError,
      fromEsm instanceof cjs.ConnectionClosedError, fromEsm instanceof cjs.TimeoutError,
      new cjs.FrameTooLargeError(2, 1) instanceof esm.TransportError, new esm.TransportError('x') instanceof cjs.FrameTooLargeError,
      new Error('plain') instanceof esm.ThriftError,
    ]));`], { cwd: root, encoding: 'utf8' });
  assert.equal(JSON.parse(out), [true, true, true, false, true, false, true, false, false]);
});

test('error names survive minification', async () => {
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [new URL('../../src/errors.ts', import.meta.url).pathname], bundle: true, minify: true, format: 'cjs', write: false, platform: 'neutral' });
  const errors = { exports: {} as Record<string, new (...a: any[]) => Error> };
  new Function('module', 'exports', result.outputFiles[0].text)(errors, errors.exports);
  const names = Object.entries(errors.exports).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error);
  assert.ok(names.length >= 10);
  for (const [exported, Cls] of names) {
    const error = exported === 'IdlError' ? new Cls('m', 'f', 1, 1) : exported === 'HttpStatusError' ? new Cls('u', 500) : new Cls('m', 'TRANSPORT');
    assert.is(error.name, exported);
  }
});

test('esbuild --bundle --platform=browser with no other flag: the browser entry, and user code importing thrift-streams', async () => {
  // Runs after the build above. A scratch app whose node_modules/thrift-streams is this package.
  const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-app-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'thrift-streams'), 'dir');
    const idl = 'service Echo { i32 echoI32(1: i32 v) }';
    writeFileSync(join(dir, 'app.js'), `
      import { loadSource, createHttpConnection, ThriftError } from 'thrift-streams';
      import { framed } from 'thrift-streams/transport';
      import { binaryProtocol } from 'thrift-streams/protocol';
      export const names = [typeof loadSource(${JSON.stringify(idl)}).Echo, typeof createHttpConnection, typeof ThriftError, typeof framed, typeof binaryProtocol.measure];
    `);
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    for (const [entry, out] of [['app.js', 'app.bundle.mjs'], [join(root, 'dist', 'esm', 'browser.js'), 'browser.bundle.mjs']]) {
      execFileSync(esbuild, [entry, '--bundle', '--platform=browser', '--format=esm', `--outfile=${out}`, '--log-level=error'], { cwd: dir, stdio: 'pipe' });
      const text = readFileSync(join(dir, out), 'utf8');
      assert.not.match(text, /["'`]node:|\brequire\(/, `${out} names no Node built-in`);
    }
    const app = await import(pathToFileURL(join(dir, 'app.bundle.mjs')).href);
    assert.equal(app.names, ['object', 'function', 'function', 'function', 'function']);
    const lib = await import(pathToFileURL(join(dir, 'browser.bundle.mjs')).href);
    assert.is(typeof lib.createWebSocketConnection, 'function');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
