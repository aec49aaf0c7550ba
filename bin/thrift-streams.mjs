#!/usr/bin/env node
// The `thrift-streams` command: runs the built CLI (dist/esm/cli.js) when the
// package is built, else the TypeScript source through tsx (a source checkout).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/esm/cli.js', import.meta.url);
let cli;
if (existsSync(fileURLToPath(built))) {
  cli = await import(built.href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('thrift-streams: dist/ is missing and tsx is not installed; run `npm run build` or install tsx\n');
    process.exit(1);
  }
  cli = await import(new URL('../src/cli.ts', import.meta.url).href);
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
process.exitCode = cli.main(process.argv.slice(2), undefined, version);
