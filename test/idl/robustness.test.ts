import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IdlError } from '../../src/errors.js';
import { loadSource } from '../../src/idl/index.js';

const source = readFileSync(fileURLToPath(new URL('./fixtures/ThriftTest-uuid.thrift', import.meta.url)), 'utf8');

function onlyIdlErrors(text: string, what: string): void {
  try {
    loadSource(text);
  } catch (e) {
    if (!(e instanceof IdlError)) {
      assert.unreachable(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      return;
    }
    assert.ok(e.line >= 1 && e.column >= 1, `${what}: position ${e.line}:${e.column}`);
  }
}

test('every truncation of ThriftTest fails with an IdlError or loads', () => {
  for (let n = 0; n < source.length; n += 23) onlyIdlErrors(source.slice(0, n), `prefix ${n}`);
});

test('random single-character corruptions fail with an IdlError or load', () => {
  // Deterministic xorshift so a failure reproduces.
  let seed = 0x9e3779b9;
  const rand = (n: number) => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const alphabet = '{}()[]<>:;,=*&"\'#/\\.-+0x9eAz_ \n';
  for (let i = 0; i < 400; i++) {
    const at = rand(source.length);
    const text = source.slice(0, at) + alphabet[rand(alphabet.length)] + source.slice(at + 1);
    onlyIdlErrors(text, `corruption ${i} at ${at}`);
  }
});

test('non-string input is an IdlError, not a TypeError', () => {
  assert.throws(() => loadSource(undefined as unknown as string), (e: unknown) => e instanceof IdlError);
});

test.run();
