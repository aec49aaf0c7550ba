'use strict';
/**
 * Shared set-up of the Apache Node ThriftTest peers: loads Apache's Node library
 * (npm `thrift`) from the repo's node_modules and the code `thrift --gen js:node`
 * wrote for test/idl/fixtures/ThriftTest.thrift, and parses the peers' command lines.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const repoRoot = path.resolve(__dirname, '../../../..');
const repoRequire = createRequire(path.join(repoRoot, 'package.json'));

/**
 * Parses `--protocol binary|compact|json --transport buffered|framed --gen <dir>
 * [--multiplexed]` plus any extra options.
 */
function parsePeerArgs(extra) {
  const { values } = parseArgs({
    options: {
      protocol: { type: 'string' },
      transport: { type: 'string' },
      gen: { type: 'string' },
      multiplexed: { type: 'boolean', default: false },
      ...extra,
    },
    strict: true,
  });
  if (!['binary', 'compact', 'json'].includes(values.protocol)) throw new Error(`--protocol must be binary, compact or json, got ${values.protocol}`);
  if (!['buffered', 'framed', 'header'].includes(values.transport)) throw new Error(`--transport must be buffered, framed or header, got ${values.transport}`);
  if (!values.gen) throw new Error('--gen <dir of thrift --gen js:node output> is required');
  return values;
}

/**
 * THeader with Apache's Node library (lib/thrift/header_transport.js,
 * header_protocol.js), which its generated code does not drive by itself:
 * generated clients flush the transport, not the protocol, so no header would
 * be written; here a client transport writes it on flush. Every THeader message
 * read records its info headers (`lastReadHeaders`) and, for the server, which
 * writes its reply on the transport it read from, puts them on the reply as
 * echo-<key>. The inner protocol (binary or compact) is set per transport
 * with setProtocolId. Transforms (zlib) are not implemented by the library.
 */
const headerState = { lastReadHeaders: {} };
function headerSetup(thrift, side) {
  const { THeaderProtocol, TBufferedTransport } = thrift;
  if (!THeaderProtocol.prototype.__recording) {
    const read = THeaderProtocol.prototype.readMessageBegin;
    THeaderProtocol.prototype.readMessageBegin = function () {
      const begin = read.call(this);
      const headers = this.trans.getReadHeaders();
      headerState.lastReadHeaders = { ...headers };
      for (const [k, v] of Object.entries(headers)) this.trans.setWriteHeader(`echo-${k}`, v);
      return begin;
    };
    THeaderProtocol.prototype.__recording = true;
  }
  if (side === 'server') return TBufferedTransport;
  class HeaderClientTransport extends TBufferedTransport {
    flush() {
      this.writeHeaders();
      return super.flush();
    }
  }
  HeaderClientTransport.receiver = TBufferedTransport.receiver;
  return HeaderClientTransport;
}

/**
 * Loads Apache's library and the generated ThriftTest code from `genDir`.
 * Returns `{ thrift, ThriftTest, SecondService, types, transport, protocol, headerState }`.
 */
function loadApache(genDir, transportName, protocolName, side = 'client') {
  const thrift = repoRequire('thrift');
  // The 0.17 compiler's code takes `thrift.Q` (fcall, defer), which the 0.24
  // library no longer exports; without it every promise-style handler throws.
  // This is the subset the generated code uses, with Q's semantics (fcall turns
  // a synchronous throw into a rejection).
  if (!thrift.Q) {
    thrift.Q = {
      fcall(fn, ...args) {
        return new Promise((resolve) => resolve(fn(...args)));
      },
      defer() {
        const d = {};
        d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
        return d;
      },
    };
  }
  // The generated files `require('thrift')` and `require('node-int64')` from a
  // temporary directory; a node_modules link there resolves them to the very
  // module instances loaded above (Node caches modules by real path).
  const link = path.join(genDir, 'node_modules');
  try {
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), link, 'dir');
  } catch (err) {
    // Another peer process made it first.
    if (err.code !== 'EEXIST') throw err;
  }
  const dir = path.resolve(genDir);
  const ThriftTest = require(path.join(dir, 'ThriftTest.js'));
  const SecondService = require(path.join(dir, 'SecondService.js'));
  const types = require(path.join(dir, 'ThriftTest_types.js'));
  if (transportName === 'header') {
    const transport = headerSetup(thrift, side);
    const protocolId = { binary: 0, compact: 2 }[protocolName];
    if (protocolId === undefined) throw new Error(`THeader carries binary or compact, not ${protocolName}`);
    return { thrift, ThriftTest, SecondService, types, transport, protocol: thrift.THeaderProtocol, protocolId, headerState };
  }
  const transport = { buffered: thrift.TBufferedTransport, framed: thrift.TFramedTransport }[transportName];
  const protocol = { binary: thrift.TBinaryProtocol, compact: thrift.TCompactProtocol, json: thrift.TJSONProtocol }[protocolName];
  return { thrift, ThriftTest, SecondService, types, transport, protocol, headerState: undefined };
}

module.exports = { parsePeerArgs, loadApache };
