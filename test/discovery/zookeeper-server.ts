/**
 * A throwaway ZooKeeper for tests: Debian's `zookeeper` package run standalone on a
 * free loopback port with a temp data dir. Fails (never skips) when the package is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooKeeperSession } from '../../src/discovery/zookeeper.js';

const JAR = '/usr/share/java/zookeeper.jar';

/** A running ZooKeeper. */
export interface TestZooKeeper {
  /** Connection string, `127.0.0.1:port`. */
  readonly connect: string;
  /** Replaces the server by an empty one on the same port: every session it knew is gone (clients see them expire). */
  restartEmpty(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

interface Instance {
  child: ChildProcess;
  dir: string;
  output(): string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** ZooKeeper's jar, plus a simple SLF4J logger when one is installed (its log explains a failed start). */
function classpath(): string {
  const logger = ['/usr/share/java/maven3-slf4j-provider.jar', '/usr/share/java/maven-shared-utils.jar'];
  return [JAR, ...(!process.env.ZK_NOLOG && logger.every((j) => existsSync(j)) ? logger : [])].join(':');
}

/** Data in memory when the machine has a tmpfs: a throwaway server needs no disk, and a busy disk can stall it. */
function scratchRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

function launch(port: number): Instance {
  const dir = mkdtempSync(join(scratchRoot(), 'thrift-zk-'));
  // Every session is created by a logged transaction. With the defaults (fsync per batch, a
  // transaction log preallocated 64 MB at a time) a shared CI disk once stalled session
  // creation past 30 s; a test server keeps nothing worth syncing.
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'tickTime=500',
      'minSessionTimeout=1000',
      'maxSessionTimeout=20000',
      'admin.enableServer=false',
      'forceSync=no',
      'preAllocSize=64',
      '',
    ].join('\n'),
  );
  const child = spawn('java', ['-Xms32m', '-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', classpath(), 'org.apache.zookeeper.server.ZooKeeperServerMain', join(dir, 'zoo.cfg')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, dir, output: () => output };
}

async function kill(instance: Instance): Promise<void> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) {
    const exited = once(instance.child, 'exit');
    instance.child.kill('SIGKILL');
    await exited;
  }
  rmSync(instance.dir, { recursive: true, force: true });
}

/**
 * A session on `instance`, once it answers; rejects if its JVM exits first. A session
 * request can go unanswered (the client then waits forever on that socket), so each
 * attempt is bounded and a fresh one follows, within an overall budget.
 */
async function openSession(instance: Instance, connect: string, budgetMs = 60_000): Promise<ZooKeeperSession> {
  const exited = once(instance.child, 'exit').then(([code]) => {
    throw new Error(`zookeeper exited with ${code} before answering: ${instance.output().slice(-2000)}`);
  });
  exited.catch(() => {});
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    const opening = ZooKeeperSession.open({ connect, connectTimeout: Math.min(10_000, Math.max(1000, deadline - Date.now())) });
    try {
      return await Promise.race([opening, exited]);
    } catch (e) {
      opening.then((s) => s.close(), () => {});
      if (instance.child.exitCode !== null || instance.child.signalCode !== null || Date.now() >= deadline) {
        throw new Error(`zookeeper on ${connect} did not start (${attempt} attempts): ${(e as Error).message}\n${instance.output().slice(-3000)}`, { cause: e });
      }
    }
  }
}

/** The server's last transaction id (its counter part), from the `srvr` four-letter command. */
async function lastZxid(port: number): Promise<number> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.end('srvr');
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  const zxid = /Zxid: 0x([0-9a-f]+)/i.exec(text)?.[1];
  if (zxid === undefined) throw new Error(`no Zxid in the srvr answer: ${text}`);
  return Number(BigInt(`0x${zxid}`) & 0xffffffffn);
}

/** Makes at least `count` transactions (ephemeral creates, deleted with the session). */
async function writeTransactions(session: ZooKeeperSession, count: number): Promise<void> {
  for (let done = 0; done < count; done += 100) {
    await Promise.all(Array.from({ length: 100 }, () => session.register('/zxid-filler', { host: '127.0.0.1', port: 1 })));
  }
}

/**
 * Starts ZooKeeper and resolves once it answers a session. The free port is only
 * free when picked: if the JVM exits before answering (the port was taken meanwhile),
 * it is started again on another port.
 */
export async function startZooKeeper(): Promise<TestZooKeeper> {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: install Debian's zookeeper package (apt-get install zookeeper)`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const connect = `127.0.0.1:${port}`;
    let current = launch(port);
    try {
      (await openSession(current, connect)).close();
    } catch (e) {
      lastError = e;
      await kill(current);
      continue;
    }
    return {
      connect,
      async restartEmpty() {
        const seen = await lastZxid(port);
        await kill(current);
        current = launch(port);
        const session = await openSession(current, connect);
        try {
          // A server refuses clients that have seen a later transaction than its own last one
          // ("client must try another server"): write past the old server's last zxid first.
          await writeTransactions(session, seen + 50);
        } finally {
          session.close();
        }
      },
      stop: () => kill(current),
    };
  }
  throw lastError;
}
