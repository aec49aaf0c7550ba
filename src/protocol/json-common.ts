/**
 * What the JSON reader and writer share: the frame kinds and states they track, the
 * punctuation, and the short type names TJSONProtocol writes for wire types (there
 * is no spec document, so these come from Apache's implementations
 * (lib/java/.../protocol/TJSONProtocol.java NAME_*, lib/nodejs/lib/thrift/json_protocol.js Type)).
 */
import { TType } from './schema.js';

/** Frame kind: at the top, outside any message. */
export const TOP = 0;
/** Frame kind: inside a message's array. */
export const MESSAGE = 1;
/** Frame kind: inside a struct's object. */
export const STRUCT = 2;
/** Frame kind: inside a list or set. */
export const LIST = 3;
/** Frame kind: inside a map. */
export const MAP = 4;

/** Struct state: no field yet. */
export const FRESH = 0;
/** Struct state: a field wrapper `{"type":` is open. */
export const OPEN = 1;
/** Struct state: the last field is closed. */
export const CLOSED = 2;

/** `"` */
export const QUOTE = 0x22;
/** `\` */
export const BACKSLASH = 0x5c;
/** `,` */
export const COMMA = 0x2c;
/** `:` */
export const COLON = 0x3a;

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
