/**
 * The syntax tree of one .thrift file, as the parser builds it: names are
 * still unresolved text and values are still literals. Every node carries the
 * 1-based position that errors about it should name.
 */
import type { Annotations, BaseKind, Requiredness } from '../protocol/schema.js';

/** A 1-based source position. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** A type as written. */
export type TypeNode =
  | { readonly kind: 'base'; readonly base: BaseKind; readonly pos: Pos }
  | { readonly kind: 'ref'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'list' | 'set'; readonly elem: TypeNode; readonly pos: Pos }
  | { readonly kind: 'map'; readonly key: TypeNode; readonly value: TypeNode; readonly pos: Pos };

/** A constant value as written. */
export type ValueNode =
  | { readonly kind: 'int'; readonly value: bigint; readonly isBool: boolean; readonly pos: Pos }
  | { readonly kind: 'double'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  | { readonly kind: 'ident'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'list'; readonly items: readonly ValueNode[]; readonly pos: Pos }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [ValueNode, ValueNode])[]; readonly pos: Pos };

/** A field of a struct, argument list or throws clause. */
export interface FieldNode {
  /** The id as Apache assigns it: the written positive id, else the next of -1, -2, … */
  readonly id: number;
  readonly name: string;
  readonly requiredness: Requiredness;
  readonly type: TypeNode;
  readonly default: ValueNode | undefined;
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** `const T NAME = value`. */
export interface ConstNode {
  readonly kind: 'const';
  readonly name: string;
  readonly type: TypeNode;
  readonly value: ValueNode;
  readonly pos: Pos;
}

/** `typedef T NAME`. */
export interface TypedefNode {
  readonly kind: 'typedef';
  readonly name: string;
  readonly type: TypeNode;
  readonly pos: Pos;
}

/** One `NAME = value` of an enum, the value already numbered. */
export interface EnumValueNode {
  readonly name: string;
  readonly value: number;
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** `enum NAME { ... }`. */
export interface EnumNode {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly EnumValueNode[];
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** `struct`, `union` or `exception`. */
export interface StructNode {
  readonly kind: 'struct' | 'union' | 'exception';
  readonly name: string;
  readonly fields: readonly FieldNode[];
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** One service function. */
export interface FunctionNode {
  readonly name: string;
  readonly oneway: boolean;
  /** Undefined for `void`. */
  readonly returns: TypeNode | undefined;
  readonly args: readonly FieldNode[];
  readonly throws: readonly FieldNode[];
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** `service NAME extends BASE { ... }`. */
export interface ServiceNode {
  readonly kind: 'service';
  readonly name: string;
  readonly extends: { readonly name: string; readonly pos: Pos } | undefined;
  readonly functions: readonly FunctionNode[];
  readonly annotations: Annotations;
  readonly pos: Pos;
}

/** Any top-level definition. */
export type DefinitionNode = ConstNode | TypedefNode | EnumNode | StructNode | ServiceNode;

/** `include "path"`. */
export interface IncludeNode {
  readonly path: string;
  readonly pos: Pos;
}

/** A whole file. */
export interface DocumentNode {
  readonly includes: readonly IncludeNode[];
  readonly cppIncludes: readonly string[];
  readonly namespaces: Readonly<Record<string, string>>;
  readonly definitions: readonly DefinitionNode[];
}
