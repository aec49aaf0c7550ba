/** Raw sockets and server set-ups shared by the hardening tests. */
import { connect as netConnect, type Socket } from 'node:net';
import { createConnection, load, type ServiceClient } from '../../src/index.js';
import { encodeMessage, MessageType, serviceFunctions, type Protocol } from '../../src/protocol/index.js';
import { within } from '../helpers/wait.js';

export const mod = load(new URL('../fixtures/echo.thrift', import.meta.url).pathname);

/** A raw TCP client: records what it receives and when the server closes it. */
export interface Raw {
  socket: Socket;
  received: () => number;
  /** Resolves when the server has closed (or reset) the connection. */
  closed: Promise<void>;
}

/** Opens a raw socket to `port` and waits until it is connected. */
export async function raw(port: number): Promise<Raw> {
  const socket = netConnect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  let bytes = 0;
  socket.on('data', (d: Buffer) => (bytes += d.length));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await within(new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  }), 5000, 'raw connect');
  return { socket, received: () => bytes, closed };
}

/** The request bytes a client would send for `name(args)`, unframed. */
export function request(protocol: Protocol, name: string, args: unknown[], seqid = 1): Uint8Array {
  const fn = serviceFunctions(mod.Echo).get(name)!;
  return encodeMessage(protocol.createWriter(), name, MessageType.CALL, seqid, protocol.codecs.argsCodec(fn.args).encode, args).slice();
}

/** Prefixes `payload` with its length, as TFramedTransport. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/**
 * A well-behaved client calling in a loop while bad connections are tried
 * alongside: every answer must be right. stop() ends the loop and returns how
 * many calls succeeded (it throws the first wrong answer or error).
 */
export function goodTraffic(conn: ServiceClient): { stop: () => Promise<number> } {
  let running = true;
  let ok = 0;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const s = `good-${i}`;
      const [a, b] = await Promise.all([conn.echoString(s), conn.echoI32(i)]);
      if (a !== s || b !== i) throw new Error(`wrong answer: ${a} / ${b} for ${i}`);
      ok++;
    }
  })();
  // Failures surface through stop(); until then they must not count as unhandled.
  loop.catch(() => {});
  return {
    async stop() {
      running = false;
      await within(loop, 5000, 'the good client to finish its calls');
      return ok;
    },
  };
}

/** Connects a good client. */
export function goodClient(port: number, transport: 'buffered' | 'framed', protocol?: 'binary' | 'compact'): Promise<ServiceClient> {
  return createConnection(mod.Echo, { port, transport, protocol, timeout: 5000 });
}
