// `npm run size` (issue 17): the bundle of a minimal browser app, the generated client of a
// small IDL (a union, a struct, an exception, one service: test/types/strict.thrift) calling
// over HTTP with the binary protocol, `gen --runtime thrift-streams/browser`. Bundled with
// esbuild (minified, ESM, browser; node:* and ws external while the browser entry still
// reaches them), it prints the size minified and gzipped and, from esbuild's metafile, what
// the bundle carries by part (JSON, compact, IDL parser, framing...).
// Usage: node scripts/size.mjs [--root <checkout>] [--json]
//   --root measures another checkout of the repository (e.g. `git archive main src bin`
//   unpacked under .tmp/), for a before/after comparison.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { root: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
const root = resolve(values.root ?? repo);

/** Which part of the library an input file belongs to, for the composition table. */
const PARTS = [
  ['IDL parser, resolver, lexer, consts', /src\/idl\/(lexer|parser|resolve|const-values|load-source|path|ast)\.ts$/],
  ['JSON protocol', /src\/protocol\/json[^/]*\.ts$/],
  ['compact protocol', /src\/protocol\/compact[^/]*\.ts$/],
  ['binary protocol', /src\/protocol\/binary[^/]*\.ts$/],
  ['codecs and schema', /src\/protocol\/[^/]*\.ts$/],
  ['framing (framed, buffered, header)', /src\/(transport|framing)\/(framed|buffered|header)[^/]*\.ts$/],
  ['transports (HTTP, WebSocket, duplex)', /src\/(transport|framing)\/[^/]*\.ts$/],
  ['client', /src\/client\/[^/]*\.ts$/],
  ['IDL runtime (classes, generated-module builder)', /src\/idl\/[^/]*\.ts$/],
  ['processor, server', /src\/(processor|server)\/[^/]*\.ts$/],
  ['generated code and app', /^(gen|app)/],
  ['other', /./],
];

const dir = mkdtempSync(join(repo, '.tmp', 'size-'));
try {
  execFileSync(process.execPath, [join(root, 'bin/thrift-streams.mjs'), 'gen', join(repo, 'test/types/strict.thrift'), '-o', join(dir, 'gen'), '--runtime', 'thrift-streams/browser'], { stdio: 'pipe' });
  writeFileSync(join(dir, 'app.ts'), `import { createHttpConnection } from 'thrift-streams/browser';
import { Calc, Value } from './gen/strict.js';
const client = await createHttpConnection(Calc, { url: '/thrift', protocol: 'binary' });
console.log(await client.put(new Value({ s: 'hello' })), await client.compute(1, 2));
`);
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['app.ts'],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    alias: { 'thrift-streams/browser': join(root, 'src/browser.ts') },
    external: ['node:*', 'ws'],
  });
  const out = result.outputFiles[0];
  const minified = out.contents.length;
  const gzipped = gzipSync(out.contents, { level: 9 }).length;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const parts = new Map();
  const files = [];
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const abs = resolve(dir, path);
    const inApp = !relative(dir, abs).startsWith('..');
    const name = relative(inApp ? dir : root, abs).replace(/\\/g, '/');
    const [part] = PARTS.find(([, re]) => re.test(name));
    parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    files.push([name, bytesInOutput]);
  }
  const inApp = (name) => /^(gen|app)/.test(name);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  if (values.json) {
    console.log(JSON.stringify({ minified, gzipped, parts: Object.fromEntries(parts), files: Object.fromEntries(files) }, null, 2));
  } else {
    console.log(`minimal browser client (strict.thrift, HTTP, binary) from ${root}`);
    console.log(`  ${minified} bytes minified (${kb(minified)}), ${gzipped} bytes gzipped (${kb(gzipped)})`);
    for (const [part, bytes] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${kb(bytes).padStart(9)}  ${part}`);
    // Who pulls in what the app never uses: the first importer of each JSON, compact and framing file.
    const importers = new Map();
    for (const [path, input] of Object.entries(result.metafile.inputs)) {
      for (const imp of input.imports) if (!importers.has(imp.path)) importers.set(imp.path, path);
    }
    for (const [path] of files.filter(([n]) => /json|compact|framed|buffered|header/.test(n))) {
      const key = [...importers.keys()].find((k) => resolve(dir, k) === resolve(inApp(path) ? dir : root, path));
      if (key) console.log(`  ${path} <- ${relative(root, resolve(dir, importers.get(key))).replace(/\\/g, '/')}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
