/** TLS, mutual TLS and unix domain sockets through createServer / createConnection / createPool options. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { createConnection, createPool, createServer, load, type ThriftServer } from '../../src/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { rejection, within } from '../helpers/wait.js';
import { makePki, type TestPki } from './certs.js';
import { tsCommand } from '../helpers/runtime.js';

const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

const tls = suite('tls');
let pki: TestPki;
let server: ThriftServer;
let mutual: ThriftServer;

tls.before(async () => {
  pki = makePki();
  server = await createServer(mod.Echo, echoHandler(mod), { port: 0, tls: { key: pki.serverKey, cert: pki.serverCert } });
  mutual = await createServer(mod.Echo, echoHandler(mod), {
    port: 0,
    transport: 'framed',
    tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
  });
});

// Null-safe: after a failed before hook, what it did not make must not hide its error.
tls.after(async () => {
  server?.destroy();
  mutual?.destroy();
  pki?.remove();
});

tls('a client trusting the CA calls a TLS server', async () => {
  const conn = await createConnection(mod.Echo, { port: server.address.port, tls: { ca: pki.ca }, timeout: 5000 });
  assert.is(await conn.echoString('over tls'), 'over tls');
  assert.is(await conn.add(2, 3n), 5n);
  await conn.close();
});

tls('a client that does not trust the server certificate is refused at connect', async () => {
  const error = await rejection(createConnection(mod.Echo, { port: server.address.port, tls: {}, timeout: 5000 }));
  assert.is(error.code, 'TRANSPORT');
  assert.match(error.message, /certificate/i);
});

tls('a plaintext client gets no answer from a TLS server', async () => {
  const conn = await createConnection(mod.Echo, { port: server.address.port, timeout: 2000 });
  const error = await rejection(conn.echoString('plain'));
  assert.ok(['CONNECTION_CLOSED', 'TIMEOUT', 'PROTOCOL', 'APPLICATION'].includes(error.code), error.code);
  conn.destroy();
});

tls('mutual TLS: a client certificate from the CA is accepted', async () => {
  const conn = await createConnection(mod.Echo, {
    port: mutual.address.port,
    transport: 'framed',
    tls: { ca: pki.ca, key: pki.clientKey, cert: pki.clientCert },
    timeout: 5000,
  });
  assert.is(await conn.echoString('mutual'), 'mutual');
  await conn.close();
});

for (const [what, creds] of [
  ['no client certificate', () => ({ ca: pki.ca })],
  ['a certificate from an untrusted CA', () => ({ ca: pki.ca, key: pki.strangerKey, cert: pki.strangerCert })],
] as const) {
  tls(`mutual TLS: ${what} is refused (connect or first call fails; no reply)`, async () => {
    // Under TLS 1.3 the server checks the client certificate after the client's handshake is done,
    // so the refusal shows either at connect or on the first call.
    const error = await rejection(
      createConnection(mod.Echo, { port: mutual.address.port, transport: 'framed', tls: creds(), timeout: 5000 }).then(async (c) => {
        try {
          return await c.echoString('should not arrive');
        } finally {
          c.destroy();
        }
      }),
    );
    assert.ok(['TRANSPORT', 'CONNECTION_CLOSED'].includes(error.code), `${error.code}: ${error.message}`);
  });
}

tls('a pool over mutual TLS', async () => {
  const pool = await createPool(mod.Echo, {
    port: mutual.address.port,
    transport: 'framed',
    tls: { ca: pki.ca, key: pki.clientKey, cert: pki.clientCert },
    minsize: 2,
    maxsize: 2,
  });
  const replies = await Promise.all([1, 2, 3, 4].map((i) => pool.use((c) => c.echoI32(i))));
  assert.equal(replies, [1, 2, 3, 4]);
  await pool.close();
});

tls.run();

const unix = suite('unix domain sockets');
let dir: string;
let unixServer: ThriftServer;
let path: string;

unix.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thrift-unix-'));
  path = join(dir, 'echo.sock');
  unixServer = await createServer(mod.Echo, echoHandler(mod), { path, transport: 'framed', protocol: 'compact' });
});

unix.after(async () => {
  if (unixServer !== undefined) await within(unixServer.close(), 5000, 'the unix server to close');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

unix('the server reports its socket path as its address', () => {
  assert.equal(unixServer.address, { path });
});

unix('a socket file left by a killed server is replaced; the new server answers on it', async () => {
  const stale = join(dir, 'stale.sock');
  const child = spawn(...tsCommand(new URL('../helpers/echo-server-child.ts', import.meta.url).pathname, ['framed', stale]), { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! });
    await within(new Promise<void>((resolve) => lines.on('line', (l) => l === `LISTENING ${stale}` && resolve())), 20_000, 'the child server');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await within(exited, 5000, 'the child to die');
  } finally {
    child.kill('SIGKILL');
  }
  // SIGKILL leaves the socket file behind, with nobody accepting on it.
  assert.ok(statSync(stale).isSocket(), 'the killed server left its socket file');
  const next = await createServer(mod.Echo, echoHandler(mod), { path: stale, transport: 'framed' });
  try {
    assert.equal(next.address, { path: stale });
    const conn = await createConnection(mod.Echo, { path: stale, transport: 'framed', timeout: 5000 });
    assert.is(await conn.echoString('after the stale file'), 'after the stale file');
    await conn.close();
  } finally {
    await within(next.close(), 5000, 'the new server to close');
  }
});

unix("a live server's socket is never taken over: EADDRINUSE, with a message that says so", async () => {
  const error = await rejection(createServer(mod.Echo, echoHandler(mod), { path }));
  assert.is(error.code, 'TRANSPORT');
  assert.match(error.message, `listen on ${path} failed: a live server accepts on that unix socket (EADDRINUSE)`);
  assert.is(error.cause.code, 'EADDRINUSE');
  const conn = await createConnection(mod.Echo, { path, transport: 'framed', protocol: 'compact', timeout: 5000 });
  assert.is(await conn.echoString('still the first server'), 'still the first server', 'the live server keeps its socket');
  await conn.close();
});

unix('a path that is a regular file is not removed', async () => {
  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'data');
  const error = await rejection(createServer(mod.Echo, echoHandler(mod), { path: file }));
  assert.is(error.code, 'TRANSPORT');
  assert.is(readFileSync(file, 'utf8'), 'data');
});

unix('createConnection dials a path instead of host and port', async () => {
  const conn = await createConnection(mod.Echo, { path, transport: 'framed', protocol: 'compact', timeout: 5000 });
  assert.is(await conn.echoString('over a unix socket'), 'over a unix socket');
  await conn.close();
});

unix('createPool dials a path', async () => {
  const pool = await createPool(mod.Echo, { path, transport: 'framed', protocol: 'compact', minsize: 1, maxsize: 3 });
  const replies = await Promise.all([1, 2, 3, 4, 5].map((i) => pool.use((c) => c.delayed(i, 5))));
  assert.equal(replies, [1, 2, 3, 4, 5]);
  await pool.close();
});

unix('a missing path fails to connect with a TransportError', async () => {
  const error = await rejection(createConnection(mod.Echo, { path: join(dir, 'nobody.sock') }));
  assert.is(error.code, 'TRANSPORT');
});

unix.run();
