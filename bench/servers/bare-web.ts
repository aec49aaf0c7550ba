/**
 * The ceiling for the web lines: a node:http2 (`--kind h2c`, core API) or node:http
 * (`--kind http`) server with no Thrift at all, answering every POST with its own
 * body turned into a reply (message type byte set to REPLY): for `ping`, whose
 * arguments and result are both empty structs, that is a valid reply. Prints
 * `LISTENING <port>`; see control.ts.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import { args, serveControl } from './control.js';

const a = args();
/** The request body as a reply: byte 3 of a strict binary message header is its type. */
function replyOf(chunks: Buffer[]): Buffer {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  body[3] = 2;
  return body;
}
let port: number;
if (a.kind === 'h2c') {
  const server = createH2Server();
  server.on('stream', (stream) => {
    const chunks: Buffer[] = [];
    stream.on('error', () => {});
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const reply = replyOf(chunks);
      stream.respond({ ':status': 200, 'content-type': 'application/x-thrift', 'content-length': reply.length });
      stream.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
} else {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = replyOf(chunks);
      res.writeHead(200, { 'Content-Type': 'application/x-thrift', 'Content-Length': reply.length });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
}
serveControl();
process.stdout.write(`LISTENING ${port}\n`);
