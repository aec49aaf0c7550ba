/** Layers import downward only (client/server → processor → protocol → transport; idl → protocol). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const src = new URL('../src/', import.meta.url).pathname;

/** Leaf modules at the root of src/ that every layer may import. */
const leaves = ['errors', 'deadline', 'lifecycle'];

/** What each folder may import besides itself and the leaves. */
const allowed: Record<string, string[]> = {
  transport: [],
  protocol: [],
  call: [],
  discovery: [],
  idl: ['protocol'],
  processor: ['protocol', 'call'],
  server: ['processor', 'protocol', 'transport', 'call', 'discovery'],
  client: ['protocol', 'transport', 'call', 'discovery'],
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
}

test('each layer imports only the layers below it', () => {
  const violations: string[] = [];
  for (const [layer, deps] of Object.entries(allowed)) {
    for (const name of readdirSync(join(src, layer))) {
      if (!name.endsWith('.ts')) continue;
      for (const spec of importsOf(join(src, layer, name))) {
        if (spec.startsWith('./')) continue;
        const target = /^\.\.\/([^/]+)/.exec(spec)?.[1]?.replace(/\.js$/, '');
        if ((target !== undefined && leaves.includes(target)) || (target !== undefined && deps.includes(target))) continue;
        violations.push(`${layer}/${name} imports ${spec}`);
      }
    }
  }
  assert.equal(violations, []);
});

test('only src/index.ts imports the client and server layers', () => {
  const offenders: string[] = [];
  for (const layer of Object.keys(allowed)) {
    if (layer === 'client' || layer === 'server') continue;
    for (const name of readdirSync(join(src, layer))) {
      if (!name.endsWith('.ts')) continue;
      if (importsOf(join(src, layer, name)).some((s) => /\.\.\/(client|server)\//.test(s))) offenders.push(`${layer}/${name}`);
    }
  }
  assert.equal(offenders, []);
});

test.run();
