'use strict';
/**
 * Apache Thrift's Node client for ThriftTest (test/idl/fixtures/ThriftTest.thrift): runs
 * the checks of a cases file written by cross/peers.ts (the list of cases.ts,
 * as tagged values) and prints one JSON line
 * `{"passed":N,"failed":N,"total":N,"failures":[{"name","error"}],"slowestMs":N}`.
 *
 *   node node-client.cjs --port N --protocol binary|compact|json
 *                        --transport buffered|framed|header --gen <dir> --cases <file>
 *                        [--multiplexed]
 *
 * With header, every call carries the info header x-check (the check's name)
 * and fails unless the reply carries it back as echo-x-check.
 *
 * Exits 0 whenever it could report, non-zero only if the harness itself broke.
 */
const fs = require('node:fs');
const { inspect } = require('node:util');
const { parsePeerArgs, loadApache } = require('./node-common.cjs');

const args = parsePeerArgs({ port: { type: 'string' }, cases: { type: 'string' } });
const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0) throw new Error(`--port must be a port number, got ${args.port}`);
const { checks, structFields } = JSON.parse(fs.readFileSync(args.cases, 'utf8'));
const { thrift, ThriftTest, SecondService, types, transport, protocol, protocolId, headerState } = loadApache(args.gen, args.transport, args.protocol);
const { Int64 } = thrift;
const { TApplicationException } = thrift.Thrift;

// A call that gets no answer fails on its own instead of hanging the run.
const CALL_TIMEOUT_MS = 20_000;

/**
 * One connection at a time, with a client per service on it (through
 * thrift.Multiplexer when the server is multiplexed), replaced after a failed
 * check so that a dropped connection fails only the check it dropped.
 */
class Session {
  constructor() {
    this.conn = null;
    this.clients = null;
    this.pending = new Set();
  }

  open() {
    if (this.conn) return;
    const conn = thrift.createConnection('127.0.0.1', port, { transport, protocol });
    const fail = (why) => {
      if (this.conn !== conn) return;
      this.conn = null;
      this.clients = null;
      for (const reject of this.pending) reject(why);
      this.pending.clear();
    };
    conn.on('error', (err) => fail(err));
    conn.on('close', () => fail(new Error('connection closed by the server')));
    this.conn = conn;
    if (args.multiplexed) {
      const mux = new thrift.Multiplexer();
      this.clients = {
        ThriftTest: mux.createClient('ThriftTest', ThriftTest, conn),
        SecondService: mux.createClient('SecondService', SecondService, conn),
      };
    } else {
      this.clients = { ThriftTest: thrift.createClient(ThriftTest, conn) };
    }
    if (headerState) for (const client of Object.values(this.clients)) client.output.setProtocolId(protocolId);
  }

  /** Calls `service.method` in the callback style. */
  call(service, method, params) {
    this.open();
    const client = this.clients[service];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(reject, new Error(`no answer to ${method} in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      const settle = (fn, value) => {
        clearTimeout(timer);
        this.pending.delete(onFail);
        fn(value);
      };
      const onFail = (err) => settle(reject, err);
      this.pending.add(onFail);
      if (!client || typeof client[method] !== 'function') return settle(reject, new Error(`no client method ${service}.${method}`));
      try {
        client[method](...params, (err, result) => (err ? settle(reject, err) : settle(resolve, result)));
      } catch (err) {
        settle(reject, err);
      }
    });
  }

  close() {
    const conn = this.conn;
    this.conn = null;
    this.clients = null;
    if (conn) conn.end();
  }
}

const has = (v, key) => v !== null && typeof v === 'object' && !Array.isArray(v) && key in v;

/** The decimal text under which Apache's generated code keys a map entry. */
function keyText(k) {
  if (typeof k === 'number' || typeof k === 'string') return String(k);
  if (has(k, 'i64')) return k.i64;
  throw new Error(`map key ${JSON.stringify(k)} has no text form`);
}

/** The value Apache's generated writers take for a tagged value. */
function toApache(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toApache);
  if (has(v, 'i64')) return thrift.fromBigInt(BigInt(v.i64));
  if (has(v, 'double')) return Number(v.double);
  if (has(v, 'bin')) return Buffer.from(v.bin, 'hex');
  // Apache's Node code holds sets as arrays and maps as objects.
  if (has(v, 'set')) return v.set.map(toApache);
  if (has(v, 'map')) return Object.fromEntries(v.map.map(([k, x]) => [keyText(k), toApache(x)]));
  const fields = {};
  for (const [k, x] of Object.entries(v.fields)) fields[k] = toApache(x);
  return new types[v.struct](fields);
}

/** A short rendering for failure messages, with Int64 shown as its value. */
function show(v) {
  const plain = (x, depth) => {
    if (x instanceof Int64) return thrift.toBigInt(x);
    if (depth > 4 || x === null || typeof x !== 'object' || Buffer.isBuffer(x)) return x;
    if (Array.isArray(x)) return x.map((y) => plain(y, depth + 1));
    const out = Object.create(Object.getPrototypeOf(x));
    for (const [k, y] of Object.entries(x)) out[k] = plain(y, depth + 1);
    return out;
  };
  return inspect(plain(v, 0), { depth: 4, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 60 }).slice(0, 300);
}

/** Where `actual` differs from the tagged `expected`, or undefined when it matches exactly. */
function mismatch(actual, expected, path = 'value') {
  const differs = (what) => `${path}: expected ${what}, got ${show(actual)}`;
  if (expected === null) return actual === null || actual === undefined ? undefined : differs('nothing');
  if (typeof expected !== 'object') return actual === expected ? undefined : differs(JSON.stringify(expected));
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differs('an array');
    if (actual.length !== expected.length) return differs(`${expected.length} elements`);
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(actual[i], expected[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (has(expected, 'i64')) {
    return actual instanceof Int64 && thrift.toBigInt(actual) === BigInt(expected.i64) ? undefined : differs(`the i64 ${expected.i64}`);
  }
  if (has(expected, 'double')) {
    return typeof actual === 'number' && Object.is(actual, Number(expected.double)) ? undefined : differs(`the double ${expected.double}`);
  }
  if (has(expected, 'bin')) {
    if (!Buffer.isBuffer(actual)) return differs('a Buffer');
    return actual.toString('hex') === expected.bin ? undefined : differs(`${expected.bin.length / 2} bytes ${expected.bin.slice(0, 32)}`);
  }
  if (has(expected, 'set')) {
    if (!Array.isArray(actual)) return differs('an array (a set)');
    if (actual.length !== expected.set.length) return differs(`${expected.set.length} elements`);
    const left = [...actual];
    for (const want of expected.set) {
      const at = left.findIndex((x) => mismatch(x, want) === undefined);
      if (at < 0) return differs(`an element ${JSON.stringify(want)}`);
      left.splice(at, 1);
    }
    return undefined;
  }
  if (has(expected, 'map')) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return differs('an object (a map)');
    if (Object.keys(actual).length !== expected.map.length) return differs(`${expected.map.length} entries`);
    for (const [k, x] of expected.map) {
      const key = keyText(k);
      if (!Object.prototype.hasOwnProperty.call(actual, key)) return differs(`a key ${key}`);
      const m = mismatch(actual[key], x, `${path}[${key}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (!(actual instanceof types[expected.struct])) return differs(`an instance of ${expected.struct}`);
  for (const field of structFields[expected.struct]) {
    const m = mismatch(actual[field], expected.fields[field] ?? null, `${path}.${field}`);
    if (m) return m;
  }
  return undefined;
}

/** runCallChecked, with the THeader x-check round trip around it. */
async function runCall(session, c, name) {
  if (!headerState) return runCallChecked(session, c);
  session.open();
  const client = session.clients[c.service];
  if (client) client.output.setWriteHeader('x-check', name);
  headerState.lastReadHeaders = {};
  await runCallChecked(session, c);
  if (c.expect.oneway) return;
  const echoed = headerState.lastReadHeaders['echo-x-check'];
  if (echoed !== name) throw new Error(`${c.method}: the reply carried echo-x-check ${JSON.stringify(echoed)}, expected ${JSON.stringify(name)}`);
}

async function runCallChecked(session, c) {
  const what = `${c.method}(${c.args.map((a) => JSON.stringify(a)).join(', ').slice(0, 80)})`;
  let value;
  try {
    value = await session.call(c.service, c.method, c.args.map(toApache));
  } catch (err) {
    if (c.expect.throws) {
      const m = mismatch(err, c.expect.throws, 'error');
      if (m) throw new Error(`${what}: ${m}`);
      return;
    }
    if (c.expect.appError) {
      if (!(err instanceof TApplicationException)) throw new Error(`${what}: expected a TApplicationException, got ${show(err)}`);
      if (err.type !== c.expect.appError.type) {
        throw new Error(`${what}: expected TApplicationException type ${c.expect.appError.type}, got type ${err.type} (${err.message})`);
      }
      return;
    }
    throw err;
  }
  if (c.expect.throws) throw new Error(`${what}: expected ${c.expect.throws.struct}, got ${show(value)}`);
  if (c.expect.appError) throw new Error(`${what}: expected a TApplicationException, got ${show(value)}`);
  if (c.expect.oneway) {
    // No reply ever comes: a client that waited for one fails on its call timeout.
    if (value !== undefined && value !== null) throw new Error(`${what}: a oneway call resolved with ${show(value)}`);
    return;
  }
  const m = mismatch(value, c.expect.returns);
  if (m) throw new Error(`${what}: ${m}`);
}

async function main() {
  const session = new Session();
  const failures = [];
  let slowestMs = 0;
  for (const check of checks) {
    try {
      for (const c of check.calls) {
        const started = performance.now();
        try {
          await runCall(session, c, check.name);
        } finally {
          slowestMs = Math.max(slowestMs, performance.now() - started);
        }
      }
    } catch (err) {
      failures.push({ name: check.name, error: err instanceof Error ? `${err.name}: ${err.message}` : show(err) });
      session.close();
    }
  }
  session.close();
  const passed = checks.length - failures.length;
  process.stdout.write(`${JSON.stringify({ passed, failed: failures.length, total: checks.length, failures, slowestMs: Math.round(slowestMs) })}\n`);
  // A connection or timer Apache left behind must not keep the process alive.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`node-client: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
