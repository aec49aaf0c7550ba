/**
 * Pay only for what you use (issue 17): the minimal generated browser client (HTTP,
 * binary; scripts/size.mjs, `npm run size`) bundles none of the protocols, framings,
 * parsers or codecs it does not use, and each of them comes in once the app uses it.
 * Structural, from esbuild's metafile: the sizes themselves are printed, not asserted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

interface Bundle {
  minified: number;
  gzipped: number;
  files: Record<string, number>;
}
const { bundleVariants } = (await import(new URL('../../scripts/size.mjs', import.meta.url).href)) as {
  bundleVariants(names: string[]): Promise<Record<string, Bundle>>;
};

/** Library files the minimal client must not carry, by what they are. */
const UNUSED: [string, RegExp][] = [
  ['the JSON protocol', /^src\/protocol\/json/],
  ['simple JSON', /^src\/protocol\/simple-json/],
  ['the compact protocol', /^src\/protocol\/compact/],
  ['the framed transport', /^src\/transport\/framed\.ts$/],
  ['the buffered transport', /^src\/transport\/buffered\.ts$/],
  ['framings by name', /^src\/transport\/framings\.ts$/],
  ['the byte-stream channel (splitting, write batching)', /^src\/transport\/stream-channel\.ts$/],
  ['THeader', /^src\/(transport\/header|client\/header-wire)\.ts$/],
  ['protocols by name', /^src\/protocol\/registry\.ts$/],
  ['the IDL parser, resolver, lexer and constant evaluator', /^src\/idl\/(lexer|parser|resolve|const-values|load-source)\.ts$/],
  ['the WebSocket transport', /^src\/transport\/websocket\.ts$/],
  ['the channel and the duplex of streams (an HTTP call is a request, not a chunk of a stream)', /^src\/transport\/(channel|duplex-ends|streams)\.ts$/],
  ['the byte-stream client (read loop, shared timer)', /^src\/client\/client\.ts$/],
  ["the first-reply check and wire detection (socket clients')", /^src\/(client\/reply-check|transport\/detect)\.ts$/],
  ['servers and processors', /^src\/(server|processor)\//],
  ['Node-only code', /^src\/node\//],
];

const bundles = await bundleVariants(['minimal', 'json', 'compact', 'websocket']);
const carried = (name: string): string[] => Object.keys(bundles[name]!.files);

test('the minimal generated browser client bundles no protocol, framing, parser or server it does not use', () => {
  const files = carried('minimal');
  assert.ok(files.includes('src/protocol/binary-writer.ts') && files.includes('src/client/http-connection.ts'), 'the metafile lists library files');
  const found = UNUSED.flatMap(([what, re]) => files.filter((f) => re.test(f)).map((f) => `${what}: ${f}`));
  assert.equal(found, []);
  const { minified, gzipped } = bundles.minimal!;
  console.log(`\n  minimal generated browser client (HTTP, binary): ${(minified / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
});

test('using the JSON or compact protocol, or a WebSocket, brings in that part and nothing else unused', () => {
  const added = (name: string): string[] => carried(name).filter((f) => !carried('minimal').includes(f) && f.startsWith('src/'));
  assert.ok(added('json').some((f) => /^src\/protocol\/json-reader\.ts$/.test(f)), 'JSON brings its reader');
  assert.equal(added('json').filter((f) => !/^src\/protocol\/json/.test(f) && !/measure-by-skipping/.test(f)), []);
  assert.ok(added('compact').some((f) => /^src\/protocol\/compact-reader\.ts$/.test(f)), 'compact brings its reader');
  assert.equal(added('compact').filter((f) => !/^src\/protocol\/compact/.test(f) && !/measure-by-skipping/.test(f)), []);
  assert.ok(added('websocket').includes('src/transport/websocket.ts'), 'WebSocket brings its transport');
  // A WebSocket is a stream of messages: it brings the channel, the byte link it reads through and
  // the byte-stream client, not the first-reply check.
  assert.equal(added('websocket').filter((f) => !/^src\/(transport\/(websocket|channel|link|duplex-ends|streams)|client\/(websocket-connection|client))\.ts$/.test(f)), []);
});

test.run();
