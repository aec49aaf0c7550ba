/** The two entries: the browser entry is a subset of the main entry, values and types alike. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as browser from '../src/browser.js';
import * as main from '../src/index.js';

/** Every name a file exports by `export { … }` or `export type { … }`, types included. */
function exportedNames(file: string): string[] {
  const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
  assert.not.match(text, /export \*/, `${file} lists its exports by name`);
  const names: string[] = [];
  for (const m of text.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name !== '') names.push(name);
    }
  }
  return names;
}

/** Values the main entry specialises: protocol names too, and HTTP on node:http instead of fetch. */
const specialised = ['createHttpConnection', 'createWebSocketConnection'];

test('every value the browser entry exports, the main entry exports too, as the same thing', () => {
  const missing = Object.keys(browser).filter((name) => !(name in main));
  assert.equal(missing, []);
  const values = { browser: browser as Record<string, unknown>, main: main as Record<string, unknown> };
  const different = Object.keys(browser).filter((name) => values.browser[name] !== values.main[name]);
  // The main entry's URL factories wrap the browser's to take protocol names too (see the next test), and HTTP runs on node:http.
  assert.equal(different, specialised);
  for (const name of specialised) {
    assert.type(values.main[name], 'function');
    assert.is((values.main[name] as Function).length, (values.browser[name] as Function).length, `${name} takes the same arguments`);
  }
});

test("protocol names: the main entry's URL factories take them, the browser entry's name the object to import", async () => {
  const service = { kind: 'service', name: 'S', functions: [] } as unknown as Parameters<typeof main.createHttpConnection>[0];
  const client = await main.createHttpConnection(service, { url: 'http://127.0.0.1:9/', protocol: 'json', fetch: () => Promise.reject(new Error('unused')) });
  await client.close();
  for (const factory of [browser.createHttpConnection, browser.createWebSocketConnection]) {
    const error = await factory(service, { url: 'http://127.0.0.1:9/', protocol: 'json' }).then(() => undefined, (e: unknown) => e);
    assert.instance(error, TypeError);
    assert.match((error as Error).message, /import \{ jsonProtocol \} and pass protocol: jsonProtocol/);
  }
  const unknown = await browser.createHttpConnection(service, { url: 'http://127.0.0.1:9/', protocol: 'xml' as 'json' }).then(() => undefined, (e: unknown) => e);
  assert.match((unknown as Error).message, /unknown protocol "xml"/);
  const named = await main.createHttpConnection(service, { url: 'http://127.0.0.1:9/', protocol: 'xml' as 'json' }).then(() => undefined, (e: unknown) => e);
  assert.instance(named, TypeError);
});

test('every name (types included) the browser entry exports, the main entry exports too', () => {
  const ours = new Set(exportedNames('index.ts'));
  const browserNames = exportedNames('browser.ts');
  assert.ok(browserNames.length > 50, 'the names were read');
  assert.equal(browserNames.filter((name) => !ours.has(name)), []);
});

test('the main entry has one export statement per layer', () => {
  const text = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
  const sources = [...text.matchAll(/^export (?:type )?\{[^}]*\} from '([^']+)';/gm)].map((m) => m[1]);
  assert.equal(sources.length, new Set(sources).size, 'no module named twice');
  assert.equal(sources.filter((s) => s.split('/').length > 2 && !s.endsWith('/index.js')), [], 'layers export through their index');
});

test.run();
