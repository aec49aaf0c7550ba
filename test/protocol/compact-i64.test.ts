/**
 * Compact i64 against a reference zigzag varint computed here in BigInt: the writer's fast
 * double path must agree with it on both sides of 2^52 and 2^53, where a negative value's
 * zigzag (2|n| - 1) stops being exact in a double. Found by the python3-thrift fuzz check:
 * -5890420574016944 was written as +5890420574016944.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compactProtocol } from '../../src/protocol/index.js';

/** Zigzag then base-128 varint, least significant group first (thrift-compact-protocol.md). */
function reference(n: bigint): number[] {
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

function write(value: bigint | number): number[] {
  const w = compactProtocol.createWriter();
  w.begin();
  w.writeI64(value);
  return [...w.finish()];
}

function read(bytes: number[]): bigint {
  const r = compactProtocol.createReader();
  r.reset(new Uint8Array(bytes));
  return r.readI64();
}

const edges = [0n, 1n, 2n ** 31n, 2n ** 49n, 2n ** 52n - 1n, 2n ** 52n, 2n ** 52n + 1n, 5890420574016944n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n];

test('compact i64 bytes equal the reference zigzag varint around 2^52 and 2^53, as bigint and as number', () => {
  for (const magnitude of edges) {
    for (const n of [magnitude, -magnitude, -magnitude - 1n]) {
      if (n < -(2n ** 63n)) continue;
      const expected = reference(n);
      assert.equal(write(n), expected, `bigint ${n}`);
      if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(write(Number(n)), expected, `number ${n}`);
      assert.is(read(expected), n, `read ${n}`);
    }
  }
});

test.run();
