/**
 * The curl examples of docs/simple-json.md, run as written against real servers
 * on 127.0.0.1 (ephemeral ports stand in for the docs' 9090 and 9091): each
 * answer must be the one the docs show, so the docs cannot rot. Uses `curl` when
 * installed, else fetch() with the same request.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as assert from 'uvu/assert';
import { createHttpServer, load, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { suite } from '../helpers/uvu.js';

const run = promisify(execFile);
const docs = readFileSync(new URL('../../docs/simple-json.md', import.meta.url), 'utf8');
const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

interface Example {
  readonly command: string;
  readonly expected: string;
}

/** Every `$ curl` line of the console blocks, with the lines up to the next command or the block's end. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const block of docs.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = block[1].split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('$ curl ')) continue;
      let j = i + 1;
      while (j < lines.length && !lines[j].startsWith('$ ')) j++;
      out.push({ command: lines[i].slice(2), expected: lines.slice(i + 1, j).join('\n').trim() });
      i = j - 1;
    }
  }
  return out;
}

/** A shell line's words: single-quoted or bare, as the examples write them. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

async function hasCurl(): Promise<boolean> {
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** What the command prints: curl itself, or fetch() sending the request curl sends (-H, -d, POST) and printing as `-w '\n%{http_code}\n'`. */
async function execute(args: string[], curl: boolean): Promise<string> {
  if (curl) return (await run(args[0], args.slice(1))).stdout;
  const headers: Record<string, string> = {};
  let body: string | undefined;
  let url = '';
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '-H') {
      const [name, ...value] = args[++i].split(':');
      headers[name] = value.join(':').trim();
    } else if (args[i] === '-d') {
      body = args[++i];
    } else if (args[i] === '-w') {
      i++;
    } else if (!args[i].startsWith('-')) {
      url = args[i];
    }
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return `${await res.text()}\n${res.status}\n`;
}

const test = suite<{ single?: ThriftServer; multiplexed?: ThriftServer; curl: boolean }>('docs/simple-json.md curl examples', { curl: false });

test.before(async (ctx) => {
  ctx.curl = await hasCurl();
  ctx.single = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/rpc' });
  ctx.multiplexed = await createHttpServer({ Echo: [mod.Echo, echoHandler(mod)] }, { port: 0, path: '/rpc' });
});

test.after(async (ctx) => {
  await ctx.single?.close();
  await ctx.multiplexed?.close();
});

test('the docs hold an example per case', () => {
  const urls = examples().map((e) => words(e.command).at(-1));
  for (const path of ['/rpc/add', '/rpc/find', '/rpc/nope', '/rpc/fail', '/rpc/ping', '/rpc/notify', '9091/rpc/Echo/add']) {
    assert.ok(urls.some((u) => u?.endsWith(path)), path);
  }
  assert.ok(examples().length >= 9);
});

for (const [i, example] of examples().entries()) {
  test(`example ${i + 1}: ${words(example.command).at(-1)}`, async (ctx) => {
    const args = words(example.command)
      .map((w) => w.replace('http://localhost:9090', `http://127.0.0.1:${ctx.single!.address.port}`))
      .map((w) => w.replace('http://localhost:9091', `http://127.0.0.1:${ctx.multiplexed!.address.port}`));
    // The -w format is a shell string: curl sees \n as the two characters, and expands them itself.
    const out = await execute(args, ctx.curl);
    assert.is(out.trim(), example.expected);
  });
}

test.run();
