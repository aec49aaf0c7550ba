// `npm run size` (issue 17): the bundle of a minimal browser app, the generated client of a
// small IDL (a union, a struct, an exception, one service: test/types/strict.thrift) calling
// over HTTP with the binary protocol, `gen --runtime thrift-streams/browser`, bundled with
// esbuild (minified, ESM, platform browser, no externals: the browser entry reaches no
// Node built-in). It prints the size minified and gzipped, what the bundle carries by part
// (from esbuild's metafile), and what using the JSON protocol, the compact protocol or a
// WebSocket connection as well adds to it.
// Usage: node scripts/size.mjs [--root <checkout>] [--json]
//   --root measures another checkout of the repository (e.g. `git archive main src bin`
//   unpacked under .tmp/), for a before/after comparison.
// test/package/minimal-bundle.test.ts imports bundleVariants() to check what the minimal
// bundle leaves out.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Which part of the library an input file belongs to, for the composition table. */
export const PARTS = [
  ['IDL parser, resolver, lexer, consts', /src\/idl\/(lexer|parser|resolve|const-values|load-source|path|ast)\.ts$/],
  ['simple JSON', /src\/protocol\/simple-json[^/]*\.ts$/],
  ['JSON protocol', /src\/protocol\/json[^/]*\.ts$/],
  ['compact protocol', /src\/protocol\/compact[^/]*\.ts$/],
  ['binary protocol', /src\/protocol\/binary[^/]*\.ts$/],
  ['codecs and schema', /src\/protocol\/[^/]*\.ts$/],
  ['framing (framed, buffered, header)', /src\/(transport|framing)\/(framed|buffered|header|framings)[^/]*\.ts$/],
  ['transports (HTTP, WebSocket, duplex)', /src\/(transport|framing)\/[^/]*\.ts$/],
  ['client', /src\/client\/[^/]*\.ts$/],
  ['IDL runtime (classes, generated-module builder)', /src\/idl\/[^/]*\.ts$/],
  ['processor, server', /src\/(processor|server)\/[^/]*\.ts$/],
  ['generated code and app', /^(gen|app)/],
  ['other', /./],
];

const CALLS = `console.log(await client.put(new Value({ s: 'hello' })), await client.compute(1, 2));`;

/** The apps measured: the minimal one, and the same with one more thing used. */
export const VARIANTS = {
  minimal: `import { createHttpConnection } from 'thrift-streams/browser';
import { Calc, Value } from './gen/strict.js';
const client = await createHttpConnection(Calc, { url: '/thrift' });
${CALLS}`,
  json: `import { createHttpConnection, jsonProtocol } from 'thrift-streams/browser';
import { Calc, Value } from './gen/strict.js';
const client = await createHttpConnection(Calc, { url: '/thrift', protocol: jsonProtocol });
${CALLS}`,
  compact: `import { createHttpConnection, compactProtocol } from 'thrift-streams/browser';
import { Calc, Value } from './gen/strict.js';
const client = await createHttpConnection(Calc, { url: '/thrift', protocol: compactProtocol });
${CALLS}`,
  websocket: `import { createHttpConnection, createWebSocketConnection } from 'thrift-streams/browser';
import { Calc, Value } from './gen/strict.js';
const client = await createHttpConnection(Calc, { url: '/thrift' });
const socket = await createWebSocketConnection(Calc, { url: 'ws://localhost/thrift' });
${CALLS}
console.log(await socket.compute(3, 4));`,
};

/**
 * Generates the client of strict.thrift and bundles each app of `names` (keys of VARIANTS)
 * against the checkout at `root`. Returns, per app, its sizes and, per library file
 * (relative to root) or app file, the bytes it left in the minified output.
 */
export async function bundleVariants(names = Object.keys(VARIANTS), root = repo) {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repo, '.tmp', 'size-'));
  try {
    execFileSync(process.execPath, [join(root, 'bin/thrift-streams.mjs'), 'gen', join(repo, 'test/types/strict.thrift'), '-o', join(dir, 'gen'), '--runtime', 'thrift-streams/browser'], { stdio: 'pipe' });
    const results = {};
    for (const name of names) {
      writeFileSync(join(dir, `app-${name}.ts`), VARIANTS[name]);
      const result = await build({
        absWorkingDir: dir,
        entryPoints: [`app-${name}.ts`],
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
      });
      const out = result.outputFiles[0].contents;
      const files = {};
      for (const [path, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
        const abs = resolve(dir, path);
        const inApp = !relative(dir, abs).startsWith('..');
        files[relative(inApp ? dir : root, abs).replace(/\\/g, '/')] = bytesInOutput;
      }
      results[name] = { minified: out.length, gzipped: gzipSync(out, { level: 9 }).length, files };
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes per part of PARTS. */
export function composition(files) {
  const parts = new Map();
  for (const [name, bytes] of Object.entries(files)) {
    const [part] = PARTS.find(([, re]) => re.test(name));
    parts.set(part, (parts.get(part) ?? 0) + bytes);
  }
  return parts;
}

async function main() {
  const { values } = parseArgs({ options: { root: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const root = resolve(values.root ?? repo);
  const results = await bundleVariants(Object.keys(VARIANTS), root);
  if (values.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const { minimal } = results;
  console.log(`minimal browser client (strict.thrift, HTTP, binary) from ${root}`);
  console.log(`  ${minimal.minified} bytes minified (${kb(minimal.minified)}), ${minimal.gzipped} bytes gzipped (${kb(minimal.gzipped)})`);
  console.log('  by part (minified):');
  for (const [part, bytes] of [...composition(minimal.files)].sort((a, b) => b[1] - a[1])) console.log(`  ${kb(bytes).padStart(9)}  ${part}`);
  console.log('  largest files (minified):');
  for (const [file, bytes] of Object.entries(minimal.files).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${kb(bytes).padStart(9)}  ${file}`);
  console.log('  what each adds to the minimal client (gzipped, minified):');
  for (const [name, what] of [['json', 'protocol: jsonProtocol'], ['compact', 'protocol: compactProtocol'], ['websocket', 'a WebSocket connection as well']]) {
    const r = results[name];
    console.log(`  ${`+${kb(r.gzipped - minimal.gzipped)}`.padStart(10)} ${`+${kb(r.minified - minimal.minified)}`.padStart(10)}  ${what} (${kb(r.gzipped)} gzipped in all)`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
