/**
 * node:zlib's one-shot deflate and inflate as the THeader zlib transform's codec
 * (zlib.compress / zlib.decompress in Apache's Python). The universal THeader
 * code takes a codec by injection; this Node one lives here so the browser graph
 * never names node:zlib. The module is fetched on first use (synchronously, as the
 * codec must answer), like the other node/ files, so this folder loads without it.
 */
import type * as NodeZlib from 'node:zlib';
import { FrameTooLargeError, ProtocolError } from '../errors.js';
import type { ZlibCodec } from '../transport/index.js';

let zlibModule: typeof NodeZlib | undefined;

function nodeZlib(): typeof NodeZlib {
  zlibModule ??= process.getBuiltinModule('node:zlib');
  return zlibModule;
}

const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The THeader zlib codec over node:zlib, which the socket client and server inject by default. */
export const nodeZlibCodec: ZlibCodec = {
  deflate: (bytes) => plain(nodeZlib().deflateSync(bytes)),
  inflate: (bytes, maxOutputLength) => {
    try {
      return plain(nodeZlib().inflateSync(bytes, { maxOutputLength }));
    } catch (e) {
      // node:zlib reports output past maxOutputLength as a RangeError.
      if (e instanceof RangeError) throw new FrameTooLargeError(maxOutputLength + 1, maxOutputLength, 'inflated data');
      throw new ProtocolError(`THeader zlib payload does not inflate: ${(e as Error).message}`, undefined, { cause: e });
    }
  },
};
