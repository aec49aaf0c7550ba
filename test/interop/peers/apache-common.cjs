'use strict';
/**
 * Shared set-up of the Apache Thrift peers: loads Apache's Node library from the
 * repo's node_modules and the code that `thrift --gen js:node` wrote for
 * test/interop/fixtures/interop.thrift, and parses the peers' command lines.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const repoRoot = path.resolve(__dirname, '../../..');
const repoRequire = createRequire(path.join(repoRoot, 'package.json'));

/** Parses `--transport buffered|framed --gen <dir> [--protocol binary|compact]` plus any extra string options. */
function parsePeerArgs(extra) {
  const { values } = parseArgs({
    options: {
      transport: { type: 'string' },
      gen: { type: 'string' },
      protocol: { type: 'string', default: 'binary' },
      ...extra,
    },
    strict: true,
  });
  if (values.protocol !== 'binary' && values.protocol !== 'compact') {
    throw new Error(`--protocol must be binary or compact, got ${values.protocol}`);
  }
  if (values.transport !== 'buffered' && values.transport !== 'framed') {
    throw new Error(`--transport must be buffered or framed, got ${values.transport}`);
  }
  if (!values.gen) throw new Error('--gen <dir of thrift --gen js:node output> is required');
  return values;
}

/**
 * Loads Apache's library and the generated modules of fixtures/interop.thrift
 * and fixtures/interop-plus.thrift from `genDir`.
 * Returns `{ thrift, Interop, InteropPlus, InteropSkew, types, plusTypes, transport }`.
 */
function loadApache(genDir, transportName) {
  const thrift = repoRequire('thrift');
  // Code from the 0.17 compiler takes `thrift.Q` (fcall, defer), which the 0.24
  // library no longer exports; without it every promise-style handler and call
  // throws. This is the subset the generated code uses, with Q's semantics
  // (fcall turns a synchronous throw into a rejection).
  if (!thrift.Q) {
    thrift.Q = {
      fcall(fn, ...args) {
        return new Promise((resolve) => resolve(fn(...args)));
      },
      defer() {
        let resolve;
        let reject;
        const promise = new Promise((res, rej) => {
          resolve = res;
          reject = rej;
        });
        return { promise, resolve, reject };
      },
    };
  }
  // The generated files `require('thrift')` and `require('node-int64')` from a
  // temporary directory; a node_modules link there resolves them to the very
  // module instances loaded above (Node caches modules by real path).
  const link = path.join(genDir, 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(repoRoot, 'node_modules'), link, 'dir');
  const Interop = require(path.join(path.resolve(genDir), 'Interop.js'));
  const types = require(path.join(path.resolve(genDir), 'interop_types.js'));
  // fixtures/interop-plus.thrift: Interop plus a function no Interop server implements,
  // and InteropSkew, whose functions make an Interop peer skip unknown fields.
  const InteropPlus = require(path.join(path.resolve(genDir), 'InteropPlus.js'));
  const InteropSkew = require(path.join(path.resolve(genDir), 'InteropSkew.js'));
  const plusTypes = require(path.join(path.resolve(genDir), 'interop-plus_types.js'));
  const transport = transportName === 'framed' ? thrift.TFramedTransport : thrift.TBufferedTransport;
  return { thrift, Interop, InteropPlus, InteropSkew, types, plusTypes, transport };
}

module.exports = { parsePeerArgs, loadApache, repoRoot };
