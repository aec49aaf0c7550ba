/**
 * Wire limits over real sockets: each bad connection gets a typed error and is
 * closed alone, while a good client on the same server keeps getting right answers.
 */
import { suite } from '../helpers/uvu.js';
import * as assert from 'uvu/assert';
import { AppErrorType, createServer, FrameTooLargeError, ProtocolError, ProtocolErrorType, ThriftAppError, WireMismatchError, type ThriftServer } from '../../src/index.js';
import { binaryProtocol, compactProtocol, MessageType, TType } from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { within } from '../helpers/wait.js';
import { frame, goodClient, goodTraffic, mod, raw, request } from './net.js';
import { onSocketPath, SOCKET_PATHS } from '../helpers/socket-paths.js';

// Every suite below runs twice: sockets served straight from their events, and through their web streams.
for (const path of SOCKET_PATHS) {
  for (const transport of ['framed', 'buffered'] as const) {
    const test = onSocketPath(suite(`limits over ${transport} [${path}]`), path);
    let server: ThriftServer;
    let errors: unknown[] = [];
    let errorSeen: () => void = () => {};
    const nextError = (): Promise<unknown> => new Promise((resolve) => (errorSeen = () => resolve(errors[errors.length - 1])));

    test.before(async () => {
      server = await createServer(mod.Echo, echoHandler(mod), {
        port: 0,
        transport,
        maxMessageSize: 4096,
        maxDepth: 16,
        onError: (e) => {
          errors.push(e);
          errorSeen();
        },
      });
    });
    test.after(() => server?.destroy());
    test.before.each(() => {
      errors = [];
    });

    const wrap = (payload: Uint8Array): Uint8Array => (transport === 'framed' ? frame(payload) : payload);

    /** Sends `bytes` on a fresh raw connection and expects the server to close it with `match`. */
    async function expectClosed(bytes: Uint8Array, match: (e: unknown) => boolean, what: string): Promise<void> {
      const good = await goodClient(server.address.port!, transport);
      const traffic = goodTraffic(good);
      try {
        const failed = nextError();
        const r = await raw(server.address.port!);
        r.socket.write(bytes);
        await within(r.closed, 5000, `the server to close the connection (${what})`);
        const e = await within(failed, 5000, 'onError');
        assert.ok(match(e), `${what}: got ${String(e)}`);
        assert.ok((await traffic.stop()) > 0, 'the good client made calls meanwhile');
        assert.is(await good.echoString('after'), 'after');
      } finally {
        good.destroy();
      }
    }

    if (transport === 'framed') {
      test('a frame header over maxMessageSize closes the connection before any body arrives', async () => {
        const header = new Uint8Array([0x7f, 0xff, 0xff, 0x00]);
        await expectClosed(header, (e) => e instanceof FrameTooLargeError && e.limit === 4096, 'huge frame header');
        await expectClosed(new Uint8Array([0, 0, 0x10, 0x01]), (e) => e instanceof FrameTooLargeError && e.size === 4097, 'one byte over');
      });

      test('a negative frame length closes the connection with a TransportError', async () => {
        await expectClosed(new Uint8Array([0xff, 0xff, 0xff, 0xfe]), (e) => (e as Error).name === 'TransportError', 'negative length');
      });
    } else {
      test('an unframed message growing past maxMessageSize closes the connection once that many bytes are buffered', async () => {
        const big = request(binaryProtocol, 'echoString', ['z'.repeat(10_000)]);
        await expectClosed(big.subarray(0, 6000), (e) => e instanceof FrameTooLargeError && e.limit === 4096, 'oversized unframed message');
      });

      test('nesting deeper than the measure walk allows closes an unframed connection with DEPTH_LIMIT', async () => {
        await expectClosed(deep(200), (e) => e instanceof ProtocolError && e.type === ProtocolErrorType.DEPTH_LIMIT, 'deep nesting');
      });
    }

    test('garbage that is no message closes only its own connection', async () => {
      // Framed, an HTTP request is recognised and refused by name; unframed, a bad version word is refused at once.
      const junk = transport === 'framed'
        ? new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        : new Uint8Array([0x80, 0x09, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef]);
      await expectClosed(junk, (e) => (transport === 'framed' ? e instanceof WireMismatchError && /expected framed.*an HTTP request \("GET \/ HTTP\/1\.1"\)/.test(e.message) : e instanceof ProtocolError && e.type === ProtocolErrorType.BAD_VERSION), 'garbage');
    });

    /** Sends one request on a raw socket and decodes the TApplicationException it must get back. */
    async function appErrorFor(payload: Uint8Array): Promise<ThriftAppError> {
      const good = await goodClient(server.address.port!, transport);
      const traffic = goodTraffic(good);
      const r = await raw(server.address.port!);
      try {
        let chunks: Buffer[] = [];
        let gotReply: (b: Uint8Array) => void = () => {};
        r.socket.on('data', (d: Buffer) => {
          chunks.push(d);
          const all = Buffer.concat(chunks);
          const body = transport === 'framed' ? all.subarray(4) : all;
          if (binaryProtocol.measure(body, 0, body.length) === body.length) {
            chunks = [];
            gotReply(body);
          }
        });
        const nextReply = (): Promise<Uint8Array> => within(new Promise<Uint8Array>((resolve) => (gotReply = resolve)), 5000, 'a reply');
        const first = nextReply();
        r.socket.write(wrap(payload));
        const bytes = await first;
        const rd = binaryProtocol.createReader();
        rd.reset(bytes);
        const header = rd.readMessageBegin();
        assert.is(header.type, MessageType.EXCEPTION);
        const e = binaryProtocol.codecs.decoder({ kind: 'struct', name: 'x', annotations: {}, fields: [
          { id: 1, name: 'message', type: { kind: 'string' }, requiredness: 'optional', annotations: {} },
          { id: 2, name: 'type', type: { kind: 'i32' }, requiredness: 'optional', annotations: {} },
        ] })(rd) as { message: string; type: number };
        // The connection survives a bad argument inside a well-delimited message.
        const second = nextReply();
        r.socket.write(wrap(request(binaryProtocol, 'echoI32', [5], 2)));
        const ok = binaryProtocol.createReader();
        ok.reset(await second);
        assert.equal(ok.readMessageBegin(), { name: 'echoI32', type: MessageType.REPLY, seqid: 2 });
        assert.ok((await traffic.stop()) > 0, 'the good client made calls meanwhile');
        return new ThriftAppError(e.type, e.message);
      } finally {
        r.socket.destroy();
        good.destroy();
      }
    }

    // Framed only: unframed, the measure walk would wait for the announced bytes, so the
    // length never reaches the decoder; the unframed limits are covered above.
    if (transport === 'framed') {
      test('a string length past the message end is a PROTOCOL_ERROR reply; the connection stays', async () => {
        const w = binaryProtocol.createWriter();
        w.begin();
        w.writeMessageBegin('echoString', MessageType.CALL, 1);
        w.writeStructBegin();
        w.writeFieldBegin(TType.STRING, 1);
        w.writeI32(0x7fffff00);
        const e = await appErrorFor(w.finish());
        assert.is(e.type, AppErrorType.PROTOCOL_ERROR);
        assert.match(e.message, /truncated|length/);
      });

      test('a container count the message cannot hold is a SIZE_LIMIT PROTOCOL_ERROR, decided before allocating', async () => {
        const w = binaryProtocol.createWriter();
        w.begin();
        w.writeMessageBegin('echoList', MessageType.CALL, 1);
        w.writeStructBegin();
        w.writeFieldBegin(TType.LIST, 1);
        w.writeListBegin(TType.I32, 0x7ffffff0);
        w.writeI32(1);
        const e = await appErrorFor(w.finish());
        assert.is(e.type, AppErrorType.PROTOCOL_ERROR);
        assert.match(e.message, /container of 2147483632 elements/);
      });
    }

    test('nesting past maxDepth is a PROTOCOL_ERROR reply naming the limit', async () => {
      // echoBag(Bag{nested: [[...]]}) is 4 deep; a 20-deep skipped field trips maxDepth 16.
      const e = await appErrorFor(deep(20, 'echoBag'));
      assert.is(e.type, AppErrorType.PROTOCOL_ERROR);
      assert.match(e.message, /nesting deeper than 16/);
    });

    test.run();
  }

  /** A call whose first argument field is `levels` structs nested in each other (unknown to the IDL, so skipped). */
  function deep(levels: number, name = 'echoI32'): Uint8Array {
    const w = binaryProtocol.createWriter();
    w.begin();
    w.writeMessageBegin(name, MessageType.CALL, 1);
    w.writeStructBegin();
    for (let i = 0; i < levels; i++) {
      w.writeFieldBegin(TType.STRUCT, 99);
      w.writeStructBegin();
    }
    for (let i = 0; i < levels; i++) {
      w.writeFieldStop();
      w.writeStructEnd();
    }
    w.writeFieldStop();
    w.writeStructEnd();
    return w.finish().slice();
  }

  const unframed = onSocketPath(suite(`limits: unframed message walk [${path}]`), path);

  unframed('a header announcing a name longer than maxMessageSize is refused at once, without a timeout', async () => {
    // No `timeout`: the measure walk sees the announced length exceed the limit before any of it arrives.
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'buffered', maxMessageSize: 4096 });
    try {
      const r = await raw(server.address.port!);
      r.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await within(r.closed, 5000, 'the server to refuse an impossible header');
    } finally {
      server.destroy();
    }
  });

  unframed('maxDepth above 64 is honoured by the measure walk too', async () => {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'buffered', maxDepth: 100 });
    const c = await goodClient(server.address.port!, 'buffered');
    try {
      const r = await raw(server.address.port!);
      let got = 0;
      const reply = new Promise<void>((resolve) => r.socket.on('data', (d: Buffer) => ((got += d.length), resolve())));
      r.socket.write(deep(80));
      await within(Promise.race([reply, r.closed.then(() => Promise.reject(new Error('closed instead of answering')))]), 5000, 'a reply');
      assert.ok(got > 0);
      r.socket.destroy();
    } finally {
      c.destroy();
      server.destroy();
    }
  });

  unframed.run();

  const compact = onSocketPath(suite(`limits: compact protocol over buffered sockets [${path}]`), path);

  compact('a compact call with a large list, arriving in small pieces, is answered (measure waits for the rest)', async () => {
    const server = await createServer(mod.Echo, echoHandler(mod), { port: 0, transport: 'buffered', protocol: 'compact' });
    try {
      const r = await raw(server.address.port!);
      const list = Array.from({ length: 3000 }, (_, i) => i);
      const bytes = request(compactProtocol, 'echoList', [list]);
      const received: Buffer[] = [];
      const done = new Promise<void>((resolve) => {
        r.socket.on('data', (d: Buffer) => {
          received.push(d);
          const all = Buffer.concat(received);
          if (compactProtocol.measure(all, 0, all.length) > 0) resolve();
        });
      });
      // Pieces small enough that the list header arrives well before its elements.
      for (let p = 0; p < bytes.length; p += 700) {
        r.socket.write(bytes.subarray(p, p + 700));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await within(done, 5000, 'the echoList reply');
      r.socket.destroy();
    } finally {
      server.destroy();
    }
  });

  compact.run();
}
