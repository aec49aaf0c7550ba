/**
 * What the web tests serve: the echo service over HTTP and over WebSocket, the
 * browser bundle built by scripts/bundle.mjs, and a static server for the page
 * that loads it. Everything binds 127.0.0.1 on an ephemeral port.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpServer, createWebSocketServer, load, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';

const root = new URL('../..', import.meta.url).pathname;
/** The IDL text the clients load with loadSource(). */
export const ECHO_IDL = readFileSync(new URL('../fixtures/echo.thrift', import.meta.url), 'utf8');

/** Runs scripts/bundle.mjs as CI and users would, and returns the bundle text and the sizes it printed. */
export function buildBundle(): { text: string; report: string } {
  const dir = mkdtempSync(join(tmpdir(), 'thrift-streams-bundle-'));
  try {
    const out = join(dir, 'thrift-streams.js');
    const report = execFileSync(process.execPath, ['scripts/bundle.mjs', out], { cwd: root, encoding: 'utf8' });
    return { text: readFileSync(out, 'utf8'), report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The echo service over HTTP (at /echo) and WebSocket (at /ws), recording the oneway events it gets. */
export interface EchoServers {
  http: ThriftServer;
  websocket: ThriftServer;
  httpUrl: string;
  wsUrl: string;
  events: string[];
  close(): Promise<void>;
}

/** Starts both echo servers; `origins` are the browser origins allowed to call them. */
export async function startEchoServers(origins?: string[]): Promise<EchoServers> {
  const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);
  const events: string[] = [];
  const handler = echoHandler(mod, { notify: (event) => events.push(event) });
  const http = await createHttpServer(mod.Echo, handler, { port: 0, path: '/echo', origins });
  const websocket = await createWebSocketServer(mod.Echo, handler, { port: 0, path: '/ws', origins });
  return {
    http,
    websocket,
    httpUrl: `http://127.0.0.1:${http.address.port}/echo`,
    wsUrl: `ws://127.0.0.1:${websocket.address.port}/ws`,
    events,
    async close() {
      await Promise.all([http.close(), websocket.close()]);
    },
  };
}

/** Serves fixed files from memory: path → [content type, body]. */
export async function startStaticServer(files: Record<string, [string, string]>): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0]];
    if (file === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', file[0]);
    res.setHeader('Cache-Control', 'no-store');
    res.end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, server };
}
