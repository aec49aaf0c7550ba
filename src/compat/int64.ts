/**
 * node-int64 values (Apache's npm `thrift` uses them for i64), duck-typed so this
 * module never imports node-int64: an object with an 8-byte big-endian `buffer`
 * (and `offset`), or a `toOctetString()` giving 16 hex digits.
 */

/** What Apache's code hands around for an i64: a node-int64 instance or anything shaped like one. */
export interface Int64Like {
  /** Big-endian two's complement bytes, 8 from `offset`. */
  readonly buffer: Uint8Array;
  /** Where the 8 bytes start in `buffer`; node-int64 has 0 unless given. */
  readonly offset?: number;
  /** The value as a number (node-int64: Infinity beyond 2^53 unless `allowImprecise`). */
  toNumber(allowImprecise?: boolean): number;
  /** The 8 bytes as 16 hex digits. */
  toOctetString(): string;
}

/** A node-int64-compatible constructor: `new Int64(bytes)` from 8 big-endian bytes. */
export type Int64Constructor = new (bytes: Uint8Array) => Int64Like;

/** True for a node-int64 value or a look-alike (`buffer` + `offset`, or `toOctetString`). */
export function isInt64Like(v: unknown): v is Int64Like {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Partial<Int64Like>;
  return (o.buffer instanceof Uint8Array && typeof o.toNumber === 'function') || typeof o.toOctetString === 'function';
}

/** The bigint a node-int64 value (or look-alike) holds. */
export function fromInt64(v: Int64Like): bigint {
  const buffer = v.buffer;
  const offset = v.offset ?? 0;
  if (buffer instanceof Uint8Array && buffer.length >= offset + 8) {
    return new DataView(buffer.buffer, buffer.byteOffset + offset, 8).getBigInt64(0);
  }
  const hex = v.toOctetString();
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new TypeError(`fromInt64: toOctetString() must give 16 hex digits, got ${JSON.stringify(hex)}`);
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

/** A tiny node-int64 look-alike, for code that reads `.buffer`, `toNumber()` or `toOctetString()`. */
class Int64Value implements Int64Like {
  readonly offset = 0;
  constructor(readonly buffer: Uint8Array) {}
  toNumber(allowImprecise = false): number {
    const n = fromInt64(this);
    const x = Number(n);
    // node-int64's rule: beyond 2^53 the number is imprecise, so it is ±Infinity unless allowed.
    if (!allowImprecise && !Number.isSafeInteger(x)) return n < 0n ? -Infinity : Infinity;
    return x;
  }
  toOctetString(sep = ''): string {
    return Array.from(this.buffer, (b) => b.toString(16).padStart(2, '0')).join(sep);
  }
  toString(radix = 10): string {
    return this.toNumber(false).toString(radix);
  }
  valueOf(): number {
    return this.toNumber(false);
  }
}

/**
 * An i64 as Apache's code expects it: `new Int64(bytes)` when node-int64's class is
 * given (`toInt64(n, require('node-int64'))`), else a small look-alike with the same
 * `buffer`, `offset`, `toNumber()`, `toOctetString()` and `toString()`.
 */
export function toInt64(value: bigint | number, Int64?: Int64Constructor): Int64Like {
  const n = typeof value === 'bigint' ? value : BigInt(value);
  if (BigInt.asIntN(64, n) !== n) throw new RangeError(`toInt64: ${n} does not fit in 64 bits`);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, n);
  return Int64 === undefined ? new Int64Value(bytes) : new Int64(bytes);
}

let nodeInt64: Promise<Int64Constructor | undefined> | undefined;

/**
 * @internal node-int64's class when the application has the package (Apache's
 * `thrift` depends on it), else undefined (a browser, an app without it); imported
 * once, on first need, never a dependency of ours.
 */
export function importNodeInt64(): Promise<Int64Constructor | undefined> {
  // Universal code imports no package (test/layers.test.ts): this one is optional, a failed import falls back to the
  // look-alike, and its specifier sits in a variable so bundlers and tsc leave it alone instead of resolving it.
  const specifier = 'node-int64';
  nodeInt64 ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<{ default?: unknown }>).then(
    (m) => (typeof m.default === 'function' ? (m.default as Int64Constructor) : undefined),
    () => undefined,
  );
  return nodeInt64;
}
