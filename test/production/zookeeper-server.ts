/**
 * A throwaway ZooKeeper for tests: Debian's `zookeeper` package run standalone on a
 * free loopback port with a temp data dir. Fails (never skips) when the package is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooKeeperSession } from '../../src/transport/zookeeper.js';

const JAR = '/usr/share/java/zookeeper.jar';

/** A running ZooKeeper. */
export interface TestZooKeeper {
  /** Connection string, `127.0.0.1:port`. */
  readonly connect: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
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
    const zk = await launch();
    const ready = ZooKeeperSession.open({ connect: zk.connect, connectTimeout: 30_000 });
    const exited = once(zk.child, 'exit').then(([code]) => {
      throw new Error(`zookeeper exited with ${code} before answering: ${zk.output().slice(-2000)}`);
    });
    try {
      const session = await Promise.race([ready, exited]);
      session.close();
      return zk;
    } catch (e) {
      lastError = e;
      ready.then((s) => s.close(), () => {});
      await zk.stop();
    }
  }
  throw lastError;
}

async function launch(): Promise<TestZooKeeper & { child: ChildProcess; output(): string }> {
  const dir = mkdtempSync(join(tmpdir(), 'thrift-zk-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [`dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'tickTime=500', 'minSessionTimeout=1000', 'maxSessionTimeout=20000', 'admin.enableServer=false', ''].join('\n'),
  );
  const child: ChildProcess = spawn('java', ['-Xms32m', '-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', `${JAR}:/etc/zookeeper/conf_example`, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(dir, 'zoo.cfg')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    child,
    output: () => output,
    connect: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
