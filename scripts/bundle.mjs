// Builds the browser bundle: src/browser.ts into one minified ESM file with no Node
// built-ins, and prints its size minified and gzipped (the figures in the README).
// Usage: node scripts/bundle.mjs [outfile]   (default dist/browser/thrift-streams.js)
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles src/browser.ts; resolves with the bundle text (nothing is written). */
export async function bundleBrowser({ minify = true } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/browser.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    legalComments: 'none',
    logLevel: 'warning',
    // No `external`: the browser entry's module graph reaches no Node built-in by
    // construction (test/layers.test.ts), so a user's bundler needs no flags either.
  });
  return result.outputFiles[0].text;
}

/** Byte sizes of a bundle as shipped: minified, and minified then gzipped. */
export function sizes(text) {
  const bytes = Buffer.from(text);
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'dist/browser/thrift-streams.js';
  const text = await bundleBrowser();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  const { minified, gzipped } = sizes(text);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${out}: ${minified} bytes minified (${kb(minified)}), ${gzipped} bytes gzipped (${kb(gzipped)})`);
}
