/**
 * The browser bundle (scripts/bundle.mjs on src/browser.ts): it names no Node
 * built-in and no server-side package, and the client code the browser test runs
 * (page/calls.js) works through it in Node too, on native streams and on
 * web-streams-polyfill's, over HTTP and WebSocket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as polyfill from 'web-streams-polyfill';
import WebSocket from 'ws';
import { runCalls } from './page/calls.js';
import { assertCallResults } from './expect.js';
import { buildBundle, ECHO_IDL, startEchoServers } from './servers.js';

const { text, report } = buildBundle();

test('the bundle imports no Node built-in and no server-side package', () => {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
  assert.equal(specifiers, [], 'a self-contained bundle imports nothing');
  assert.not.match(text, /["'`]node:/, 'no node: module named anywhere');
  assert.not.match(text, /["'`]ws["'`]/);
  assert.not.match(text, /\brequire\(/);
  assert.match(report, /bytes minified .* bytes gzipped/);
});

test('page/calls.js through the bundle in Node: native streams, then web-streams-polyfill classes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-bundle-'));
  const servers = await startEchoServers();
  try {
    const file = join(dir, 'thrift-streams.js');
    writeFileSync(file, text);
    const lib = await import(pathToFileURL(file).href);
    const config = { idl: ECHO_IDL, httpUrl: servers.httpUrl, wsUrl: servers.wsUrl, WebSocket };
    assertCallResults(await runCalls(lib, { ...config, label: 'node native' }), 'node native');
    lib.useStreams(polyfill);
    assertCallResults(await runCalls(lib, { ...config, label: 'node polyfill' }), 'node polyfill');
    for (const label of ['node native', 'node polyfill']) {
      for (const kind of ['http', 'websocket']) assert.ok(servers.events.includes(`${label} over ${kind}`), `oneway from ${label} over ${kind} arrived`);
    }
  } finally {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
