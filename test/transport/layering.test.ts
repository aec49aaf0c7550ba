import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const dir = fileURLToPath(new URL('../../src/transport/', import.meta.url));
const nodeDir = fileURLToPath(new URL('../../src/node/', import.meta.url));
/** The leaf modules every layer may import. */
const leaves = ['../errors.js', '../deadline.js', '../lifecycle.js'];

test('src/transport imports nothing from other src folders but the leaves (errors, deadline, lifecycle)', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const source = readFileSync(dir + name, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (spec.startsWith('../')) assert.ok(leaves.includes(spec), `${name} imports ${spec}`);
    }
  }
});

test('node modules are loaded lazily, so src/node loads where node:net does not exist', () => {
  for (const name of readdirSync(nodeDir).filter((n) => n.endsWith('.ts') && n !== 'load.ts')) {
    const source = readFileSync(nodeDir + name, 'utf8');
    for (const [, spec] of source.matchAll(/^import\s+(?!type\b)[^;]*from\s+'(node:[^']+)'/gm)) {
      assert.unreachable(`${name} statically imports ${spec}`);
    }
  }
});

test.run();
