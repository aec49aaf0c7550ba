'use strict';
/**
 * Apache Thrift's Node server for ThriftTest (test/idl/fixtures/ThriftTest.thrift), and
 * SecondService beside it when multiplexed.
 *
 *   node node-server.cjs --protocol binary|compact|json --transport buffered|framed|header
 *                        --gen <dir> [--multiplexed]
 *
 * Listens on 127.0.0.1, an ephemeral port; prints `LISTENING <port>` on stdout
 * once it accepts connections and serves until killed.
 */
const { parsePeerArgs, loadApache } = require('./node-common.cjs');

const args = parsePeerArgs();
const { thrift, ThriftTest, SecondService, types, transport, protocol } = loadApache(args.gen, args.transport, args.protocol, 'server');

/**
 * The reference semantics (the IDL's comments, lib/nodejs/test/test_handler.js).
 * Two quirks of Apache's generated processor shape it: it takes the promise
 * style only when a function declares exactly as many parameters as the IDL
 * (otherwise it appends a callback and waits for it forever), and it drops the
 * connection on a synchronous throw, so failures are rejected promises.
 */
const echo = (thing) => Promise.resolve(thing);
const handler = {
  testVoid: () => Promise.resolve(),
  testString: echo,
  testBool: echo,
  testByte: echo,
  testI32: echo,
  testI64: echo,
  testDouble: echo,
  testBinary: echo,
  testStruct: echo,
  testNest: echo,
  testMap: echo,
  testStringMap: echo,
  testSet: echo,
  testList: echo,
  testEnum: echo,
  testTypedef: echo,
  // Maps are objects keyed by the decimal text of the key, as the generated writers iterate them.
  testMapMap: (_hello) =>
    Promise.resolve({
      '-4': { '-4': -4, '-3': -3, '-2': -2, '-1': -1 },
      4: { 1: 1, 2: 2, 3: 3, 4: 4 },
    }),
  testInsanity: (argument) => {
    const { TWO, THREE, SIX } = types.Numberz;
    return Promise.resolve({
      1: { [TWO]: argument, [THREE]: argument },
      2: { [SIX]: new types.Insanity() },
    });
  },
  testMulti: (arg0, arg1, arg2, _arg3, _arg4, _arg5) =>
    Promise.resolve(new types.Xtruct({ string_thing: 'Hello2', byte_thing: arg0, i32_thing: arg1, i64_thing: arg2 })),
  testException: (arg) => {
    if (arg === 'Xception') return Promise.reject(new types.Xception({ errorCode: 1001, message: arg }));
    if (arg === 'TException') return Promise.reject(new thrift.Thrift.TException('This is a TException'));
    return Promise.resolve();
  },
  testMultiException: (arg0, arg1) => {
    if (arg0 === 'Xception') return Promise.reject(new types.Xception({ errorCode: 1001, message: 'This is an Xception' }));
    if (arg0 === 'Xception2') {
      return Promise.reject(
        new types.Xception2({ errorCode: 2002, struct_thing: new types.Xtruct({ string_thing: 'This is an Xception2' }) }),
      );
    }
    return Promise.resolve(new types.Xtruct({ string_thing: arg1 }));
  },
  // Oneway: the processor calls this and sends nothing back. Node cannot block its
  // one thread to sleep, and a timer would change nothing anyone can observe, so,
  // like Apache's own test_handler.js, it returns at once.
  testOneway: (_secondsToSleep) => {},
};
const secondHandler = {
  secondtestString: (thing) => Promise.resolve(`testString("${thing}")`),
};

let server;
if (args.multiplexed) {
  const processor = new thrift.MultiplexedProcessor();
  processor.registerProcessor('ThriftTest', new ThriftTest.Processor(handler));
  processor.registerProcessor('SecondService', new SecondService.Processor(secondHandler));
  server = thrift.createMultiplexServer(processor, { transport, protocol });
} else {
  server = thrift.createServer(ThriftTest, handler, { transport, protocol });
}
server.on('error', (err) => {
  // A broken client connection must not take the server down; log it for the test's diagnostics.
  process.stderr.write(`node-server: ${err && err.stack ? err.stack : err}\n`);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
