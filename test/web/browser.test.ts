/**
 * The proof in a real browser: Debian's Chromium, driven by playwright-core (no
 * browser is ever downloaded), loads a page from a localhost static server whose
 * module script imports the browser bundle and page/calls.js, loads the IDL with
 * loadSource(), and calls the echo service over HTTP (fetch, cross-origin with
 * CORS) and over WebSocket, on Chromium's streams and then on web-streams-polyfill's.
 * The test checks every result (all base types, containers, a struct, declared
 * and undeclared exceptions, oneway, concurrent calls). Every wait has a deadline;
 * without Chromium the test fails (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { within } from '../helpers/wait.js';
import { assertCallResults } from './expect.js';
import { buildBundle, ECHO_IDL, startEchoServers, startStaticServer } from './servers.js';
import { needs } from '../helpers/peers.js';

needs('chromium', 'web browser: the bundle in headless chromium over HTTP and WebSocket');

const CHROMIUM = '/usr/bin/chromium';
// Flags for a quiet headless run as root: no sandbox (root), no GPU, and none of the
// background services whose refused connections would flood the log.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LAUNCH_MS = 15_000;
const PAGE_MS = 15_000;

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

test('Chromium calls a thrift-streams server over HTTP and WebSocket through the bundle, on native and polyfill streams', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`);
  const { text: bundle } = buildBundle();
  const polyfill = readFileSync(new URL('../../node_modules/web-streams-polyfill/dist/ponyfill.mjs', import.meta.url), 'utf8');
  const js = 'text/javascript; charset=utf-8';
  const site = await startStaticServer({
    '/': ['text/html; charset=utf-8', read('./page/index.html')],
    '/thrift-streams.js': [js, bundle],
    '/calls.js': [js, read('./page/calls.js')],
    '/web-streams-polyfill.mjs': [js, polyfill],
    '/echo.thrift': ['text/plain; charset=utf-8', ECHO_IDL],
    // Asked for by every page; without it the console reports a 404.
    '/favicon.ico': ['image/x-icon', ''],
  });
  // The page's origin differs from the servers' (other ports): fetch needs CORS, the WebSocket an allowed Origin.
  const servers = await startEchoServers([site.origin]);
  const profile = mkdtempSync(join(tmpdir(), 'thrift-streams-chromium-'));
  let context: BrowserContext | undefined;
  const problems: string[] = [];
  try {
    context = await within(
      chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: LAUNCH_MS }),
      LAUNCH_MS + 1000,
      'Chromium to start',
    );
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    const query = new URLSearchParams({ http: servers.httpUrl, ws: servers.wsUrl });
    await page.goto(`${site.origin}/?${query}`, { waitUntil: 'load', timeout: PAGE_MS });
    const results = await within(
      page.evaluate(() => (window as unknown as { thriftResults: Promise<unknown> }).thriftResults),
      PAGE_MS,
      'the page to finish its calls',
    ) as { native: unknown; polyfilled: unknown; error?: string };
    assert.is(results.error, undefined, `the page failed: ${results.error}\n${problems.join('\n')}`);
    assertCallResults(results.native, 'chromium native');
    assertCallResults(results.polyfilled, 'chromium polyfill');
    for (const label of ['chromium native', 'chromium polyfill']) {
      for (const kind of ['http', 'websocket']) assert.ok(servers.events.includes(`${label} over ${kind}`), `oneway from ${label} over ${kind} reached the server`);
    }
    assert.is(await page.textContent('#status'), 'done');
    assert.equal(problems, [], 'no page errors');
  } finally {
    await context?.close().catch(() => {});
    await servers.close();
    await new Promise((resolve) => site.server.close(resolve));
    site.server.closeAllConnections();
    rmSync(profile, { recursive: true, force: true });
  }
});

test.run();
