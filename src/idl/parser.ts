/**
 * Recursive-descent parser for the Thrift IDL: tokens in, {@link DocumentNode}
 * out. Follows apache/thrift doc/specs/idl.md and, where the spec is silent,
 * compiler/cpp/src/thrift/thrifty.yy (implicit field ids, union and argument
 * requiredness, keywords allowed as field names). Pure: no node:* imports.
 */
import type { Annotations, BaseKind, Requiredness } from '../protocol/schema.js';
import type {
  ConstNode, DefinitionNode, DocumentNode, EnumNode, EnumValueNode, FieldNode, FunctionNode,
  IncludeNode, Pos, ServiceNode, StructNode, TypedefNode, TypeNode, ValueNode,
} from './ast.js';
import { IdlError } from '../errors.js';
import { Lexer, Tok } from './lexer.js';

const BASE_TYPES: ReadonlyMap<string, BaseKind> = new Map<string, BaseKind>([
  ['bool', 'bool'], ['byte', 'byte'], ['i8', 'byte'], ['i16', 'i16'], ['i32', 'i32'], ['i64', 'i64'],
  ['double', 'double'], ['string', 'string'], ['binary', 'binary'], ['uuid', 'uuid'],
]);

// Pre-`namespace` header forms (thrifty.yy before 0.10) and the scope each one meant.
const OLD_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['cpp_namespace', 'cpp'], ['php_namespace', 'php'], ['py_module', 'py'], ['perl_package', 'perl'],
  ['ruby_namespace', 'rb'], ['smalltalk_category', 'smalltalk.category'], ['smalltalk_prefix', 'smalltalk.prefix'],
  ['java_package', 'java'], ['cocoa_prefix', 'cocoa'], ['csharp_namespace', 'csharp'], ['delphi_namespace', 'delphi'],
  ['xsd_namespace', 'xsd'],
]);

const KEYWORDS: ReadonlySet<string> = new Set([
  'namespace', 'cpp_include', 'cpp_type', 'xsd_all', 'xsd_optional', 'xsd_nillable', 'xsd_attrs', 'include',
  'void', 'map', 'list', 'set', 'oneway', 'async', 'typedef', 'struct', 'union', 'exception', 'extends', 'throws',
  'service', 'enum', 'const', 'required', 'optional', 'senum', 'slist', ...BASE_TYPES.keys(), ...OLD_NAMESPACES.keys(),
]);

// Keywords that may not name a field because they can follow a field name (thrifty.yy FieldName).
/** Field lists up to this long are checked for duplicates by a scan. */
const SCAN_LIMIT = 32;

/** Whether a field of `fields` has `value` as its `key`. */
function hasField<K extends 'id' | 'name'>(fields: readonly FieldNode[], key: K, value: FieldNode[K]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i]![key] === value) return true;
  return false;
}

const NOT_FIELD_NAMES: ReadonlySet<string> = new Set([
  'xsd_all', 'xsd_optional', 'xsd_nillable', 'xsd_attrs', 'cpp_type', 'senum', 'slist', ...OLD_NAMESPACES.keys(),
]);

// Deeper nesting than this is certainly not a real IDL; refusing it keeps the recursion off the stack limit.
const MAX_DEPTH = 256;

const I16_MAX = 32767;
const I16_MIN = -32768;
const I32_MAX = 2147483647n;
const I32_MIN = -2147483648n;

/** What a field list belongs to; decides requiredness the way Apache does. */
type FieldContext = 'struct' | 'union' | 'exception' | 'args' | 'throws' | 'xsd';

/** Parses one file. Throws IdlError (naming `file`, line and column) on any syntax error. */
export function parse(text: string, file: string): DocumentNode {
  return new Parser(text, file).document();
}

class Parser {
  private readonly lx: Lexer;
  private readonly file: string;
  private depth = 0;

  constructor(text: string, file: string) {
    this.file = file;
    this.lx = new Lexer(text, file);
  }

  document(): DocumentNode {
    const lx = this.lx;
    const includes: IncludeNode[] = [];
    const cppIncludes: string[] = [];
    const namespaces: Record<string, string> = {};
    const definitions: DefinitionNode[] = [];
    while (lx.kind !== Tok.EOF) {
      if (lx.kind === Tok.SYMBOL && (lx.text === ';' || lx.text === ',')) {
        lx.next();
        continue;
      }
      if (lx.kind !== Tok.IDENT) throw this.unexpected('a definition');
      const pos = this.pos();
      const word = lx.text;
      switch (word) {
        case 'include':
          lx.next();
          includes.push({ path: this.literal('the path of the file to include'), pos });
          break;
        case 'cpp_include':
          lx.next();
          cppIncludes.push(this.literal('the C++ header to include'));
          break;
        case 'namespace': {
          lx.next();
          let scope: string;
          if (this.isSym('*')) {
            lx.next();
            scope = '*';
          } else {
            scope = this.ident('a namespace scope');
          }
          setKey(namespaces, scope, this.ident('a namespace name'));
          this.annotations();
          break;
        }
        case 'const': definitions.push(this.constDef(pos)); break;
        case 'typedef': definitions.push(this.typedefDef(pos)); break;
        case 'enum': definitions.push(this.enumDef(pos)); break;
        case 'struct': case 'union': case 'exception': definitions.push(this.structDef(word, pos)); break;
        case 'service': definitions.push(this.serviceDef(pos)); break;
        case 'senum': case 'slist': throw this.removed();
        default: {
          const scope = OLD_NAMESPACES.get(word);
          if (scope === undefined) throw this.unexpected('a definition');
          lx.next();
          setKey(namespaces, scope, scope === 'xsd' ? this.literal('a namespace') : this.ident('a namespace name'));
        }
      }
    }
    return { includes, cppIncludes, namespaces, definitions };
  }

  private constDef(pos: Pos): ConstNode {
    this.lx.next();
    const type = this.type();
    const name = this.defName('a const');
    this.expectSym('=');
    const value = this.value();
    this.separator();
    return { kind: 'const', name, type, value, pos };
  }

  private typedefDef(pos: Pos): TypedefNode {
    this.lx.next();
    const type = this.type();
    const name = this.defName('a typedef');
    this.annotations();
    this.separator();
    return { kind: 'typedef', name, type, pos };
  }

  private enumDef(pos: Pos): EnumNode {
    const lx = this.lx;
    lx.next();
    const name = this.defName('an enum');
    this.expectSym('{');
    const values: EnumValueNode[] = [];
    const seen = new Set<string>();
    let last = -1n;
    while (!this.isSym('}')) {
      const vpos = this.pos();
      const vname = this.defName('an enum value');
      if (seen.has(vname)) throw this.errorAt(vpos, `enum ${name} already has a value named ${vname}`);
      seen.add(vname);
      let value: bigint;
      if (this.acceptSym('=')) {
        if (lx.kind !== Tok.INT || lx.isBool) throw this.unexpected('an integer value');
        value = lx.int;
        if (value < I32_MIN || value > I32_MAX) throw lx.error(`enum value ${value} does not fit in i32`);
        lx.next();
      } else {
        value = last + 1n;
        if (value > I32_MAX) throw this.errorAt(vpos, `enum value ${vname} overflows i32`);
      }
      last = value;
      values.push({ name: vname, value: Number(value), annotations: this.annotations(), pos: vpos });
      this.separator();
    }
    this.lx.next();
    return { kind: 'enum', name, values, annotations: this.annotations(), pos };
  }

  private structDef(kind: 'struct' | 'union' | 'exception', pos: Pos): StructNode {
    this.lx.next();
    const name = this.defName(kind === 'exception' ? 'an exception' : `a ${kind}`);
    if (kind !== 'exception') this.acceptWord('xsd_all');
    this.expectSym('{');
    const fields = this.fields('}', kind, name);
    return { kind, name, fields, annotations: this.annotations(), pos };
  }

  private serviceDef(pos: Pos): ServiceNode {
    const lx = this.lx;
    lx.next();
    const name = this.defName('a service');
    let ext: ServiceNode['extends'];
    if (this.acceptWord('extends')) {
      const epos = this.pos();
      ext = { name: this.ident('the name of the service to extend'), pos: epos };
    }
    this.expectSym('{');
    const functions: FunctionNode[] = [];
    const seen = new Set<string>();
    while (!this.isSym('}')) {
      const fpos = this.pos();
      let oneway = false;
      if (lx.kind === Tok.IDENT && (lx.text === 'oneway' || lx.text === 'async')) {
        oneway = true;
        lx.next();
      }
      let returns: TypeNode | undefined;
      if (lx.kind === Tok.IDENT && lx.text === 'void') lx.next();
      else returns = this.type();
      const npos = this.pos();
      const fname = this.defName('a function');
      if (seen.has(fname)) throw this.errorAt(npos, `service ${name} already has a function named ${fname}`);
      seen.add(fname);
      this.expectSym('(');
      const args = this.fields(')', 'args', `${fname}_args`);
      let throws: FieldNode[] = [];
      if (this.acceptWord('throws')) {
        const tpos = this.pos();
        this.expectSym('(');
        throws = this.fields(')', 'throws', `${fname} throws`);
        if (oneway && throws.length > 0) throw this.errorAt(tpos, `oneway function ${fname} cannot throw exceptions`);
      }
      if (oneway && returns !== undefined) throw this.errorAt(fpos, `oneway function ${fname} must return void`);
      functions.push({ name: fname, oneway, returns, args, throws, annotations: this.annotations(), pos: fpos });
      this.separator();
    }
    lx.next();
    return { kind: 'service', name, extends: ext, functions, annotations: this.annotations(), pos };
  }

  /** Fields up to and including `close`. */
  private fields(close: '}' | ')', ctx: FieldContext, owner: string): FieldNode[] {
    const lx = this.lx;
    const fields: FieldNode[] = [];
    // Duplicates are found by a scan while the list is short (two Sets per struct were a tenth of
    // a cold load's allocations), by Sets once it is long (a hostile IDL of 32,767 fields stays linear).
    let ids: Set<number> | undefined;
    let names: Set<string> | undefined;
    // Apache numbers fields without a (positive) id -1, -2, … in declaration order.
    let auto = -1;
    let defaults = 0;
    while (!this.isSym(close)) {
      const pos = this.pos();
      let id: number;
      if (lx.kind === Tok.INT) {
        const v = lx.int;
        lx.next();
        this.expectSym(':');
        if (v > 0n) {
          if (v > BigInt(I16_MAX)) throw this.errorAt(pos, `field id ${v} does not fit in i16`);
          id = Number(v);
        } else {
          id = auto--;
        }
      } else {
        id = auto--;
      }
      if (id < I16_MIN) throw this.errorAt(pos, `too many fields in ${owner}: implicit id ${id} does not fit in i16`);
      let requiredness: Requiredness = 'default';
      if (lx.kind === Tok.IDENT && (lx.text === 'required' || lx.text === 'optional')) {
        requiredness = lx.text;
        lx.next();
      }
      const type = this.type();
      this.acceptSym('&');
      // The name's position as numbers: an object per field for errors only would be most of a cold load's garbage.
      const nline = lx.line;
      const ncolumn = lx.column;
      if (lx.kind !== Tok.IDENT || NOT_FIELD_NAMES.has(lx.text)) throw this.unexpected('a field name');
      const name = lx.text;
      if (name.includes('.')) throw this.errorAt({ line: nline, column: ncolumn }, `field name ${name} cannot contain a dot`);
      lx.next();
      let def: ValueNode | undefined;
      if (this.acceptSym('=')) def = this.value();
      this.acceptWord('xsd_optional');
      this.acceptWord('xsd_nillable');
      if (this.acceptWord('xsd_attrs')) {
        this.expectSym('{');
        this.fields('}', 'xsd', `${name} xsd_attrs`);
      }
      const annotations = this.annotations();
      this.separator();
      if (ids === undefined && fields.length >= SCAN_LIMIT) {
        ids = new Set(fields.map((f) => f.id));
        names = new Set(fields.map((f) => f.name));
      }
      if (ids === undefined ? hasField(fields, 'id', id) : ids.has(id)) throw this.errorAt(pos, `${owner} already has a field with id ${id}`);
      if (names === undefined ? hasField(fields, 'name', name) : names.has(name)) {
        throw this.errorAt({ line: nline, column: ncolumn }, `${owner} already has a field named ${name}`);
      }
      ids?.add(id);
      names?.add(name);
      if (ctx === 'union') {
        // Union members are implicitly optional and at most one may carry a default (t_struct.h).
        requiredness = 'optional';
        if (def !== undefined && ++defaults > 1) throw this.errorAt({ line: nline, column: ncolumn }, `union ${owner} may give a default to one field only`);
      } else if (ctx === 'throws') {
        requiredness = 'optional';
      }
      // Apache's thrifty.yy ignores `optional` in argument lists; it is kept here (codecs treat it as
      // `default`, so the wire is the same) for generated signatures, which make such arguments optional.
      fields.push({ id, name, requiredness, type, default: def, annotations, pos });
    }
    lx.next();
    return fields;
  }

  private type(): TypeNode {
    const lx = this.lx;
    if (lx.kind !== Tok.IDENT) throw this.unexpected('a type');
    const pos = this.pos();
    const word = lx.text;
    let node: TypeNode;
    const base = BASE_TYPES.get(word);
    if (base !== undefined) {
      lx.next();
      node = { kind: 'base', base, pos };
    } else if (word === 'map' || word === 'set' || word === 'list') {
      if (++this.depth > MAX_DEPTH) throw lx.error('types are nested too deeply');
      lx.next();
      this.cppType();
      this.expectSym('<');
      if (word === 'map') {
        const key = this.type();
        this.expectSym(',');
        const value = this.type();
        this.expectSym('>');
        node = { kind: 'map', key, value, pos };
      } else {
        const elem = this.type();
        this.expectSym('>');
        if (word === 'list') this.cppType();
        node = { kind: word, elem, pos };
      }
      this.depth--;
    } else if (word === 'senum' || word === 'slist') {
      throw this.removed();
    } else if (word === 'void') {
      throw lx.error('void is only allowed as a function return type');
    } else if (KEYWORDS.has(word)) {
      throw this.unexpected('a type');
    } else {
      lx.next();
      node = { kind: 'ref', name: word, pos };
    }
    // Type annotations are accepted everywhere Apache accepts them; descriptors have no place for them.
    this.annotations();
    return node;
  }

  private cppType(): void {
    if (this.acceptWord('cpp_type')) this.literal('a C++ type name');
  }

  private value(): ValueNode {
    const lx = this.lx;
    const pos = this.pos();
    switch (lx.kind) {
      case Tok.INT: {
        const node: ValueNode = { kind: 'int', value: lx.int, isBool: lx.isBool, pos };
        lx.next();
        return node;
      }
      case Tok.DOUBLE: {
        const node: ValueNode = { kind: 'double', value: lx.num, pos };
        lx.next();
        return node;
      }
      case Tok.LITERAL: {
        const node: ValueNode = { kind: 'string', value: lx.text, pos };
        lx.next();
        return node;
      }
      case Tok.IDENT: {
        const node: ValueNode = { kind: 'ident', name: lx.text, pos };
        lx.next();
        return node;
      }
      case Tok.SYMBOL:
        if (lx.text === '[') {
          if (++this.depth > MAX_DEPTH) throw lx.error('values are nested too deeply');
          lx.next();
          const items: ValueNode[] = [];
          while (!this.isSym(']')) {
            items.push(this.value());
            this.separator();
          }
          lx.next();
          this.depth--;
          return { kind: 'list', items, pos };
        }
        if (lx.text === '{') {
          if (++this.depth > MAX_DEPTH) throw lx.error('values are nested too deeply');
          lx.next();
          const entries: [ValueNode, ValueNode][] = [];
          while (!this.isSym('}')) {
            const k = this.value();
            this.expectSym(':');
            entries.push([k, this.value()]);
            this.separator();
          }
          lx.next();
          this.depth--;
          return { kind: 'map', entries, pos };
        }
    }
    throw this.unexpected('a constant value');
  }

  private annotations(): Annotations {
    if (!this.isSym('(')) return EMPTY;
    const lx = this.lx;
    lx.next();
    const out: Record<string, string> = {};
    while (!this.isSym(')')) {
      const key = this.ident('an annotation name');
      // Apache stores a bare key as "1" (thrifty.yy TypeAnnotationValue).
      setKey(out, key, this.acceptSym('=') ? this.literal('an annotation value') : '1');
      this.separator();
    }
    lx.next();
    return out;
  }

  private separator(): void {
    const lx = this.lx;
    if (lx.kind === Tok.SYMBOL && (lx.text === ',' || lx.text === ';')) lx.next();
  }

  private defName(what: string): string {
    const lx = this.lx;
    if (lx.kind !== Tok.IDENT) throw this.unexpected(`the name of ${what}`);
    const name = lx.text;
    if (KEYWORDS.has(name)) throw lx.error(`'${name}' is a keyword and cannot be the name of ${what}`);
    if (name.includes('.')) throw lx.error(`the name of ${what} cannot contain a dot: ${name}`);
    lx.next();
    return name;
  }

  private ident(what: string): string {
    const lx = this.lx;
    if (lx.kind !== Tok.IDENT) throw this.unexpected(what);
    const text = lx.text;
    lx.next();
    return text;
  }

  private literal(what: string): string {
    const lx = this.lx;
    if (lx.kind !== Tok.LITERAL) throw this.unexpected(`${what} (a quoted string)`);
    const text = lx.text;
    lx.next();
    return text;
  }

  private isSym(c: string): boolean {
    return this.lx.kind === Tok.SYMBOL && this.lx.text === c;
  }

  private acceptSym(c: string): boolean {
    if (!this.isSym(c)) return false;
    this.lx.next();
    return true;
  }

  private expectSym(c: string): void {
    if (!this.acceptSym(c)) throw this.unexpected(`'${c}'`);
  }

  private acceptWord(w: string): boolean {
    if (this.lx.kind !== Tok.IDENT || this.lx.text !== w) return false;
    this.lx.next();
    return true;
  }

  private pos(): Pos {
    return { line: this.lx.line, column: this.lx.column };
  }

  private errorAt(pos: Pos, message: string): IdlError {
    return new IdlError(message, this.file, pos.line, pos.column);
  }

  private unexpected(expected: string): IdlError {
    return this.lx.error(`expected ${expected}, found ${this.lx.describe()}`);
  }

  private removed(): IdlError {
    const w = this.lx.text;
    return this.lx.error(`'${w}' was removed from Apache Thrift; use ${w === 'senum' ? 'string (or an enum)' : 'string'} instead`);
  }
}

const EMPTY: Annotations = Object.freeze({});

/** Sets `obj[key]` even when the key is `__proto__`. */
function setKey(obj: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
