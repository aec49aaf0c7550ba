/**
 * The package as users get it: `npm pack` (which runs prepack, the build), the tarball
 * installed into a scratch project, and there every entry of package.json `exports`
 * imported and required, the bin run, strict `tsc` (skipLibCheck false) in the
 * tsconfigs users have, and esbuild `--bundle --platform=browser` with no flags over
 * user code; each bundle then calls a real server. The scratch project installs from
 * npm's cache (the package's own dependencies) and borrows this repo's typescript,
 * esbuild and @types/node, so it needs no network.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createHttpServer, load, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const echoIdl = join(root, 'test/fixtures/echo.thrift');
/** The subpaths users can import, read from the exports map so a new entry is checked without editing this file. */
const entries = Object.keys(pkg.exports as Record<string, unknown>)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));

const test = suite<{ scratch: string; dir: string; server: ThriftServer; url: string }>('consumer of the packed tarball', { scratch: '', dir: '', server: undefined!, url: '' });

test.before(async (ctx) => {
  // The tarball and the project both live in this one folder, the only one after() removes.
  ctx.scratch = mkdtempSync(join(tmpdir(), 'thrift-streams-consumer-'));
  // prepack (the build) prints to the same stdout as --json would: find the tarball by name instead.
  execFileSync('npm', ['pack', '--pack-destination', ctx.scratch], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = join(ctx.scratch, readdirSync(ctx.scratch).find((f) => f.endsWith('.tgz'))!);
  const app = join(ctx.scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // thrift-streams/otel needs its optional peer @opentelemetry/api, which npm does not install
  // by itself: the project installs it beside the tarball, as the docs tell users to.
  const otelApi = `@opentelemetry/api@${JSON.parse(readFileSync(join(root, 'node_modules/@opentelemetry/api/package.json'), 'utf8')).version}`;
  execFileSync('npm', ['install', tarball, otelApi, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  for (const borrowed of ['typescript', '@types/node']) symlinkSync(join(root, 'node_modules', borrowed), join(app, 'node_modules', borrowed), 'dir');
  ctx.dir = app;
  const mod = load(echoIdl);
  ctx.server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/echo' });
  ctx.url = `http://127.0.0.1:${ctx.server.address.port}/echo`;
});

test.after(async (ctx) => {
  await ctx.server?.close();
  if (ctx.scratch.includes('thrift-streams-consumer-')) rmSync(ctx.scratch, { recursive: true, force: true });
});

test('the tarball holds the built dist/ that main, exports and bin point at', (ctx) => {
  const installed = join(ctx.dir, 'node_modules', pkg.name);
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') targets.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  for (const target of targets) assert.ok(readFileSync(join(installed, target)).length > 0, target);
});

test('every entry of exports loads by ESM import and by CommonJS require', async (ctx) => {
  const names = JSON.stringify(entries);
  const esm = await run(process.execPath, ['--input-type=module', '-e', `
    const out = {};
    for (const e of ${names}) out[e] = Object.keys(await import(e)).length;
    console.log(JSON.stringify(out));`], { cwd: ctx.dir });
  const cjs = await run(process.execPath, ['-e', `
    const out = {};
    for (const e of ${names}) out[e] = Object.keys(require(e)).length;
    console.log(JSON.stringify(out));`], { cwd: ctx.dir });
  const imported = JSON.parse(esm.stdout);
  const required = JSON.parse(cjs.stdout);
  assert.ok(entries.includes(`${pkg.name}/otel`), 'the otel entry is among them');
  for (const e of entries) {
    assert.ok(imported[e] > 0, `import ${e}`);
    assert.is(required[e], imported[e], `require ${e} has the same exports as import`);
  }
});

test('the bin: --version, -v, --help and gen', async (ctx) => {
  const bin = join(ctx.dir, 'node_modules/.bin/thrift-streams');
  for (const flag of ['--version', '-v']) assert.is((await run(bin, [flag], { cwd: ctx.dir })).stdout, `${pkg.version}\n`);
  assert.match((await run(bin, ['--help'], { cwd: ctx.dir })).stdout, /^Usage: thrift-streams gen <file\.thrift> -o <dir>/);
  for (const [runtime, out] of [['thrift-streams', 'gen-node'], ['thrift-streams/browser', 'gen-browser']]) {
    const r = await run(bin, ['gen', echoIdl, '-o', out, '--runtime', runtime], { cwd: ctx.dir });
    assert.match(r.stdout, /wrote .*echo\.ts/);
    assert.match(readFileSync(join(ctx.dir, out, 'echo.ts'), 'utf8'), new RegExp(`from "${runtime}"`));
  }
});

/** The strict part every consumer tsconfig shares: our .d.ts files are checked, not skipped. */
const strict = { strict: true, skipLibCheck: false, noEmit: true, target: 'es2022' };
/** Code that imports every entry in the module system its file extension picks. */
const importAll = (named: string) =>
  `${entries.map((e, i) => `import * as e${i} from '${e}';`).join('\n')}
${named}
export const loaded: unknown[] = [${entries.map((_, i) => `e${i}`).join(', ')}];
`;
const nodeUse = `import { load, createConnection, ThriftError, type ThriftModule } from 'thrift-streams';
import { Echo } from './gen-node/echo.js';
export async function call(): Promise<string> {
  const mod: ThriftModule = load('echo.thrift');
  const client = await createConnection(Echo, { port: 9090 });
  try { return await client.echoString('hi'); } catch (e) { return e instanceof ThriftError ? e.code : 'other'; } finally { await client.close(); void mod; }
}`;
const browserUse = `import { loadSource, createHttpConnection, ThriftError } from 'thrift-streams/browser';
import { Echo } from './gen-browser/echo.js';
export async function call(url: string): Promise<string> {
  void loadSource('service S {}', { path: 's.thrift' });
  const client = await createHttpConnection(Echo, { url });
  try { return await client.echoString('hi'); } catch (e) { return e instanceof ThriftError ? e.code : 'other'; } finally { await client.close(); }
}`;

/** The tsconfigs users have: name, compiler options, the file it checks and that file's text. */
const projects: [string, Record<string, unknown>, string, () => string][] = [
  ['nodenext ESM (lib es2023, @types/node)', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'], types: ['node'] }, 'esm.mts', () => importAll(nodeUse)],
  ['nodenext CommonJS (lib es2023, @types/node)', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'], types: ['node'] }, 'cjs.cts', () => importAll(nodeUse)],
  ['node16 CommonJS (lib es2023, @types/node)', { module: 'node16', moduleResolution: 'node16', lib: ['es2023'], types: ['node'] }, 'cjs16.cts', () => importAll(nodeUse)],
  ['bundler (lib esnext + dom, @types/node)', { module: 'esnext', moduleResolution: 'bundler', lib: ['esnext', 'dom'], types: ['node'] }, 'bundler.ts', () => importAll(nodeUse)],
  // TypeScript 7's default: `types` is [], so only the package's own reference brings @types/node in.
  ['nodenext ESM with types: [] (TypeScript 7 default; @types/node installed)', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'], types: [] }, 'esm7.mts', () => importAll(nodeUse)],
  ['browser (lib es2022 + dom, no @types/node)', { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] }, 'browser.ts', () => browserUse],
];

test('strict tsc (skipLibCheck false) passes in every tsconfig users have', async (ctx) => {
  const results = await Promise.all(
    projects.map(async ([name, options, file, text], i) => {
      writeFileSync(join(ctx.dir, file), text());
      writeFileSync(join(ctx.dir, `tsconfig.${i}.json`), JSON.stringify({ compilerOptions: { ...strict, ...options }, files: [file] }));
      try {
        await run(process.execPath, [join(ctx.dir, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${i}.json`], { cwd: ctx.dir });
        return [name, 'pass'];
      } catch (e) {
        return [name, `FAIL\n${(e as { stdout?: string }).stdout?.trim().split('\n').slice(0, 8).join('\n')}`];
      }
    }),
  );
  console.log(`\n  consumer tsc matrix (entries: ${entries.join(', ')}):\n${results.map(([n, r]) => `    ${n}: ${r}`).join('\n')}`);
  for (const [name, result] of results) assert.is(result, 'pass', name);
});

/** User code for the browser: calls the echo server over HTTP and prints what came back. */
const bundleApps: [string, string, string][] = [
  ['thrift-streams (the main entry, built for the browser)', 'app-main.js', `import { loadSource, createHttpConnection } from 'thrift-streams';
const mod = loadSource(globalThis.ECHO_IDL, { path: 'echo.thrift' });
const client = await createHttpConnection(mod.Echo, { url: globalThis.ECHO_URL, timeout: 5000 });
console.log(JSON.stringify([await client.echoString('main'), String(await client.add(2, 40n))]));
await client.close();`],
  ['thrift-streams/browser', 'app-browser.js', `import { loadSource, createHttpConnection } from 'thrift-streams/browser';
const mod = loadSource(globalThis.ECHO_IDL, { path: 'echo.thrift' });
const client = await createHttpConnection(mod.Echo, { url: globalThis.ECHO_URL, timeout: 5000 });
console.log(JSON.stringify([await client.echoString('browser'), String(await client.add(2, 40n))]));
await client.close();`],
  ['code from gen --runtime thrift-streams/browser', 'app-gen.ts', `import { createHttpConnection } from 'thrift-streams/browser';
import { Echo, Point } from './gen-browser/echo.js';
const client = await createHttpConnection(Echo, { url: (globalThis as any).ECHO_URL, timeout: 5000 });
const p = await client.echoPoint(new Point({ x: 1, y: 2 }));
console.log(JSON.stringify([await client.echoString('gen'), String(await client.add(2, 40n)), p instanceof Point]));
await client.close();`],
];
const expected: Record<string, unknown[]> = {
  'app-main.js': ['main', '42'],
  'app-browser.js': ['browser', '42'],
  'app-gen.ts': ['gen', '42', true],
};

for (const [what, file, source] of bundleApps) {
  test(`esbuild --bundle --platform=browser with no flags over user code importing ${what}; the bundle runs`, async (ctx) => {
    writeFileSync(join(ctx.dir, file), source);
    const outfile = join(ctx.dir, `${file}.bundle.mjs`);
    // Exactly `esbuild app --bundle --platform=browser --format=esm`: no externals, no aliases.
    await build({ absWorkingDir: ctx.dir, entryPoints: [file], bundle: true, platform: 'browser', format: 'esm', outfile, logLevel: 'silent' });
    const code = readFileSync(outfile, 'utf8');
    // A Node built-in shows as a 'node:x' specifier or a require() call (a property named node is fine).
    const reach = /.{0,120}(["'`]node:[a-z]|\brequire\().{0,80}/.exec(code);
    assert.is(reach?.[0], undefined, 'the bundle reaches no Node built-in');
    const r = await run(process.execPath, ['--input-type=module', '-e', `
      globalThis.ECHO_IDL = ${JSON.stringify(readFileSync(echoIdl, 'utf8'))};
      globalThis.ECHO_URL = ${JSON.stringify(ctx.url)};
      await import(${JSON.stringify(`file://${outfile}`)});`], { cwd: ctx.dir });
    assert.equal(JSON.parse(r.stdout), expected[file]);
  });
}

test('browser client apps from the packed tarball, minified: print their gzipped sizes', async (ctx) => {
  const lines: string[] = [];
  for (const [file, what] of [['app-gen.ts', 'generated client + createHttpConnection'], ['app-browser.js', 'createHttpConnection + loadSource (the IDL parser)']]) {
    const out = await build({ absWorkingDir: ctx.dir, entryPoints: [file], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
    const bytes = out.outputFiles[0]!.contents;
    const gz = gzipSync(bytes, { level: 9 }).length;
    assert.ok(gz > 0);
    lines.push(`  browser client app (${what}): ${(bytes.length / 1024).toFixed(1)} KiB minified, ${(gz / 1024).toFixed(1)} KiB gzipped`);
  }
  console.log(`\n${lines.join('\n')}`);
});

test.run();
