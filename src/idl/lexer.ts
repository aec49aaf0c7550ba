/**
 * The Thrift IDL scanner: turns text into tokens on demand, one at a time,
 * with 1-based line and column. Token rules follow apache/thrift
 * compiler/cpp/src/thrift/thriftl.ll (identifiers may contain dots; `true` and
 * `false` are integer constants; literals take single or double quotes).
 * Pure: no node:* imports, so it runs in a browser bundle.
 */
import { IdlError } from '../errors.js';

/** Token kinds produced by {@link Lexer}. */
export const Tok = {
  EOF: 0,
  /** An identifier or keyword; `text` holds it. */
  IDENT: 1,
  /** An integer constant; `int` holds it (`true`/`false` too, with `isBool`). */
  INT: 2,
  /** A floating-point constant; `num` holds it. */
  DOUBLE: 3,
  /** A quoted literal; `text` holds the unescaped value. */
  LITERAL: 4,
  /** A one-character symbol; `text` holds it. */
  SYMBOL: 5,
} as const;

/** One of the {@link Tok} values. */
export type TokKind = (typeof Tok)[keyof typeof Tok];

const CH_NL = 10;
const CH_CR = 13;
const CH_TAB = 9;
const CH_SPACE = 32;
const CH_HASH = 35;
const CH_SLASH = 47;
const CH_STAR = 42;
const CH_DOT = 46;
const CH_BACKSLASH = 92;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_0 = 48;

// Character classes in one table so the hot loops do a single array load per char.
const C_IDSTART = 1;
const C_IDPART = 2;
const C_DIGIT = 4;
const C_HEX = 8;
const C_SYMBOL = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) CLASS[c] |= C_IDSTART | C_IDPART;
  if (/[0-9]/.test(ch)) CLASS[c] |= C_IDPART | C_DIGIT;
  if (/[0-9A-Fa-f]/.test(ch)) CLASS[c] |= C_HEX;
  if (':;,{}()=<>[]*&'.includes(ch)) CLASS[c] |= C_SYMBOL;
}

function cls(c: number): number {
  return c < 128 ? CLASS[c]! : 0;
}

/**
 * A pull scanner. After {@link Lexer.next} the fields describe the current
 * token; the parser reads them directly, so scanning allocates nothing beyond
 * the token texts themselves.
 */
export class Lexer {
  /** Kind of the current token. */
  kind: TokKind = Tok.EOF;
  /** Identifier, literal value or symbol of the current token. */
  text = '';
  /** Value of an INT token. */
  int = 0n;
  /** Value of a DOUBLE token. */
  num = 0;
  /** The current INT token was written `true` or `false`. */
  isBool = false;
  /** 1-based line of the current token. */
  line = 1;
  /** 1-based column of the current token. */
  column = 1;

  private readonly src: string;
  private readonly file: string;
  private pos = 0;
  private curLine = 1;
  private lineStart = 0;

  constructor(src: string, file: string) {
    this.src = src;
    this.file = file;
    // A UTF-8 BOM survives decoding as U+FEFF; Apache skips it too.
    if (src.charCodeAt(0) === 0xfeff) this.pos = this.lineStart = 1;
    this.next();
  }

  /** An IdlError at the current token. */
  error(message: string): IdlError {
    return new IdlError(message, this.file, this.line, this.column);
  }

  /** A short human description of the current token, for syntax errors. */
  describe(): string {
    switch (this.kind) {
      case Tok.EOF: return 'end of file';
      case Tok.IDENT: return `'${this.text}'`;
      case Tok.INT: return this.isBool ? `'${this.int === 1n ? 'true' : 'false'}'` : `number ${this.int}`;
      case Tok.DOUBLE: return `number ${this.num}`;
      case Tok.LITERAL: return `string ${JSON.stringify(this.text)}`;
      default: return `'${this.text}'`;
    }
  }

  /** Advances to the next token. */
  next(): void {
    const src = this.src;
    const len = src.length;
    let pos = this.pos;
    // Skip whitespace and comments.
    for (;;) {
      if (pos >= len) break;
      const c = src.charCodeAt(pos);
      if (c === CH_NL) {
        pos++;
        this.curLine++;
        this.lineStart = pos;
      } else if (c === CH_SPACE || c === CH_TAB || c === CH_CR) {
        pos++;
      } else if (c === CH_HASH || (c === CH_SLASH && src.charCodeAt(pos + 1) === CH_SLASH)) {
        const nl = src.indexOf('\n', pos);
        pos = nl < 0 ? len : nl;
      } else if (c === CH_SLASH && src.charCodeAt(pos + 1) === CH_STAR) {
        const end = src.indexOf('*/', pos + 2);
        if (end < 0) {
          this.line = this.curLine;
          this.column = pos - this.lineStart + 1;
          throw this.error('unterminated /* comment');
        }
        for (let i = src.indexOf('\n', pos); i >= 0 && i < end; i = src.indexOf('\n', i + 1)) {
          this.curLine++;
          this.lineStart = i + 1;
        }
        pos = end + 2;
      } else {
        break;
      }
    }
    this.line = this.curLine;
    this.column = pos - this.lineStart + 1;
    this.isBool = false;
    if (pos >= len) {
      this.kind = Tok.EOF;
      this.text = '';
      this.pos = pos;
      return;
    }
    const c = src.charCodeAt(pos);
    const k = cls(c);
    if (k & C_IDSTART) {
      let end = pos + 1;
      for (;;) {
        const d = src.charCodeAt(end);
        if (cls(d) & C_IDPART) end++;
        else if (d === CH_DOT && cls(src.charCodeAt(end + 1)) & C_IDPART) end += 2;
        else break;
      }
      const text = src.slice(pos, end);
      this.pos = end;
      if (text === 'true' || text === 'false') {
        this.kind = Tok.INT;
        this.int = text === 'true' ? 1n : 0n;
        this.isBool = true;
        this.text = text;
        return;
      }
      this.kind = Tok.IDENT;
      this.text = text;
      return;
    }
    if (k & C_DIGIT || c === CH_PLUS || c === CH_MINUS || (c === CH_DOT && cls(src.charCodeAt(pos + 1)) & C_DIGIT)) {
      this.scanNumber(pos);
      return;
    }
    if (c === 34 || c === 39) {
      this.scanLiteral(pos, c);
      return;
    }
    if (k & C_SYMBOL) {
      this.kind = Tok.SYMBOL;
      this.text = src[pos]!;
      this.pos = pos + 1;
      return;
    }
    throw this.error(`unexpected character ${JSON.stringify(String.fromCodePoint(src.codePointAt(pos)!))}`);
  }

  private scanNumber(start: number): void {
    const src = this.src;
    let pos = start;
    const sign = src.charCodeAt(pos);
    if (sign === CH_PLUS || sign === CH_MINUS) pos++;
    const digitsStart = pos;
    // Hex: [+-]?0x[0-9A-Fa-f]+
    if (src.charCodeAt(pos) === CH_0 && (src.charCodeAt(pos + 1) | 0x20) === 0x78 && cls(src.charCodeAt(pos + 2)) & C_HEX) {
      pos += 2;
      while (cls(src.charCodeAt(pos)) & C_HEX) pos++;
      const v = BigInt(src.slice(digitsStart, pos));
      this.finishInt(sign === CH_MINUS ? -v : v, start, pos);
      return;
    }
    while (cls(src.charCodeAt(pos)) & C_DIGIT) pos++;
    let isDouble = false;
    if (src.charCodeAt(pos) === CH_DOT && cls(src.charCodeAt(pos + 1)) & C_DIGIT) {
      isDouble = true;
      pos += 2;
      while (cls(src.charCodeAt(pos)) & C_DIGIT) pos++;
    }
    if ((src.charCodeAt(pos) | 0x20) === 0x65) {
      let e = pos + 1;
      const s = src.charCodeAt(e);
      if (s === CH_PLUS || s === CH_MINUS) e++;
      if (cls(src.charCodeAt(e)) & C_DIGIT) {
        isDouble = true;
        pos = e + 1;
        while (cls(src.charCodeAt(pos)) & C_DIGIT) pos++;
      }
    }
    if (pos === digitsStart) throw this.error(`a sign must be followed by a number`);
    const text = src.slice(start, pos);
    if (isDouble) {
      this.kind = Tok.DOUBLE;
      this.num = Number(text);
      this.text = text;
      this.pos = pos;
      return;
    }
    this.finishInt(BigInt(text), start, pos);
  }

  private finishInt(v: bigint, start: number, end: number): void {
    this.kind = Tok.INT;
    this.int = v;
    this.text = this.src.slice(start, end);
    this.pos = end;
  }

  private scanLiteral(start: number, quote: number): void {
    const src = this.src;
    let pos = start + 1;
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= src.length) throw this.error('unterminated string literal');
      const c = src.charCodeAt(pos);
      if (c === quote) break;
      if (c === CH_NL) throw this.error('string literal runs past the end of the line');
      if (c === CH_BACKSLASH) {
        out += src.slice(chunk, pos);
        const e = src[pos + 1];
        const esc = e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === '"' || e === "'" || e === '\\' ? e : undefined;
        if (esc === undefined) {
          this.column = pos - this.lineStart + 1;
          throw this.error(`bad escape \\${e ?? ''} in string literal (allowed: \\" \\' \\\\ \\n \\r \\t)`);
        }
        out += esc;
        pos += 2;
        chunk = pos;
        continue;
      }
      pos++;
    }
    this.kind = Tok.LITERAL;
    this.text = chunk === start + 1 ? src.slice(chunk, pos) : out + src.slice(chunk, pos);
    this.pos = pos + 1;
  }
}
