import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const dir = fileURLToPath(new URL('../../src/transport/', import.meta.url));

test('src/transport imports nothing from other src folders but ../errors.js', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const source = readFileSync(dir + name, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (spec.startsWith('../')) assert.is(spec, '../errors.js', `${name} imports ${spec}`);
    }
  }
});

test('node modules are loaded lazily, so the layer loads where node:net does not exist', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const source = readFileSync(dir + name, 'utf8');
    for (const [, spec] of source.matchAll(/^import\s+(?!type\b)[^;]*from\s+'(node:[^']+)'/gm)) {
      assert.unreachable(`${name} statically imports ${spec}`);
    }
  }
});

test.run();
