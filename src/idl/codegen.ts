/**
 * TypeScript from a loaded schema: one `.ts` per .thrift file (includes
 * too), each embedding its resolved schema as data (schema-data.ts) and
 * building its runtime objects through `defineIdlModule` at import time,
 * without the IDL parser, then re-exporting them with precise types. Types
 * and data both come from the ProgramDesc that `load()` returns, so the
 * descriptors, and the bytes on the wire, are the same.
 */
import { IdlError } from '../errors.js';
import { parse } from './parser.js';
import { encodeProgram } from './schema-data.js';
import type { EnumDesc, FieldDesc, FunctionDesc, ProgramDesc, ServiceDesc, StructDesc, TypeDesc } from '../protocol/schema.js';

/** Options of {@link generateTypes}. */
export interface GenerateOptions {
  /** The IDL text of a program, by its `ProgramDesc.path` (the text that was loaded). */
  readSource(path: string): string;
  /** Module specifier generated code imports the runtime from; default `thrift-streams`. */
  runtime?: string;
  /** `esm` (import/export, the default) or `cjs` (`import = require`, `export =`: CommonJS under verbatimModuleSyntax). */
  module?: 'esm' | 'cjs';
}

/** One generated file. */
export interface GeneratedFile {
  /** File name, `<program name>.ts`; files import each other as `./<program name>.js`. */
  readonly fileName: string;
  /** The program it was generated from. */
  readonly program: ProgramDesc;
  /** The TypeScript source. */
  readonly text: string;
}

/**
 * Generates a `.ts` file for `root` and for every file it includes, directly
 * or not. Throws IdlError when a name cannot be a TypeScript declaration or
 * two files would have the same output name.
 */
export function generateTypes(root: ProgramDesc, options: GenerateOptions): GeneratedFile[] {
  const programs = closure(root);
  const byFile = new Map<string, ProgramDesc>();
  for (const p of programs) {
    const fileName = `${p.name}.ts`;
    const prev = byFile.get(fileName);
    if (prev !== undefined) throw new IdlError(`${prev.path} and ${p.path} would both be generated as ${fileName}`, p.path, 1, 1);
    byFile.set(fileName, p);
  }
  const owners = new Map<object, ProgramDesc>();
  const names = new Map<ProgramDesc, ProgramNames>();
  for (const p of programs) {
    for (const d of [...p.structs, ...p.enums, ...p.services]) owners.set(d, p);
    names.set(p, programNames(p, options.readSource(p.path)));
  }
  const ctx: Context = { owners, names, runtime: options.runtime ?? 'thrift-streams', module: options.module ?? 'esm', readSource: options.readSource };
  return programs.map((p) => ({ fileName: `${p.name}.ts`, program: p, text: new FileWriter(p, ctx).write() }));
}

/** The root and everything it includes, each once, includes before includers. */
function closure(root: ProgramDesc): ProgramDesc[] {
  const out: ProgramDesc[] = [];
  const seen = new Set<ProgramDesc>();
  const visit = (p: ProgramDesc): void => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const inc of p.includes) visit(inc);
    out.push(p);
  };
  visit(root);
  return out;
}

/** The TypeScript names one program's definitions get. */
interface ProgramNames {
  /** Every name declared at the top of the generated file (IDL names and generated ones). */
  readonly declared: Set<string>;
  readonly structs: Map<StructDesc, { value: string; init: string }>;
  readonly services: Map<ServiceDesc, { client: string; handler: string }>;
}

interface Context {
  readonly owners: Map<object, ProgramDesc>;
  readonly names: Map<ProgramDesc, ProgramNames>;
  readonly runtime: string;
  readonly module: 'esm' | 'cjs';
  readonly readSource: (path: string) => string;
}

// Words that cannot name a top-level `const`, `interface` or `type` in an ES module.
const RESERVED = new Set((
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
  'import in instanceof new null return super switch this throw true try typeof var void while with implements interface let ' +
  'package private protected public static yield await arguments eval any unknown never number string boolean bigint symbol ' +
  'object undefined'
).split(' '));
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function programNames(p: ProgramDesc, source: string): ProgramNames {
  const declared = new Set<string>();
  const check = (name: string, what: string): string => {
    if (!IDENT.test(name) || RESERVED.has(name)) {
      const pos = positionOf(source, name);
      throw new IdlError(`${what} ${name} cannot be generated: it is not a valid TypeScript declaration name`, p.path, pos.line, pos.column);
    }
    declared.add(name);
    return name;
  };
  for (const s of p.structs) check(s.name, s.kind);
  for (const e of p.enums) check(e.name, 'enum');
  for (const s of p.services) check(s.name, 'service');
  for (const c of p.consts) check(c.name, 'const');
  for (const t of p.typedefs) check(t.name, 'typedef');
  for (const inc of p.includes) declared.add(inc.name);
  // A generated name that an IDL name already takes gets a `$`, which IDL names cannot contain.
  const derived = (base: string, suffix: string): string => {
    const plain = base + suffix;
    const name = declared.has(plain) ? `${base}$${suffix}` : plain;
    declared.add(name);
    return name;
  };
  const structs = new Map<StructDesc, { value: string; init: string }>();
  for (const s of p.structs) structs.set(s, { value: s.name, init: derived(s.name, 'Init') });
  const services = new Map<ServiceDesc, { client: string; handler: string }>();
  for (const s of p.services) services.set(s, { client: derived(s.name, 'Client'), handler: derived(s.name, 'Handler') });
  return { declared, structs, services };
}

/** Where `name` is defined in `source` (best effort, for error messages). */
function positionOf(source: string, name: string): { line: number; column: number } {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\b(?:struct|union|exception|enum|service|typedef\\s+\\S+|const\\s+\\S+)\\s+(${escaped})\\b`).exec(source);
  if (m === null) return { line: 1, column: 1 };
  const at = m.index + m[0].length - name.length;
  const before = source.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

// Global names the generated types use; qualified with `globalThis.` where an IDL name shadows one.
const GLOBALS = ['Error', 'Map', 'Omit', 'Promise', 'Readonly', 'ReadonlyMap', 'ReadonlySet', 'Record', 'Set', 'Uint8Array'] as const;
type GlobalName = (typeof GLOBALS)[number];

/** Members of the client object that shadow functions of the same name (reachable with `execute`). */
const CLIENT_MEMBERS = new Set(['service', 'state', 'closed', 'inflight', 'execute', 'call', 'close', 'destroy', 'constructor']);

class FileWriter {
  private readonly program: ProgramDesc;
  private readonly ctx: Context;
  private readonly own: ProgramNames;
  /** Import aliases of the other programs this file refers to. */
  private readonly aliases = new Map<ProgramDesc, string>();
  private readonly runtimeImports = new Set<string>();
  private readonly out: string[] = [];

  constructor(program: ProgramDesc, ctx: Context) {
    this.program = program;
    this.ctx = ctx;
    this.own = ctx.names.get(program)!;
    // Direct includes are imported at run time too (their modules feed defineIdlModule).
    for (const inc of program.includes) this.alias(inc);
  }

  write(): string {
    const p = this.program;
    for (const e of p.enums) this.enumDecl(e);
    for (const t of p.typedefs) {
      this.line(`/** typedef ${t.name}, as read. */`);
      this.line(`export type ${t.name} = ${this.readType(t.type)};`);
      this.line('');
    }
    for (const s of p.structs) this.structDecl(s);
    for (const c of p.consts) {
      this.line(`/** const ${c.name}. */`);
      this.line(`export const ${c.name}: ${this.readType(c.type)} = $m[${JSON.stringify(c.name)}];`);
      this.line('');
    }
    for (const s of p.services) this.serviceDecl(s);
    const pad = this.ctx.module === 'cjs' ? '  ' : '';
    const body = this.out.map((l) => (l === '' ? l : pad + l)).join('\n').replace(/\n+$/, '\n');
    return this.header() + body + this.footer();
  }

  private header(): string {
    const p = this.program;
    const cjs = this.ctx.module === 'cjs';
    const lines: string[] = [
      `// Generated by thrift-streams from ${basename(p.path)}. Do not edit: run \`thrift-streams gen\` again.`,
      '/* eslint-disable */',
    ];
    const runtime = JSON.stringify(this.ctx.runtime);
    if (cjs) {
      lines.push(`import $rt = require(${runtime});`);
    } else {
      const names = ['defineIdlModule as $define', 'type ThriftModule as $ThriftModule', ...[...this.runtimeImports].sort().map((n) => `type ${n} as $${n}`)];
      lines.push(`import { ${names.join(', ')} } from ${runtime};`);
    }
    const direct = new Set(p.includes);
    for (const [program, alias] of this.aliases) {
      const spec = JSON.stringify(`./${program.name}.js`);
      const typeOnly = direct.has(program) ? '' : 'type ';
      lines.push(cjs ? `import ${typeOnly}${alias} = require(${spec});` : `import ${typeOnly}* as ${alias} from ${spec};`);
    }
    lines.push('');
    const includes = p.includes.map((inc) => `${propKey(inc.name)}: ${this.aliases.get(inc)}.$module`).join(', ');
    const order = parse(this.ctx.readSource(p.path), p.path).definitions.map((d) => d.name);
    const data = encodeProgram(p, (d) => this.ctx.owners.get(d)!.name, order);
    lines.push(`const $m = ${cjs ? '$rt.defineIdlModule' : '$define'}({`);
    lines.push(`  includes: {${includes === '' ? '' : ` ${includes} `}},`);
    lines.push(`  // The resolved schema of ${basename(p.path)} as data (see schema-data.ts in thrift-streams): no IDL parsing at import.`);
    lines.push(`  schema: ${singleQuoted(JSON.stringify(data))},`);
    lines.push('});');
    lines.push('');
    // CommonJS under verbatimModuleSyntax allows only `export =`: the exports live in one namespace.
    if (cjs) lines.push('namespace $exports {');
    const pad = cjs ? '  ' : '';
    lines.push(`${pad}/** The module object of ${basename(p.path)}, as load() returns it (for schemaOf and includers). */`);
    lines.push(`${pad}export const $module: ${this.rt('ThriftModule')} = $m;`);
    lines.push('');
    return lines.join('\n') + '\n';
  }

  private footer(): string {
    return this.ctx.module === 'cjs' ? '}\nexport = $exports;\n' : '';
  }

  /** How this file names a type of the runtime. */
  private rt(name: string): string {
    return this.ctx.module === 'cjs' ? `$rt.${name}` : `$${name}`;
  }

  private enumDecl(e: EnumDesc): void {
    const members = e.values.map((v) => `readonly ${propKey(v.name)}: ${v.value}`);
    const values = [...new Set(e.values.map((v) => v.value))];
    this.line(`/** enum ${e.name}: its values by name. */`);
    this.line(`export const ${e.name} = $m[${JSON.stringify(e.name)}] as { ${members.join('; ')} };`);
    this.line(`/** enum ${e.name}: one of its values. */`);
    this.line(`export type ${e.name} = ${values.length === 0 ? 'number' : values.join(' | ')};`);
    this.line('');
  }

  private structDecl(s: StructDesc): void {
    const { value, init } = this.own.structs.get(s)!;
    let base = '';
    if (s.kind === 'exception') {
      const clash = s.fields.map((f) => f.name).filter((n) => n === 'name' || n === 'message' || n === 'stack' || n === 'cause');
      base = clash.length === 0 ? ` extends ${this.g('Error')}` : ` extends ${this.g('Omit')}<${this.g('Error')}, ${clash.map((n) => JSON.stringify(n)).join(' | ')}>`;
    }
    if (s.kind === 'union' && s.fields.length > 0) {
      this.unionDecl(s, value, init);
    } else {
      this.line(`/** ${s.kind} ${s.name}, as read: what decoding and \`new ${value}()\` produce. */`);
      this.line(`export interface ${value}${base} {`);
      for (const f of s.fields) {
        // Decoding and the constructor both apply IDL defaults, so a field with one is always set.
        const optional = f.requiredness !== 'required' && f.default === undefined;
        // Instances own every field, unset ones as undefined: `| undefined` keeps that true under exactOptionalPropertyTypes.
        this.line(`  ${propKey(f.name)}${optional ? '?' : ''}: ${this.readType(f.type)}${optional ? ' | undefined' : ''};`);
      }
      this.line('}');
      this.line(`/** ${s.kind} ${s.name}, as written: a plain object or an instance. */`);
      this.line(`export interface ${init} {`);
      for (const f of s.fields) {
        const optional = f.requiredness !== 'required' || f.default !== undefined;
        this.line(`  ${propKey(f.name)}${optional ? '?' : ''}: ${this.writeType(f.type)}${optional ? ' | undefined' : ''};`);
      }
      this.line('}');
    }
    this.runtimeImports.add('StructClass');
    this.line(`/** The class of ${s.kind} ${s.name}. */`);
    this.line(`export const ${value} = $m[${JSON.stringify(s.name)}] as ${this.rt('StructClass')}<${value}, ${init}>;`);
    this.line('');
  }

  /**
   * A union as one object type per field: that field set, every other one
   * `?: undefined`. Writing two fields is then a compile error, and reading
   * narrows on the field that is set (`if (u.s !== undefined) u.s` is a string).
   */
  private unionDecl(s: StructDesc, value: string, init: string): void {
    const variants = (type: (t: TypeDesc) => string): string[] => s.fields.map((set) => {
      const members = s.fields.map((f) => f === set ? `${propKey(f.name)}: ${type(f.type)}` : `${propKey(f.name)}?: undefined`);
      return `  | { ${members.join('; ')} }`;
    });
    this.line(`/** union ${s.name}, as read: exactly one field is set; test it (\`!== undefined\`) to narrow. */`);
    this.line(`export type ${value} =`);
    for (const v of variants((t) => this.readType(t))) this.line(v);
    this.line(`  ;`);
    this.line(`/** union ${s.name}, as written: exactly one field. */`);
    this.line(`export type ${init} =`);
    for (const v of variants((t) => this.writeType(t))) this.line(v);
    this.line(`  ;`);
  }

  private serviceDecl(s: ServiceDesc): void {
    const { client, handler } = this.own.services.get(s)!;
    const parent = s.extends;
    let clientBase = '';
    let handlerBase = '';
    if (parent !== undefined) {
      const names = this.ctx.names.get(this.ctx.owners.get(parent)!)!.services.get(parent)!;
      const inherited = new Set(ancestorFunctionNames(parent));
      const overridden = s.functions.map((f) => f.name).filter((n) => inherited.has(n));
      const wrap = (t: string): string => overridden.length === 0 ? t : `${this.g('Omit')}<${t}, ${overridden.map((n) => JSON.stringify(n)).join(' | ')}>`;
      clientBase = ` extends ${wrap(this.ref(parent, names.client))}`;
      handlerBase = ` extends ${wrap(this.ref(parent, names.handler))}`;
    }
    this.line(`/** Client of service ${s.name}: one method per function (inherited ones too), each returning a promise. */`);
    this.line(`export interface ${client}${clientBase} {`);
    for (const f of s.functions) {
      // A `then` method would make the client type a thenable (`await` would call it); the client has none.
      if (f.name === 'then') {
        this.line("  // function then: reachable as execute('then', ...) only (a client with a then method would be a thenable)");
        continue;
      }
      const doc = this.functionDoc(f, true);
      if (doc) this.line(`  ${doc}`);
      this.line(`  ${propKey(f.name)}(${this.params(f, 'client')}): ${this.g('Promise')}<${f.returns === undefined ? 'void' : this.readType(f.returns)}>;`);
    }
    this.line('}');
    this.line(`/** Handler of service ${s.name} for createServer: one method per function (inherited ones too), arguments in IDL order. */`);
    this.line(`export interface ${handler}${handlerBase} {`);
    for (const f of s.functions) {
      const doc = this.functionDoc(f, false);
      if (doc) this.line(`  ${doc}`);
      const ret = f.returns === undefined ? 'void' : this.writeType(f.returns);
      this.line(`  ${propKey(f.name)}: (${this.params(f, 'handler')}) => ${ret} | ${this.g('Promise')}<${ret}>;`);
    }
    this.line('}');
    this.runtimeImports.add('TypedService');
    this.line(`/** service ${s.name}: pass it to createServer, createConnection or createPool. */`);
    this.line(`export const ${s.name} = $m[${JSON.stringify(s.name)}] as ${this.rt('TypedService')}<${client}, ${handler}>;`);
    this.line('');
  }

  private functionDoc(f: FunctionDesc, client: boolean): string {
    const parts: string[] = [];
    if (f.oneway) parts.push('oneway: no reply');
    if (client && CLIENT_MEMBERS.has(f.name)) parts.push(`shadowed by the client's own \`${f.name}\`: call it with \`execute(${JSON.stringify(f.name)}, ...)\``);
    for (const t of f.throws) parts.push(`@throws {${this.readType(t.type)}} ${t.name}`);
    return parts.length === 0 ? '' : `/** ${parts.join('; ')} */`;
  }

  private params(f: FunctionDesc, side: 'client' | 'handler'): string {
    const args = f.args.fields;
    // Arguments after the last non-optional one may be left out by the client; the handler receives undefined.
    let trailing = args.length;
    while (trailing > 0 && args[trailing - 1]!.requiredness === 'optional') trailing--;
    return args
      .map((a: FieldDesc, i) => {
        const type = side === 'client' ? this.writeType(a.type) : this.readType(a.type);
        if (a.requiredness !== 'optional') return `${paramName(a.name)}: ${type}`;
        return side === 'client' && i >= trailing ? `${paramName(a.name)}?: ${type}` : `${paramName(a.name)}: ${type} | undefined`;
      })
      .join(', ');
  }

  /** The type of values of `t` as decoding produces them. */
  private readType(t: TypeDesc): string {
    switch (t.kind) {
      case 'bool': return 'boolean';
      case 'byte': case 'i16': case 'i32': case 'double': return 'number';
      case 'i64': return 'bigint';
      case 'string': case 'uuid': return 'string';
      case 'binary': return this.g('Uint8Array');
      case 'list': return `${paren(this.readType(t.elem))}[]`;
      case 'set': return `${this.g('Set')}<${this.readType(t.elem)}>`;
      case 'map': return `${this.g('Map')}<${this.readType(t.key)}, ${this.readType(t.value)}>`;
      case 'enum': return this.ref(t.enum, t.enum.name);
      case 'struct': return this.ref(t.struct, this.ctx.names.get(this.ctx.owners.get(t.struct)!)!.structs.get(t.struct)!.value);
    }
  }

  /** The type of values of `t` the encoders accept. */
  private writeType(t: TypeDesc): string {
    switch (t.kind) {
      case 'i64': return 'bigint | number';
      case 'list': return `readonly ${paren(this.writeType(t.elem))}[]`;
      case 'set': {
        const e = this.writeType(t.elem);
        return `${this.g('ReadonlySet')}<${e}> | readonly ${paren(e)}[]`;
      }
      case 'map': {
        const v = this.writeType(t.value);
        const map = `${this.g('ReadonlyMap')}<${this.writeType(t.key)}, ${v}>`;
        return t.key.kind === 'string' ? `${map} | ${this.g('Readonly')}<${this.g('Record')}<string, ${v}>>` : map;
      }
      case 'struct': return this.ref(t.struct, this.ctx.names.get(this.ctx.owners.get(t.struct)!)!.structs.get(t.struct)!.init);
      default: return this.readType(t);
    }
  }

  /** `name` as this file refers to a definition of `desc`'s program. */
  private ref(desc: StructDesc | EnumDesc | ServiceDesc, name: string): string {
    const owner = this.ctx.owners.get(desc)!;
    return owner === this.program ? name : `${this.alias(owner)}.${name}`;
  }

  private alias(program: ProgramDesc): string {
    let alias = this.aliases.get(program);
    if (alias !== undefined) return alias;
    const taken = new Set([...this.own.declared, ...this.aliases.values()]);
    // Direct includes keep their IDL name (already reserved in this file's scope) when it is an identifier.
    const direct = this.program.includes.includes(program);
    alias = IDENT.test(program.name) && !RESERVED.has(program.name) && (direct || !taken.has(program.name)) && !(GLOBALS as readonly string[]).includes(program.name)
      ? program.name
      : `$${program.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    while ([...this.aliases.values()].includes(alias)) alias += '_';
    this.aliases.set(program, alias);
    return alias;
  }

  private g(name: GlobalName): string {
    return this.own.declared.has(name) ? `globalThis.${name}` : name;
  }

  private line(text: string): void {
    this.out.push(text);
  }
}

function ancestorFunctionNames(s: ServiceDesc): string[] {
  const out: string[] = [];
  for (let p: ServiceDesc | undefined = s; p; p = p.extends) for (const f of p.functions) out.push(f.name);
  return out;
}

function propKey(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

function paramName(name: string): string {
  return IDENT.test(name) && !RESERVED.has(name) ? name : `$${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function paren(type: string): string {
  return /[|&]|^readonly /.test(type) ? `(${type})` : type;
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** `text` as a single-quoted string literal (JSON text has no raw line breaks to escape). */
function singleQuoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}
