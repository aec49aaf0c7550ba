/**
 * The short type names TJSONProtocol writes for wire types: there is no spec
 * document, so these come from Apache's implementations
 * (lib/java/.../protocol/TJSONProtocol.java NAME_*, lib/nodejs/lib/thrift/json_protocol.js Type).
 */
import { TType } from './schema.js';

/** JSON type name by TType ('' where the TType has none). */
export const JSON_TYPE_NAME: readonly string[] = (() => {
  const names: string[] = new Array(17).fill('');
  names[TType.BOOL] = 'tf';
  names[TType.BYTE] = 'i8';
  names[TType.I16] = 'i16';
  names[TType.I32] = 'i32';
  names[TType.I64] = 'i64';
  names[TType.DOUBLE] = 'dbl';
  names[TType.STRING] = 'str';
  names[TType.STRUCT] = 'rec';
  names[TType.MAP] = 'map';
  names[TType.SET] = 'set';
  names[TType.LIST] = 'lst';
  names[TType.UUID] = 'uid';
  return names;
})();

/** The name packed into one number (chars big-endian, 8 bits each), as the reader computes it. */
function pack(name: string): number {
  let code = 0;
  for (let i = 0; i < name.length; i++) code = code * 256 + name.charCodeAt(i);
  return code;
}

const BY_CODE = new Map<number, number>();
for (let t = 0; t < JSON_TYPE_NAME.length; t++) if (JSON_TYPE_NAME[t] !== '') BY_CODE.set(pack(JSON_TYPE_NAME[t]), t);

/** The TType of a type name given packed (see above), or -1 when it names no type. */
export function ttypeOfJsonName(code: number): number {
  return BY_CODE.get(code) ?? -1;
}
