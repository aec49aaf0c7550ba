/**
 * Backpressure over real sockets: a client that sends many calls and never reads
 * the replies must stop being read by the server, so the server's memory stays
 * bounded; once the client reads again, every reply arrives, none lost.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, TimeoutError } from '../../src/index.js';
import { binaryProtocol, MessageType } from '../../src/protocol/index.js';
import { within } from '../helpers/wait.js';
import { frame, mod, raw, request } from './net.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  const test = onSocketPath(suite(`backpressure [${path}]`), path);

  const REPLY = 'r'.repeat(64 * 1024);
  const CALLS = 2000; // 128 MB of replies if the server read everything

  /** Resolves once `count()` has stopped changing for 300 ms; fails after `ms`. */
  function quiet(count: () => number, ms: number): Promise<number> {
    return within(new Promise<number>((resolve) => {
      let last = -1;
      let same = 0;
      const tick = setInterval(() => {
        const now = count();
        same = now === last ? same + 1 : 0;
        last = now;
        if (same >= 3) {
          clearInterval(tick);
          resolve(now);
        }
      }, 100);
    }), ms, 'the server to stop reading');
  }

  /**
   * Sends CALLS framed requests without reading, waits until the server stops
   * taking them, then reads and checks every reply in order.
   */
  async function nonReader(respond: () => unknown): Promise<{ processed: number; grewMB: number }> {
    let processed = 0;
    const server = await createServer(mod.Echo, { echoString: () => (processed++, respond()) }, { port: 0, transport: 'framed' });
    const r = await raw(server.address.port!);
    try {
      r.socket.pause();
      const before = process.memoryUsage().arrayBuffers;
      const requests: Uint8Array[] = [];
      for (let i = 1; i <= CALLS; i++) requests.push(frame(request(binaryProtocol, 'echoString', ['?'], i)));
      r.socket.write(Buffer.concat(requests));
      const stalled = await quiet(() => processed, 15_000);
      const grewMB = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
      // Now read everything: each reply, in order, complete.
      let buffered: Buffer = Buffer.alloc(0);
      let next = 1;
      const all = new Promise<void>((resolve, reject) => {
        r.socket.on('data', (d: Buffer) => {
          buffered = buffered.length === 0 ? d : Buffer.concat([buffered, d]);
          while (buffered.length >= 4) {
            const n = buffered.readInt32BE(0);
            if (buffered.length < 4 + n) break;
            const rd = binaryProtocol.createReader();
            rd.reset(buffered.subarray(4, 4 + n));
            const h = rd.readMessageBegin();
            if (h.type !== MessageType.REPLY || h.seqid !== next) reject(new Error(`reply ${h.seqid} (type ${h.type}) where ${next} was due`));
            next++;
            buffered = buffered.subarray(4 + n);
          }
          if (next > CALLS) resolve();
        });
      });
      r.socket.resume();
      await within(all, 20_000, `all ${CALLS} replies`);
      return { processed: stalled, grewMB };
    } finally {
      r.socket.destroy();
      server.destroy();
    }
  }

  // One 64 KB chunk holds ~1,870 of these 34-byte requests: the server must stop starting them
  // mid-chunk once replies back up, not only between socket reads.
  test('a synchronous handler: the server stops reading a client that does not read, and loses no reply', async () => {
    const { processed, grewMB } = await nonReader(() => REPLY);
    assert.ok(processed < CALLS / 4, `server processed ${processed} of ${CALLS} calls for a client that reads nothing`);
    assert.ok(grewMB < 64, `server buffers grew by ${grewMB.toFixed(0)} MB`);
  });

  test('an async handler: the server stops reading a client that does not read, and loses no reply', async () => {
    const { processed, grewMB } = await nonReader(() => new Promise((resolve) => setImmediate(() => resolve(REPLY))));
    assert.ok(processed < CALLS / 4, `server processed ${processed} of ${CALLS} calls for a client that reads nothing`);
    assert.ok(grewMB < 64, `server buffers grew by ${grewMB.toFixed(0)} MB`);
  });

  test('the idle timeout closes a connection whose client stopped reading replies', async () => {
    let reported!: (e: unknown) => void;
    const dropped = new Promise<unknown>((resolve) => (reported = resolve));
    const server = await createServer(mod.Echo, { echoString: () => REPLY }, { port: 0, transport: 'framed', idleTimeout: 200, onError: reported });
    const r = await raw(server.address.port!);
    try {
      r.socket.pause();
      const requests: Uint8Array[] = [];
      for (let i = 1; i <= 500; i++) requests.push(frame(request(binaryProtocol, 'echoString', ['?'], i)));
      r.socket.write(Buffer.concat(requests));
      // Replies stuck behind a reader that never reads must not pin the connection forever.
      // (A paused client socket does not notice the close, so the server reports it.)
      const error = await within(dropped, 5000, 'the server to drop a connection stuck on unread replies');
      assert.instance(error, TimeoutError);
      assert.is(server.connections, 0);
    } finally {
      r.socket.destroy();
      server.destroy();
    }
  });

  test.run();
}
