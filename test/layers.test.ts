/** Layers import downward only (client/server → processor → protocol → transport; idl → protocol). */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const src = new URL('../src/', import.meta.url).pathname;

/** Leaf modules at the root of src/ that every layer may import. */
const leaves = ['errors', 'deadline', 'lifecycle', 'describe', 'options'];

/** What each folder may import besides itself and the leaves. */
const allowed: Record<string, string[]> = {
  transport: [],
  protocol: [],
  call: ['transport'],
  discovery: [],
  idl: ['protocol'],
  processor: ['protocol', 'call'],
  node: ['transport', 'idl'],
  server: ['processor', 'protocol', 'transport', 'call', 'discovery', 'node'],
  client: ['protocol', 'transport', 'call', 'discovery', 'node'],
  otel: ['call'],
  compat: ['protocol', 'call'],
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

/** Folders that run anywhere (browsers, workers, Deno, Node): no Node built-in, no Node-only folder. */
const universal = ['call', 'transport', 'protocol', 'processor', 'idl', 'otel', 'compat'];
/** Folders that only Node runs; reached only from src/index.ts. */
const nodeOnly = ['node', 'discovery'];

/** Every module specifier a file names: static imports, re-exports and dynamic import(). */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}

/** The module graph from `entry`: each src file reached, and the bare specifiers named on the way. */
function graphOf(entry: string): { files: Map<string, string>; bare: string[] } {
  const files = new Map<string, string>();
  const bare: string[] = [];
  const walk = (file: string, from: string): void => {
    if (files.has(file)) return;
    files.set(file, from);
    for (const spec of specifiersOf(file)) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), file);
      else bare.push(`${spec} (from ${relative(src, file)})`);
    }
  };
  walk(join(src, entry), '');
  return { files, bare };
}

const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

for (const entry of ['browser.ts', 'transport/index.ts', 'protocol/index.ts', 'compat/index.ts']) {
  test(`the module graph of src/${entry} reaches no Node built-in, no package and no Node-only folder`, () => {
    const { files, bare } = graphOf(entry);
    assert.ok(files.size > 3, 'the walk found the entry\'s modules');
    assert.equal(bare, [], 'universal code imports no package and no Node built-in');
    const reached = [...files.keys()].map((f) => relative(src, f)).filter((f) => nodeOnly.includes(f.split('/')[0]) || f === 'index.ts' || f === 'cli.ts');
    assert.equal(reached, []);
  });
}

for (const entry of ['index.ts', 'browser.ts']) {
  test(`the module graph of src/${entry} never reaches src/otel/ or @opentelemetry (an optional peer dependency)`, () => {
    const { files, bare } = graphOf(entry);
    assert.ok(files.size > 10, 'the walk found the entry\'s modules');
    assert.equal([...files.keys()].map((f) => relative(src, f)).filter((f) => f.startsWith('otel/')), []);
    assert.equal(bare.filter((b) => b.startsWith('@opentelemetry/')), []);
  });
}

test('the module graph of src/otel/index.ts names @opentelemetry/api and nothing else outside src, no Node-only folder', () => {
  const { files, bare } = graphOf('otel/index.ts');
  assert.equal([...new Set(bare.map((b) => b.split(' ')[0]))], ['@opentelemetry/api']);
  const reached = [...files.keys()].map((f) => relative(src, f)).filter((f) => nodeOnly.includes(f.split('/')[0]) || f === 'index.ts' || f === 'cli.ts');
  assert.equal(reached, []);
});

test('the core entries do not reach thrift-streams/compat', () => {
  for (const entry of ['index.ts', 'browser.ts']) {
    const reached = [...graphOf(entry).files.keys()].map((f) => relative(src, f)).filter((f) => f.startsWith('compat/'));
    assert.equal(reached, [], entry);
  }
});

/**
 * import() of a specifier the walk above cannot read (held in a variable) may hide a package
 * from it: each one in universal code is listed here with why it may be there.
 */
const computedImports: Record<string, string> = {
  // Optional: Apache's npm thrift brings node-int64; without it (a browser) a look-alike is used.
  'compat/int64.ts': 'node-int64',
};

test('universal code imports by a computed specifier only where listed, and says what', () => {
  const found: Record<string, string> = {};
  for (const layer of universal) {
    for (const name of readdirSync(join(src, layer))) {
      if (!name.endsWith('.ts')) continue;
      const text = readFileSync(join(src, layer, name), 'utf8');
      if (/\bimport\s*\(\s*(?:\/\*[^]*?\*\/\s*)*[^'"\s/]/.test(text)) {
        const spec = /const specifier = '([^']+)'/.exec(text)?.[1] ?? '(unknown)';
        found[`${layer}/${name}`] = spec;
      }
    }
  }
  assert.equal(found, computedImports);
});

test('the walk sees Node-only code: the main entry reaches node: modules and src/node/', () => {
  const { files, bare } = graphOf('index.ts');
  assert.ok(bare.some((b) => b.startsWith('node:net')), 'node:net is reached from src/index.ts');
  assert.ok([...files.keys()].some((f) => relative(src, f).startsWith('node/')));
});

test('universal folders name no Node built-in', () => {
  const offenders: string[] = [];
  for (const layer of universal) {
    for (const name of readdirSync(join(src, layer))) {
      if (!name.endsWith('.ts')) continue;
      for (const spec of specifiersOf(join(src, layer, name))) if (isBuiltin(spec)) offenders.push(`${layer}/${name} imports ${spec}`);
    }
  }
  assert.equal(offenders, []);
});

test.run();
