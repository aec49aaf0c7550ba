/**
 * The ```ts snippets of README.md and docs/*.md cannot rot: every one is typechecked
 * (strict) against src/ as users import it ('thrift-streams', 'thrift-streams/browser'…),
 * and the README's quickstart server, client and pool run against each other.
 * A fragment names what it assumes in a `<!-- prelude: … -->` comment just before it;
 * `<!-- gen: file.thrift -->` means it imports `./gen/` made by `thrift-streams gen`.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { suite } from './helpers/uvu.js';
import * as assert from 'uvu/assert';
import { main } from '../src/cli.js';
import { within } from './helpers/wait.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** One ```ts block: where it is, what it assumes, its code. */
interface Snippet {
  doc: string;
  line: number;
  prelude: string;
  gen: string | undefined;
  code: string;
}

function snippets(): Snippet[] {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Snippet[] = [];
  for (const doc of docs) {
    const lines = readFileSync(join(root, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() !== '```ts') continue;
      const before = lines[i - 1]?.trim() ?? '';
      const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
      // An unclosed block would otherwise restart the scan at line 0, forever.
      if (end < 0) throw new Error(`${doc}:${i + 1}: a \`\`\`ts block that is never closed`);
      out.push({
        doc,
        line: i + 2,
        prelude: /^<!-- prelude: (.*) -->$/.exec(before)?.[1] ?? '',
        gen: /^<!-- gen: (.*) -->$/.exec(before)?.[1],
        code: lines.slice(i + 1, end).join('\n'),
      });
      i = end;
    }
  }
  return out;
}

/** What each package subpath resolves to in src/: the exports map's types path, read back to its source. */
function paths(): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(pkg.exports as Record<string, { import?: { types?: string } }>)) {
    const types = value.import?.types;
    if (!types) continue;
    const name = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    map[name] = [join(root, types.replace('./dist/types/', 'src/').replace(/\.d\.ts$/, '.ts'))];
  }
  return map;
}

const test = suite<{ dir: string; all: Snippet[] }>('docs snippets', { dir: '', all: [] });

test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'thrift-streams-snippets-'));
  ctx.all = snippets();
  symlinkSync(join(root, 'node_modules'), join(ctx.dir, 'node_modules'), 'dir');
  copyFileSync(join(root, 'examples/pingpong/pingpong.thrift'), join(ctx.dir, 'pingpong.thrift'));
  // As the README tells users: the snippets are ES modules (top-level await).
  writeFileSync(join(ctx.dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const quiet = { out: () => {}, err: (t: string) => assert.unreachable(t) };
  for (const s of ctx.all) {
    if (s.gen) assert.is(main(['gen', join(ctx.dir, s.gen), '-o', join(ctx.dir, 'gen')], quiet), 0);
  }
  const compilerOptions = {
    strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
    lib: ['es2022', 'dom'], types: ['node'], skipLibCheck: true, paths: paths(),
  };
  writeFileSync(join(ctx.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }, null, 1));
});

test.after((ctx) => {
  if (ctx.dir.includes('thrift-streams-snippets-')) rmSync(ctx.dir, { recursive: true, force: true });
});

test('every ```ts block of the README and docs/ typechecks (strict)', async (ctx) => {
  assert.ok(ctx.all.length >= 10, `found ${ctx.all.length} snippets`);
  ctx.all.forEach((s, i) => writeFileSync(join(ctx.dir, `snippet-${i}.ts`), `${s.prelude}\n${s.code}\nexport {};\n`));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ctx.dir }).catch((e) => e as { stdout: string });
  // Map snippet-N.ts(line,col) back to the document and line the reader sees.
  const errors = r.stdout.split('\n').filter(Boolean).map((l) =>
    l.replace(/^snippet-(\d+)\.ts\((\d+),(\d+)\)/, (_, n, line, col) => `${ctx.all[+n]!.doc}:${ctx.all[+n]!.line + +line - 2}:${col}`),
  );
  assert.equal(errors, [], errors.join('\n'));
});

/** Runs a README snippet with tsx (which honours the scratch tsconfig's paths) and returns the child. */
function start(dir: string, name: string, code: string) {
  writeFileSync(join(dir, name), code);
  return spawn(process.execPath, ['--import', 'tsx', name], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
}

test("the README's quickstart runs as written: server, client and pool", async (ctx) => {
  const readme = ctx.all.filter((s) => s.doc === 'README.md');
  const pick = (re: RegExp): string => {
    const found = readme.find((s) => re.test(s.code));
    assert.ok(found, `no README snippet matches ${re}`);
    return found!.code;
  };
  // Only the fixed port changes, to an ephemeral one: tests never take a well-known port.
  const server = start(ctx.dir, 'server.ts', pick(/createServer\(/).replace('port: 6000', 'port: 0'));
  try {
    const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
    const first = await within(lines.next(), 20_000, 'the quickstart server to listen');
    const port = Number(/port: (\d+)/.exec(String(first.value))?.[1]);
    assert.ok(port > 0, String(first.value));
    for (const [name, pattern, expected] of [['client.ts', /createConnection\(pingpong/, "pong\n11n\n"], ['pool.ts', /createPool\(/, 'pong\n']] as const) {
      const code = pick(pattern).replace('port: 6000', `port: ${port}`);
      writeFileSync(join(ctx.dir, name), code);
      const r = await run(process.execPath, ['--import', 'tsx', name], { cwd: ctx.dir, timeout: 30_000 });
      assert.is(r.stdout, expected, name);
    }
    server.kill('SIGINT');
    const code = await within(new Promise<number | null>((resolve) => server.once('exit', (c) => resolve(c))), 10_000, 'the server to exit on SIGINT');
    assert.is(code, 0, 'SIGINT closes the server and the process ends by itself');
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
  }
});

test.run();
