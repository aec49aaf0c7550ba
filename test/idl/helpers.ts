/**
 * Shared assertions for the IDL tests.
 */
import * as assert from 'uvu/assert';
import { IdlError } from '../../src/errors.js';
import { loadSource } from '../../src/idl/index.js';

/** Asserts that `fn` throws an IdlError (code 'IDL') at `line`:`column` whose message contains `fragment`. */
export function throwsIdl(fn: () => unknown, line: number, column: number, fragment?: string | RegExp, file?: string): IdlError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof IdlError)) {
    assert.unreachable(`expected an IdlError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
    throw new Error('unreachable');
  }
  assert.is(caught.code, 'IDL');
  assert.is(`${caught.line}:${caught.column}`, `${line}:${column}`, `position of: ${caught.message}`);
  if (file !== undefined) assert.is(caught.file, file);
  if (typeof fragment === 'string') assert.ok(caught.message.includes(fragment), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(fragment)}`);
  else if (fragment) assert.match(caught.message, fragment);
  return caught;
}

/** Asserts that loading `src` fails at `line`:`column`. */
export function rejects(src: string, line: number, column: number, fragment?: string | RegExp): IdlError {
  return throwsIdl(() => loadSource(src), line, column, fragment, '<source>');
}
