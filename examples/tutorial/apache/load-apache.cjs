'use strict';
/**
 * What Apache's tutorial code needs around it here: the `thrift` npm package and
 * the code `thrift --gen js:node tutorial.thrift` wrote into the directory given
 * as the first argument (gen-nodejs in Apache's tree).
 */
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const repoRoot = path.resolve(__dirname, '../../..');
const thrift = createRequire(path.join(repoRoot, 'package.json'))('thrift');
// Code from Debian's 0.17 compiler calls thrift.Q (fcall, defer), which the 0.24 library no longer exports.
thrift.Q ??= {
  fcall: (fn, ...args) => new Promise((resolve) => resolve(fn(...args))),
  defer() {
    const d = {};
    d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
    return d;
  },
};

function loadGenerated(genDir) {
  // The generated files require('thrift') and require('node-int64'): resolve them to ours.
  const link = path.join(genDir, 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(repoRoot, 'node_modules'), link, 'dir');
  const from = (name) => require(path.join(path.resolve(genDir), name));
  return { Calculator: from('Calculator.js'), ttypes: from('tutorial_types.js'), SharedStruct: from('shared_types.js').SharedStruct };
}

module.exports = { thrift, loadGenerated };
