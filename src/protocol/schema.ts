/**
 * The schema as plain data: what the IDL loader produces and what the codecs,
 * the processor and the client read. Descriptors may reference each other in
 * cycles (a struct holding a list of itself); nothing here holds behaviour
 * except the optional `ctor` the loader attaches to structs.
 */

/** Wire type ids, from apache/thrift doc/specs/thrift-binary-protocol.md. */
export const TType = {
  STOP: 0,
  VOID: 1,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;

/** Message types, from apache/thrift doc/specs/thrift-rpc.md. */
export const MessageType = {
  CALL: 1,
  REPLY: 2,
  EXCEPTION: 3,
  ONEWAY: 4,
} as const;

/** Names of the base types. `byte` and `i8` are the same type. */
export type BaseKind = 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' | 'uuid';

/** A base type. */
export interface BaseTypeDesc {
  readonly kind: BaseKind;
}
/** list<elem>. */
export interface ListTypeDesc {
  readonly kind: 'list';
  readonly elem: TypeDesc;
}
/** set<elem>. */
export interface SetTypeDesc {
  readonly kind: 'set';
  readonly elem: TypeDesc;
}
/** map<key, value>. */
export interface MapTypeDesc {
  readonly kind: 'map';
  readonly key: TypeDesc;
  readonly value: TypeDesc;
}
/** A reference to an enum; values travel as i32. */
export interface EnumTypeDesc {
  readonly kind: 'enum';
  readonly enum: EnumDesc;
}
/** A reference to a struct, union or exception. */
export interface StructTypeDesc {
  readonly kind: 'struct';
  readonly struct: StructDesc;
}

/** Any field, argument, element or return type, with typedefs resolved. */
export type TypeDesc = BaseTypeDesc | ListTypeDesc | SetTypeDesc | MapTypeDesc | EnumTypeDesc | StructTypeDesc;

/** `key = "value"` annotations in parentheses after a definition. */
export type Annotations = Readonly<Record<string, string>>;

/** Requiredness as written in the IDL (`default` when neither keyword is given). */
export type Requiredness = 'required' | 'optional' | 'default';

/** One field of a struct, union, exception, argument list or result. */
export interface FieldDesc {
  readonly id: number;
  readonly name: string;
  readonly type: TypeDesc;
  readonly requiredness: Requiredness;
  /** The default value as a runtime value (see the value mapping in the README), if the IDL gives one. */
  readonly default?: unknown;
  readonly annotations: Annotations;
}

/** Constructor the loader attaches to a struct: builds an instance from a plain object of fields, applying defaults. */
export type StructCtor = new (init?: Record<string, unknown>) => object;

/** A struct, union or exception, or the synthetic args/result struct of a function. */
export interface StructDesc {
  readonly kind: 'struct' | 'union' | 'exception';
  readonly name: string;
  /** Fields in declaration order. */
  readonly fields: readonly FieldDesc[];
  readonly annotations: Annotations;
  /** Set by the loader for named structs; absent for synthetic ones (decoded as plain objects). */
  ctor?: StructCtor;
}

/** One enum value. */
export interface EnumValueDesc {
  readonly name: string;
  readonly value: number;
  readonly annotations: Annotations;
}

/** An enum. */
export interface EnumDesc {
  readonly name: string;
  readonly values: readonly EnumValueDesc[];
  readonly annotations: Annotations;
}

/** One service function. */
export interface FunctionDesc {
  readonly name: string;
  readonly oneway: boolean;
  /** The return type, or undefined for `void`. */
  readonly returns: TypeDesc | undefined;
  /** Synthetic struct `<name>_args`: the arguments, in declaration order. */
  readonly args: StructDesc;
  /** Synthetic struct `<name>_result`: field 0 `success` (absent for void), then the declared exceptions. */
  readonly result: StructDesc;
  /** The declared exceptions (the `throws` fields). */
  readonly throws: readonly FieldDesc[];
  readonly annotations: Annotations;
}

/** A service. `functions` holds only its own functions; inherited ones are reached through `extends`. */
export interface ServiceDesc {
  readonly kind: 'service';
  readonly name: string;
  readonly extends: ServiceDesc | undefined;
  readonly functions: readonly FunctionDesc[];
  readonly annotations: Annotations;
}

// Type-only key: the types of a TypedService exist for the compiler, never at run time.
// (`0 extends 1 & S` below is true only for `any`, what load()'s module members are.)
declare const serviceTypes: unique symbol;

/** A service from generated code: a ServiceDesc that also carries its client and handler types. */
export interface TypedService<Client extends object, Handler extends object> extends ServiceDesc {
  /** Phantom: absent at run time. */
  readonly [serviceTypes]: { readonly client: Client; readonly handler: Handler };
}

/** The client methods of a service: typed for a TypedService, any method for a plain ServiceDesc from load(). */
export type ClientOf<S extends ServiceDesc> = 0 extends 1 & S ? { [method: string]: any }
  : S extends { readonly [serviceTypes]: { readonly client: infer C } } ? C : { [method: string]: any };

/** The handler a service needs: typed for a TypedService, any object for a plain ServiceDesc from load(). */
export type HandlerOf<S extends ServiceDesc> = 0 extends 1 & S ? object
  : S extends { readonly [serviceTypes]: { readonly handler: infer H } } ? H : object;

/** A constant, with its value converted to the runtime value mapping. */
export interface ConstDesc {
  readonly name: string;
  readonly type: TypeDesc;
  readonly value: unknown;
}

/** A typedef, kept for reflection and code generation; uses are already resolved. */
export interface TypedefDesc {
  readonly name: string;
  readonly type: TypeDesc;
}

/** One loaded .thrift file. */
export interface ProgramDesc {
  /** The file's base name without `.thrift`, the prefix other files use (`shared.Type`). */
  readonly name: string;
  /** Absolute path, or `<source>` for loadSource. */
  readonly path: string;
  readonly includes: readonly ProgramDesc[];
  /** `namespace <scope> <name>` pairs. */
  readonly namespaces: Readonly<Record<string, string>>;
  readonly structs: readonly StructDesc[];
  readonly enums: readonly EnumDesc[];
  readonly services: readonly ServiceDesc[];
  readonly consts: readonly ConstDesc[];
  readonly typedefs: readonly TypedefDesc[];
}

/** Whether `v` is a service descriptor (what load() gives for a `service`). */
export function isService(v: unknown): v is ServiceDesc {
  return v !== null && typeof v === 'object' && (v as ServiceDesc).kind === 'service';
}

/** True for a module Apache's compiler generated for Node (gen-nodejs/Svc.js: `Client` and `Processor` classes). */
export function isApacheGenerated(v: unknown): boolean {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  const m = v as { Client?: unknown; Processor?: unknown };
  return typeof m.Client === 'function' && typeof m.Processor === 'function';
}

/** Where to get a service from, for the error about a first argument that is not one. */
export function notAServiceMessage(caller: string, v: unknown): string {
  if (isApacheGenerated(v)) {
    return (
      `${caller}: this is a module Apache's compiler generated (gen-nodejs, with Client and Processor); ` +
      'load the .thrift file instead — load(file).MyService — or generate typed code with `thrift-streams gen <file.thrift> -o <dir>`'
    );
  }
  if (typeof v === 'string') {
    return `${caller}: the first argument must be a service from load(), got a string — Apache's createConnection(host, port, options) is createConnection(service, { host, port }) here`;
  }
  const got = v === undefined ? ' (got undefined: is the name spelled as in the IDL?)' : v === null || typeof v !== 'object' ? ` (got ${v === null ? 'null' : typeof v})` : '';
  return `${caller}: the first argument must be a service from load(), e.g. load(file).MyService${got}`;
}

/** The TypeError a factory named `caller` throws when its first argument is not a service. */
export function assertService(caller: string, v: unknown): asserts v is ServiceDesc {
  if (!isService(v)) throw new TypeError(notAServiceMessage(caller, v));
}

/** All functions of a service, its ancestors' included, keyed by name (the child wins on a clash). */
export function serviceFunctions(service: ServiceDesc): Map<string, FunctionDesc> {
  const chain: ServiceDesc[] = [];
  for (let s: ServiceDesc | undefined = service; s; s = s.extends) chain.unshift(s);
  const map = new Map<string, FunctionDesc>();
  for (const s of chain) for (const f of s.functions) map.set(f.name, f);
  return map;
}

/** The wire type id of a type descriptor. */
export function ttypeOf(type: TypeDesc): number {
  switch (type.kind) {
    case 'bool': return TType.BOOL;
    case 'byte': return TType.BYTE;
    case 'i16': return TType.I16;
    case 'i32': case 'enum': return TType.I32;
    case 'i64': return TType.I64;
    case 'double': return TType.DOUBLE;
    case 'string': case 'binary': return TType.STRING;
    case 'uuid': return TType.UUID;
    case 'list': return TType.LIST;
    case 'set': return TType.SET;
    case 'map': return TType.MAP;
    case 'struct': return TType.STRUCT;
  }
}
