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
