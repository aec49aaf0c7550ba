/** UUID values travel as 16 bytes and are canonical lowercase 8-4-4-4-12 strings in JS. */
import { ProtocolError } from '../errors.js';
import { describe } from './describe.js';

const HEX = '0123456789abcdef';
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `value` is a UUID string, 8-4-4-4-12 hex digits (either case). */
export function isUuid(value: unknown): boolean {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** Writes the 16 bytes of a canonical UUID string into buf at pos. */
export function writeUuidBytes(value: string, buf: Uint8Array, pos: number): void {
  if (!isUuid(value)) {
    throw new ProtocolError(`expected a UUID string (8-4-4-4-12 hex), got ${describe(value)}`);
  }
  let j = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    buf[pos + (j >> 1)] = (j & 1) === 0 ? hexVal(value.charCodeAt(i)) << 4 : buf[pos + (j >> 1)] | hexVal(value.charCodeAt(i));
    j++;
  }
}

/** Reads 16 bytes at pos as a canonical lowercase UUID string. */
export function readUuidBytes(bytes: Uint8Array, pos: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    const b = bytes[pos + i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}
