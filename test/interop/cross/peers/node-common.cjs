'use strict';
/**
 * Shared set-up of the Apache Node ThriftTest peers: loads Apache's Node library
 * (npm `thrift`) from the repo's node_modules and the code `thrift --gen js:node`
 * wrote for fixtures/ThriftTest.thrift, and parses the peers' command lines.
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
  if (!['buffered', 'framed'].includes(values.transport)) throw new Error(`--transport must be buffered or framed, got ${values.transport}`);
  if (!values.gen) throw new Error('--gen <dir of thrift --gen js:node output> is required');
  return values;
}

/**
 * Loads Apache's library and the generated ThriftTest code from `genDir`.
 * Returns `{ thrift, ThriftTest, SecondService, types, transport, protocol }`.
 */
function loadApache(genDir, transportName, protocolName) {
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
  // Apache's TJSONProtocol writes an i64 through Int64Util.toDecimalString, whose
  // test for a small negative value (`!~b[o]`) can never hold, since `~` of a
  // byte is never 0: every negative i64 from -1 down to -(10^11 - 1) comes out
  // zero-padded, so -1 is written `-000000000001`, -34359738368 `-034359738368`.
  // A JSON number has no leading zeros (RFC 8259 section 6), so that is not JSON.
  // The peers write the plain decimal instead, so that the cells test the rest
  // of the protocol; what thrift-streams does with the padded form is a
  // question for the library, not for this harness.
  const Int64Util = repoRequire('thrift/lib/nodejs/lib/thrift/int64_util.js');
  Int64Util.toDecimalString = (i64) => thrift.toBigInt(i64).toString();
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
  const transport = { buffered: thrift.TBufferedTransport, framed: thrift.TFramedTransport }[transportName];
  const protocol = { binary: thrift.TBinaryProtocol, compact: thrift.TCompactProtocol, json: thrift.TJSONProtocol }[protocolName];
  return { thrift, ThriftTest, SecondService, types, transport, protocol };
}

module.exports = { parsePeerArgs, loadApache };
