/**
 * Skipping structs and containers, the same in every protocol: the walk uses only
 * the reader's public methods, and each reader skips its own base values.
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import { TType } from './schema.js';
import type { ProtocolReader } from './types.js';

/** Skips one struct, list, set or map of `ttype`; any other type is an unknown-type ProtocolError. */
export function skipComposite(r: ProtocolReader, ttype: number): void {
  switch (ttype) {
    case TType.STRUCT: {
      r.readStructBegin();
      for (let t = r.readFieldBegin(); t !== TType.STOP; t = r.readFieldBegin()) r.skip(t);
      r.readStructEnd();
      return;
    }
    case TType.LIST:
    case TType.SET: {
      const n = r.readListBegin();
      const t = r.elemType;
      for (let i = 0; i < n; i++) r.skip(t);
      r.readListEnd();
      return;
    }
    case TType.MAP: {
      const n = r.readMapBegin();
      const k = r.keyType;
      const v = r.valueType;
      for (let i = 0; i < n; i++) {
        r.skip(k);
        r.skip(v);
      }
      r.readMapEnd();
      return;
    }
    default:
      throw new ProtocolError(`unknown wire type ${ttype}`, ProtocolErrorType.INVALID_DATA);
  }
}
