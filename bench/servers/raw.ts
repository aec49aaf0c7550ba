/**
 * The ceiling: a plain node:net server that echoes 4-byte big-endian
 * length-prefixed frames, no Thrift at all. Complete frames are written back
 * as soon as they are whole (one write per received chunk); a partial frame
 * waits in a chunk list with a running byte count, copied once when whole.
 * Prints `LISTENING <port>`; see control.ts.
 */
import { createServer, type Socket } from 'node:net';
import { serveControl } from './control.js';

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    let buf = chunk;
    if (pendingBytes > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < 4) return;
      if (pending[0]!.length < 4) pending = [Buffer.concat(pending, pendingBytes)];
      if (pendingBytes < 4 + pending[0]!.readUInt32BE(0)) return;
      buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
    let end = 0;
    while (buf.length - end >= 4) {
      const next = end + 4 + buf.readUInt32BE(end);
      if (next > buf.length) break;
      end = next;
    }
    if (end > 0) socket.write(end === buf.length ? buf : buf.subarray(0, end));
    if (end < buf.length) {
      pending = [buf.subarray(end)];
      pendingBytes = buf.length - end;
    }
  });
  socket.on('error', () => socket.destroy());
}

const server = createServer({ noDelay: true }, serve);
server.listen(0, '127.0.0.1', () => {
  serveControl();
  process.stdout.write(`LISTENING ${(server.address() as { port: number }).port}\n`);
});
