/** Apache's TJSONProtocol as one object: writer, reader, message measuring and its codec cache. */
import { CodecCache } from './codec.js';
import { JsonReader, measureJson } from './json-reader.js';
import { JsonWriter } from './json-writer.js';
import type { Protocol, ReaderLimits } from './types.js';

export { JsonReader, measureJson } from './json-reader.js';
export { JsonWriter } from './json-writer.js';

// A cache of its own keeps the JSON call sites in the generated codecs monomorphic.
const jsonCodecs = new CodecCache();

/** TJSONProtocol: the JSON encoding Apache's Java, Python, C++ and Node libraries share. */
export const jsonProtocol: Protocol = {
  name: 'json',
  codecs: jsonCodecs,
  createWriter: () => new JsonWriter(),
  createReader: (limits?: ReaderLimits) => new JsonReader(limits),
  measure: measureJson,
};
