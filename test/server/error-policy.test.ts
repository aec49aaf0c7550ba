/**
 * Nothing internal leaks by default: a handler's undeclared error reaches the
 * client of every server (socket, HTTP, WebSocket, the simple-JSON route) as
 * INTERNAL_ERROR "Internal error", with `exposeErrors: true` as its message; the
 * error goes to `onError`, or without one to stderr, rate-limited but never silently.
 */
import { spawn } from 'node:child_process';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import {
  AppErrorType,
  createConnection,
  createErrorLog,
  createHttpConnection,
  createHttpServer,
  createServer,
  createWebSocketConnection,
  createWebSocketServer,
  load,
  ThriftAppError,
  type ServiceClient,
  type ThriftServer,
} from '../../src/index.js';
import type { WebSocketConstructor } from '../../src/transport/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { tsCommand } from '../helpers/runtime.js';
import { rejection, signal, within } from '../helpers/wait.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
const WS = WebSocket as unknown as WebSocketConstructor;
const EXPOSED = 'Internal error processing fail: boom secret';

type Kind = 'socket' | 'http' | 'websocket';

/** A server of `kind` and a client on it. */
async function pair(kind: Kind, options: Record<string, unknown>): Promise<{ server: ThriftServer; client: ServiceClient }> {
  const handler = echoHandler(mod);
  if (kind === 'socket') {
    const server = await createServer(mod.Echo, handler, { port: 0, ...options });
    return { server, client: await createConnection(mod.Echo, { port: server.address.port, timeout: 5000 }) };
  }
  if (kind === 'http') {
    const server = await createHttpServer(mod.Echo, handler, { port: 0, path: '/rpc', ...options });
    return { server, client: await createHttpConnection(mod.Echo, { url: `http://127.0.0.1:${server.address.port}/rpc`, timeout: 5000 }) };
  }
  const server = await createWebSocketServer(mod.Echo, handler, { port: 0, path: '/rpc', ...options });
  return { server, client: await createWebSocketConnection(mod.Echo, { url: `ws://127.0.0.1:${server.address.port}/rpc`, timeout: 5000, WebSocket: WS }) };
}

const policy = suite('undeclared handler errors');

for (const kind of ['socket', 'http', 'websocket'] as const) {
  policy(`${kind}: the client gets INTERNAL_ERROR "Internal error"; the text goes to onError only`, async () => {
    const reported = signal<unknown>();
    const { server, client } = await pair(kind, { onError: reported.resolve });
    try {
      const error = await rejection(client.fail('boom secret'));
      assert.instance(error, ThriftAppError);
      assert.is(error.type, AppErrorType.INTERNAL_ERROR);
      assert.is(error.message, 'Internal error');
      const seen = await within(reported.promise, 5000, 'onError');
      assert.instance(seen, Error);
      assert.is((seen as Error).message, 'boom secret');
    } finally {
      client.destroy();
      server.destroy();
    }
  });

  policy(`${kind}: exposeErrors: true sends the message`, async () => {
    const { server, client } = await pair(kind, { exposeErrors: true, onError: () => {} });
    try {
      const error = await rejection(client.fail('boom secret'));
      assert.instance(error, ThriftAppError);
      assert.is(error.type, AppErrorType.INTERNAL_ERROR);
      assert.is(error.message, EXPOSED);
    } finally {
      client.destroy();
      server.destroy();
    }
  });
}

policy('the simple-JSON route: the 500 body has no internal text unless exposed', async () => {
  for (const [exposeErrors, message] of [[false, 'Internal error'], [true, EXPOSED]] as const) {
    const server = await createHttpServer(mod.Echo, echoHandler(mod), { port: 0, path: '/rpc', exposeErrors, onError: () => {} });
    try {
      const res = await fetch(`http://127.0.0.1:${server.address.port}/rpc/fail`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"message":"boom secret"}',
      });
      assert.is(res.status, 500);
      assert.equal(await res.json(), { error: { type: AppErrorType.INTERNAL_ERROR, message } });
    } finally {
      await server.close();
    }
  }
});

policy.run();

const log = suite('the default error log');

log('without onError, errors go to stderr: the first ones whole, then one line saying the rest are held back', async () => {
  const [cmd, args] = tsCommand(new URL('../helpers/error-log-child.ts', import.meta.url).pathname, ['13']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const code = await within(new Promise<number | null>((resolve) => child.once('exit', resolve)), 30_000, 'the child to finish');
  assert.is(code, 0, stderr);
  assert.equal(JSON.parse(stdout), Array.from({ length: 13 }, () => 'Internal error'), 'no client saw the internal text');
  const written = stderr.match(/^thrift-streams: unhandled error in fail \(pass onError to handle it\): Error: boom secret \d+$/gm) ?? [];
  assert.is(written.length, 10, stderr);
  assert.match(stderr, 'Error: boom secret 9\n    at ', 'with its stack');
  assert.not.match(stderr, 'boom secret 10');
  assert.is(stderr.match(/^thrift-streams: 10 errors in 60 s; further ones are counted, not written, until the interval ends/gm)?.length, 1);
});

log('createErrorLog: at most `max` per interval, then the held-back count when the interval ends', async () => {
  const lines: string[] = [];
  const counted = signal();
  const sink = createErrorLog({
    max: 2,
    interval: 200,
    write: (...parts) => {
      lines.push(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '));
      if (/suppressed/.test(lines[lines.length - 1])) counted.resolve();
    },
  });
  for (let i = 0; i < 5; i++) sink(new Error(`e${i}`), 'm');
  await within(counted.promise, 5000, 'the held-back count');
  assert.equal(lines, [
    'thrift-streams: unhandled error in m (pass onError to handle it): e0',
    'thrift-streams: unhandled error in m (pass onError to handle it): e1',
    'thrift-streams: 2 errors in 0.2 s; further ones are counted, not written, until the interval ends (pass onError to see every one)',
    'thrift-streams: 3 more errors suppressed in the last 0.2 s (pass onError to see every one)',
  ]);
});

log('createErrorLog: an error without a method is written as "error"; a max of 1 and one held back are said in the singular', async () => {
  const lines: string[] = [];
  const counted = signal();
  const sink = createErrorLog({
    max: 1,
    interval: 100,
    write: (...parts) => {
      lines.push(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '));
      if (/suppressed/.test(lines[lines.length - 1])) counted.resolve();
    },
  });
  sink(new Error('first'));
  sink(new Error('second'), 'm');
  await within(counted.promise, 5000, 'the held-back count');
  assert.equal(lines, [
    'thrift-streams: error (pass onError to handle it): first',
    'thrift-streams: 1 error in 0.1 s; further ones are counted, not written, until the interval ends (pass onError to see every one)',
    'thrift-streams: 1 more error suppressed in the last 0.1 s (pass onError to see every one)',
  ]);
});

log.run();
