/**
 * The UTF-8 helpers' short-string fast paths give the same bytes and text as
 * TextEncoder/TextDecoder at the edges where ASCII ends: U+0080 and Latin-1 characters
 * are two bytes, a lone 0x80 byte is U+FFFD, and a byte order mark is kept, not stripped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readUtf8, writeUtf8 } from '../../src/protocol/utf8.js';

function write(s: string): number[] {
  const buf = new Uint8Array(3 * s.length + 8);
  return [...buf.subarray(2, 2 + writeUtf8(s, buf, 2))];
}

test('writeUtf8: U+007F is one byte; U+0080, é and ÿ alone or after ASCII are two, as TextEncoder writes them', () => {
  for (const s of ['\u007f', '\u0080', 'é', 'ÿ', 'aé', '\u0080'.repeat(3), 'x'.repeat(63) + '\u0080']) {
    assert.equal(write(s), [...new TextEncoder().encode(s)], JSON.stringify(s));
  }
});

test('readUtf8: bytes up to 0x7F are ASCII; a lone 0x80 or 0xFF is U+FFFD; a byte order mark is kept', () => {
  const bytes = (...b: number[]) => Uint8Array.from([0x20, ...b, 0x20]);
  assert.is(readUtf8(bytes(0x7f), 1, 2), '\u007f');
  assert.is(readUtf8(bytes(0x80), 1, 2), '\ufffd');
  assert.is(readUtf8(bytes(0x41, 0xff), 1, 3), 'A\ufffd');
  assert.is(readUtf8(bytes(0xef, 0xbb, 0xbf, 0x61), 1, 5), '\ufeffa');
  const long = Uint8Array.from([0xef, 0xbb, 0xbf, ...new Array(100).fill(0x61)]);
  assert.is(readUtf8(long, 0, long.length), '\ufeff' + 'a'.repeat(100));
});

test.run();
