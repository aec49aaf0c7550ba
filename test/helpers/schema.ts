/** Hand-built descriptors for tests that must not depend on the IDL loader. */
import type { FieldDesc, FunctionDesc, Requiredness, ServiceDesc, StructDesc, TypeDesc } from '../../src/protocol/index.js';

/** Base type descriptors by name. */
export const T = {
  bool: { kind: 'bool' },
  byte: { kind: 'byte' },
  i16: { kind: 'i16' },
  i32: { kind: 'i32' },
  i64: { kind: 'i64' },
  double: { kind: 'double' },
  string: { kind: 'string' },
  binary: { kind: 'binary' },
  uuid: { kind: 'uuid' },
  list: (elem: TypeDesc): TypeDesc => ({ kind: 'list', elem }),
  set: (elem: TypeDesc): TypeDesc => ({ kind: 'set', elem }),
  map: (key: TypeDesc, value: TypeDesc): TypeDesc => ({ kind: 'map', key, value }),
  struct: (struct: StructDesc): TypeDesc => ({ kind: 'struct', struct }),
} as const;

/** A field: [id, name, type, requiredness?]. */
export type F = [number, string, TypeDesc, Requiredness?];

export function field([id, name, type, req]: F): FieldDesc {
  return { id, name, type, requiredness: req ?? 'default', annotations: {} };
}

export function struct(name: string, fields: F[], kind: StructDesc['kind'] = 'struct'): StructDesc {
  return { kind, name, annotations: {}, fields: fields.map(field) };
}

export function fn(name: string, args: F[], returns?: TypeDesc, options: { oneway?: boolean; throws?: F[] } = {}): FunctionDesc {
  const throws = (options.throws ?? []).map((f) => field([f[0], f[1], f[2], 'optional']));
  return {
    name,
    oneway: options.oneway ?? false,
    returns,
    args: struct(`${name}_args`, args),
    result: { kind: 'struct', name: `${name}_result`, annotations: {}, fields: [...(returns ? [field([0, 'success', returns, 'optional'])] : []), ...throws] },
    throws,
    annotations: {},
  };
}

export function service(name: string, functions: FunctionDesc[], parent?: ServiceDesc): ServiceDesc {
  return { kind: 'service', name, extends: parent, functions, annotations: {} };
}
