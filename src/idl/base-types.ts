/** The shared, frozen descriptors of the base types, used by the resolver and by generated modules alike. */
import type { BaseKind, BaseTypeDesc } from '../protocol/schema.js';

/** Shared, frozen descriptors of the base types. */
export const BASE_TYPES: Readonly<Record<BaseKind, BaseTypeDesc>> = Object.freeze({
  bool: Object.freeze({ kind: 'bool' }),
  byte: Object.freeze({ kind: 'byte' }),
  i16: Object.freeze({ kind: 'i16' }),
  i32: Object.freeze({ kind: 'i32' }),
  i64: Object.freeze({ kind: 'i64' }),
  double: Object.freeze({ kind: 'double' }),
  string: Object.freeze({ kind: 'string' }),
  binary: Object.freeze({ kind: 'binary' }),
  uuid: Object.freeze({ kind: 'uuid' }),
});
