/**
 * A TCP proxy on 127.0.0.1 that forwards both ways but cuts the head of every
 * chunk it receives into 1–3 byte writes, yielding to the event loop between
 * them, so that the receiver reads message headers, field headers and
 * container headers in pieces. The rest of each chunk goes on in one write,
 * which keeps large payloads fast.
 */
import net from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** How many leading bytes of each received chunk are dripped. */
const DRIP_BYTES = 64;

/** A running proxy. */
export interface DripProxy {
  readonly port: number;
  /** Stops listening and destroys every proxied connection. */
  close(): Promise<void>;
}

/** Forwards `from` to `to`, in order, dripping the head of each chunk; returns a promise of everything forwarded so far. */
function drip(from: net.Socket, to: net.Socket): () => Promise<void> {
  let chain = Promise.resolve();
  let seed = 1;
  from.on('data', (chunk: Buffer) => {
    chain = chain.then(async () => {
      let at = 0;
      const head = Math.min(chunk.length, DRIP_BYTES);
      while (at < head && !to.destroyed) {
        // A fixed pseudo-random sequence: cuts differ from chunk to chunk, runs repeat exactly.
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const n = Math.min(1 + (seed % 3), head - at);
        to.write(chunk.subarray(at, at + n));
        at += n;
        await yieldToLoop();
      }
      if (at < chunk.length && !to.destroyed) to.write(chunk.subarray(at));
    });
  });
  from.on('end', () => void chain.then(() => to.end()));
  return () => chain;
}

/** Starts a proxy to 127.0.0.1:`targetPort`. */
export async function startDripProxy(targetPort: number): Promise<DripProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    const toUpstream = drip(client, upstream);
    const toClient = drip(upstream, client);
    for (const [s, other, forwarded] of [[client, upstream, toUpstream], [upstream, client, toClient]] as const) {
      s.setNoDelay(true);
      sockets.add(s);
      // A side that closes closes the other once what it sent has been forwarded, as a direct connection would.
      s.on('close', () => {
        sockets.delete(s);
        void forwarded().then(() => other.destroy());
      });
      s.on('error', () => s.destroy());
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
