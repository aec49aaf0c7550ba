import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lexer, Tok } from '../../src/idl/lexer.js';
import { throwsIdl } from './helpers.js';

function tokens(src: string): string[] {
  const lx = new Lexer(src, 'f.thrift');
  const out: string[] = [];
  while (lx.kind !== Tok.EOF) {
    const v = lx.kind === Tok.INT ? `int:${lx.int}${lx.isBool ? 'b' : ''}` : lx.kind === Tok.DOUBLE ? `dbl:${lx.num}` : lx.kind === Tok.LITERAL ? `lit:${lx.text}` : lx.text;
    out.push(`${v}@${lx.line}:${lx.column}`);
    lx.next();
  }
  return out;
}

test('identifiers may contain dots but not end with one', () => {
  assert.equal(tokens('shared.Type a.b.c _x9'), ['shared.Type@1:1', 'a.b.c@1:13', '_x9@1:19']);
});

test('symbols and positions across lines', () => {
  assert.equal(tokens('struct A {\n  1: i32 x,\n}'), [
    'struct@1:1', 'A@1:8', '{@1:10', 'int:1@2:3', ':@2:4', 'i32@2:6', 'x@2:10', ',@2:11', '}@3:1',
  ]);
});

test('all three comment styles are skipped and keep line numbers right', () => {
  assert.equal(tokens('# unix\n// line\n/* block\n spans */ a /** doc */ b\n/**/c'), ['a@4:11', 'b@4:24', 'c@5:5']);
});

test('integers: decimal, signed, hex, true/false', () => {
  assert.equal(tokens('0 -12 +7 0x1F -0x10 true false'), [
    'int:0@1:1', 'int:-12@1:3', 'int:7@1:7', 'int:31@1:10', 'int:-16@1:15', 'int:1b@1:21', 'int:0b@1:26',
  ]);
});

test('integers beyond 64 bits keep full precision', () => {
  assert.equal(tokens('9223372036854775808'), ['int:9223372036854775808@1:1']);
});

test('doubles: fraction, exponent, leading dot, sign', () => {
  assert.equal(tokens('1.5 1.5e3 2E-2 .25 -0.5 1e2'), ['dbl:1.5@1:1', 'dbl:1500@1:5', 'dbl:0.02@1:11', 'dbl:0.25@1:16', 'dbl:-0.5@1:20', 'dbl:100@1:25']);
});

test('e10 is an identifier, not a number (THRIFT-3477)', () => {
  assert.equal(tokens('e10'), ['e10@1:1']);
});

test('literals: both quotes and every escape', () => {
  assert.equal(tokens(`"a'b" 'c"d' "\\n\\r\\t\\\\\\"\\'"`), [`lit:a'b@1:1`, `lit:c"d@1:7`, 'lit:\n\r\t\\"\'@1:13']);
});

test('a UTF-8 byte order mark is skipped', () => {
  assert.equal(tokens('\uFEFFstruct'), ['struct@1:1']);
});

test('bad escape is an IdlError at the backslash', () => {
  throwsIdl(() => tokens('x = "ab\\qc"'), 1, 8, 'bad escape');
});

test('unterminated literal, literal across a line, unterminated comment', () => {
  throwsIdl(() => tokens('  "abc'), 1, 3, 'unterminated');
  throwsIdl(() => tokens('a\n "ab\ncd"'), 2, 2, 'end of the line');
  throwsIdl(() => tokens('a\n  /* never closed'), 2, 3, 'unterminated /*');
});

test('unexpected character and a lone sign', () => {
  throwsIdl(() => tokens('a\n  @'), 2, 3, 'unexpected character "@"');
  throwsIdl(() => tokens('x = - 1'), 1, 5, 'sign');
});

test.run();
