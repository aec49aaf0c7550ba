'use strict';
/**
 * Apache Thrift's Node server for the Interop service of
 * test/interop/fixtures/interop.thrift, over TBinaryProtocol (or TCompactProtocol).
 *
 *   node apache-server.cjs --transport buffered|framed --gen <dir> [--protocol binary|compact]
 *
 * Listens on 127.0.0.1, an ephemeral port; prints `LISTENING <port>` on stdout
 * once it accepts connections and serves until killed.
 */
const { parsePeerArgs, loadApache } = require('./apache-common.cjs');

const args = parsePeerArgs();
const { thrift, Interop, types, transport } = loadApache(args.gen, args.transport);

/**
 * The handler mirrors the IDL's documented semantics. Two quirks of Apache's
 * generated processor shape it: it picks the promise style only when a function
 * declares exactly as many parameters as the IDL (otherwise it appends a
 * callback and waits for it forever), and it drops the connection on a
 * synchronous throw, so failures are returned as rejected promises.
 */
const notes = [];
const echo = (v) => Promise.resolve(v);
const handler = {
  ping: () => Promise.resolve(),
  echoBool: echo,
  echoByte: echo,
  echoI16: echo,
  echoI32: echo,
  echoI64: echo,
  echoDouble: echo,
  echoString: echo,
  echoBinary: echo,
  echoEnum: echo,
  echoList: echo,
  echoSet: echo,
  echoMap: echo,
  echoIntMap: echo,
  echoNestedList: echo,
  echoStructList: echo,
  echoStructMap: echo,
  echoI64List: echo,
  echoBinaryList: echo,
  echoBoolList: echo,
  boolPattern: (n) => Promise.resolve(Array.from({ length: n }, (_, i) => i % 3 === 0)),
  echoPoint: echo,
  echoEverything: echo,
  echoDefaults: echo,
  echoNested: echo,
  echoShape: echo,
  echoTree: echo,
  echoSparse: echo,
  joinArgs: (a, b, c) => Promise.resolve(`${a},${b},${c}`),
  makeDefaults: (id, name) => Promise.resolve(new types.Defaults({ id, name })),
  doubleBits: (v) => {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(v);
    return Promise.resolve(bytes.toString('hex'));
  },
  combine: (aBool, aByte, anI16, anI32, anI64, aDouble, aString, aBinary, color, ints, point) =>
    Promise.resolve(
      new types.Everything({ aBool, aByte, anI16, anI32, anI64, aDouble, aString, aBinary, color, ints, point }),
    ),
  mayThrow: (code) => {
    if (code > 0) {
      return Promise.reject(
        new types.InteropError({ errorCode: code, message: `code ${code}`, where: new types.Point({ x: code, y: -code }) }),
      );
    }
    if (code < 0) return Promise.reject(new types.OtherError({ reasons: ['negative', String(code)] }));
    return Promise.resolve('ok');
  },
  mayThrowVoid: (code) => {
    if (code > 0) {
      return Promise.reject(
        new types.InteropError({ errorCode: code, message: `code ${code}`, where: new types.Point({ x: code, y: -code }) }),
      );
    }
    return Promise.resolve();
  },
  failUndeclared: (why) => Promise.reject(new Error(`undeclared: ${why}`)),
  // Oneway: the processor calls this and sends nothing back. A throw here would drop
  // the connection (see above), so "explode" is only ignored.
  notify: (note) => {
    if (note !== 'explode') notes.push(note);
  },
  drainNotes: () => Promise.resolve(notes.splice(0, notes.length)),
};

const protocol = args.protocol === 'compact' ? thrift.TCompactProtocol : thrift.TBinaryProtocol;
const server = thrift.createServer(Interop, handler, { transport, protocol });
server.on('error', (err) => {
  // A broken client connection must not take the server down; log it for the test's diagnostics.
  process.stderr.write(`apache-server: ${err && err.stack ? err.stack : err}\n`);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
