/**
 * Load-and-fault soak run (`npm run soak`; not part of `npm test`): N pooled
 * clients make concurrent calls on loopback for a bounded time while the server
 * (a child process) is restarted, alternately gracefully (SIGTERM → close()) and
 * by SIGKILL, and bad connections are opened alongside: garbage bytes, huge frame
 * headers, slowloris half messages, clients that never read. Prints calls made,
 * succeeded, failed with a typed error, lost (must be 0) and peak server memory;
 * exits 1 if any call was lost or answered wrongly.
 *
 * Environment: SOAK_SECONDS (20), SOAK_CLIENTS (8), SOAK_CONCURRENCY (16 per client),
 * SOAK_RESTART_MS (5000), SOAK_BAD_MS (25: one bad connection per that many ms, 0 for none),
 * SOAK_TRANSPORT ('framed' | 'buffered', default framed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPool, createServer, load, ThriftError, type ThriftPool } from '../src/index.js';
import { binaryProtocol, encodeMessage, MessageType, serviceFunctions } from '../src/protocol/index.js';

const here = fileURLToPath(import.meta.url);
const mod = load(fileURLToPath(new URL('../test/fixtures/echo.thrift', import.meta.url)));
type Transport = 'framed' | 'buffered';

if (process.argv[2] === '--server') await serve(Number(process.argv[3]), process.argv[4] as Transport);
else await soak();

/** Child mode: one server; SIGTERM closes it gracefully. */
async function serve(port: number, transport: Transport): Promise<void> {
  const handler = {
    echoString: (s: string) => s,
    echoI32: (v: number) => v,
    echoList: (v: number[]) => v,
    delayed: (v: number, ms: number) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50), v)),
  };
  const server = await createServer(mod.Echo, handler, {
    port,
    transport,
    idleTimeout: 1000,
    maxMessageSize: 1 << 20,
    maxConnections: 500,
    closeTimeout: 1000,
  });
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.stdout.write(`LISTENING ${server.address.port}\n`);
}

async function soak(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 20);
  const nClients = Number(process.env.SOAK_CLIENTS ?? 8);
  const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 16);
  const restartMs = Number(process.env.SOAK_RESTART_MS ?? 5000);
  const transport = (process.env.SOAK_TRANSPORT ?? 'framed') as Transport;
  const badMs = Number(process.env.SOAK_BAD_MS ?? 25);
  const stats = { made: 0, ok: 0, typed: 0, wrong: 0, untyped: 0, lost: 0, restarts: 0, bad: 0 };
  const byCode = new Map<string, number>();
  let peakKB = 0;

  let child: ChildProcess;
  let port = 0;
  async function start(): Promise<void> {
    child = spawn(process.execPath, ['--import', 'tsx', here, '--server', String(port), transport], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    });
    port = Number(/LISTENING (\d+)/.exec(line)![1]);
  }
  /** Peak resident set of the server process so far (VmHWM), in kB. */
  function samplePeak(): void {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > peakKB) peakKB = kb;
    } catch {
      // The process is gone between restarts.
    }
  }
  async function restart(): Promise<void> {
    samplePeak();
    const graceful = stats.restarts % 2 === 0;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    await exited;
    stats.restarts++;
    await start();
  }

  await start();
  const deadline = Date.now() + seconds * 1000;
  const pools: ThriftPool[] = [];
  for (let i = 0; i < nClients; i++) {
    pools.push(await createPool(mod.Echo, { port, transport, minsize: 1, maxsize: 4, timeout: 3000, connectTimeout: 1000 }));
  }
  const pending = new Set<Promise<unknown>>();

  /** One call with its expected answer; every outcome is counted exactly once. */
  function call(pool: ThriftPool, i: number): Promise<void> {
    stats.made++;
    const kind = i % 4;
    const p = pool.use((c) => {
      if (kind === 0) return c.echoString(`s${i}`);
      if (kind === 1) return c.echoI32(i);
      if (kind === 2) return c.echoList([i, i + 1]);
      return c.delayed(i, 20);
    });
    pending.add(p);
    return p.then(
      (v) => {
        const expected = kind === 0 ? `s${i}` : kind === 2 ? JSON.stringify([i, i + 1]) : i;
        if ((kind === 2 ? JSON.stringify(v) : v) === expected) stats.ok++;
        else stats.wrong++;
      },
      (e: unknown) => {
        if (e instanceof ThriftError) {
          stats.typed++;
          byCode.set(e.name, (byCode.get(e.name) ?? 0) + 1);
        } else {
          stats.untyped++;
          console.error('untyped failure:', e);
        }
      },
    ).finally(() => pending.delete(p));
  }

  let seq = 0;
  const workers: Promise<void>[] = [];
  for (const pool of pools) {
    for (let k = 0; k < concurrency; k++) {
      workers.push((async () => {
        while (Date.now() < deadline) {
          const failed = stats.typed;
          await call(pool, seq++);
          // After a failure the server may be down: back off a little, as a real client would.
          if (stats.typed !== failed) await new Promise<void>((resolve) => setTimeout(resolve, 20));
        }
      })());
    }
  }

  // Bad connections, opened alongside the load.
  const badSockets = new Set<Socket>();
  const bad = setInterval(() => {
    if (badMs === 0 || Date.now() >= deadline) return;
    stats.bad++;
    const s = netConnect({ host: '127.0.0.1', port });
    badSockets.add(s);
    s.on('error', () => {});
    s.on('close', () => badSockets.delete(s));
    const which = stats.bad % 4;
    s.on('connect', () => {
      if (which === 0) s.end(Buffer.from('GET / HTTP/1.1\r\nHost: soak\r\n\r\n\x80\x01\x00\x01junk'));
      else if (which === 1) s.write(Buffer.from([0x7f, 0xff, 0xff, 0xf0, 0x80, 0x01]));
      else if (which === 2) {
        // Slowloris: the first half of a real request, then nothing; the server's timeout must reap it.
        const req = requestBytes(transport, 1);
        s.write(req.subarray(0, req.length >> 1));
      } else {
        // Never reads: many calls, replies left unread until the server drops it.
        s.pause();
        const reqs: Uint8Array[] = [];
        for (let j = 1; j <= 200; j++) reqs.push(requestBytes(transport, j));
        s.write(Buffer.concat(reqs));
      }
    });
    // Each bad connection lives at most 3 s on our side.
    setTimeout(() => s.destroy(), 3000).unref();
  }, 25);

  const sampler = setInterval(samplePeak, 200);
  const restarter = (async () => {
    while (Date.now() + restartMs < deadline) {
      await new Promise((resolve) => setTimeout(resolve, restartMs));
      await restart();
    }
  })();

  await restarter;
  // Every call made must settle: whatever has not within 5 s of the deadline is lost
  // (a stuck call also stalls its worker, so the workers are waited on with the same bound).
  const grace = new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()) + 5000).unref());
  await Promise.race([Promise.all(workers), grace]);
  clearInterval(bad);
  stats.lost = pending.size + stats.untyped;
  samplePeak();
  clearInterval(sampler);
  for (const s of badSockets) s.destroy();
  await Promise.all(pools.map((p) => p.close()));
  child!.kill('SIGKILL');

  const line = (k: string, v: string | number): void => console.log(`${k.padEnd(26)} ${v}`);
  line('transport', transport);
  line('duration (s)', seconds);
  line('clients x concurrency', `${nClients} x ${concurrency}`);
  line('server restarts', `${stats.restarts} (alternating graceful / SIGKILL)`);
  line('bad connections opened', stats.bad);
  line('calls made', stats.made);
  line('succeeded', stats.ok);
  line('failed with a typed error', `${stats.typed} ${JSON.stringify(Object.fromEntries(byCode))}`);
  line('wrong answers', stats.wrong);
  line('lost', stats.lost);
  line('peak server RSS (MB)', (peakKB / 1024).toFixed(1));
  const ok = stats.lost === 0 && stats.wrong === 0 && stats.ok + stats.typed === stats.made;
  console.log(ok ? 'soak: OK' : 'soak: FAILED');
  process.exit(ok ? 0 : 1);
}

function requestBytes(transport: Transport, seqid: number): Uint8Array {
  const fn = serviceFunctions(mod.Echo).get('echoString')!;
  const body = encodeMessage(binaryProtocol.createWriter(), 'echoString', MessageType.CALL, seqid, binaryProtocol.codecs.argsCodec(fn.args).encode, ['x'.repeat(300)]);
  if (transport === 'buffered') return body.slice();
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}
